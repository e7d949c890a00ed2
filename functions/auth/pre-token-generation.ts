import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

/**
 * Cognito pre token generation trigger (event version V2_0).
 *
 * The API's handlers read `sub`, `tid`, `role`, `org`, `email`, `locale` from the
 * JWT claims (the same claims `POST /_local/token` signs locally). Cognito keeps
 * tenant, role, company and locale in custom attributes (`custom:tid`, …): this
 * trigger copies them into top-level claims of both the ID and the access token,
 * and adds `email` to the access token (the ID token already carries it).
 *
 * An attribute the user does not have (a `finance` user has no tenant) gives no
 * claim: it is never invented. Nothing is logged: attributes are personal data.
 */

/** Custom attribute → claim name. */
export const CLAIM_ATTRIBUTES = {
  'custom:tid': 'tid',
  'custom:role': 'role',
  'custom:org': 'org',
  'custom:locale': 'locale',
} as const;

export interface TokenClaims {
  readonly idToken: Record<string, string>;
  readonly accessToken: Record<string, string>;
  /** The `custom:*` copies: removed from the ID token so there is one claim per fact. */
  readonly suppressFromIdToken: string[];
}

/** Pure mapping from the user's attributes to the claims to add. */
export function claimsFor(userAttributes: Readonly<Record<string, string | undefined>>): TokenClaims {
  const claims: Record<string, string> = {};
  const suppress: string[] = [];
  for (const [attribute, claim] of Object.entries(CLAIM_ATTRIBUTES)) {
    const value = userAttributes[attribute]?.trim();
    if (userAttributes[attribute] !== undefined) suppress.push(attribute);
    if (value) claims[claim] = value;
  }
  const email = userAttributes['email']?.trim();
  return {
    idToken: { ...claims },
    accessToken: email ? { ...claims, email } : { ...claims },
    suppressFromIdToken: suppress,
  };
}

export const handler = async (event: PreTokenGenerationV2TriggerEvent): Promise<PreTokenGenerationV2TriggerEvent> => {
  const { idToken, accessToken, suppressFromIdToken } = claimsFor(event.request.userAttributes ?? {});
  event.response = {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: {
        claimsToAddOrOverride: idToken,
        claimsToSuppress: suppressFromIdToken,
      },
      accessTokenGeneration: {
        claimsToAddOrOverride: accessToken,
      },
    },
  };
  return event;
};
