/**
 * A tenant's working calendar (CONTRACT §3 and §6): business hours in the
 * tenant's time zone minus holidays, or 24x7. Pure: no I/O, no clock; every
 * instant is passed in.
 *
 * Conventions (exact to the millisecond, reported in whole minutes):
 * - Working time is measured in real elapsed milliseconds. `workingMinutesBetween`
 *   counts the working milliseconds in [from, to) and floors to whole minutes once,
 *   at the end: 30 s + 30 s of working time in two different places make one minute.
 * - `addWorkingMinutes(from, n)` is the earliest instant t ≥ from with exactly
 *   n × 60 000 working ms in [from, t). It never skips ahead to the next opening:
 *   a target reached at 17:30 closing time is 17:30, not the next 08:30. For n = 0
 *   it is `from` itself, even outside working hours.
 * - `24x7` coverage: every millisecond is working time; `businessHours` and
 *   `holidays` are validated but ignored. A local day then has 23 or 25 hours of
 *   working time across a DST change.
 * - `business-hours` coverage: a range ["HH:MM","HH:MM"] on local date D is the real
 *   interval from the first instant the local clock shows D start-or-later to the first
 *   instant it shows D end-or-later ("24:00" = the next day's 00:00). So a local time
 *   skipped by a forward DST change maps to the change itself and a repeated one to its
 *   first occurrence; a range spanning a changed hour counts the real elapsed time
 *   (00:00–24:00 on a DST Sunday in Amsterdam is 23 or 25 hours; 02:30–04:00 on the
 *   spring-forward day is 60 minutes; 00:00–02:30 on the fall-back day is 150 minutes).
 *   Equivalently: an instant is working time when the latest local time shown so far
 *   falls in a range of a working day.
 * - Holidays are whole local calendar days off; weekday and holiday are those of the
 *   local date.
 */
import { DomainError, type FieldError } from '../domain/errors';
import type { Weekday } from '../domain/settings';
import { DAY, MINUTE, ZoneClock } from './zone-clock';

export type Coverage = 'business-hours' | '24x7';

/** The calendar part of TenantSettings (`timezone`, `coverage`, `businessHours`, `holidays`). */
export interface CalendarSpec {
  readonly timezone: string;
  readonly coverage: Coverage;
  readonly businessHours: Readonly<Partial<Record<Weekday, readonly (readonly [string, string])[]>>>;
  readonly holidays: readonly string[];
}

/** An invalid calendar; a validation DomainError, so the HTTP layer answers 400 with `problems` as `errors`. */
export class CalendarError extends DomainError {
  constructor(readonly problems: readonly FieldError[]) {
    super('validation', 'The business calendar is invalid.', problems);
    this.name = 'CalendarError';
  }
}

const WEEK = 7 * DAY;
/** Index = `Date#getUTCDay()` of a local date. */
const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const HHMM = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

type Range = readonly [start: number, end: number];

