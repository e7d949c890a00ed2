import { putUser } from '../../shared/admin/tenant-admin';
import { httpRoute } from '../../shared/http/handler-kit';
import { IdParam, PutUserBody } from '../../shared/http/schemas';
import { deps } from '../../shared/wiring';

export const handler = httpRoute({ params: { id: IdParam }, body: PutUserBody }, async ({ caller, params, body }) => ({
  body: await putUser(deps.users, deps.clock, caller, params.id!, body),
}));
