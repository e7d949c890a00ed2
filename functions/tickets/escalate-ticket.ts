import { httpRoute } from '../../shared/http/handler-kit';
import { EscalateBody, IdParam } from '../../shared/http/schemas';
import { escalateTicket } from '../../shared/tickets/escalation';
import { deps, idempotency } from '../../shared/wiring';

export const handler = httpRoute({ params: { id: IdParam }, body: EscalateBody, idempotency }, async ({ caller, params, body, expectedVersion }) => {
  const { ticket } = await escalateTicket(deps, { caller, idOrKey: params.id!, expectedVersion }, body);
  return { body: ticket, version: ticket.version };
});
