import { listUsers } from '../../shared/admin/tenant-admin';
import { httpRoute } from '../../shared/http/handler-kit';
import { PageQuery } from '../../shared/http/schemas';
import { deps } from '../../shared/wiring';

export const handler = httpRoute({ query: PageQuery }, async ({ caller, query }) => ({
  body: await listUsers(deps.users, caller, { limit: query.limit, cursor: query.cursor ?? null }),
}));
