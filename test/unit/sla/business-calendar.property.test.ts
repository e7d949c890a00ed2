import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, CalendarError, calendarProblems, type CalendarSpec } from '../../../shared/sla/business-calendar';
import { DAY, hhmm, offsetArb, scenarioArb, spanArb, WEEKDAYS } from './arbitraries';
import { MIN, ReferenceCalendar } from './reference';

/** Fixed seeds: the same cases on every run; change them to explore. */
const SEED = 20_260_329;

describe('BusinessCalendar against a minute-by-minute reference (random zones, hours, holidays, coverage)', () => {
  // One property for both methods: the reference's Intl walk is the cost, so each run asks it many questions.
  it('workingMinutesBetween equals the reference, and addWorkingMinutes lands where the reference count first reaches n', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        offsetArb(2 * DAY),
        spanArb,
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 })), { maxLength: 4 }),
        fc.array(fc.tuple(fc.oneof(fc.constantFrom(0, 1000), fc.integer({ min: 0, max: 1000 })), fc.integer({ min: 0, max: MIN - 1 })), {
          minLength: 1,
          maxLength: 4,
        }),
        ({ spec, anchor }, before, after, cuts, targets) => {
          const cal = new BusinessCalendar(spec);
          // The span always contains the anchor (often an offset change).
          const from = anchor - before;
          const span = before + after;
          const to = from + span;
          const ref = new ReferenceCalendar(spec, from);
          const at = (k: number) => from + Math.floor((span * k) / 1000);

          // Between: the whole span, sub-spans, reversed ones (0).
          for (const [a, b] of [[from, to] as const, ...cuts.map(([x, y]) => [at(x), at(y)] as const)]) {
            const expected = a < b ? ref.workingMs(a, b) : 0;
            expect(cal.workingMillisBetween(new Date(a), new Date(b))).toBe(expected);
            expect(cal.workingMinutesBetween(new Date(a), new Date(b))).toBe(Math.floor(expected / MIN));
          }

          // Add: n whole minutes (0 … all the span holds), and n minutes plus some ms.
          const available = ref.workingMs(from, to);
          for (const [share, extraMs] of targets) {
            const n = Math.floor(Math.floor((available * share) / 1000) / MIN);
            const landed = cal.addWorkingMinutes(new Date(from), n);
            expect(landed.getTime()).toBe(ref.addMs(from, n * MIN));
            expect(cal.workingMinutesBetween(new Date(from), landed)).toBe(n);
            const ms = Math.min(available, n * MIN + extraMs);
            expect(cal.addWorkingMillis(new Date(from), ms).getTime()).toBe(ref.addMs(from, ms));
          }
        },
      ),
      { seed: SEED, numRuns: 120 },
    );
  });
});

describe('BusinessCalendar validation against brute force', () => {
  const range = fc.tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: 600 })).map(([s, len]) => [s, Math.min(1440, s + len)] as const);
  const hours = fc.record(Object.fromEntries(WEEKDAYS.map((d) => [d, fc.array(range, { maxLength: 3 })])));

  it('refuses exactly the calendars with overlapping ranges, or business hours with no range at all', () => {
    fc.assert(
      fc.property(hours, fc.constantFrom('business-hours' as const, '24x7' as const), (days, coverage) => {
        const overlapping = Object.values(days).some((ranges) => {
          const used = new Array<number>(1440).fill(0);
          for (const [s, e] of ranges) for (let m = s; m < e; m++) used[m]!++;
          return used.some((n) => n > 1);
        });
        const empty = Object.values(days).every((ranges) => ranges.length === 0);
        const spec: CalendarSpec = {
          timezone: 'Europe/Amsterdam',
          coverage,
          businessHours: Object.fromEntries(Object.entries(days).map(([d, ranges]) => [d, ranges.map(([s, e]) => [hhmm(s), hhmm(e)] as [string, string])])),
          holidays: [],
        };
        const invalid = overlapping || (coverage === 'business-hours' && empty);
        expect(calendarProblems(spec).length > 0).toBe(invalid);
        if (invalid) expect(() => new BusinessCalendar(spec)).toThrow(CalendarError);
        else expect(new BusinessCalendar(spec)).toBeInstanceOf(BusinessCalendar);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('BusinessCalendar week jumps against its own day-by-day walk (long spans, no reference needed)', () => {
  // Pieces shorter than a week never jump, so the whole must equal the sum of its pieces;
  // the pieces' day-by-day walk is what the reference properties above check.
  it('workingMillisBetween over up to 90 days equals the sum over pieces of under a week', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        offsetArb(3 * DAY),
        offsetArb(90 * DAY),
        fc.array(fc.integer({ min: DAY, max: 6 * DAY }), { minLength: 1, maxLength: 5 }),
        ({ spec, anchor }, before, span, steps) => {
          const cal = new BusinessCalendar(spec);
          const from = anchor - before;
          const to = from + span;
          let sum = 0;
          for (let a = from, k = 0; a < to; k++) {
            const b = Math.min(to, a + steps[k % steps.length]!);
            sum += cal.workingMillisBetween(new Date(a), new Date(b));
            a = b;
          }
          expect(cal.workingMillisBetween(new Date(from), new Date(to))).toBe(sum);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('addWorkingMillis(from, x + y) = addWorkingMillis(addWorkingMillis(from, x), y), stepping less than a week at a time', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        offsetArb(3 * DAY),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 5 }),
        ({ spec, anchor }, before, count, shares) => {
          const cal = new BusinessCalendar(spec);
          const from = new Date(anchor - before);
          // A week's nominal working time, from the hours themselves.
          const weekly =
            spec.coverage === '24x7'
              ? 7 * DAY
              : Object.values(spec.businessHours)
                  .flat()
                  .reduce((sum, r) => sum + (toMin(r![1]) - toMin(r![0])) * MIN, 0);
          let stepped = from;
          let total = 0;
          for (let k = 0; k < count; k++) {
            const step = Math.max(1, Math.floor((weekly * shares[k % shares.length]!) / 1000) - 1);
            stepped = cal.addWorkingMillis(stepped, step);
            total += step;
          }
          expect(cal.addWorkingMillis(from, total).getTime()).toBe(stepped.getTime());
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });
});

const toMin = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
