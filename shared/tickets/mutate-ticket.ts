import { busy, StaleWrite, versionConflict } from '../domain/errors';
import { isStaff, SYSTEM_SUB, type Role, type TenantCaller } from '../domain/identity';
import type { TicketChange } from '../domain/ports';
import type { ThirdPartyWait } from '../domain/third-party';
import { NO_AUTOMATION, type Comment, type HistoryEvent, type Ticket } from '../domain/ticket';
import type { TicketDeps } from './deps';
import { findVisibleTicket, visibleOrNotFound } from './find-visible-ticket';
import { countStaleWriteRetry } from '../observability/metrics';
import { withLiveSla } from '../sla/ticket-sla';
import { notificationsOnChange } from './notifications';
import { loadTenant, type TenantContext } from './tenant-context';

/** What a use case decides, given the ticket as it is now. */
export interface Decision {
  /** Changed fields; version and updatedAt are set here. */
  readonly patch: Partial<Ticket>;
  readonly events: readonly Omit<HistoryEvent, 'id' | 'at' | 'version'>[];
  readonly comments?: readonly Omit<Comment, 'id' | 'createdAt'>[];
  /** Third-party waits created or changed with the ticket. */
  readonly waits?: readonly ThirdPartyWait[];
  /** A change nobody is told about (a workflow migration): no notifications. */
  readonly quiet?: boolean;
}

export interface MutationRequest {
  readonly caller: TenantCaller;
  readonly idOrKey: string;
  /** From If-Match: the write only happens at this version, else 412. */
  readonly expectedVersion: number | null;
  /**
   * The ticket as the caller has just read it, and may see (the timer, a system caller):
   * the first attempt decides on it instead of reading it again. Its write is conditional on
   * its version like any other, so a stale one costs a retry, never a lost change.
   */
  readonly known?: Ticket;
}

/**
 * Read, decide, conditionally write, and on a lost race read again and decide
 * again. Every change to a ticket goes through here, so two concurrent writes
 * never lose either's effect: the loser re-applies its intent to the winner's
 * result. With If-Match the caller asked for "only at this version", so a lost
 * race surfaces as 412 instead.
 */
export async function mutateTicket(
  deps: TicketDeps,
  request: MutationRequest,
  decide: (ticket: Ticket, tenant: TenantContext, now: Date) => Decision,
): Promise<{ ticket: Ticket; comments: Comment[] }> {
  const tenantLoad = loadTenant(deps.settings, request.caller.tenantId);
  const orgVisibility = tenantLoad.then((t) => t.settings.orgVisibility);
  // The ticket to decide on without reading it: the caller's own read first, then the one a lost race hands back.
  let known: Ticket | undefined = request.known;
  for (let attempt = 0; ; attempt++) {
    // The settings are read once, beside the first read of the ticket (one round trip's time).
    const [tenant, current] = await Promise.all([tenantLoad, known ?? findVisibleTicket(deps.tickets, request.caller, request.idOrKey, orgVisibility)]);
    if (request.expectedVersion !== null && current.version !== request.expectedVersion) throw versionConflict(request.expectedVersion, current.version);
    const now = deps.clock.now();
    const decision = decide(current, tenant, now);
    const change = materialize(deps, current, withNotifications(current, decision, request.caller, tenant), now, request.caller);
    try {
      // One conditional transaction, then the answer: the table's stream does the rest.
      await deps.tickets.update(request.caller.tenantId, current.version, change);
      return { ticket: withLiveSla(change.ticket, tenant.settings, now), comments: [...change.comments] };
    } catch (error) {
      if (!(error instanceof StaleWrite)) throw error;
      const winner = error.current as Ticket | undefined;
      known = winner ? visibleOrNotFound(request.caller, winner, await orgVisibility) : undefined;
      // Still losing after this many rounds: the caller is told to come back (429), not that we failed (500).
      if (attempt >= MAX_ATTEMPTS) throw busy('Too many changes to this ticket at once. Retry in a moment.');
      countStaleWriteRetry();
      await backoff(attempt);
    }
  }
}

/** Enough for 50+ writers on one ticket: each round at least one of them wins. */
const MAX_ATTEMPTS = 200;

/**
 * Exponential backoff with full jitter (10 ms doubling, at most 500 ms): the more often a writer
 * lost, the less often it tries. A fixed short wait had 50 losers retry together every ~50 ms and
 * fill the table with transactions that fail, so the winners came slower the busier it got.
 */
const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(500, 10 * 2 ** Math.min(attempt, 6))));

/** Adds the notifications the change causes, so they commit (or not) with it. */
function withNotifications(current: Ticket, decision: Decision, caller: TenantCaller, tenant: TenantContext): Decision {
  if (decision.quiet) return decision;
  const after = { ...current, ...decision.patch };
  const notices = notificationsOnChange(current, after, caller, tenant, decision.events, decision.comments ?? []);
  return notices.length ? { ...decision, events: [...decision.events, ...notices] } : decision;
}

/**
 * Bookkeeping every change carries: when the status was entered, the category
 * log the SLA is computed from (from submission on), the last touch by a
 * person, which restarts the untouched-timers, and for seed 001's status-update
 * clock when the ticket became urgent and its last public staff comment.
 */
function bookkeeping(current: Ticket, next: Ticket, caller: TenantCaller, at: string, comments: readonly Comment[]): Partial<Ticket> {
  const statusChanged = next.status !== current.status;
  const submitted = next.category !== 'draft';
  const log = current.categoryLog ?? [];
  const categoryLog = submitted && (log.length === 0 || log.at(-1)!.category !== next.category) ? [...log, { at, category: next.category }] : log;
  const person = caller.sub !== SYSTEM_SUB;
  const becameUrgent = next.priority === 'urgent' && current.priority !== 'urgent';
  const leftUrgent = current.priority === 'urgent' && next.priority !== 'urgent';
  const staffUpdate = comments.some((c) => c.visibility === 'public' && isStaff(c.author.role as Role));
  return {
    statusSince: statusChanged ? at : (current.statusSince ?? current.createdAt),
    categoryLog,
    lastTouchedAt: person ? at : (current.lastTouchedAt ?? current.createdAt),
    automation: { ...NO_AUTOMATION, ...current.automation, ...next.automation, ...(person ? { reminders: 0 } : {}) },
    // set when the priority becomes urgent, cleared when it stops being urgent
    ...(becameUrgent || leftUrgent ? { urgentSince: becameUrgent ? at : null } : {}),
    ...(staffUpdate ? { lastPublicStaffCommentAt: at } : {}),
  };
}

function materialize(deps: TicketDeps, current: Ticket, decision: Decision, now: Date, caller: TenantCaller): TicketChange {
  const at = now.toISOString();
  const version = current.version + 1;
  const comments = (decision.comments ?? []).map((c) => ({ ...c, id: deps.ids.next(), createdAt: at }));
  const publicComment = comments.find((c) => c.visibility === 'public');
  const events = decision.events.map((e) => ({
    ...e,
    id: deps.ids.next(),
    at,
    version,
    // A comment event points at the comment it announces; a notice to the requester at the public comment it carries.
    ...(e.type === 'comment-added' && comments.length > 0 && !e.commentId ? { commentId: comments[0]!.id } : {}),
    ...(e.type === 'notification' && e.visibility === 'public' && publicComment && !e.commentId ? { commentId: publicComment.id } : {}),
  }));
  const next = { ...current, ...decision.patch, version, updatedAt: at };
  return { ticket: { ...next, ...bookkeeping(current, next, caller, at, comments) }, events, comments, waits: decision.waits ?? [] };
}
