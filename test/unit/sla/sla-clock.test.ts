import { describe, expect, it } from 'vitest';
import type { Category } from '../../../shared/domain/workflow';
import { BusinessCalendar } from '../../../shared/sla/business-calendar';
import { evaluateSla, nextSlaInstants, slaClocks, type SlaInput } from '../../../shared/sla/sla-clock';

const at = (iso: string) => new Date(iso);
const weekdays = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['08:30', '17:30']] as [string, string][]]));
const amsterdam = new BusinessCalendar({
  timezone: 'Europe/Amsterdam',
  coverage: 'business-hours',
  businessHours: weekdays,
  holidays: ['2026-12-25', '2026-12-26'],
});

/** Local Amsterdam times in March 2026 (CET, +01:00) unless an offset is given. */
const cet = (local: string) => at(local.includes('+') || local.endsWith('Z') ? local : `${local}+01:00`);

function input(timeline: [string, Category][], now: string, response: number | null, resolution: number | null, calendar = amsterdam): SlaInput {
  return { events: timeline.map(([t, category]) => ({ at: cet(t), category })), now: cet(now), targets: { response, resolution }, calendar };
}

describe('SLA clocks: start, weekends, the calendar', () => {
  it('a ticket created on Saturday night starts counting on Monday 08:30', () => {
    const created: [string, Category][] = [['2026-03-07T23:00', 'new']];
    const sunday = slaClocks(input(created, '2026-03-08T12:00', 60, 480));
    expect(sunday.response).toEqual({ targetMinutes: 60, elapsedMinutes: 0, state: 'running', dueAt: '2026-03-09T08:30:00.000Z', breachedAt: null });
    expect(sunday.resolution.dueAt).toBe('2026-03-09T15:30:00.000Z'); // Mon 08:30 + 8 h

    const monday = slaClocks(input(created, '2026-03-09T09:00', 60, 480));
    expect(monday.response).toEqual({ targetMinutes: 60, elapsedMinutes: 30, state: 'running', dueAt: '2026-03-09T08:30:00.000Z', breachedAt: null });

    // past its target it says so, and (still counting) keeps the instant it was due
    const late = slaClocks(input(created, '2026-03-09T10:00', 60, 480));
    expect(late.response).toEqual({
      targetMinutes: 60,
      elapsedMinutes: 90,
      state: 'breached',
      dueAt: '2026-03-09T08:30:00.000Z',
      breachedAt: '2026-03-09T08:30:00.000Z',
    });
  });

  it('runs across Christmas and the weekend', () => {
    const clocks = slaClocks(input([['2026-12-24T17:00', 'active']], '2026-12-28T09:00', 60, 1440));
    expect(clocks.response).toMatchObject({ elapsedMinutes: 60, breachedAt: '2026-12-28T08:00:00.000Z', state: 'breached' });
    expect(clocks.resolution).toMatchObject({ elapsedMinutes: 60, dueAt: '2026-12-30T13:00:00.000Z', breachedAt: null, state: 'running' });
  });

  it('with 24x7 coverage, counts the real hours of the spring-forward night', () => {
    const allDay = new BusinessCalendar({ timezone: 'Europe/Amsterdam', coverage: '24x7', businessHours: {}, holidays: [] });
    // Sat 22:00 CET + 240 real minutes = Sun 03:00 CEST (the wall clock shows 5 hours later).
    const clocks = slaClocks(input([['2026-03-28T22:00', 'new']], '2026-03-29T04:00+02:00', 240, null, allDay));
    expect(clocks.response).toMatchObject({ elapsedMinutes: 300, breachedAt: '2026-03-29T01:00:00.000Z', state: 'breached' });
    expect(clocks.resolution).toEqual({ targetMinutes: null, elapsedMinutes: 300, state: 'none', dueAt: null, breachedAt: null });
  });

  it('floors elapsed working time to whole minutes only at the end', () => {
    const timeline: [string, Category][] = [['2026-03-09T09:00:00', 'new']];
    expect(slaClocks(input(timeline, '2026-03-09T09:00:59.999', 60, null)).response.elapsedMinutes).toBe(0);
    expect(slaClocks(input(timeline, '2026-03-09T09:01:00', 60, null)).response.elapsedMinutes).toBe(1);
    // 30 s + 30 s of counting around a pause make one minute.
    const paused: [string, Category][] = [
      ['2026-03-09T09:00:00', 'new'],
      ['2026-03-09T09:00:30', 'waiting_third_party'],
      ['2026-03-09T10:00:00', 'active'],
    ];
    expect(evaluateSla(input(paused, '2026-03-09T10:00:30', 60, null)).response).toMatchObject({ elapsedMs: 60_000, elapsedMinutes: 1 });
  });
});

