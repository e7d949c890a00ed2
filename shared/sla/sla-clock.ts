/**
 * The two SLA metrics of CONTRACT §6, computed from a ticket's category
 * timeline on the tenant's business calendar. Pure: `now` is passed in.
 *
 * - response: starts at submission; stops for good at the FIRST entry into
 *   `scheduled`, `waiting_customer`, `resolved` or `closed` (seed 004: it never
 *   restarts, not even on reopen); paused while `waiting_third_party`.
 *   Not in the contract, decided here: while `cancelled` (before any response)
 *   it does not count and shows `stopped`; should the ticket leave `cancelled`
 *   unanswered, it resumes from the time already used.
 * - resolution: starts at submission; stops on entering `resolved`, `closed` or
 *   `cancelled`; paused while `waiting_customer` or `waiting_third_party`; on
 *   reopen (any later event leaving those) it resumes from the time already used.
 *
 * Time is counted in working milliseconds and floored to whole minutes once, for
 * `elapsedMinutes` only: the breach is the instant the working time reaches
 * `targetMinutes × 60 000` ms exactly (a target of 0 is breached at submission).
 */
import type { SlaClock } from '../domain/ticket';
import type { Category } from '../domain/workflow';
import type { BusinessCalendar } from './business-calendar';
import { MINUTE } from './zone-clock';

export type SlaMetricName = 'response' | 'resolution';

/** The ticket's category from a given instant on; the first event is the submission. */
export interface CategoryChange {
  readonly at: Date;
  readonly category: Category;
}

/** Working minutes; null = no target. */
export interface SlaTargets {
  readonly response: number | null;
  readonly resolution: number | null;
}

export interface SlaInput {
  /** In time order (equal instants allowed, applied in order); events after `now` are ignored. */
  readonly events: readonly CategoryChange[];
  /** Before the submission it counts as the submission instant. */
  readonly now: Date;
  readonly targets: SlaTargets;
  readonly calendar: BusinessCalendar;
}

export interface SlaMetric {
  readonly targetMinutes: number | null;
  /** Working ms counted up to `now` (or the stop). */
  readonly elapsedMs: number;
  /** floor(elapsedMs / 60 000). */
  readonly elapsedMinutes: number;
  readonly state: SlaClock['state'];
  /** Running clocks only: where the target is reached (in the past when already breached). */
  readonly dueAt: Date | null;
  /** When the working time first reached the target; kept after the clock stops. */
  readonly breachedAt: Date | null;
}

export interface SlaEvaluation {
  readonly now: Date;
  readonly response: SlaMetric;
  readonly resolution: SlaMetric;
}

/** Wake-up instants for a scheduler: strictly after `now`, null when not running or already passed. */
export interface SlaWakeUps {
  readonly response: { readonly warningAt: Date | null; readonly breachAt: Date | null };
  readonly resolution: { readonly warningAt: Date | null; readonly breachAt: Date | null };
  /** The earliest of the above, or null. */
  readonly next: Date | null;
}

/** Share of the target at which a warning is due. */
export const SLA_WARNING_RATIO = 0.75;

type Phase = 'counting' | 'paused' | 'stopped';

const RESPONDED: ReadonlySet<Category> = new Set(['scheduled', 'waiting_customer', 'resolved', 'closed']);

/** How a metric treats the current category; `responded` is true once a response category was entered. */
const PHASE: Record<SlaMetricName, (category: Category, responded: boolean) => Phase> = {
  response: (category, responded) => (responded || category === 'cancelled' ? 'stopped' : category === 'waiting_third_party' ? 'paused' : 'counting'),
  resolution: (category) =>
    category === 'resolved' || category === 'closed' || category === 'cancelled'
      ? 'stopped'
      : category === 'waiting_customer' || category === 'waiting_third_party'
        ? 'paused'
        : 'counting',
};

const STATE: Record<Phase, SlaClock['state']> = { counting: 'running', paused: 'paused', stopped: 'stopped' };

function checkTarget(name: string, target: number | null): number | null {
  if (target !== null && (!Number.isSafeInteger(target) || target < 0)) {
    throw new RangeError(`The ${name} target must be null or a whole number of minutes ≥ 0, not ${target}.`);
  }
  return target;
}

/** The events that apply at `now` (or at the submission, when `now` is before it), checked to be in order. */
function timeline(events: readonly CategoryChange[], now: number): { at: number; category: Category }[] {
  if (events.length === 0) throw new RangeError('An SLA timeline needs at least the submission event.');
  const all = events.map((e, i) => {
    const at = e.at instanceof Date ? e.at.getTime() : NaN;
    if (!Number.isFinite(at)) throw new RangeError(`events[${i}].at must be a valid Date.`);
    if (i > 0 && at < events[i - 1]!.at.getTime()) throw new RangeError(`events[${i}] is earlier than the event before it.`);
    return { at, category: e.category };
  });
  const effectiveNow = Math.max(now, all[0]!.at);
  return all.filter((e) => e.at <= effectiveNow);
}

