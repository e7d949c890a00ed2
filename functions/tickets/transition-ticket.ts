import { httpRoute } from '../../shared/http/handler-kit';
import { IdParam, TransitionBody } from '../../shared/http/schemas';
import { transitionTicket } from '../../shared/tickets/ticket-commands';
import { deps, idempotency } from '../../shared/wiring';

export const handler = httpRoute({ params: { id: IdParam }, body: TransitionBody, idempotency }, async ({ caller, params, body, expectedVersion }) => {
  const { ticket } = await transitionTicket(deps, { caller, idOrKey: params.id!, expectedVersion }, body);
  return { body: ticket, version: ticket.version };
});
