/**
 * Third-party waits (CONTRACT section 4): staff hand a vendor a callback URL; the vendor
 * answers without an account; the answer is an internal comment and, when it settles the
 * question (`solved`, `needs-info`), ends the wait and moves the ticket by the workflow's
 * third-party-reply rule. The ticket change then drives the lifecycle through the table's
 * stream like any other: no Step Functions token ever leaves the system.
 */
import { forbidden, gone, notFound, workflowRefused } from '../domain/errors';
import { isStaff, SYSTEM_SUB, systemCaller, type TenantCaller } from '../domain/identity';
import {
  answerDigest,
  callbackToken,
  newSecret,
  parseCallbackToken,
  secretMatches,
  viewOf,
  waitState,
  type ThirdPartyOutcome,
  type ThirdPartyWait,
  type ThirdPartyWaitView,
} from '../domain/third-party';
import { actorOf, type Channel, type CommentAttachment, type Ticket } from '../domain/ticket';
import type { TicketDeps } from './deps';
import { findVisibleTicket } from './find-visible-ticket';
import { mutateTicket, type Decision, type MutationRequest } from './mutate-ticket';
import { combine, enterStatus } from './status-change';
import { loadTenant, type TenantContext } from './tenant-context';

const DAY_MS = 86_400_000;

export interface ThirdPartyRequest {
  readonly party: string;
  readonly reference: string;
  readonly email?: string;
  readonly expiresInDays?: number;
  /** A waiting_third_party status to move the ticket to, when it is not waiting already. */
  readonly to?: string;
}

/** `POST /v1/tickets/{id}/third-party` (staff): the wait, and the one time its callback URL is shown. */
export async function requestThirdParty(
  deps: TicketDeps,
  req: MutationRequest,
  input: ThirdPartyRequest,
  callbackBase: string,
): Promise<ThirdPartyWaitView & { callbackUrl: string }> {
  if (!isStaff(req.caller.role)) throw forbidden('Only support staff ask a third party.');
  const { secret, hash } = newSecret();
  const waitId = deps.ids.next();
  let created: ThirdPartyWait | undefined;
  const { ticket } = await mutateTicket(deps, req, (current, tenant, now) => {
    const move = enterWait(current, tenant, req.caller, now, input.to);
    created = {
      id: waitId,
      party: input.party,
      reference: input.reference,
      email: input.email ?? null,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + (input.expiresInDays ?? 30) * DAY_MS).toISOString(),
      state: 'waiting',
      answeredAt: null,
      enteredFrom: current.category === 'waiting_third_party' ? null : current.status,
      secretHash: hash,
      answers: [],
    };
    const requested: Decision = {
      patch: {},
      events: [
        { type: 'third-party-requested', actor: actorOf(req.caller), visibility: 'internal', reason: `${input.party} ${input.reference}` },
        // With an address, the request goes out by mail on its own thread (CONTRACT 4 and 7).
        ...(input.email
          ? [
              {
                type: 'notification' as const,
                actor: { id: SYSTEM_SUB, role: 'system' },
                visibility: 'internal' as const,
                recipients: [input.email],
                reason: 'third-party-request',
                details: { waitId, party: input.party, reference: input.reference },
              },
            ]
          : []),
      ],
      waits: [created],
    };
    return combine(move, requested);
  });
  const token = callbackToken({ tenantId: req.caller.tenantId, ticketId: ticket.id, waitId }, secret);
  return { ...viewOf(created!, ticket.category, deps.clock.now()), callbackUrl: `${callbackBase}/v1/third-party/${token}` };
}

/** The ticket must wait on a third party, or `to` (a waiting_third_party status the caller may move it to) makes it. */
function enterWait(ticket: Ticket, tenant: TenantContext, caller: TenantCaller, now: Date, to: string | undefined): Decision {
  if (to === undefined) {
    if (ticket.category === 'waiting_third_party') return { patch: {}, events: [] };
    throw workflowRefused(`Ticket ${ticket.key} does not wait on a third party: give "to", a waiting_third_party status.`);
  }
  if (tenant.workflow.status(to)?.category !== 'waiting_third_party') throw workflowRefused(`Status ${to} is not a waiting_third_party status.`);
  if (ticket.status === to) return { patch: {}, events: [] };
  if (!tenant.workflow.findTransition(ticket.status, to, caller.role, ticket.type))
    throw workflowRefused(`The workflow has no transition from ${ticket.status} to ${to} for role ${caller.role}.`);
  return enterStatus(ticket, to, tenant, caller, now);
}

/** `GET /v1/tickets/{id}/third-party` (staff): the ticket's waits, oldest first. */
export async function listThirdParty(deps: TicketDeps, caller: TenantCaller, idOrKey: string): Promise<ThirdPartyWaitView[]> {
  if (!isStaff(caller.role)) throw forbidden('Only support staff see third-party waits.');
  const { settings } = await loadTenant(deps.settings, caller.tenantId);
  const ticket = await findVisibleTicket(deps.tickets, caller, idOrKey, settings.orgVisibility);
  const now = deps.clock.now();
  return (await deps.tickets.listWaits(caller.tenantId, ticket.id)).map((w) => viewOf(w, ticket.category, now));
}

