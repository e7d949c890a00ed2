/**
 * What an SLA policy may ask of a calendar. A target is working minutes on the tenant's
 * calendar; an absurd one (2^40 minutes) or one that a sparse calendar (one minute a
 * week) reaches only after millennia would overflow the date arithmetic or make every
 * SLA figure of the tenant a long walk through time. Both are refused on save, naming
 * the limit, so no stored policy can break or stall the tenant (or anyone else).
 */
import type { FieldError } from '../domain/errors';
import type { TenantSettings } from '../domain/settings';

/** No target beyond a year of round-the-clock minutes. */
export const MAX_SLA_TARGET_MINUTES = 366 * 24 * 60;
/** A target must be reached within this many years of the tenant's calendar. */
export const MAX_SLA_REACH_YEARS = 2;

const WEEKS_PER_YEAR = 52;

/** Working minutes in a week without holidays (24x7: every minute). */
export function weeklyWorkingMinutes(settings: Pick<TenantSettings, 'coverage' | 'businessHours'>): number {
  if (settings.coverage === '24x7') return 7 * 24 * 60;
  return Object.values(settings.businessHours).reduce((sum, ranges) => sum + dayMinutes(ranges ?? []), 0);
}

/** Every target the calendar cannot reach within MAX_SLA_REACH_YEARS (holidays counted as lost days). */
export function slaReachProblems(settings: Pick<TenantSettings, 'coverage' | 'businessHours' | 'holidays' | 'sla'>): FieldError[] {
  const weekly = weeklyWorkingMinutes(settings);
  if (weekly === 0) return []; // the calendar check reports a calendar with no working time
  // Holidays only take time away: count each one as a whole working day lost (an upper bound).
  const longestDay = Math.max(0, ...Object.values(settings.businessHours).map((ranges) => dayMinutes(ranges ?? [])));
  const lost = settings.coverage === '24x7' ? 0 : settings.holidays.length * longestDay;
  const reachable = Math.max(0, weekly * WEEKS_PER_YEAR * MAX_SLA_REACH_YEARS - lost);
  const problems: FieldError[] = [];
  for (const metric of ['response', 'resolution', 'update'] as const) {
    for (const [level, target] of Object.entries(settings.sla[metric] as Record<string, number | null>)) {
      if (target === null || target <= reachable) continue;
      problems.push({
        path: `sla.${metric}.${level}`,
        message: `${target} working minutes would take this calendar (${weekly} working minutes a week) more than ${MAX_SLA_REACH_YEARS} years; at most ${reachable} minutes here.`,
      });
    }
  }
  return problems;
}

const dayMinutes = (ranges: readonly (readonly [string, string])[]) =>
  ranges.reduce((sum, [start, end]) => sum + Math.max(0, toMinutes(end) - toMinutes(start)), 0);

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}
