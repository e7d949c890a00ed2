/**
 * Slow, obviously-correct references for the SLA module, written without any of
 * its code: they walk UTC minute by minute and ask Intl for the local time.
 *
 * The rule they implement (the calendar's documented convention): an instant is
 * working time when the latest local wall time shown so far (the "high-water
 * mark" of the wall clock, so a repeated hour keeps the time it had reached) falls
 * in a range of a working local day. Every modern offset change and every range
 * boundary is on a whole UTC minute, so a UTC minute is working or not as a whole.
 */
import type { CalendarSpec } from '../../../shared/sla/business-calendar';
import type { Category } from '../../../shared/domain/workflow';

export const MIN = 60_000;
const WEEKDAY_INDEX: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const LEAD_IN_MINUTES = 180; // longer than any backward change, so the high-water mark is right at the start

const formats = new Map<string, Intl.DateTimeFormat>();
function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formats.set(zone, f);
  }
  return f;
}

/** Local wall time of a UTC minute, as minutes since 1970-01-01 00:00 of the local calendar. */
export function wallMinute(zone: string, utcMinute: number): number {
  const text = format(zone).format(new Date(utcMinute * MIN));
  const m = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+)$/.exec(text);
  if (!m) throw new Error(`unexpected Intl output ${text}`);
  return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5])) / MIN;
}

const hhmm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

/** Minute-by-minute working flags, extended forward on demand. */
export class ReferenceCalendar {
  private readonly base: number;
  private readonly flags: boolean[] = [];
  private highWater = -Infinity;
  private readonly byWeekday: [number, number][][] = [[], [], [], [], [], [], []];
  private readonly holidays = new Set<number>();

  /** `start`: the earliest instant that will be asked about. */
  constructor(
    readonly spec: CalendarSpec,
    start: number,
    private readonly limitMinutes = 60 * 24 * 60,
  ) {
    this.base = Math.floor(start / MIN) - LEAD_IN_MINUTES;
    for (const [day, ranges] of Object.entries(spec.businessHours)) {
      for (const [s, e] of ranges ?? []) this.byWeekday[WEEKDAY_INDEX[day]!]!.push([hhmm(s), hhmm(e)]);
    }
    for (const h of spec.holidays) this.holidays.add(Date.UTC(Number(h.slice(0, 4)), Number(h.slice(5, 7)) - 1, Number(h.slice(8, 10))) / 86_400_000);
  }

  private wallIsWorking(wall: number): boolean {
    const day = Math.floor(wall / 1440);
    if (this.holidays.has(day)) return false;
    const minuteOfDay = wall - day * 1440;
    const weekday = new Date(day * 86_400_000).getUTCDay();
    return this.byWeekday[weekday]!.some(([s, e]) => s <= minuteOfDay && minuteOfDay < e);
  }

  /** Is the whole UTC minute `m` (minutes since the epoch) working time? */
  working(m: number): boolean {
    if (this.spec.coverage === '24x7') return true;
    const i = m - this.base;
    if (i < 0) throw new Error('reference asked before its start');
    if (i >= this.limitMinutes) throw new ReferenceLimit();
    while (this.flags.length <= i) {
      const wall = wallMinute(this.spec.timezone, this.base + this.flags.length);
      this.highWater = Math.max(this.highWater, wall);
      this.flags.push(this.wallIsWorking(this.highWater));
    }
    return this.flags[i]!;
  }

  /** Working ms in [from, to). */
  workingMs(from: number, to: number): number {
    let total = 0;
    for (let m = Math.floor(from / MIN); m * MIN < to; m++) {
      if (!this.working(m)) continue;
      total += Math.min(to, (m + 1) * MIN) - Math.max(from, m * MIN);
    }
    return total;
  }

  /** The earliest t ≥ from with `ms` working ms in [from, t). */
  addMs(from: number, ms: number): number {
    if (ms === 0) return from;
    let acc = 0;
    for (let m = Math.floor(from / MIN); ; m++) {
      if (!this.working(m)) continue;
      const start = Math.max(from, m * MIN);
      const avail = (m + 1) * MIN - start;
      if (acc + avail >= ms) return start + (ms - acc);
      acc += avail;
    }
  }
}

/** The reference walked further than it was allowed to (the case is skipped, not failed). */
export class ReferenceLimit extends Error {}

export interface RefMetric {
  elapsedMs: number;
  state: 'running' | 'paused' | 'met' | 'breached' | 'stopped' | 'none';
  /** Whether the clock counts at `now` (a breached clock may). */
  counting: boolean;
  breachedAt: number | null;
}

type RefPhase = 'counting' | 'paused' | 'met' | 'stopped';

/**
 * The SLA rules, restated minute by minute: every minute is cut at event instants
 * (and at the update cycle's start), and each piece counts when the minute is working
 * and the rules say "counting" for the category and history at the piece's start.
 * `update` needs `since`, the cycle's start (its clock never counts before it, nor
 * before the submission).
 */
export function referenceSla(
  cal: ReferenceCalendar,
  events: readonly { at: number; category: Category }[],
  now: number,
  metric: 'response' | 'resolution' | 'update',
  target: number | null,
  since?: number,
): RefMetric {
  const start = events[0]!.at;
  const end = Math.max(now, start);
  const cycleStart = metric === 'update' ? Math.min(Math.max(since!, start), end) : start;
  const applied = (t: number) => events.filter((e, i) => i === 0 || (e.at <= t && e.at <= end));
  const status = (t: number): RefPhase => {
    const seen = applied(t);
    const category = seen[seen.length - 1]!.category;
    if (metric === 'response') {
      // ended by its stop condition: a response category was entered, even if left since
      if (seen.some((e) => ['scheduled', 'waiting_customer', 'resolved', 'closed'].includes(e.category))) return 'met';
      if (category === 'cancelled') return 'stopped';
      return category === 'waiting_third_party' ? 'paused' : 'counting';
    }
    if (category === 'resolved' || category === 'closed') return 'met';
    if (category === 'cancelled') return 'stopped';
    if (metric === 'update') return t < cycleStart ? 'paused' : 'counting';
    return category === 'waiting_customer' || category === 'waiting_third_party' ? 'paused' : 'counting';
  };
  const targetMs = target === null ? null : target * MIN;
  let elapsed = 0;
  let breachedAt: number | null = targetMs === 0 ? cycleStart : null;
  for (let m = Math.floor(start / MIN); m * MIN < end; m++) {
    if (!cal.working(m)) continue;
    const cuts = [
      Math.max(start, m * MIN),
      ...[...events.map((e) => e.at), cycleStart].filter((t) => t > m * MIN && t < (m + 1) * MIN && t < end),
      Math.min(end, (m + 1) * MIN),
    ].sort((a, b) => a - b);
    for (let k = 0; k + 1 < cuts.length; k++) {
      const [u, v] = [cuts[k]!, cuts[k + 1]!];
      if (v <= u || status(u) !== 'counting') continue;
      if (breachedAt === null && targetMs !== null && elapsed + (v - u) >= targetMs) breachedAt = u + (targetMs - elapsed);
      elapsed += v - u;
    }
  }
  const phase = status(end);
  const state = target === null ? 'none' : breachedAt !== null ? 'breached' : phase === 'counting' ? 'running' : phase;
  return { elapsedMs: elapsed, state, counting: phase === 'counting', breachedAt };
}
