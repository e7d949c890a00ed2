import { systemCaller } from '../domain/identity';
import type { TicketDeps } from '../tickets/deps';
import { mutateTicket } from '../tickets/mutate-ticket';
import { enterStatus } from '../tickets/status-change';

class NothingToDo extends Error {}

/**
 * AdvanceTicket: a status the workflow leaves on its own (boltrics: 010-SUBMITTED
 * → 012-NEW, with the confirmation notice). Acts only if the ticket is still in
 * that status, so a retried or late task does nothing twice.
 */
export async function advanceTicket(deps: TicketDeps, input: { tenantId: string; ticketId: string; status: string }): Promise<boolean> {
  try {
    await mutateTicket(deps, { caller: systemCaller(input.tenantId), idOrKey: input.ticketId, expectedVersion: null }, (ticket, tenant, now) => {
      const target = tenant.workflow.definition.rules.autoAdvance?.[ticket.status];
      if (ticket.status !== input.status || !target) throw new NothingToDo();
      return enterStatus(ticket, target, tenant, systemCaller(input.tenantId), now, { reason: 'auto-advance' });
    });
    return true;
  } catch (error) {
    if (error instanceof NothingToDo) return false;
    throw error;
  }
}