describe('SLA clocks: the response metric (seed 004)', () => {
  const timeline: [string, Category][] = [
    ['2026-03-09T09:00', 'new'],
    ['2026-03-09T09:20', 'active'],
    ['2026-03-09T10:00', 'waiting_customer'],
    ['2026-03-10T10:00', 'active'], // the customer answered
    ['2026-03-11T10:00', 'resolved'],
    ['2026-03-12T10:00', 'active'], // reopened
  ];

  it('stops at the first waiting-on-customer (met: before its target) and does not restart on the answer nor on reopen', () => {
    for (const now of ['2026-03-09T12:00', '2026-03-10T12:00', '2026-03-12T12:00']) {
      expect(slaClocks(input(timeline, now, 120, null)).response).toEqual({
        targetMinutes: 120,
        elapsedMinutes: 60,
        state: 'met',
        dueAt: null,
        breachedAt: null,
      });
    }
  });

  it('also stops at scheduled, and an instantaneous pass through waiting_customer counts as the response', () => {
    expect(
      slaClocks(
        input(
          [
            ['2026-03-09T09:00', 'new'],
            ['2026-03-09T09:45', 'scheduled'],
            ['2026-03-09T10:00', 'active'],
          ],
          '2026-03-09T12:00',
          60,
          null,
        ),
      ).response,
    ).toMatchObject({ elapsedMinutes: 45, state: 'met' });
    expect(
      slaClocks(
        input(
          [
            ['2026-03-09T09:00', 'new'],
            ['2026-03-09T09:10', 'waiting_customer'],
            ['2026-03-09T09:10', 'active'],
          ],
          '2026-03-09T12:00',
          60,
          null,
        ),
      ).response,
    ).toMatchObject({ elapsedMinutes: 10, state: 'met' });
  });

  it('keeps its breach after stopping: breached, not met', () => {
    const clock = slaClocks(
      input(
        [
          ['2026-03-09T09:00', 'new'],
          ['2026-03-09T10:30', 'waiting_customer'],
        ],
        '2026-03-10T12:00',
        60,
        null,
      ),
    ).response;
    expect(clock).toEqual({ targetMinutes: 60, elapsedMinutes: 90, state: 'breached', dueAt: null, breachedAt: '2026-03-09T09:00:00.000Z' });
  });

  it('pauses while waiting on a third party', () => {
    const thirdParty: [string, Category][] = [
      ['2026-03-09T09:00', 'new'],
      ['2026-03-09T09:30', 'waiting_third_party'],
      ['2026-03-10T09:30', 'active'],
    ];
    expect(slaClocks(input(thirdParty, '2026-03-09T15:00', 60, 480))).toEqual({
      response: { targetMinutes: 60, elapsedMinutes: 30, state: 'paused', dueAt: null, breachedAt: null },
      resolution: { targetMinutes: 480, elapsedMinutes: 30, state: 'paused', dueAt: null, breachedAt: null },
      update: { targetMinutes: null, elapsedMinutes: 0, state: 'none', dueAt: null, breachedAt: null }, // not urgent
    });
    // reaching the target exactly is the breach; counting again, it keeps its due instant
    expect(slaClocks(input(thirdParty, '2026-03-10T10:00', 60, 480)).response).toEqual({
      targetMinutes: 60,
      elapsedMinutes: 60,
      state: 'breached',
      dueAt: '2026-03-10T09:00:00.000Z',
      breachedAt: '2026-03-10T09:00:00.000Z',
    });
    expect(slaClocks(input(thirdParty, '2026-03-10T09:59', 60, 480)).response).toMatchObject({ elapsedMinutes: 59, state: 'running', breachedAt: null });
  });

  it('a breached clock stays breached while paused, with no due instant', () => {
    const clocks = evaluateSla(
      input(
        [
          ['2026-03-09T09:00', 'new'],
          ['2026-03-09T10:30', 'waiting_third_party'],
        ],
        '2026-03-09T12:00',
        60,
        480,
      ),
    );
    expect(clocks.response).toMatchObject({ elapsedMinutes: 90, state: 'breached', counting: false, dueAt: null, breachedAt: at('2026-03-09T09:00:00Z') });
    expect(clocks.resolution).toMatchObject({ elapsedMinutes: 90, state: 'paused', counting: false, dueAt: null, breachedAt: null });
  });

  it('a pause that starts and ends outside business hours changes nothing', () => {
    const plain = slaClocks(input([['2026-03-06T16:00', 'active']], '2026-03-09T10:00', 480, 960));
    const paused = slaClocks(
      input(
        [
          ['2026-03-06T16:00', 'active'],
          ['2026-03-06T18:00', 'waiting_third_party'],
          ['2026-03-09T08:00', 'active'],
        ],
        '2026-03-09T10:00',
        480,
        960,
      ),
    );
    expect(paused).toEqual(plain);
    expect(paused.response).toMatchObject({ elapsedMinutes: 180, state: 'running', dueAt: '2026-03-09T14:00:00.000Z' });
    // A waiting-on-customer pause over the weekend likewise leaves the resolution clock as it was.
    const waiting = slaClocks(
      input(
        [
          ['2026-03-06T16:00', 'active'],
          ['2026-03-06T18:00', 'waiting_customer'],
          ['2026-03-09T08:00', 'active'],
        ],
        '2026-03-09T10:00',
        480,
        960,
      ),
    );
    expect(waiting.resolution).toEqual(plain.resolution);
    expect(waiting.response).toMatchObject({ elapsedMinutes: 90, state: 'met' });
  });

  it('does not count while cancelled: stopped, not met (ended without its stop condition)', () => {
    const clocks = slaClocks(
      input(
        [
          ['2026-03-09T09:00', 'new'],
          ['2026-03-09T09:40', 'cancelled'],
        ],
        '2026-03-11T12:00',
        60,
        480,
      ),
    );
    expect(clocks.response).toEqual({ targetMinutes: 60, elapsedMinutes: 40, state: 'stopped', dueAt: null, breachedAt: null });
    expect(clocks.resolution).toEqual({ targetMinutes: 480, elapsedMinutes: 40, state: 'stopped', dueAt: null, breachedAt: null });
  });

  it('a cancelled ticket keeps what its clocks became before: a response already given is met, a reached target breached', () => {
    const clocks = slaClocks(
      input(
        [
          ['2026-03-09T09:00', 'new'],
          ['2026-03-09T09:20', 'waiting_customer'],
          ['2026-03-09T09:30', 'active'],
          ['2026-03-09T10:30', 'cancelled'],
        ],
        '2026-03-11T12:00',
        60,
        60,
      ),
    );
    expect(clocks.response).toEqual({ targetMinutes: 60, elapsedMinutes: 20, state: 'met', dueAt: null, breachedAt: null });
    // resolution: 20 min, paused 10, then 60 more: the target was reached at 10:10, before the cancel
    expect(clocks.resolution).toEqual({ targetMinutes: 60, elapsedMinutes: 80, state: 'breached', dueAt: null, breachedAt: '2026-03-09T09:10:00.000Z' });
  });
});