/**
 * `POST /v1/third-party/{token}` (no account): the vendor's answer. An unknown or forged
 * token is a 404 (nothing exists for it); a wait that ended or expired is a 410; the same
 * answer again is accepted and adds nothing.
 */
export async function answerThirdParty(
  deps: TicketDeps,
  token: string,
  input: { message: string; outcome: ThirdPartyOutcome },
): Promise<{ state: ThirdPartyWaitView['state'] }> {
  const ref = parseCallbackToken(token);
  if (!ref) throw notFound('Callback');
  return answerWait(deps, ref, input, (wait) => secretMatches(ref.secret, wait.secretHash));
}

/** An answer to a wait: by the callback (channel `api`) or by a reply to the request mail (channel `email`). */
export interface ThirdPartyAnswer {
  readonly message: string;
  readonly outcome: ThirdPartyOutcome;
  readonly channel?: Channel;
  readonly attachments?: readonly CommentAttachment[];
  readonly sourceMessageKey?: string;
}

/**
 * The answer's effect, once the caller authenticated it for this tenant, ticket and wait (the
 * callback's secret; a mail's reply token and sender), which `authentic` checks on the wait read:
 * an internal comment by role `third-party`; `solved` and `needs-info` end the wait and apply the
 * workflow's third-party-reply rule. The same answer twice adds one comment; an ended or expired
 * wait is `gone` (410). A wait that does not exist or fails `authentic` is not found.
 */
export async function answerWait(
  deps: TicketDeps,
  ref: { readonly tenantId: string; readonly ticketId: string; readonly waitId: string },
  input: ThirdPartyAnswer,
  authentic: (wait: ThirdPartyWait) => boolean,
): Promise<{ state: ThirdPartyWaitView['state'] }> {
  const caller = systemCaller(ref.tenantId);
  const digest = answerDigest(input.outcome, input.message);
  // The wait changes only with its ticket (one transaction that bumps the ticket's version),
  // so a ticket still at the version read means the wait read is current; otherwise read both again.
  for (;;) {
    // The ticket first, then the wait: the wait read is then at least as new as the ticket read
    // (read together, a wait from before a racing answer could meet the ticket from after it).
    const ticket = await deps.tickets.get(ref.tenantId, ref.ticketId);
    const wait = await deps.tickets.getWait(ref.tenantId, ref.ticketId, ref.waitId);
    if (!wait || !ticket || !authentic(wait)) throw notFound('Callback');
    const now = deps.clock.now();
    if (wait.answers.includes(digest)) return { state: waitState(wait, ticket.category, now) };
    const assignee = ticket.assignee ? await deps.users.get(ref.tenantId, ticket.assignee) : null;
    try {
      const { ticket: after } = await mutateTicket(deps, { caller, idOrKey: ref.ticketId, expectedVersion: null }, (current, tenant, at) => {
        if (current.version !== ticket.version) throw new ReadAgain();
        return answerDecision(wait, current, tenant, caller, at, input, digest, assignee?.email ?? tenant.settings.contacts.teamLead);
      });
      const settled = input.outcome !== 'update';
      return { state: settled ? 'answered' : waitState(wait, after.category, deps.clock.now()) };
    } catch (error) {
      if (!(error instanceof ReadAgain)) throw error;
    }
  }
}

class ReadAgain extends Error {}

function answerDecision(
  wait: ThirdPartyWait,
  ticket: Ticket,
  tenant: TenantContext,
  caller: TenantCaller,
  now: Date,
  input: ThirdPartyAnswer,
  digest: string,
  notify: string | null,
): Decision {
  const state = waitState(wait, ticket.category, now);
  if (state !== 'waiting') throw gone(`This request of ${ticket.key} is ${state}: the ticket no longer waits on this answer.`);
  const settles = input.outcome !== 'update';
  const author = { id: `third-party:${wait.id}`, role: 'third-party' };
  const answer: Decision = {
    patch: {},
    events: [
      { type: 'third-party-answered', actor: author, visibility: 'internal', reason: input.outcome },
      // the assignee (else the team lead) hears of it
      ...(notify
        ? [
            {
              type: 'notification' as const,
              actor: { id: 'system', role: 'system' },
              visibility: 'internal' as const,
              recipients: [notify],
              reason: `third-party-${input.outcome}`,
            },
          ]
        : []),
    ],
    comments: [
      {
        body: input.message,
        visibility: 'internal',
        author: { ...author, email: wait.email },
        channel: input.channel ?? 'api',
        attachments: input.attachments ?? [],
        ...(input.sourceMessageKey ? { sourceMessageKey: input.sourceMessageKey } : {}),
      },
    ],
    waits: [{ ...wait, answers: [...wait.answers, digest], ...(settles ? { state: 'answered' as const, answeredAt: now.toISOString() } : {}) }],
  };
  if (!settles) return answer;
  const to = tenant.workflow.definition.rules.onThirdPartyReply?.to ?? wait.enteredFrom;
  return to && to !== ticket.status ? combine(answer, enterStatus(ticket, to, tenant, caller, now, { reason: 'third-party-reply' })) : answer;
}
