import { httpRoute } from '../../shared/http/handler-kit';
import { IdParam, ThirdPartyRequestBody } from '../../shared/http/schemas';
import { requestThirdParty } from '../../shared/tickets/third-party';
import { deps } from '../../shared/wiring';

export const handler = httpRoute(
  // No Idempotency-Key replay here: a stored answer would keep the callback secret, which is
  // kept only as a hash. A retried request makes a second wait; the first one expires unused.
  { params: { id: IdParam }, body: ThirdPartyRequestBody },
  async ({ caller, params, body, expectedVersion, origin }) => ({
    status: 201,
    body: await requestThirdParty(deps, { caller, idOrKey: params.id!, expectedVersion }, body, origin),
  }),
);
