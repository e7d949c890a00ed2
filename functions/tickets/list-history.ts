import { httpRoute } from '../../shared/http/handler-kit';
import { IdParam, PageQuery } from '../../shared/http/schemas';
import { listHistory } from '../../shared/tickets/ticket-queries';
import { deps } from '../../shared/wiring';

export const handler = httpRoute({ params: { id: IdParam }, query: PageQuery }, async ({ caller, params, query }) => ({
  body: await listHistory(deps, caller, params.id!, { limit: query.limit, cursor: query.cursor ?? null }),
}));
