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
    fc.assert(
      fc.property(scenarioArb, timelineArb, ({ spec, anchor }, { before, first, steps, now: nowShare, targets }) => {
        const calendar = new BusinessCalendar(spec);
        const submitted = anchor - before;
        const events: { at: number; category: Category }[] = [{ at: submitted, category: first }];
        for (const [gap, category] of steps) events.push({ at: events[events.length - 1]!.at + gap, category });
        const span = events[events.length - 1]!.at - submitted + DAY;
        const now = submitted + Math.floor((span * nowShare) / 1000);
        const effectiveNow = Math.max(now, submitted);

        const input = { events: events.map((e) => ({ at: new Date(e.at), category: e.category })), now: new Date(now), targets, calendar };
        const evaluation = evaluateSla(input);
        const wake = nextSlaInstants(input, evaluation);
        const clocks = slaClocks(input);
        const ref = new ReferenceCalendar(spec, submitted, 25 * 24 * 60);

        for (const metric of ['response', 'resolution'] as SlaMetricName[]) {
          const target = targets[metric];
          const expected = referenceSla(ref, events, now, metric, target);
          const got = evaluation[metric];
          expect({ elapsedMs: got.elapsedMs, state: got.state, breachedAt: got.breachedAt?.getTime() ?? null }).toEqual(expected);
          expect(clocks[metric].elapsedMinutes).toBe(Math.floor(expected.elapsedMs / MIN));
          expect(clocks[metric].state).toBe(expected.state);
          expect(clocks[metric].breachedAt).toBe(expected.breachedAt === null ? null : new Date(expected.breachedAt).toISOString());

          const running = expected.state === 'running' && target !== null;
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
        const upcoming = [wake.response.warningAt, wake.response.breachAt, wake.resolution.warningAt, wake.resolution.breachAt]
          .filter((d) => d !== null)
          .map((d) => d.getTime());
        expect(wake.next?.getTime() ?? null).toBe(upcoming.length > 0 ? Math.min(...upcoming) : null);
        for (const t of upcoming) expect(t).toBeGreaterThan(effectiveNow);
      }),
      { seed: SEED, numRuns: 120 },
    );
    expect(dueChecked).toBeGreaterThan(150);
  });
});
