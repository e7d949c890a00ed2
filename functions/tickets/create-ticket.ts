import { httpRoute } from '../../shared/http/handler-kit';
import { CreateTicketBody } from '../../shared/http/schemas';
import { createTicket } from '../../shared/tickets/create-ticket';
import { deps, idempotency } from '../../shared/wiring';

export const handler = httpRoute({ body: CreateTicketBody, idempotency }, async ({ caller, body }) => {
  const ticket = await createTicket(deps, caller, body);
  return { status: 201, body: ticket, version: ticket.version };
});
