/**
 * The SLA metrics of CONTRACT §6, computed from a ticket's category timeline on
 * the tenant's business calendar. Pure: `now` is passed in.
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
 * - update (seed 001, urgent tickets only): starts at the cycle's start (the last
 *   public staff comment, or when the ticket became urgent, never before the
 *   submission); counts in every category but `resolved`, `closed` and `cancelled`
 *   (a reopened urgent ticket counts on from the time the cycle already used).
 *   The caller starts a new cycle (a new `since`) at each public staff comment.
 *
 * Whether a clock counts (and so has a `dueAt` and wake-ups) is kept apart from
 * the word the contract shows (`state`):
 * - `none`: no target; else
 * - `breached`: the working time reached the target, whatever the clock does since;
 * - `running` while counting, `paused` while paused;
 * - `met`: ended by its stop condition before the target (response: a response
 *   category was entered; resolution and update: `resolved` or `closed`);
 * - `stopped`: ended otherwise before the target (`cancelled`).
 *
 * Time is counted in working milliseconds and floored to whole minutes once, for
 * `elapsedMinutes` only: the breach is the instant the working time reaches
 * `targetMinutes × 60 000` ms exactly (a target of 0 is breached at submission).
 */
import type { SlaClock, SlaState } from '../domain/ticket';
import type { Category } from '../domain/workflow';
import type { BusinessCalendar } from './business-calendar';
import { MINUTE } from './zone-clock';

export type SlaMetricName = 'response' | 'resolution' | 'update';

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

/** Seed 001's status-update cycle of an urgent ticket. */
export interface UpdateCycle {
  /** The cycle's start: the last public staff comment, or when the ticket became urgent (before the submission: the submission). */
  readonly since: Date;
  /** Working minutes; null = no target. */
  readonly target: number | null;
}

export interface SlaInput {
  /** In time order (equal instants allowed, applied in order); events after `now` are ignored. */
  readonly events: readonly CategoryChange[];
  /** Before the submission it counts as the submission instant. */
  readonly now: Date;
  readonly targets: SlaTargets;
  readonly calendar: BusinessCalendar;
  /** The current status-update cycle; null or absent when the ticket is not urgent (the metric is then `none`). */
  readonly update?: UpdateCycle | null;
}

export interface SlaMetric {
  readonly targetMinutes: number | null;
  /** Working ms counted up to `now` (or the stop). */
  readonly elapsedMs: number;
  /** floor(elapsedMs / 60 000). */
  readonly elapsedMinutes: number;
  /** The contract's word (see above); `breached` whether or not the clock still counts. */
  readonly state: SlaState;
  /** Whether the clock counts at `now` (a breached clock may still count): what `dueAt` and the wake-ups follow. */
  readonly counting: boolean;
  /** Counting clocks with a target only: where the target is reached (in the past when already breached). */
  readonly dueAt: Date | null;
  /** When the working time first reached the target; kept after the clock stops. */
  readonly breachedAt: Date | null;
}

export interface SlaEvaluation {
  readonly now: Date;
  readonly response: SlaMetric;
  readonly resolution: SlaMetric;
  /** `none`, not counting, with nothing elapsed when there is no update cycle (the ticket is not urgent). */
  readonly update: SlaMetric;
}

export interface SlaWakeUp {
  readonly warningAt: Date | null;
  readonly breachAt: Date | null;
}

/** Wake-up instants for a scheduler: strictly after `now`, null when not counting or already passed. */
export interface SlaWakeUps {
  readonly response: SlaWakeUp;
  readonly resolution: SlaWakeUp;
  readonly update: SlaWakeUp;
  /** The earliest of the above, or null. */
  readonly next: Date | null;
}

/** Share of the target at which a warning is due. */
export const SLA_WARNING_RATIO = 0.75;

/** What a metric does at an instant: `met` ended by its stop condition, `stopped` ended otherwise. */
type Phase = 'counting' | 'paused' | 'met' | 'stopped';

const RESPONDED: ReadonlySet<Category> = new Set(['scheduled', 'waiting_customer', 'resolved', 'closed']);

/** Resolved or closed ends the resolution (and update) clock by its stop condition, cancelled ends it otherwise. */
const ended = (category: Category): Phase | null => (category === 'resolved' || category === 'closed' ? 'met' : category === 'cancelled' ? 'stopped' : null);

/** How a metric treats the current category; `responded` is true once a response category was entered. */
const PHASE: Record<SlaMetricName, (category: Category, responded: boolean) => Phase> = {
  response: (category, responded) => (responded ? 'met' : category === 'cancelled' ? 'stopped' : category === 'waiting_third_party' ? 'paused' : 'counting'),
  resolution: (category) => ended(category) ?? (category === 'waiting_customer' || category === 'waiting_third_party' ? 'paused' : 'counting'),
  update: (category) => ended(category) ?? 'counting',
};