describe('SLA clocks: the resolution metric', () => {
  it('resumes after reopen from the time already used', () => {
    const timeline: [string, Category][] = [
      ['2026-03-09T09:00', 'new'],
      ['2026-03-09T10:00', 'waiting_customer'], // paused
      ['2026-03-10T10:00', 'active'], // 60 so far
      ['2026-03-11T10:00', 'resolved'], // + 450 + 90 = 600
      ['2026-03-12T10:00', 'active'], // reopened
    ];
    expect(slaClocks(input(timeline, '2026-03-11T16:00', null, 1440)).resolution).toEqual({
      targetMinutes: 1440,
      elapsedMinutes: 600,
      state: 'met',
      dueAt: null,
      breachedAt: null,
    });
    // Thu 12:00: 600 + 120 = 720 used, 720 to go: Thu 12:00–17:30 (330) + Fri 08:30 + 390 = 15:00.
    expect(slaClocks(input(timeline, '2026-03-12T12:00', null, 1440)).resolution).toEqual({
      targetMinutes: 1440,
      elapsedMinutes: 720,
      state: 'running',
      dueAt: '2026-03-13T14:00:00.000Z',
      breachedAt: null,
    });
  });

  it('stops at closed (met) and cancelled (stopped), and is paused while waiting on the customer or a third party', () => {
    const base: [string, Category][] = [['2026-03-09T09:00', 'new']];
    expect(slaClocks(input([...base, ['2026-03-09T09:30', 'closed']], '2026-03-09T12:00', null, 60)).resolution.state).toBe('met');
    expect(slaClocks(input([...base, ['2026-03-09T09:30', 'cancelled']], '2026-03-09T12:00', null, 60)).resolution.state).toBe('stopped');
    // after the target, resolving it does not make it met
    expect(slaClocks(input([...base, ['2026-03-09T10:30', 'resolved']], '2026-03-09T12:00', null, 60)).resolution).toMatchObject({
      state: 'breached',
      elapsedMinutes: 90,
      breachedAt: '2026-03-09T09:00:00.000Z',
    });
    for (const category of ['waiting_customer', 'waiting_third_party'] as const) {
      expect(slaClocks(input([...base, ['2026-03-09T09:30', category]], '2026-03-09T12:00', null, 60)).resolution).toMatchObject({
        state: 'paused',
        elapsedMinutes: 30,
      });
    }
    // scheduled pauses neither metric's resolution: it keeps running.
    expect(slaClocks(input([...base, ['2026-03-09T09:30', 'scheduled']], '2026-03-09T12:00', null, 600)).resolution).toMatchObject({
      state: 'running',
      elapsedMinutes: 180,
    });
  });

  it('records the breach in the right counting stretch, before a pause', () => {
    const clock = slaClocks(
      input(
        [
          ['2026-03-09T09:00', 'new'],
          ['2026-03-09T11:00', 'waiting_third_party'],
          ['2026-03-10T09:00', 'active'],
        ],
        '2026-03-10T12:00',
        null,
        100,
      ),
    ).resolution;
    expect(clock).toEqual({
      targetMinutes: 100,
      elapsedMinutes: 300,
      state: 'breached',
      dueAt: '2026-03-09T09:40:00.000Z',
      breachedAt: '2026-03-09T09:40:00.000Z',
    });
  });
});

