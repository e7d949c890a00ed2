import { DomainError, forbidden, invalid, workflowRefused } from '../domain/errors';
import { isStaff, systemCaller, type TenantCaller } from '../domain/identity';
import type { Priority, Severity } from '../domain/settings';
import { actorOf, type Channel, type CommentAttachment, type CommentVisibility, type Ticket } from '../domain/ticket';
import type { TicketDeps } from './deps';
import { mutateTicket, type Decision, type MutationRequest } from './mutate-ticket';
import { combine, enterStatus } from './status-change';
import type { TenantContext } from './tenant-context';

const requireStaff = (caller: TenantCaller) => {
  if (!isStaff(caller.role)) throw forbidden('Only support staff may do this.');
};

const publicComment = (
  caller: TenantCaller,
  body: string,
  visibility: CommentVisibility = 'public',
  channel: Channel = 'api',
  source: Pick<CommentInput, 'attachments' | 'sourceMessageKey'> = {},
): Decision => ({
  patch: {},
  events: [{ type: 'comment-added', actor: actorOf(caller), visibility }],
  comments: [
    {
      body,
      visibility,
      author: { id: caller.sub, role: caller.role, email: caller.email },
      channel,
      attachments: source.attachments ?? [],
      ...(source.sourceMessageKey ? { sourceMessageKey: source.sourceMessageKey } : {}),
    },
  ],
});

export function submitTicket(deps: TicketDeps, req: MutationRequest) {
  return mutateTicket(deps, req, (ticket, tenant, now) => {
    if (ticket.category !== 'draft') throw workflowRefused(`Ticket ${ticket.key} is not a draft.`);
    const move = enterStatus(ticket, tenant.workflow.submitTarget(ticket.type), tenant, req.caller, now);
    return {
      ...move,
      patch: { ...move.patch, submittedAt: now.toISOString() },
      events: [{ type: 'submitted', actor: actorOf(req.caller), visibility: 'public' }, ...move.events],
    };
  });
}

export interface TransitionInput {
  readonly to: string;
  readonly comment?: string;
  /** The comment's visibility (default public); internal only for staff. */
  readonly commentVisibility?: CommentVisibility;
  readonly resolution?: string;
}

export function transitionTicket(deps: TicketDeps, req: MutationRequest, input: TransitionInput) {
  if (input.commentVisibility === 'internal' && !isStaff(req.caller.role)) throw forbidden('Customers post public comments only.');
  return mutateTicket(deps, req, (ticket, tenant, now) => {
    if (!tenant.workflow.status(input.to)) throw workflowRefused(`Status ${input.to} does not exist in workflow ${tenant.workflow.id}.`);
    if (!tenant.workflow.findTransition(ticket.status, input.to, req.caller.role, ticket.type)) {
      const allowed = tenant.workflow.nextStatuses(ticket.status, req.caller.role, ticket.type);
      throw workflowRefused(
        `The workflow has no transition from ${ticket.status} to ${input.to} for role ${req.caller.role}` +
          (allowed.length ? ` (allowed: ${allowed.join(', ')}).` : '.'),
      );
    }
    requireFields(ticket, tenant, input.to, input.resolution);
    const move = enterStatus(ticket, input.to, tenant, req.caller, now, { resolution: input.resolution });
    return input.comment ? combine(publicComment(req.caller, input.comment, input.commentVisibility), move) : move;
  });
}

export interface PatchInput {
  readonly assignee?: string | null;
  readonly team?: string | null;
  readonly severity?: Severity;
  readonly priority?: Priority;
  readonly subject?: string;
}

/** Fields customers see change in a public event; who works on it stays internal. */
const INTERNAL_FIELDS = new Set(['assignee', 'team']);

export async function patchTicket(deps: TicketDeps, req: MutationRequest, input: PatchInput) {
  requireStaff(req.caller);
  if (input.assignee) {
    const user = await deps.users.get(req.caller.tenantId, input.assignee);
    if (!user || !isStaff(user.role)) throw invalid('Unknown assignee.', [{ path: 'assignee', message: 'no staff user with this id in the directory' }]);
  }
  return mutateTicket(deps, req, (ticket, tenant) => {
    const changes = Object.entries(input).filter(([field, value]) => ticket[field as keyof Ticket] !== value);
    if (changes.length === 0) throw invalid('Nothing to change.', [{ path: '', message: 'every given field already has that value' }]);
    const patch: Partial<Ticket> = Object.fromEntries(changes);
    const slaTargets = retarget(ticket, patch, tenant);
    const event = (visibility: CommentVisibility, entries: [string, unknown][]) => ({
      type: 'fields-changed' as const,
      actor: actorOf(req.caller),
      visibility,
      changes: Object.fromEntries(entries.map(([f, to]) => [f, { from: ticket[f as keyof Ticket], to }])),
    });
    const pub = changes.filter(([f]) => !INTERNAL_FIELDS.has(f));
    const internal = changes.filter(([f]) => INTERNAL_FIELDS.has(f));
    return {
      patch: { ...patch, ...slaTargets },
      events: [...(pub.length ? [event('public', pub)] : []), ...(internal.length ? [event('internal', internal)] : [])],
    };
  });
}

