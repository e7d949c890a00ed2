import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { claimsFor, handler } from '../../../functions/auth/pre-token-generation';

function event(userAttributes: Record<string, string>): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_TEST',
    triggerSource: 'TokenGeneration_Authentication',
    userName: 'a7f3c9e2-0000-4000-8000-000000000001',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client-1' },
    request: { userAttributes, groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [] }, scopes: ['aws.cognito.signin.user.admin'] },
    response: { claimsAndScopeOverrideDetails: {} },
  };
}

const agent = {
  sub: 'a7f3c9e2-0000-4000-8000-000000000001',
  email: 'ann@acme.example',
  email_verified: 'true',
  'custom:tid': 'acme',
  'custom:role': 'agent',
  'custom:org': 'acme-corp',
  'custom:locale': 'nl',
};

describe('pre token generation (V2_0)', () => {
  it('copies tid, role, org and locale into top-level claims of the ID and the access token', async () => {
    const result = await handler(event(agent));
    const details = result.response.claimsAndScopeOverrideDetails;
    expect(details.idTokenGeneration?.claimsToAddOrOverride).toEqual({ tid: 'acme', role: 'agent', org: 'acme-corp', locale: 'nl' });
    expect(details.accessTokenGeneration?.claimsToAddOrOverride).toEqual({
      tid: 'acme',
      role: 'agent',
      org: 'acme-corp',
      locale: 'nl',
      email: 'ann@acme.example',
    });
  });

  it('adds email to the access token only (the ID token has it already) and never touches sub', async () => {
    const { response } = await handler(event(agent));
    const { idTokenGeneration, accessTokenGeneration } = response.claimsAndScopeOverrideDetails;
    expect(idTokenGeneration?.claimsToAddOrOverride).not.toHaveProperty('email');
    expect(idTokenGeneration?.claimsToAddOrOverride).not.toHaveProperty('sub');
    expect(accessTokenGeneration?.claimsToAddOrOverride).not.toHaveProperty('sub');
  });

  it('removes the custom:* copies from the ID token', async () => {
    const { response } = await handler(event(agent));
    expect(response.claimsAndScopeOverrideDetails.idTokenGeneration?.claimsToSuppress?.sort()).toEqual([
      'custom:locale',
      'custom:org',
      'custom:role',
      'custom:tid',
    ]);
  });

  it('invents no claim for an attribute the user lacks (finance has no tenant, no company)', async () => {
    const { response } = await handler(event({ sub: 'f-1', email: 'fin@platform.example', 'custom:role': 'finance' }));
    const access = response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride;
    expect(access).toEqual({ role: 'finance', email: 'fin@platform.example' });
    expect(access).not.toHaveProperty('tid');
    expect(access).not.toHaveProperty('org');
    expect(response.claimsAndScopeOverrideDetails.idTokenGeneration?.claimsToSuppress).toEqual(['custom:role']);
  });

  it('treats blank attributes as absent and trims values', () => {
    expect(claimsFor({ 'custom:tid': '  ', 'custom:role': ' admin ', email: '' })).toEqual({
      idToken: { role: 'admin' },
      accessToken: { role: 'admin' },
      suppressFromIdToken: ['custom:tid', 'custom:role'],
    });
  });

  it('replaces whatever response Cognito sent and returns the same event', async () => {
    const input = event(agent);
    const result = await handler(input);
    expect(result).toBe(input);
    expect(Object.keys(result.response.claimsAndScopeOverrideDetails).sort()).toEqual(['accessTokenGeneration', 'idTokenGeneration']);
  });
});
