import { httpRoute } from '../../shared/http/handler-kit';
import { TicketListQuery } from '../../shared/http/schemas';
import { listTickets } from '../../shared/tickets/ticket-queries';
import { deps } from '../../shared/wiring';

export const handler = httpRoute({ query: TicketListQuery }, async ({ caller, query: { limit, cursor, ...filters } }) => ({
  body: await listTickets(deps, caller, filters, { limit, cursor: cursor ?? null }),
}));