describe('SLA clocks: the update metric (seed 001: status updates on urgent tickets)', () => {
  /** An urgent ticket whose current update cycle started at `since` (the last public staff comment, or when it became urgent). */
  const urgent = (timeline: [string, Category][], now: string, since: string, target: number | null = 240): SlaInput => ({
    ...input(timeline, now, null, null),
    update: { since: cet(since), target },
  });
  // Monday 9 March 2026, 08:30–17:30 CET
  const open: [string, Category][] = [
    ['2026-03-09T09:00', 'new'],
    ['2026-03-09T10:00', 'waiting_customer'],
    ['2026-03-09T16:00', 'waiting_third_party'],
  ];

  it('is none, with nothing counted, for a ticket that is not urgent', () => {
    expect(slaClocks(input(open, '2026-03-10T12:00', 60, 480)).update).toEqual({
      targetMinutes: null,
      elapsedMinutes: 0,
      state: 'none',
      dueAt: null,
      breachedAt: null,
    });
    expect(nextSlaInstants(input(open, '2026-03-09T09:00', null, null)).update).toEqual({ warningAt: null, breachAt: null });
  });

  it('counts working time since the cycle started, waiting on the customer or a third party included, across the night', () => {
    // the last public staff comment at Mon 15:00: Mon 15:00–17:30 (150) + Tue 08:30–09:30 (60)
    expect(slaClocks(urgent(open, '2026-03-10T09:30', '2026-03-09T15:00')).update).toEqual({
      targetMinutes: 240,
      elapsedMinutes: 210,
      state: 'running',
      dueAt: '2026-03-10T09:00:00.000Z', // Tue 10:00 CET
      breachedAt: null,
    });
    // 75 % (180 min) falls on Tue 09:00 CET, the target on Tue 10:00 CET
    expect(nextSlaInstants(urgent(open, '2026-03-09T16:00', '2026-03-09T15:00')).update).toEqual({
      warningAt: at('2026-03-10T08:00:00Z'),
      breachAt: at('2026-03-10T09:00:00Z'),
    });
  });

  it('is breached once the target is reached, and keeps counting (its due instant stays)', () => {
    const clock = evaluateSla(urgent(open, '2026-03-10T10:30', '2026-03-09T15:00')).update;
    expect(clock).toMatchObject({
      elapsedMinutes: 270,
      state: 'breached',
      counting: true,
      breachedAt: at('2026-03-10T09:00:00Z'),
      dueAt: at('2026-03-10T09:00:00Z'),
    });
    expect(nextSlaInstants(urgent(open, '2026-03-10T10:30', '2026-03-09T15:00')).update).toEqual({ warningAt: null, breachAt: null });
  });

  it('a new cycle (a later public staff comment) counts from its own start', () => {
    expect(slaClocks(urgent(open, '2026-03-10T10:30', '2026-03-10T10:00')).update).toMatchObject({
      elapsedMinutes: 30,
      state: 'running',
      dueAt: '2026-03-10T13:00:00.000Z', // Tue 14:00 CET
      breachedAt: null,
    });
  });

  it('never counts before the submission', () => {
    expect(slaClocks(urgent(open, '2026-03-09T10:00', '2026-03-06T12:00')).update).toMatchObject({ elapsedMinutes: 60, state: 'running' });
  });

  it('ends when resolved (met before the target), counts on from the time used when reopened, and stops (not met) when cancelled', () => {
    const resolvedThenReopened: [string, Category][] = [
      ['2026-03-09T09:00', 'new'],
      ['2026-03-09T11:00', 'resolved'],
      ['2026-03-09T14:00', 'active'],
    ];
    expect(slaClocks(urgent(resolvedThenReopened, '2026-03-09T12:00', '2026-03-09T09:00')).update).toEqual({
      targetMinutes: 240,
      elapsedMinutes: 120,
      state: 'met',
      dueAt: null,
      breachedAt: null,
    });
    expect(nextSlaInstants(urgent(resolvedThenReopened, '2026-03-09T12:00', '2026-03-09T09:00')).next).toBeNull();
    expect(slaClocks(urgent(resolvedThenReopened, '2026-03-09T15:00', '2026-03-09T09:00')).update).toMatchObject({
      elapsedMinutes: 180,
      state: 'running',
      dueAt: '2026-03-09T15:00:00.000Z', // Mon 16:00 CET
    });
    const cancelled: [string, Category][] = [
      ['2026-03-09T09:00', 'new'],
      ['2026-03-09T10:00', 'cancelled'],
    ];
    expect(slaClocks(urgent(cancelled, '2026-03-09T16:00', '2026-03-09T09:00')).update).toMatchObject({ elapsedMinutes: 60, state: 'stopped', dueAt: null });
    // resolved after the target: breached, not met
    const late: [string, Category][] = [
      ['2026-03-09T09:00', 'new'],
      ['2026-03-09T14:00', 'resolved'],
    ];
    expect(slaClocks(urgent(late, '2026-03-09T16:00', '2026-03-09T09:00')).update).toEqual({
      targetMinutes: 240,
      elapsedMinutes: 300,
      state: 'breached',
      dueAt: null,
      breachedAt: '2026-03-09T12:00:00.000Z',
    });
  });

  it('without a target it is none but still counts', () => {
    expect(slaClocks(urgent(open, '2026-03-09T10:00', '2026-03-09T09:00', null)).update).toEqual({
      targetMinutes: null,
      elapsedMinutes: 60,
      state: 'none',
      dueAt: null,
      breachedAt: null,
    });
  });
});

