import { describe, expect, it } from 'vitest';
import { useLocalRuntime } from '../support/api-client';
import { tenantOnPreset, type TenantFixture } from '../support/tenant-fixture';

/**
 * Third parties resume their own waits (CONTRACT section 4): a vendor answers at a
 * callback URL, without an account; the answer is an internal comment, ends the wait by
 * the workflow's rule and wakes the lifecycle.
 */
const local = useLocalRuntime();

const callback = async (url: string, body: unknown) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
};
const workflowState = async (t: TenantFixture, id: string) => (await t.as('agent').get(`/v1/tickets/${id}/workflow`)).body.currentState;
/** The tenant's API requests this month, as its admin reads them (the read itself counts towards the next one). */
const apiRequests = async (t: TenantFixture): Promise<number> => (await t.as('admin').get('/v1/usage')).body.tenants[0].counters.apiRequests;

describe('third-party waits', () => {
  it('boltrics: staff ask Microsoft, the vendor answers solved, the ticket returns to analysis, its execution follows', async () => {
    const t = await tenantOnPreset(local.api, 'tp-bolt', 'boltrics');
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Posting fails in BC' })).body;
    await local.runtime.settled();
    for (const to of ['016-READY', '030-ANALYSIS']) expect((await t.as('agent').post(`/v1/tickets/${tk.id}/transitions`, { to })).status).toBe(200);
    // not waiting on a third party, and no "to": 422
    expect((await t.as('agent').post(`/v1/tickets/${tk.id}/third-party`, { party: 'Microsoft', reference: 'SR-1' })).status).toBe(422);
    expect((await t.as('alice').post(`/v1/tickets/${tk.id}/third-party`, { party: 'Microsoft', reference: 'SR-1', to: '099-MICROSOFT' })).status).toBe(403);
    const asked = await t.as('agent').post(`/v1/tickets/${tk.id}/third-party`, { party: 'Microsoft', reference: 'SR-0042', to: '099-MICROSOFT' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body).toMatchObject({ party: 'Microsoft', reference: 'SR-0042', state: 'waiting', enteredFrom: '030-ANALYSIS' });
    expect(Date.parse(asked.body.expiresAt) - Date.parse(asked.body.createdAt)).toBe(30 * 86_400_000);
    const url: string = asked.body.callbackUrl;
    expect(url.startsWith(`${local.runtime.apiUrl}/v1/third-party/`)).toBe(true);
    await local.runtime.settled();
    expect(await workflowState(t, tk.id)).toBe('WaitingOnThirdParty');
    // the secret is not stored: the listing never shows it, and nothing in the wait is the token
    const listed = (await t.as('agent').get(`/v1/tickets/${tk.id}/third-party`)).body.items;
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(url.split('/').at(-1)!.split('.').at(-1)!);
    expect(listed[0]).not.toHaveProperty('secretHash');

    // an update keeps the wait
    expect((await callback(url, { message: 'We reproduced it.', outcome: 'update' })).body).toEqual({ state: 'waiting' });
    // solved: an internal comment by the third party, back to 030-ANALYSIS, the assignee (else the lead) hears of it
    const solved = await callback(url, { message: 'Fixed in CU 24.3.', outcome: 'solved' });
    expect(solved).toMatchObject({ status: 202, body: { state: 'answered' } });
    const again = await callback(url, { message: 'Fixed in CU 24.3.', outcome: 'solved' });
    expect(again).toMatchObject({ status: 202, body: { state: 'answered' } });
    const ticket = (await t.as('agent').get(`/v1/tickets/${tk.id}`)).body;
    expect(ticket.status).toBe('030-ANALYSIS');
    const comments = (await t.as('agent').get(`/v1/tickets/${tk.id}/comments`)).body.items;
    expect(comments.map((c: any) => [c.author.role, c.visibility, c.body])).toEqual([
      ['third-party', 'internal', 'We reproduced it.'],
      ['third-party', 'internal', 'Fixed in CU 24.3.'],
    ]);
    expect((await t.as('alice').get(`/v1/tickets/${tk.id}/comments`)).body.items).toEqual([]);
    const notices = (await t.as('agent').get(`/v1/tickets/${tk.id}/history?limit=100`)).body.items.filter(
      (e: any) => e.type === 'notification' && e.reason.startsWith('third-party'),
    );
    expect(notices.map((n: any) => [n.reason, n.recipients])).toEqual([
      ['third-party-update', ['lead@tp-bolt.example']],
      ['third-party-solved', ['lead@tp-bolt.example']],
    ]);
    await local.runtime.settled();
    expect(await workflowState(t, tk.id)).toBe('InProgress');
    // after the wait ended: 410 problem+json
    const late = await callback(url, { message: 'One more thing', outcome: 'update' });
    expect(late.status).toBe(410);
    expect(late.type).toMatch(/application\/problem\+json/);
    expect((await t.as('agent').get(`/v1/tickets/${tk.id}/third-party`)).body.items[0].state).toBe('answered');
  });

  it('a forged or altered token is a 404 and changes nothing; an expired wait is a 410', async () => {
    const t = await tenantOnPreset(local.api, 'tp-jira', 'jira-partner');
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Licence' })).body;
    await t.as('agent').post(`/v1/tickets/${tk.id}/transitions`, { to: 'en-cours' });
    const asked = await t
      .as('agent')
      .post(`/v1/tickets/${tk.id}/third-party`, { party: 'Atlassian', reference: 'PS-9', to: 'en-attente-tiers', expiresInDays: 2 });
    const url: string = asked.body.callbackUrl;
    const forged = url.slice(0, -4) + (url.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const before = await apiRequests(t);
    expect((await callback(forged, { message: 'x', outcome: 'solved' })).status).toBe(404);
    expect((await callback(`${local.runtime.apiUrl}/v1/third-party/nonsense`, { message: 'x', outcome: 'solved' })).status).toBe(404);
    // a forged token bills nobody, not even the tenant it names: only the usage read itself was counted
    expect((await apiRequests(t)) - before).toBe(1);
    expect((await callback(url, { message: 'x', outcome: 'maybe' })).status).toBe(400);
    expect((await t.as('agent').get(`/v1/tickets/${tk.id}`)).body.status).toBe('en-attente-tiers');
    await local.api.request('POST', '/_local/clock', { body: { advance: 'P3D' } });
    expect((await callback(url, { message: 'Too late?', outcome: 'solved' })).status).toBe(410);
    expect((await t.as('agent').get(`/v1/tickets/${tk.id}`)).body.status).toBe('en-attente-tiers');
  });

  it('needs-info moves jira-partner back to en-cours; two identical answers racing add one comment', async () => {
    const t = await tenantOnPreset(local.api, 'tp-race', 'jira-partner');
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Race' })).body;
    await t.as('agent').post(`/v1/tickets/${tk.id}/transitions`, { to: 'en-cours' });
    const url: string = (await t.as('agent').post(`/v1/tickets/${tk.id}/third-party`, { party: 'Atlassian', reference: 'PS-10', to: 'en-attente-tiers' })).body
      .callbackUrl;
    const before = await apiRequests(t);
    const answers = await Promise.all(Array.from({ length: 4 }, () => callback(url, { message: 'Which version?', outcome: 'needs-info' })));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
    // each accepted callback is a request of the tenant its token names (CONTRACT 8), besides the usage read
    expect((await apiRequests(t)) - before).toBe(1 + 4);
    expect((await t.as('agent').get(`/v1/tickets/${tk.id}/comments`)).body.items).toHaveLength(1);
    expect((await t.as('agent').get(`/v1/tickets/${tk.id}`)).body.status).toBe('en-cours');
  });
});