function evaluateMetric(
  metric: SlaMetricName,
  events: readonly { at: number; category: Category }[],
  now: number,
  target: number | null,
  calendar: BusinessCalendar,
): SlaMetric {
  const targetMs = target === null ? null : target * MINUTE;
  let elapsed = 0;
  let breachedAt: number | null = targetMs === 0 ? events[0]!.at : null;
  let responded = false;
  let phase: Phase = 'counting';
  for (const [i, e] of events.entries()) {
    responded ||= RESPONDED.has(e.category);
    phase = PHASE[metric](e.category, responded);
    const end = Math.min(events[i + 1]?.at ?? now, now);
    if (phase !== 'counting' || end <= e.at) continue;
    const ms = calendar.workingMillisBetween(new Date(e.at), new Date(end));
    if (breachedAt === null && targetMs !== null && elapsed + ms >= targetMs) {
      breachedAt = calendar.addWorkingMillis(new Date(e.at), targetMs - elapsed).getTime();
    }
    elapsed += ms;
  }
  const state = target === null ? 'none' : STATE[phase];
  let dueAt: number | null = null;
  if (state === 'running' && targetMs !== null) {
    dueAt = breachedAt ?? calendar.addWorkingMillis(new Date(now), targetMs - elapsed).getTime();
  }
  return {
    targetMinutes: target,
    elapsedMs: elapsed,
    elapsedMinutes: Math.floor(elapsed / MINUTE),
    state,
    dueAt: dueAt === null ? null : new Date(dueAt),
    breachedAt: breachedAt === null ? null : new Date(breachedAt),
  };
}

/** Both metrics as of `input.now`. */
export function evaluateSla(input: SlaInput): SlaEvaluation {
  const nowMs = input.now instanceof Date ? input.now.getTime() : NaN;
  if (!Number.isFinite(nowMs)) throw new RangeError('now must be a valid Date.');
  const events = timeline(input.events, nowMs);
  const now = Math.max(nowMs, events[0]!.at);
  const metric = (name: SlaMetricName) => evaluateMetric(name, events, now, checkTarget(name, input.targets[name]), input.calendar);
  return { now: new Date(now), response: metric('response'), resolution: metric('resolution') };
}

/** The stored/API shape (`Ticket.sla.*`), instants as ISO strings. */
export function toSlaClock(metric: SlaMetric): SlaClock {
  return {
    targetMinutes: metric.targetMinutes,
    elapsedMinutes: metric.elapsedMinutes,
    state: metric.state,
    dueAt: metric.dueAt?.toISOString() ?? null,
    breachedAt: metric.breachedAt?.toISOString() ?? null,
  };
}

/** `Ticket.sla` as of `input.now`. */
export function slaClocks(input: SlaInput): { response: SlaClock; resolution: SlaClock } {
  const evaluation = evaluateSla(input);
  return { response: toSlaClock(evaluation.response), resolution: toSlaClock(evaluation.resolution) };
}

/**
 * The next instants worth waking at: per running clock, where it reaches 75 % of
 * its target (warning) and 100 % (breach), each null once passed (or reached
 * exactly at `now`) and for paused, stopped or target-less clocks. `next` is the
 * earliest. Recompute after every status change: a pause invalidates them.
 */
export function nextSlaInstants(input: SlaInput, evaluation: SlaEvaluation = evaluateSla(input)): SlaWakeUps {
  const now = evaluation.now.getTime();
  const at = (metric: SlaMetric, ratio: number): Date | null => {
    if (metric.state !== 'running' || metric.targetMinutes === null) return null;
    const goal = metric.targetMinutes * MINUTE * ratio; // exact: 0.75 × a multiple of 60 000
    if (metric.elapsedMs >= goal) return null;
    return input.calendar.addWorkingMillis(evaluation.now, Math.ceil(goal - metric.elapsedMs));
  };
  const response = { warningAt: at(evaluation.response, SLA_WARNING_RATIO), breachAt: at(evaluation.response, 1) };
  const resolution = { warningAt: at(evaluation.resolution, SLA_WARNING_RATIO), breachAt: at(evaluation.resolution, 1) };
  const candidates = [response.warningAt, response.breachAt, resolution.warningAt, resolution.breachAt]
    .filter((d): d is Date => d !== null && d.getTime() > now)
    .sort((a, b) => a.getTime() - b.getTime());
  return { response, resolution, next: candidates[0] ?? null };
}
