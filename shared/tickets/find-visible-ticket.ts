import { notFound } from '../domain/errors';
import type { TenantCaller } from '../domain/identity';
import type { TicketStore } from '../domain/ports';
import { canSee, type Ticket } from '../domain/ticket';

/** `ACME-42` style keys; anything else is a ticket id. */
const TICKET_KEY = /^[A-Z][A-Z0-9]*-\d+$/;

/** Loads a ticket by id or key; absent, foreign and invisible tickets all read as "not found". */
export async function findVisibleTicket(tickets: TicketStore, caller: TenantCaller, idOrKey: string, orgVisibility: boolean): Promise<Ticket> {
  const ticket = TICKET_KEY.test(idOrKey) ? await tickets.getByKey(caller.tenantId, idOrKey) : await tickets.get(caller.tenantId, idOrKey);
  if (!ticket || !canSee(caller, ticket, orgVisibility)) throw notFound();
  return ticket;
}
