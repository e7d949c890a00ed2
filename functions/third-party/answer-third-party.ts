import { parseCallbackToken } from '../../shared/domain/third-party';
import { publicRoute } from '../../shared/http/handler-kit';
import { CallbackTokenParam, ThirdPartyAnswerBody } from '../../shared/http/schemas';
import { answerThirdParty } from '../../shared/tickets/third-party';
import { countInvocation, meterTenant } from '../../shared/usage/invocation-meter';
import { deps } from '../../shared/wiring';

/** No JWT: the callback URL's token names tenant, ticket and wait, and its secret is checked against the stored hash. */
export const handler = publicRoute({ params: { token: CallbackTokenParam }, body: ThirdPartyAnswerBody }, async ({ params, body }) => {
  const answered = await answerThirdParty(deps, params.token!, body);
  // Accepted, so the token was genuine: the request, and what it read and wrote, are its tenant's
  // usage. A forged or unknown token never gets here and bills nobody.
  meterTenant(parseCallbackToken(params.token!)!.tenantId);
  countInvocation({ apiRequests: 1 });
  return { status: 202, body: answered };
});