/** Priority and severity choose the SLA targets. */
function retarget(ticket: Ticket, patch: Partial<Ticket>, tenant: TenantContext): Partial<Ticket> {
  if (!patch.priority && !patch.severity) return {};
  const priority = patch.priority ?? ticket.priority;
  const severity = patch.severity ?? ticket.severity;
  return {
    sla: {
      response: { ...ticket.sla.response, targetMinutes: tenant.settings.sla.response[priority] },
      resolution: { ...ticket.sla.resolution, targetMinutes: tenant.settings.sla.resolution[severity] },
    },
  };
}

export interface CommentInput {
  readonly body: string;
  readonly visibility?: CommentVisibility;
  /** Where it came from (`email`: a reply by mail); default `api`. */
  readonly channel?: Channel;
  /** A reply by mail: its attachments and the sha256 of its Message-ID. */
  readonly attachments?: readonly CommentAttachment[];
  readonly sourceMessageKey?: string;
}

export function addComment(deps: TicketDeps, req: MutationRequest, input: CommentInput) {
  const visibility = input.visibility ?? 'public';
  if (visibility === 'internal' && !isStaff(req.caller.role)) throw forbidden('Customers post public comments only.');
  return mutateTicket(deps, req, (ticket, tenant, now) => {
    const comment = publicComment(req.caller, input.body, visibility, input.channel, input);
    if (req.caller.role !== 'customer') return comment;
    // Seed 000: a closed ticket "can be reopened within 30 days if the customer responds".
    if (ticket.category === 'closed') return combine(comment, reopening(ticket, tenant, req.caller, now));
    // A customer's answer to a ticket that waits on them applies the workflow's reply rule.
    const replyTarget = tenant.workflow.definition.rules.onCustomerReply[ticket.status];
    return replyTarget ? combine(comment, enterStatus(ticket, replyTarget, tenant, req.caller, now, { reason: 'customer-reply' })) : comment;
  });
}

/**
 * A repair that did something (woke, restarted or started the execution) leaves an internal
 * history event by whoever asked for it. Written as a system change, so it does not count
 * as a touch by a person (the untouched-timers keep running).
 */
export async function recordRepair(deps: TicketDeps, caller: TenantCaller, ticketId: string, action: string): Promise<void> {
  await mutateTicket(deps, { caller: systemCaller(caller.tenantId), idOrKey: ticketId, expectedVersion: null }, () => ({
    patch: {},
    events: [{ type: 'workflow-repaired', actor: actorOf(caller), visibility: 'internal', reason: action }],
  }));
}

/** The customer confirms that a resolved ticket is solved. */
export function confirmClose(deps: TicketDeps, req: MutationRequest) {
  return mutateTicket(deps, req, (ticket, tenant, now) => {
    const target = tenant.workflow.definition.rules.onCustomerConfirm[ticket.status];
    if (!target) throw workflowRefused(`Ticket ${ticket.key} is not awaiting confirmation (status ${ticket.status}).`);
    const move = enterStatus(ticket, target, tenant, req.caller, now, { reason: 'customer-confirmed' });
    return { ...move, events: [{ type: 'closed-by-customer', actor: actorOf(req.caller), visibility: 'public' }, ...move.events] };
  });
}

export function reopenTicket(deps: TicketDeps, req: MutationRequest, input: { comment: string }) {
  return mutateTicket(deps, req, (ticket: Ticket, tenant, now) =>
    combine(publicComment(req.caller, input.comment), reopening(ticket, tenant, req.caller, now)),
  );
}

/** The customer's reopen (`/reopen`, or a comment on a closed ticket): within the window, else 422 pointing to a new ticket. */
function reopening(ticket: Ticket, tenant: TenantContext, caller: TenantCaller, now: Date): Decision {
  const rule = tenant.workflow.definition.rules.onCustomerReopen;
  if (!rule.from.includes(ticket.status)) {
    if (ticket.category === 'closed') throw workflowRefused(`Ticket ${ticket.key} is closed for good. Please open a new ticket and mention ${ticket.key}.`);
    throw workflowRefused(`Ticket ${ticket.key} is not resolved or closed, so there is nothing to reopen.`);
  }
  if (ticket.reopenableUntil && now.getTime() > Date.parse(ticket.reopenableUntil))
    throw workflowRefused(`The reopen window of ${ticket.key} ended at ${ticket.reopenableUntil}. Please open a new ticket and mention ${ticket.key}.`);
  const move = enterStatus(ticket, rule.to, tenant, caller, now, { reason: 'customer-reopen' });
  return { ...move, events: [{ type: 'reopened', actor: actorOf(caller), visibility: 'public' }, ...move.events] };
}

/** A status that requires fields (boltrics 020-ASSIGNED: an assignee) is entered only with them: 422 naming each. */
function requireFields(ticket: Ticket, tenant: TenantContext, to: string, resolution: string | undefined): void {
  const missing = (tenant.workflow.status(to)?.requires ?? []).filter((field) =>
    field === 'resolution' ? !(resolution ?? ticket.resolution) : !ticket[field],
  );
  if (missing.length === 0) return;
  throw new DomainError(
    'workflow-refused',
    `Status ${to} requires ${missing.join(' and ')}; set ${missing.length > 1 ? 'them' : 'it'} first.`,
    missing.map((field) => ({ path: field, message: `required by status ${to}` })),
  );
}
