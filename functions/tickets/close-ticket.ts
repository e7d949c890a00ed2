import { httpRoute } from '../../shared/http/handler-kit';
import { EmptyBody, IdParam } from '../../shared/http/schemas';
import { confirmClose } from '../../shared/tickets/ticket-commands';
import { deps, idempotency } from '../../shared/wiring';

export const handler = httpRoute({ params: { id: IdParam }, body: EmptyBody, idempotency }, async ({ caller, params, expectedVersion }) => {
  const { ticket } = await confirmClose(deps, { caller, idOrKey: params.id!, expectedVersion });
  return { body: ticket, version: ticket.version };
});