interface Parsed {
  /** Per weekday (index as in WEEKDAYS): ranges in ms after local midnight, sorted, not overlapping. */
  readonly ranges: readonly (readonly Range[])[];
  /** Local dates as day numbers (days since 1970-01-01), sorted, unique. */
  readonly holidays: readonly number[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseTime(value: unknown): number | null {
  const m = typeof value === 'string' ? HHMM.exec(value) : null;
  if (!m) return null;
  return (Number(m[1] ?? m[3]) * 60 + Number(m[2] ?? m[4])) * MINUTE;
}

function parseDate(value: unknown): number | null {
  const m = typeof value === 'string' ? DATE.exec(value) : null;
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t / DAY;
}

const show = (ms: number) => `${String(Math.floor(ms / 3_600_000)).padStart(2, '0')}:${String((ms / MINUTE) % 60).padStart(2, '0')}`;

function parse(spec: unknown): { parsed: Parsed; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const ranges: Range[][] = WEEKDAYS.map(() => []);
  const holidays = new Set<number>();
  if (!isRecord(spec)) {
    return { parsed: { ranges, holidays: [] }, problems: [{ path: '', message: 'A calendar must be an object.' }] };
  }
  const problem = (path: string, message: string) => problems.push({ path, message });

  if (typeof spec.timezone !== 'string' || !ZoneClock.isValid(spec.timezone)) {
    problem('timezone', `Unknown time zone ${JSON.stringify(spec.timezone)}: use an IANA name such as "Europe/Amsterdam".`);
  }
  if (spec.coverage !== 'business-hours' && spec.coverage !== '24x7') {
    problem('coverage', 'Coverage must be "business-hours" or "24x7".');
  }

  const hours = spec.businessHours ?? {};
  if (!isRecord(hours)) {
    problem('businessHours', 'Business hours must be an object of weekday → list of ["HH:MM","HH:MM"] ranges.');
  } else {
    for (const [day, list] of Object.entries(hours)) {
      const index = WEEKDAYS.indexOf(day as Weekday);
      const path = `businessHours.${day}`;
      if (index < 0) {
        problem(path, `Unknown weekday "${day}": use ${WEEKDAYS.join(', ')}.`);
        continue;
      }
      if (!Array.isArray(list)) {
        problem(path, 'A weekday takes a list of ["HH:MM","HH:MM"] ranges.');
        continue;
      }
      const valid: { range: Range; i: number }[] = [];
      list.forEach((range: unknown, i) => {
        const at = `${path}[${i}]`;
        if (!Array.isArray(range) || range.length !== 2) {
          problem(at, 'A range is a pair ["HH:MM","HH:MM"].');
          return;
        }
        const start = parseTime(range[0]);
        const end = parseTime(range[1]);
        if (start === null) problem(`${at}[0]`, `${JSON.stringify(range[0])} is not a time HH:MM (00:00–23:59).`);
        else if (start === DAY) problem(`${at}[0]`, '24:00 can only end a range.');
        if (end === null) problem(`${at}[1]`, `${JSON.stringify(range[1])} is not a time HH:MM (00:00–24:00).`);
        if (start === null || end === null || start === DAY) return;
        if (end <= start) {
          problem(at, `The range must end after it starts (${show(start)}–${show(end)}).`);
          return;
        }
        valid.push({ range: [start, end], i });
      });
      valid.sort((a, b) => a.range[0] - b.range[0]);
      for (let k = 1; k < valid.length; k++) {
        const prev = valid[k - 1]!;
        const cur = valid[k]!;
        if (cur.range[0] < prev.range[1]) {
          const [a, b] = [prev, cur].sort((x, y) => x.i - y.i) as [typeof prev, typeof cur];
          problem(`${path}[${b.i}]`, `${show(b.range[0])}–${show(b.range[1])} overlaps ${show(a.range[0])}–${show(a.range[1])} (${path}[${a.i}]).`);
        }
      }
      ranges[index] = valid.map((v) => v.range);
    }
    const anyRange = Object.values(hours).some((list) => Array.isArray(list) && list.length > 0);
    if (spec.coverage === 'business-hours' && !anyRange) {
      problem('businessHours', 'Business-hours coverage needs at least one working range on some weekday.');
    }
  }

  const dates = spec.holidays ?? [];
  if (!Array.isArray(dates)) {
    problem('holidays', 'Holidays must be a list of YYYY-MM-DD dates.');
  } else {
    dates.forEach((value: unknown, i) => {
      const day = parseDate(value);
      if (day === null) problem(`holidays[${i}]`, `${JSON.stringify(value)} is not a date YYYY-MM-DD.`);
      else holidays.add(day);
    });
  }
  return { parsed: { ranges, holidays: [...holidays].sort((a, b) => a - b) }, problems };
}

/** Every problem with a calendar (empty when valid), for callers that validate without building. */
export function calendarProblems(spec: unknown): FieldError[] {
  return parse(spec).problems;
}

function checkInstant(name: string, d: Date): number {
  const t = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(t)) throw new RangeError(`${name} must be a valid Date.`);
  return t;
}

function checkAmount(name: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a whole number ≥ 0, not ${n}.`);
  return n;
}

export class BusinessCalendar {
  readonly timezone: string;
  readonly coverage: Coverage;
  private readonly zone: ZoneClock;
  private readonly ranges: readonly (readonly Range[])[];
  private readonly holidays: readonly number[];
  private readonly holidaySet: ReadonlySet<number>;
  /** Working ms of a week with no holiday and no offset change. */
  private readonly weeklyMs: number;

  /** @throws CalendarError listing every problem (unknown zone, malformed or overlapping ranges, no working time, bad dates). */
  constructor(spec: CalendarSpec) {
    const { parsed, problems } = parse(spec);
    if (problems.length > 0) throw new CalendarError(problems);
    this.timezone = spec.timezone;
    this.coverage = spec.coverage;
    this.zone = new ZoneClock(spec.timezone);
    this.ranges = parsed.ranges;
    this.holidays = parsed.holidays;
    this.holidaySet = new Set(parsed.holidays);
    this.weeklyMs = parsed.ranges.flat().reduce((sum, [s, e]) => sum + e - s, 0);
  }

  /** Whole working minutes in [from, to): working ms floored once; 0 when to ≤ from. */
  workingMinutesBetween(from: Date, to: Date): number {
    return Math.floor(this.workingMillisBetween(from, to) / MINUTE);
  }

  /** The earliest instant t ≥ from with `minutes` whole working minutes in [from, t); `from` itself for 0. */
  addWorkingMinutes(from: Date, minutes: number): Date {
    return this.addWorkingMillis(from, checkAmount('minutes', minutes) * MINUTE);
  }

  /** Working milliseconds in [from, to); 0 when to ≤ from. */
  workingMillisBetween(from: Date, to: Date): number {
    const a = checkInstant('from', from);
    const b = checkInstant('to', to);
    if (b <= a) return 0;
    if (this.coverage === '24x7') return b - a;
    let total = 0;
    let day = this.localDay(a);
    for (;;) {
      const dayStart = this.zone.firstInstant(day * DAY);
      if (dayStart >= b) return total;
      if (dayStart >= a && b - dayStart >= WEEK) {
        const weeks = this.regularWeeks(day, dayStart, Math.floor((b - dayStart) / WEEK));
        if (weeks > 0) {
          total += weeks * this.weeklyMs;
          day += 7 * weeks;
          continue;
        }
      }
      for (const [start, end] of this.intervals(day)) {
        const lo = Math.max(start, a);
        const hi = Math.min(end, b);
        if (hi > lo) total += hi - lo;
      }
      day++;
    }
  }

  /** The earliest instant t ≥ from with exactly `ms` working ms in [from, t); `from` itself for 0. */
  addWorkingMillis(from: Date, ms: number): Date {
    const a = checkInstant('from', from);
    let remaining = checkAmount('ms', ms);
    if (remaining === 0) return new Date(a);
    if (this.coverage === '24x7') return new Date(a + remaining);
    // Terminates: weeklyMs > 0, holidays are finite, and only days with an offset change can lose time.
    let day = this.localDay(a);
    for (;;) {
      const dayStart = this.zone.firstInstant(day * DAY);
      if (dayStart >= a && remaining > this.weeklyMs) {
        // Jump weeks but keep some time to place within a day (the landing is never a week's end).
        const weeks = this.regularWeeks(day, dayStart, Math.floor((remaining - 1) / this.weeklyMs));
        if (weeks > 0) {
          remaining -= weeks * this.weeklyMs;
          day += 7 * weeks;
          continue;
        }
      }
      for (const [start, end] of this.intervals(day)) {
        const lo = Math.max(start, a);
        if (end <= lo) continue;
        if (remaining <= end - lo) return new Date(lo + remaining);
        remaining -= end - lo;
      }
      day++;
    }
  }

  /** The local date (day number) the instant falls on. */
  private localDay(t: number): number {
    return Math.floor(this.zone.wallOf(t) / DAY);
  }

  /** The working intervals [start, end) of a local date, as instants. */
  private intervals(day: number): Range[] {
    if (this.holidaySet.has(day)) return [];
    const ranges = this.ranges[(((day + 4) % 7) + 7) % 7]!; // 1970-01-01 was a Thursday
    return ranges.map(([s, e]) => [this.zone.firstInstant(day * DAY + s), this.zone.firstInstant(day * DAY + e)] as const);
  }

  /**
   * How many whole weeks (≤ max) from local date `day` (starting at instant `dayStart`)
   * have exactly `weeklyMs` of working time: no holiday, and one offset from the day's
   * start to the end of the last week, so wall time and real time run in step.
   */
  private regularWeeks(day: number, dayStart: number, max: number): number {
    if (max <= 0 || this.zone.wallOf(dayStart) !== day * DAY) return 0;
    const transition = this.zone.nextTransitionAfter(dayStart);
    let weeks = Math.min(max, Math.floor((transition - 1 - dayStart) / WEEK));
    const holiday = this.nextHoliday(day);
    if (holiday !== null) weeks = Math.min(weeks, Math.floor((holiday - day) / 7));
    return Math.max(0, weeks);
  }

  /** The first holiday on or after `day`, or null. */
  private nextHoliday(day: number): number | null {
    const list = this.holidays;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]! < day) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length ? list[lo]! : null;
  }
}
