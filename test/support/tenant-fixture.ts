import { expect } from 'vitest';
import type { Api } from './api-client';

export interface TenantFixture {
  tid: string;
  tokens: Record<'alice' | 'bob' | 'carol' | 'agent' | 'lead' | 'manager' | 'admin', string>;
  as: (who: keyof TenantFixture['tokens']) => ReturnType<Api['as']>;
}

/**
 * A tenant on a preset, with the CONTRACT section 9 cast of users in its directory
 * (so assignment and staff notifications work) and contacts to notify.
 */
export async function tenantOnPreset(api: Api, tid: string, workflow: string, settings: Record<string, unknown> = {}): Promise<TenantFixture> {
  const cast = {
    alice: { sub: 'alice', role: 'customer', org: 'acme', email: 'alice@acme.example' },
    bob: { sub: 'bob', role: 'customer', org: 'acme', email: 'bob@acme.example' },
    carol: { sub: 'carol', role: 'customer', org: 'globex', email: 'carol@globex.example' },
    agent: { sub: 'agent', role: 'agent', email: `agent@${tid}.example` },
    lead: { sub: 'lead', role: 'lead', email: `lead@${tid}.example` },
    manager: { sub: 'manager', role: 'manager', email: `manager@${tid}.example` },
    admin: { sub: 'admin', role: 'admin', email: `admin@${tid}.example` },
  } as const;
  const tokens = {} as TenantFixture['tokens'];
  for (const [name, who] of Object.entries(cast)) tokens[name as keyof typeof cast] = await api.token({ tid, ...who });
  const admin = api.as(tokens.admin);
  for (const who of Object.values(cast)) {
    const r = await admin.put(`/v1/users/${who.sub}`, { email: who.email, name: who.sub, role: who.role, ...('org' in who ? { org: who.org } : {}) });
    expect(r.status).toBe(200);
  }
  const put = await admin.put('/v1/settings', {
    workflow,
    orgVisibility: true,
    supportAddress: `support@${tid}.example`,
    contacts: { teamLead: `lead@${tid}.example`, offeringManager: `offer@${tid}.example`, escalationManager: `manager@${tid}.example` },
    ...settings,
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  return { tid, tokens, as: (who) => api.as(tokens[who]) };
}

/** Polls until `check` holds: the lifecycle execution acts asynchronously after the API answered. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
