import { httpRoute } from '../../shared/http/handler-kit';
import { IdParam, PatchTicketBody } from '../../shared/http/schemas';
import { patchTicket } from '../../shared/tickets/ticket-commands';
import { deps } from '../../shared/wiring';

export const handler = httpRoute({ params: { id: IdParam }, body: PatchTicketBody }, async ({ caller, params, body, expectedVersion }) => {
  const { ticket } = await patchTicket(deps, { caller, idOrKey: params.id!, expectedVersion }, body);
  return { body: ticket, version: ticket.version };
});
