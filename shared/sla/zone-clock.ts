/**
 * A time zone's UTC offsets as a table of transitions, so that calendar
 * arithmetic needs no Intl call per day and can tell where whole weeks have one
 * offset.
 *
 * The table is built lazily per zone and UTC year by sampling the offset once
 * a day and locating every change to the millisecond by bisection. Assumed: two
 * changes less than a day apart never cancel each other out (such a pair would be
 * missed).
 * Offsets come from Intl (zone names checked by luxon's IANAZone), so they
 * follow the runtime's tz data.
 */
import { IANAZone } from 'luxon';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** No UTC offset is beyond ±14 h, so every instant showing a given wall time lies within this of it. */
const WINDOW = 16 * HOUR;

interface Transition {
  /** The first instant with the new offset. */
  readonly at: number;
  /** The offset from `at` on, in ms (local wall time = instant + offset). */
  readonly offset: number;
}

interface YearTable {
  /** Offset at the first instant of the UTC year. */
  readonly startOffset: number;
  /** Transitions within the year (including one exactly at its start), in order. */
  readonly transitions: readonly Transition[];
}

/** Shared by every calendar of a zone: tz rules are fixed for the life of the process. */
const tables = new Map<string, Map<number, YearTable>>();

const utcYear = (t: number) => new Date(t).getUTCFullYear();
const yearStart = (year: number) => Date.UTC(year, 0, 1);

/** `M/D/YYYY, HH:MM:SS` from the formats below. */
const LOCAL_TIME = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/;
const formats = new Map<string, Intl.DateTimeFormat>();
/** Zone names found valid (a tenant's zone is checked on every calendar built for it). */
const validNames = new Set<string>();

function formatFor(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    const numeric = 'numeric' as const;
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: numeric,
      month: numeric,
      day: numeric,
      hour: numeric,
      minute: numeric,
      second: numeric,
    });
    formats.set(zone, format);
  }
  return format;
}

export class ZoneClock {
  private readonly zone: IANAZone;
  private readonly format: Intl.DateTimeFormat;
  private readonly years: Map<number, YearTable>;

  /** `name` must be a valid IANA zone (see {@link ZoneClock.isValid}). */
  constructor(name: string) {
    this.zone = IANAZone.create(name);
    this.format = formatFor(this.zone.name);
    let years = tables.get(this.zone.name);
    if (!years) tables.set(this.zone.name, (years = new Map()));
    this.years = years;
  }

  /**
   * Valid names are remembered: luxon builds an Intl.DateTimeFormat for every check (1.3 % of
   * a busy local runtime's CPU). Invalid ones are not, so input cannot grow the set.
   */
  static isValid(name: string): boolean {
    if (validNames.has(name)) return true;
    const valid = IANAZone.isValidZone(name);
    if (valid) validNames.add(name);
    return valid;
  }

  /** The offset at instant `t` (ms): local wall time = t + offsetAt(t). */
  offsetAt(t: number): number {
    const table = this.year(utcYear(t));
    let offset = table.startOffset;
    for (const tr of table.transitions) {
      if (tr.at > t) break;
      offset = tr.offset;
    }
    return offset;
  }

  /** Local wall time of `t`, as epoch ms of the same date and time in UTC. */
  wallOf(t: number): number {
    return t + this.offsetAt(t);
  }

  /** The first transition strictly after `t`, or a later instant if none within about a year (a harmless re-check point). */
  nextTransitionAfter(t: number): number {
    const year = utcYear(t);
    for (const y of [year, year + 1]) {
      const next = this.year(y).transitions.find((tr) => tr.at > t);
      if (next) return next.at;
    }
    return yearStart(year + 2);
  }

  /**
   * The earliest instant at which the local clock shows `wall` or later.
   * A wall time skipped by a forward change maps to the change itself; a
   * repeated one maps to its first occurrence. Monotone in `wall`.
   */
  firstInstant(wall: number): number {
    // Pieces of constant offset covering [wall - WINDOW, wall + WINDOW]: on each, the
    // clock reaches `wall` at max(pieceStart, wall - offset) if that is inside the piece.
    const from = wall - WINDOW;
    const to = wall + WINDOW;
    let pieceStart = from;
    let offset = this.offsetAt(from);
    let best = Infinity;
    for (const tr of this.transitionsIn(from, to)) {
      const t = Math.max(pieceStart, wall - offset);
      if (t < tr.at) best = Math.min(best, t);
      pieceStart = tr.at;
      offset = tr.offset;
    }
    best = Math.min(best, Math.max(pieceStart, wall - offset));
    return best;
  }

  /** Transitions with from < at ≤ to, in order. */
  private transitionsIn(from: number, to: number): Transition[] {
    const out: Transition[] = [];
    for (let y = utcYear(from); y <= utcYear(to); y++) {
      for (const tr of this.year(y).transitions) if (tr.at > from && tr.at <= to) out.push(tr);
    }
    return out;
  }

  /** The offset at `t` straight from Intl (to the second, as the tz data has it). */
  private raw(t: number): number {
    const second = Math.floor(t / 1000) * 1000;
    const m = LOCAL_TIME.exec(this.format.format(second));
    const year = Number(m?.[3]);
    // Not the expected shape (or a year Date.UTC would read as 19xx): let luxon work it out.
    if (!m || year < 100) return Math.round(this.zone.offset(t) * MINUTE);
    return Date.UTC(year, Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6])) - second;
  }

  private year(year: number): YearTable {
    const cached = this.years.get(year);
    if (cached) return cached;
    const start = yearStart(year);
    const last = yearStart(year + 1) - 1;
    const startOffset = this.raw(start);
    // A change exactly at the year's first instant is listed here (the previous year stops 1 ms before).
    const transitions: Transition[] = this.raw(start - 1) === startOffset ? [] : [{ at: start, offset: startOffset }];
    let lo = start;
    let loOffset = startOffset;
    while (lo < last) {
      const hi = Math.min(lo + DAY, last);
      const hiOffset = this.raw(hi);
      // Several changes between two samples (none cancelling) are found one by one.
      while (hiOffset !== loOffset) {
        let a = lo; // offset(a) === loOffset
        let b = hi; // offset(b) !== loOffset
        while (b - a > 1) {
          const mid = a + Math.floor((b - a) / 2);
          if (this.raw(mid) === loOffset) a = mid;
          else b = mid;
        }
        loOffset = this.raw(b);
        transitions.push({ at: b, offset: loOffset });
        lo = b;
      }
      lo = hi;
      loOffset = hiOffset;
    }
    const table = { startOffset, transitions };
    this.years.set(year, table);
    return table;
  }
}