/** The contract's word for a clock: a reached target outranks whatever the clock does now. */
function stateOf(target: number | null, breachedAt: number | null, phase: Phase): SlaState {
  if (target === null) return 'none';
  if (breachedAt !== null) return 'breached';
  return phase === 'counting' ? 'running' : phase;
}

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
  const counting = phase === 'counting';
  let dueAt: number | null = null;
  if (counting && targetMs !== null) {
    dueAt = breachedAt ?? calendar.addWorkingMillis(new Date(now), targetMs - elapsed).getTime();
  }
  return {
    targetMinutes: target,
    elapsedMs: elapsed,
    elapsedMinutes: Math.floor(elapsed / MINUTE),
    state: stateOf(target, breachedAt, phase),
    counting,
    dueAt: dueAt === null ? null : new Date(dueAt),
    breachedAt: breachedAt === null ? null : new Date(breachedAt),
  };
}

/** The clock of a ticket that is not urgent: no target, nothing counted. */
const NO_UPDATE: Omit<SlaMetric, 'targetMinutes'> = { elapsedMs: 0, elapsedMinutes: 0, state: 'none', counting: false, dueAt: null, breachedAt: null };

/**
 * The timeline as seen from the cycle's start: the category in force then (the last event at or
 * before it), then what followed. The start is never before the submission nor after `now`.
 */
function cycleTimeline(events: readonly { at: number; category: Category }[], since: number, now: number): { at: number; category: Category }[] {
  const start = Math.min(Math.max(since, events[0]!.at), now);
  const inForce = events.filter((e) => e.at <= start).at(-1)!;
  return [{ at: start, category: inForce.category }, ...events.filter((e) => e.at > start)];
}

/** Every metric as of `input.now`. */
export function evaluateSla(input: SlaInput): SlaEvaluation {
  const nowMs = input.now instanceof Date ? input.now.getTime() : NaN;
  if (!Number.isFinite(nowMs)) throw new RangeError('now must be a valid Date.');
  const events = timeline(input.events, nowMs);
  const now = Math.max(nowMs, events[0]!.at);
  const metric = (name: 'response' | 'resolution') => evaluateMetric(name, events, now, checkTarget(name, input.targets[name]), input.calendar);
  const cycle = input.update ?? null;
  let update: SlaMetric = { targetMinutes: null, ...NO_UPDATE };
  if (cycle !== null) {
    const since = cycle.since instanceof Date ? cycle.since.getTime() : NaN;
    if (!Number.isFinite(since)) throw new RangeError('update.since must be a valid Date.');
    update = evaluateMetric('update', cycleTimeline(events, since, now), now, checkTarget('update', cycle.target), input.calendar);
  }
  return { now: new Date(now), response: metric('response'), resolution: metric('resolution'), update };
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
export function slaClocks(input: SlaInput): { response: SlaClock; resolution: SlaClock; update: SlaClock } {
  const evaluation = evaluateSla(input);
  return { response: toSlaClock(evaluation.response), resolution: toSlaClock(evaluation.resolution), update: toSlaClock(evaluation.update) };
}

/**
 * The next instants worth waking at: per counting clock, where it reaches 75 % of
 * its target (warning) and 100 % (breach), each null once passed (or reached
 * exactly at `now`) and for paused, ended or target-less clocks. `next` is the
 * earliest. Recompute after every change: a pause or a new update cycle invalidates them.
 */
export function nextSlaInstants(input: SlaInput, evaluation: SlaEvaluation = evaluateSla(input)): SlaWakeUps {
  const now = evaluation.now.getTime();
  const at = (metric: SlaMetric, ratio: number): Date | null => {
    if (!metric.counting || metric.targetMinutes === null) return null;
    const goal = metric.targetMinutes * MINUTE * ratio; // exact: 0.75 × a multiple of 60 000
    if (metric.elapsedMs >= goal) return null;
    return input.calendar.addWorkingMillis(evaluation.now, Math.ceil(goal - metric.elapsedMs));
  };
  const wake = (metric: SlaMetric): SlaWakeUp => ({ warningAt: at(metric, SLA_WARNING_RATIO), breachAt: at(metric, 1) });
  const [response, resolution, update] = [wake(evaluation.response), wake(evaluation.resolution), wake(evaluation.update)];
  const candidates = [response, resolution, update]
    .flatMap((w) => [w.warningAt, w.breachAt])
    .filter((d): d is Date => d !== null && d.getTime() > now)
    .sort((a, b) => a.getTime() - b.getTime());
  return { response, resolution, update, next: candidates[0] ?? null };
}
