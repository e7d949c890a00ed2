import { DateTime, IANAZone } from 'luxon';
import { ZoneClock } from '../../shared/sla/zone-clock';
import { apiErrors } from './errors';

const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const RECURRING = /^(rate|cron)\(.*\)$/s;
const DAY_MS = 86_400_000;

export const DEFAULT_TIMEZONE = 'UTC';

/** Whether `zone` is an IANA time zone name (what ScheduleExpressionTimezone accepts). */
export function isValidTimezone(zone: string): boolean {
  return zone.length >= 1 && zone.length <= 50 && ZoneClock.isValid(zone);
}

/**
 * The UTC instant (epoch ms) of a one-time `at(yyyy-mm-ddThh:mm:ss)` expression, the wall time
 * read in `timezone` (IANA, default UTC).
 *
 * - A wall time that occurs twice (the hour repeated when summer time ends) is its first
 *   occurrence, the one with the larger offset (as java.time resolves it).
 * - A wall time that does not exist (the hour skipped when summer time starts) moves forward
 *   by the length of the gap: 02:30 becomes 03:30 summer time (also as java.time does).
 *
 * rate() and cron() are refused: the product uses only at(), and this local service fires
 * one-time schedules only.
 */
export function dueInstant(expression: string, timezone: string = DEFAULT_TIMEZONE): number {
  if (RECURRING.test(expression)) {
    throw apiErrors.validation('Only at() expressions are supported by the local EventBridge Scheduler; rate() and cron() schedules are not run locally.');
  }
  const match = AT.exec(expression);
  if (!match) throw apiErrors.validation(`Invalid Schedule Expression ${expression.slice(0, 256)}.`);
  if (!isValidTimezone(timezone)) throw apiErrors.validation(`Invalid Schedule Expression Timezone ${timezone.slice(0, 64)}.`);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const local = DateTime.fromObject({ year, month, day, hour, minute, second }, { zone: timezone });
  if (!local.isValid || local.year !== year || local.month !== month || local.day !== day) {
    throw apiErrors.validation(`Invalid Schedule Expression ${expression.slice(0, 256)}.`);
  }
  // The wall time as if it were UTC; each offset the zone uses around that day gives a candidate.
  const naive = Date.UTC(year, month - 1, day, hour, minute, second);
  const zone = IANAZone.create(timezone);
  const candidates = new Set<number>();
  for (const probe of [naive - DAY_MS, naive, naive + DAY_MS, local.toMillis()]) {
    const offsetMin = zone.offset(probe);
    const instant = naive - offsetMin * 60_000;
    if (zone.offset(instant) === offsetMin) candidates.add(instant);
  }
  // No candidate: the wall time falls in a gap; luxon has moved it forward by the gap.
  return candidates.size > 0 ? Math.min(...candidates) : local.toMillis();
}