describe('SLA clocks: edges', () => {
  it('ignores events after now, and treats a now before the submission as the submission', () => {
    const timeline: [string, Category][] = [
      ['2026-03-09T09:00', 'new'],
      ['2026-03-09T11:00', 'resolved'],
    ];
    expect(slaClocks(input(timeline, '2026-03-09T10:00', 60, 480)).resolution).toMatchObject({ state: 'running', elapsedMinutes: 60 });
    expect(slaClocks(input(timeline, '2026-03-09T08:00', 60, 480)).response).toMatchObject({
      state: 'running',
      elapsedMinutes: 0,
      dueAt: '2026-03-09T09:00:00.000Z',
    });
  });

  it('a target of 0 is breached at submission', () => {
    expect(slaClocks(input([['2026-03-07T23:00', 'new']], '2026-03-07T23:30', 0, null)).response.breachedAt).toBe('2026-03-07T22:00:00.000Z');
  });

  it('refuses an empty or unordered timeline and bad targets', () => {
    expect(() => evaluateSla(input([], '2026-03-09T10:00', 60, 60))).toThrow(RangeError);
    expect(() =>
      evaluateSla(
        input(
          [
            ['2026-03-09T10:00', 'new'],
            ['2026-03-09T09:00', 'active'],
          ],
          '2026-03-09T10:00',
          60,
          60,
        ),
      ),
    ).toThrow(RangeError);
    expect(() => evaluateSla(input([['2026-03-09T10:00', 'new']], '2026-03-09T10:00', -5, 60))).toThrow(RangeError);
  });
});

