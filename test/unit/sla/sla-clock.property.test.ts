import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, type Category } from '../../../shared/domain/workflow';
import { BusinessCalendar } from '../../../shared/sla/business-calendar';
import { evaluateSla, nextSlaInstants, slaClocks, type SlaMetricName } from '../../../shared/sla/sla-clock';
import { DAY, offsetArb, scenarioArb } from './arbitraries';
import { MIN, ReferenceCalendar, ReferenceLimit, referenceSla } from './reference';

const SEED = 20_261_025;
const HOUR = 3_600_000;

/** Submission category, then (gap, category) steps: same instant, seconds, hours, days. */
const timelineArb = fc.record({
  /** How long before the anchor (often an offset change) the ticket is submitted. */
  before: offsetArb(2 * DAY),
  first: fc.oneof({ weight: 4, arbitrary: fc.constantFrom<Category>('new', 'active') }, { weight: 1, arbitrary: fc.constantFrom(...CATEGORIES) }),
  steps: fc.array(
    fc.tuple(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2 * MIN }), offsetArb(6 * HOUR), offsetArb(DAY)), fc.constantFrom(...CATEGORIES)),
    { maxLength: 7 },
  ),
  /** Where `now` falls, in thousandths of the timeline plus a day (negative: before the submission). */
  now: fc.oneof(fc.integer({ min: -50, max: 1000 }), fc.constant(1000)),
  targets: fc.record({
    response: fc.option(fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 1500 })), { freq: 5 }),
    resolution: fc.option(fc.oneof(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 3000 })), { freq: 5 }),
  }),
  /** An urgent ticket's status-update cycle (null: not urgent): its start in thousandths of the timeline (negative: before the submission), its target. */
  update: fc.option(
    fc.record({
      since: fc.oneof(fc.integer({ min: -100, max: 1000 }), fc.constant(0)),
      target: fc.option(fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 600 })), { freq: 5 }),
    }),
    { freq: 4 },
  ),
});

/** The reference's answer, or undefined when it would have to walk too far (the check is then skipped). */
function within<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof ReferenceLimit) return undefined;
    throw e;
  }
}

describe('SLA clocks against a minute-by-minute reference of the rules', () => {
  it('elapsed time, state, breach, due instant and wake-ups match for random timelines on random calendars', () => {
    let dueChecked = 0;
    const seen = new Set<string>();
    fc.assert(
      fc.property(scenarioArb, timelineArb, ({ spec, anchor }, { before, first, steps, now: nowShare, targets, update }) => {
        const calendar = new BusinessCalendar(spec);
        const submitted = anchor - before;
        const events: { at: number; category: Category }[] = [{ at: submitted, category: first }];
        for (const [gap, category] of steps) events.push({ at: events[events.length - 1]!.at + gap, category });
        const span = events[events.length - 1]!.at - submitted + DAY;
        const now = submitted + Math.floor((span * nowShare) / 1000);
        const effectiveNow = Math.max(now, submitted);

        const since = update === null ? null : submitted + Math.floor((span * update.since) / 1000);
        const cycle = update === null ? null : { since: new Date(since!), target: update.target };
        const input = { events: events.map((e) => ({ at: new Date(e.at), category: e.category })), now: new Date(now), targets, calendar, update: cycle };
        const evaluation = evaluateSla(input);
        const wake = nextSlaInstants(input, evaluation);
        const clocks = slaClocks(input);
        const ref = new ReferenceCalendar(spec, submitted, 25 * 24 * 60);

        for (const metric of ['response', 'resolution', 'update'] as SlaMetricName[]) {
          const target = metric === 'update' ? (update?.target ?? null) : targets[metric];
          // not urgent: the update clock is `none` and counts nothing
          const expected =
            metric === 'update' && since === null
              ? { elapsedMs: 0, state: 'none', counting: false, breachedAt: null }
              : referenceSla(ref, events, now, metric, target, since ?? undefined);
          const got = evaluation[metric];
          seen.add(`${metric}:${expected.state}`);
          expect({ elapsedMs: got.elapsedMs, state: got.state, counting: got.counting, breachedAt: got.breachedAt?.getTime() ?? null }, metric).toEqual(
            expected,
          );
          expect(clocks[metric].elapsedMinutes).toBe(Math.floor(expected.elapsedMs / MIN));
          expect(clocks[metric].state).toBe(expected.state);
          expect(clocks[metric].breachedAt).toBe(expected.breachedAt === null ? null : new Date(expected.breachedAt).toISOString());
          // the word follows the contract: a reached target is `breached`, whatever the clock does since
          if (expected.breachedAt !== null && target !== null) expect(clocks[metric].state).toBe('breached');

          const running = expected.counting && target !== null;
          const goal = (ratio: number) => (target ?? 0) * MIN * ratio;
          const due = running ? (expected.breachedAt ?? within(() => ref.addMs(effectiveNow, goal(1) - expected.elapsedMs))) : null;
          if (due !== undefined) {
            dueChecked++;
            expect(got.dueAt?.getTime() ?? null).toBe(due);
          }
          const warning = running && expected.elapsedMs < goal(0.75) ? within(() => ref.addMs(effectiveNow, goal(0.75) - expected.elapsedMs)) : null;
          if (warning !== undefined) expect(wake[metric].warningAt?.getTime() ?? null).toBe(warning);
          const breach = running && expected.elapsedMs < goal(1) ? due : null;
          if (breach !== undefined) expect(wake[metric].breachAt?.getTime() ?? null).toBe(breach);
        }
        const upcoming = [wake.response, wake.resolution, wake.update]
          .flatMap((w) => [w.warningAt, w.breachAt])
          .filter((d) => d !== null)
          .map((d) => d.getTime());
        expect(wake.next?.getTime() ?? null).toBe(upcoming.length > 0 ? Math.min(...upcoming) : null);
        for (const t of upcoming) expect(t).toBeGreaterThan(effectiveNow);
      }),
      { seed: SEED, numRuns: 120 },
    );
    expect(dueChecked).toBeGreaterThan(150);
    // every word of the contract came up for every metric (update: paused does not exist)
    for (const metric of ['response', 'resolution', 'update'])
      for (const state of ['running', 'paused', 'met', 'breached', 'stopped', 'none'])
        if (!(metric === 'update' && state === 'paused')) expect(seen, `${metric}:${state}`).toContain(`${metric}:${state}`);
  });
});
