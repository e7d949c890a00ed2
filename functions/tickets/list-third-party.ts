import { httpRoute } from '../../shared/http/handler-kit';
import { IdParam } from '../../shared/http/schemas';
import { listThirdParty } from '../../shared/tickets/third-party';
import { deps } from '../../shared/wiring';

export const handler = httpRoute({ params: { id: IdParam } }, async ({ caller, params }) => ({
  body: { items: await listThirdParty(deps, caller, params.id!) },
}));