describe('nextSlaInstants', () => {
  it('gives the 75 % warning and the breach of each running clock, and the earliest', () => {
    const wake = nextSlaInstants(input([['2026-03-09T09:00', 'new']], '2026-03-09T09:10', 60, 480));
    expect(wake).toEqual({
      response: { warningAt: at('2026-03-09T08:45:00Z'), breachAt: at('2026-03-09T09:00:00Z') },
      resolution: { warningAt: at('2026-03-09T14:00:00Z'), breachAt: at('2026-03-09T16:00:00Z') },
      update: { warningAt: null, breachAt: null },
      next: at('2026-03-09T08:45:00Z'),
    });
  });

  it('follows the calendar: a warning falling after closing time moves to the next working day', () => {
    const wake = nextSlaInstants(input([['2026-03-06T17:00', 'new']], '2026-03-06T17:00', 60, null));
    expect(wake.response).toEqual({ warningAt: at('2026-03-09T07:45:00Z'), breachAt: at('2026-03-09T08:00:00Z') });
  });

  it('drops what has passed, and everything while paused, stopped or without target', () => {
    const passedWarning = nextSlaInstants(input([['2026-03-09T09:00', 'new']], '2026-03-09T09:50', 60, null));
    expect(passedWarning).toEqual({
      response: { warningAt: null, breachAt: at('2026-03-09T09:00:00Z') },
      resolution: { warningAt: null, breachAt: null },
      update: { warningAt: null, breachAt: null },
      next: at('2026-03-09T09:00:00Z'),
    });
    const breached = nextSlaInstants(input([['2026-03-09T09:00', 'new']], '2026-03-09T10:00', 60, null));
    expect(breached.response).toEqual({ warningAt: null, breachAt: null });
    expect(breached.next).toBeNull();
    const paused = nextSlaInstants(
      input(
        [
          ['2026-03-09T09:00', 'new'],
          ['2026-03-09T09:10', 'waiting_third_party'],
        ],
        '2026-03-09T09:20',
        60,
        480,
      ),
    );
    expect(paused.next).toBeNull();
  });
});
