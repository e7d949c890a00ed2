import { httpRoute } from '../../shared/http/handler-kit';
import { IdParam, SplitBody } from '../../shared/http/schemas';
import { splitTicket } from '../../shared/tickets/split-ticket';
import { deps, idempotency } from '../../shared/wiring';

export const handler = httpRoute({ params: { id: IdParam }, body: SplitBody, idempotency }, async ({ caller, params, body, expectedVersion }) => ({
  status: 201,
  body: await splitTicket(deps, { caller, idOrKey: params.id!, expectedVersion }, body),
}));
