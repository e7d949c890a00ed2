import { httpRoute } from '../../shared/http/handler-kit';
import { IdParam } from '../../shared/http/schemas';
import { getTicket } from '../../shared/tickets/ticket-queries';
import { deps } from '../../shared/wiring';

export const handler = httpRoute({ params: { id: IdParam } }, async ({ caller, params }) => {
  const ticket = await getTicket(deps, caller, params.id!);
  return { body: ticket, version: ticket.version };
});
