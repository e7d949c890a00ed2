import { notFound } from '../domain/errors';
import type { TenantCaller } from '../domain/identity';
import type { TicketStore } from '../domain/ports';
import { canSee, type Ticket } from '../domain/ticket';

/** `ACME-42` style keys; anything else is a ticket id. */
const TICKET_KEY = /^[A-Z][A-Z0-9]*-\d+$/;

/**
 * Loads a ticket by id or key; absent, foreign and invisible tickets all read as "not found".
 * `orgVisibility` may still be on its way (the tenant's settings, read at the same time as
 * the ticket: two reads in one round trip's time).
 */
export async function findVisibleTicket(
  tickets: TicketStore,
  caller: TenantCaller,
  idOrKey: string,
  orgVisibility: boolean | Promise<boolean>,
): Promise<Ticket> {
  const [ticket, companyWide] = await Promise.all([
    TICKET_KEY.test(idOrKey) ? tickets.getByKey(caller.tenantId, idOrKey) : tickets.get(caller.tenantId, idOrKey),
    orgVisibility,
  ]);
  return visibleOrNotFound(caller, ticket, companyWide);
}

/** The ticket if the caller may see it; absent and invisible read alike, as "not found". */
export function visibleOrNotFound(caller: TenantCaller, ticket: Ticket | null, companyWide: boolean): Ticket {
  if (!ticket || !canSee(caller, ticket, companyWide)) throw notFound();
  return ticket;
}
