import { httpRoute } from '../../shared/http/handler-kit';
import { IdParam, SplitBody } from '../../shared/http/schemas';
import { splitTicket } from '../../shared/tickets/split-ticket';
import { deps, idempotency } from '../../shared/wiring';

/** CONTRACT section 4: 201 with the new ticket; the original links to it (`links`). */
export const handler = httpRoute({ params: { id: IdParam }, body: SplitBody, idempotency }, async ({ caller, params, body, expectedVersion }) => {
  const { created } = await splitTicket(deps, { caller, idOrKey: params.id!, expectedVersion }, body);
  return { status: 201, body: created, version: created.version };
});
