/** fast-check generators for calendars and instants, biased towards DST changes, range edges and holidays. */
import fc from 'fast-check';
import type { Weekday } from '../../../shared/domain/settings';
import type { CalendarSpec } from '../../../shared/sla/business-calendar';
import { MIN, wallMinute } from './reference';

export const DAY = 86_400_000;
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** DST at 02:00/03:00, at midnight (Sao Paulo until 2019, Tehran until 2022), by 30 minutes (Lord Howe), a skipped day (Apia 2011), odd offsets. */
export const ZONES = [
  'UTC',
  'Europe/Amsterdam',
  'Europe/London',
  'America/New_York',
  'America/St_Johns',
  'America/Sao_Paulo',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Tehran',
  'Australia/Lord_Howe',
  'Pacific/Apia',
  'Africa/Casablanca',
] as const;

const transitionCache = new Map<string, number[]>();
/** Offset changes of a zone in a UTC year, found with Intl alone (daily samples, then minute bisection); only to bias generation. */
export function transitions(zone: string, year: number): number[] {
  const key = `${zone}:${year}`;
  const cached = transitionCache.get(key);
  if (cached) return cached;
  const offset = (m: number) => wallMinute(zone, m) - m;
  const out: number[] = [];
  const end = Date.UTC(year + 1, 0, 1) / MIN;
  for (let m = Date.UTC(year, 0, 1) / MIN; m < end; m += 1440) {
    if (offset(m) === offset(m + 1440)) continue;
    let [a, b] = [m, m + 1440];
    while (b - a > 1) {
      const mid = Math.floor((a + b) / 2);
      if (offset(mid) === offset(a)) a = mid;
      else b = mid;
    }
    out.push(b * MIN);
  }
  transitionCache.set(key, out);
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');
export const hhmm = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;

/** Range boundaries (minutes of the day): DST hours, midnight and 24:00 often, anything sometimes. */
const boundary = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(0, 60, 90, 120, 150, 180, 210, 240, 510, 720, 780, 1050, 1380, 1410, 1440) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 96 }).map((q) => q * 15) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1440 }) },
);

/** 0–3 ranges of a day, sorted, not overlapping, sometimes touching. */
const dayRanges = fc.tuple(fc.uniqueArray(boundary, { maxLength: 6 }), fc.boolean()).map(([values, touching]) => {
  const v = [...values].sort((a, b) => a - b);
  const ranges: [string, string][] = [];
  if (touching) for (let i = 0; i + 1 < Math.min(v.length, 4); i++) ranges.push([hhmm(v[i]!), hhmm(v[i + 1]!)]);
  else for (let i = 0; i + 1 < v.length; i += 2) ranges.push([hhmm(v[i]!), hhmm(v[i + 1]!)]);
  return ranges;
});

export const businessHoursArb = fc
  .record(Object.fromEntries(WEEKDAYS.map((d) => [d, fc.option(dayRanges, { freq: 4 })])))
  .map((days) => Object.fromEntries(Object.entries(days).filter(([, r]) => r !== null)) as CalendarSpec['businessHours']);

/** An instant offset from a base: whole minutes half of the time, to the millisecond otherwise. */
export const offsetArb = (maxMs: number, minMs = 0) =>
  fc.oneof(
    fc.integer({ min: Math.ceil(minMs / MIN), max: Math.floor(maxMs / MIN) }).map((m) => m * MIN),
    fc.integer({ min: minMs, max: maxMs }),
  );

/** Local date (YYYY-MM-DD) `days` after the local date of `instant` in `zone`. */
export function localDate(zone: string, instant: number, days: number): string {
  const wall = wallMinute(zone, Math.floor(instant / MIN)) * MIN;
  return new Date(Math.floor(wall / DAY) * DAY + days * DAY).toISOString().slice(0, 10);
}

const HOUR = 3_600_000;
const EDGE = fc.constantFrom(0, 15, 30, 45, 60, 90, 120, 180);

/**
 * A valid calendar and an anchor instant to ask about. Half of the time the anchor is
 * within 3 hours of one of the zone's offset changes (2010–2030), and often the local
 * weekday of that change gets a range with an edge in or near the skipped or repeated
 * time; otherwise the anchor is anywhere in those years. Holidays come in clusters
 * near the anchor. Coverage is 24x7 one time in five.
 */
export const scenarioArb = fc
  .constantFrom(...ZONES)
  .chain((zone) =>
    fc.record({
      zone: fc.constant(zone),
      year: fc.integer({ min: 2010, max: 2030 }),
      nearChange: fc.boolean(),
      pick: fc.nat(),
      jitter: fc.integer({ min: -3 * HOUR, max: 3 * HOUR }),
      uniform: fc.integer({ min: 0, max: 365 * DAY }),
      coverage: fc.oneof({ weight: 4, arbitrary: fc.constant('business-hours' as const) }, { weight: 1, arbitrary: fc.constant('24x7' as const) }),
      businessHours: businessHoursArb,
      aroundChange: fc.option(fc.tuple(EDGE, EDGE), { freq: 3 }),
      holidays: fc.array(fc.tuple(fc.integer({ min: -3, max: 22 }), fc.integer({ min: 1, max: 5 })), { maxLength: 3 }),
    }),
  )
  .map(({ zone, year, nearChange, pick, jitter, uniform, coverage, businessHours, aroundChange, holidays }) => {
    const changes = nearChange ? transitions(zone, year) : [];
    const change = changes.length > 0 ? changes[pick % changes.length]! : null;
    const anchor = change === null ? Date.UTC(year, 0, 1) + uniform : change + jitter;
    let hours = businessHours;
    if (change !== null && aroundChange !== null) {
      // The local time right after the change is the edge of the skipped (or start of the repeated) wall time.
      const wall = wallMinute(zone, change / MIN);
      const minuteOfDay = ((wall % 1440) + 1440) % 1440;
      const weekday = WEEKDAYS[(new Date(Math.floor(wall / 1440) * DAY).getUTCDay() + 6) % 7]!;
      const [before, after] = aroundChange;
      const start = Math.max(0, minuteOfDay - before);
      const end = Math.min(1440, Math.max(start + 15, minuteOfDay + after));
      hours = { ...businessHours, [weekday]: [[hhmm(start), hhmm(end)]] };
    }
    const hasHours = Object.values(hours).some((r) => r && r.length > 0);
    const spec: CalendarSpec = {
      timezone: zone,
      coverage,
      businessHours: hasHours ? hours : { ...hours, wed: [['09:00', '17:00']] },
      holidays: holidays.flatMap(([start, length]) => Array.from({ length }, (_, i) => localDate(zone, anchor, start + i))),
    };
    return { spec, anchor };
  });

/** Span lengths: mostly up to 2 days, sometimes up to 20 (the reference's cost grows with them). */
export const spanArb = fc.oneof({ weight: 5, arbitrary: offsetArb(2 * DAY) }, { weight: 1, arbitrary: offsetArb(20 * DAY) });
