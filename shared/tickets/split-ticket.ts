import { forbidden } from '../domain/errors';
import { isStaff } from '../domain/identity';
import { actorOf, type Ticket } from '../domain/ticket';
import { createTicket } from './create-ticket';
import type { TicketDeps } from './deps';
import { mutateTicket, type MutationRequest } from './mutate-ticket';
import { getTicket } from './ticket-queries';

/**
 * Seed 001: a ticket that carries more than one problem is split so the urgent
 * issue has a ticket of its own. The new ticket is created first, then linked
 * from the original (a retry with the same Idempotency-Key replays, nothing twice).
 */
export async function splitTicket(
  deps: TicketDeps,
  req: MutationRequest,
  input: { subject: string; description: string },
): Promise<{ created: Ticket; original: Ticket }> {
  if (!isStaff(req.caller.role)) throw forbidden('Only support staff may split a ticket.');
  const original = await getTicket(deps, req.caller, req.idOrKey);
  const created = await createTicket(
    deps,
    req.caller,
    {
      subject: input.subject,
      description: input.description,
      type: original.type,
      severity: original.severity,
      // Urgency is never inherited, so the new ticket's priority and escalation.urgent agree
      // (before: priority urgent with escalation.urgent false, half inside seed 001's urgent
      // procedure). Seed 001 splits a ticket "so the urgent issue appears in a dedicated
      // ticket": urgency is decided per problem, by the urgent questionnaire (POST …/escalate),
      // and what it decided belongs to the original ticket. A split-off problem from an urgent
      // ticket starts as `high` (how seed 001 processes what is not urgent) and not urgent;
      // should it be the urgent one, staff escalate it with the questionnaire.
      priority: original.priority === 'urgent' ? 'high' : original.priority,
      channel: original.channel === 'email' ? 'api' : original.channel,
      requester: original.requester.id,
    },
    [{ type: 'split-from', ticketId: original.id, key: original.key }],
  );
  const { ticket } = await mutateTicket(deps, { ...req, idOrKey: original.id }, (current) => ({
    patch: { links: [...current.links, { type: 'split-to', ticketId: created.id, key: created.key }] },
    events: [{ type: 'split', actor: actorOf(req.caller), visibility: 'public', changes: { links: { from: null, to: created.key } } }],
  }));
  return { created, original: ticket };
}
