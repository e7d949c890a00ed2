import { publicRoute } from '../../shared/http/handler-kit';
import { CallbackTokenParam, ThirdPartyAnswerBody } from '../../shared/http/schemas';
import { answerThirdParty } from '../../shared/tickets/third-party';
import { deps } from '../../shared/wiring';

/** No JWT: the callback URL's token names tenant, ticket and wait, and its secret is checked against the stored hash. */
export const handler = publicRoute({ params: { token: CallbackTokenParam }, body: ThirdPartyAnswerBody }, async ({ params, body }) => ({
  status: 202,
  body: await answerThirdParty(deps, params.token!, body),
}));
