import { httpRoute } from '../../shared/http/handler-kit';
import { IdParam, ReopenBody } from '../../shared/http/schemas';
import { reopenTicket } from '../../shared/tickets/ticket-commands';
import { deps, idempotency } from '../../shared/wiring';

export const handler = httpRoute({ params: { id: IdParam }, body: ReopenBody, idempotency }, async ({ caller, params, body, expectedVersion }) => {
  const { ticket } = await reopenTicket(deps, { caller, idOrKey: params.id!, expectedVersion }, body);
  return { body: ticket, version: ticket.version };
});
