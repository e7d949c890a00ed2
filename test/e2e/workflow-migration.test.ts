import { describe, expect, it } from 'vitest';
import { useLocalRuntime } from '../support/api-client';
import { tenantOnPreset } from '../support/tenant-fixture';

/**
 * CONTRACT section 3: a tenant switches workflows while tickets are open. Statuses the new
 * workflow lacks must be mapped (422 names each with its count); the switch answers 202
 * and moves the tickets in the background, each as a system change: history, execution
 * woken, SLA time kept.
 */
const local = useLocalRuntime();

describe('switching the workflow with open tickets', () => {
  it('boltrics → jira-partner: 422 lists unmapped statuses with counts, then 202 moves every ticket', async () => {
    const t = await tenantOnPreset(local.api, 'mig-bolt', 'boltrics', { name: 'Migrating Support' });
    const admin = t.as('admin');
    const create = async (subject: string) => (await t.as('alice').post('/v1/tickets', { subject, priority: 'high' })).body;
    const [fresh, second, analysed, waiting, closed] = [
      await create('new 1'),
      await create('new 2'),
      await create('analysed'),
      await create('waits'),
      await create('closed'),
    ];
    await local.runtime.settled();
    const move = async (id: string, ...path: string[]) => {
      for (const to of path) expect((await t.as('agent').post(`/v1/tickets/${id}/transitions`, { to })).status, to).toBe(200);
    };
    await move(analysed.id, '016-READY', '030-ANALYSIS');
    await move(waiting.id, '016-READY', '030-ANALYSIS', '035-INFO-NEEDED');
    await move(closed.id, '050-CLOSED');
    await local.runtime.settled();
    // freeze the clock so SLA figures before and after the move compare exactly
    expect((await local.api.request('POST', '/_local/clock', { body: { freeze: true } })).status).toBe(200);
    const before = (await t.as('agent').get(`/v1/tickets/${analysed.id}`)).body;

    const refused = await admin.patch('/v1/settings', { workflow: 'jira-partner' });
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const byPath = Object.fromEntries(refused.body.errors.map((e: { path: string; message: string }) => [e.path, e.message]));
    expect(Object.keys(byPath).sort()).toEqual(['statusMap.012-NEW', 'statusMap.030-ANALYSIS', 'statusMap.035-INFO-NEEDED']);
    expect(byPath['statusMap.012-NEW']).toMatch(/^2 open ticket/);
    expect(byPath['statusMap.030-ANALYSIS']).toMatch(/^1 open ticket/);
    // closed tickets need no map (they go to the new closed status); nothing changed yet
    expect((await admin.get('/v1/settings')).body.workflow).toBe('boltrics');
    // a map to a status the new workflow lacks is named too
    const typo = await admin.patch('/v1/settings', {
      workflow: 'jira-partner',
      statusMap: { '012-NEW': 'nouveau', '030-ANALYSIS': 'en-cours', '035-INFO-NEEDED': 'en-attente-client' },
    });
    expect(typo.status).toBe(422);
    expect(typo.body.errors).toEqual([{ path: 'statusMap.012-NEW', message: 'no status nouveau in the new workflow' }]);

    const statusMap = { '012-NEW': 'soumise', '030-ANALYSIS': 'en-cours', '035-INFO-NEEDED': 'en-attente-client' };
    const accepted = await admin.patch('/v1/settings', { workflow: 'jira-partner', statusMap });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    expect(accepted.body).toMatchObject({ name: 'Migrating Support', workflow: 'jira-partner', migration: { state: 'running', total: 5, moved: 0 } });
    expect(accepted.body.migration.statusMap).toEqual({ ...statusMap, '050-CLOSED': 'fermee' });
    expect(accepted.body).not.toHaveProperty('statusMap');
    await local.runtime.settled();

    const after = (await admin.get('/v1/settings')).body;
    expect(after.migration).toMatchObject({ state: 'done', total: 5, moved: 5 });
    expect(after.migration.finishedAt).not.toBeNull();
    const statusOf = async (id: string) => (await t.as('agent').get(`/v1/tickets/${id}`)).body;
    expect((await statusOf(fresh.id)).status).toBe('soumise');
    expect((await statusOf(second.id)).status).toBe('soumise');
    expect(await statusOf(waiting.id)).toMatchObject({ status: 'en-attente-client', category: 'waiting_customer' });
    expect(await statusOf(closed.id)).toMatchObject({ status: 'fermee', category: 'closed' });
    const moved = await statusOf(analysed.id);
    expect(moved).toMatchObject({ status: 'en-cours', category: 'active' });
    // SLA keeps the time used: same category, frozen clock, same figures
    expect(moved.sla.resolution.elapsedMinutes).toBe(before.sla.resolution.elapsedMinutes);
    expect(moved.sla.resolution.dueAt).toBe(before.sla.resolution.dueAt);
    // history: one system change, internal, saying why; the customer never sees it and is not notified
    const history = (await t.as('agent').get(`/v1/tickets/${analysed.id}/history?limit=100`)).body.items;
    const migrated = history.filter((e: { reason?: string }) => e.reason === 'workflow-migration');
    expect(migrated).toHaveLength(1);
    expect(migrated[0]).toMatchObject({ type: 'status-changed', actor: { role: 'system' }, changes: { status: { from: '030-ANALYSIS', to: 'en-cours' } } });
    const last = history.at(-1);
    expect(last.reason).toBe('workflow-migration');
    const customerView = (await t.as('alice').get(`/v1/tickets/${analysed.id}/history?limit=100`)).body.items;
    expect(customerView.some((e: { reason?: string }) => e.reason === 'workflow-migration')).toBe(false);
    // the execution follows the ticket and the new workflow's transitions work
    expect((await t.as('agent').get(`/v1/tickets/${waiting.id}/workflow`)).body.currentState).toBe('WaitingOnCustomer');
    expect((await t.as('agent').post(`/v1/tickets/${analysed.id}/transitions`, { to: 'en-attente-client' })).status).toBe(200);
    expect((await t.as('agent').post(`/v1/tickets/${fresh.id}/transitions`, { to: 'en-cours' })).status).toBe(200);
    await local.runtime.settled();
    expect((await t.as('agent').get(`/v1/tickets/${analysed.id}/workflow`)).body.currentState).toBe('WaitingOnCustomer');
    // a customer reply applies the new workflow's rule
    expect((await t.as('alice').post(`/v1/tickets/${waiting.id}/comments`, { body: 'here is the log', visibility: 'public' })).status).toBe(201);
    expect((await statusOf(waiting.id)).status).toBe('en-cours');
    expect((await local.api.request('POST', '/_local/clock', { body: { freeze: false } })).status).toBe(200);
  });

  it('a switch that strands nothing answers 200 without a migration, and tenants never see each other', async () => {
    const t = await tenantOnPreset(local.api, 'mig-empty', 'boltrics');
    const other = await tenantOnPreset(local.api, 'mig-other', 'boltrics');
    // the other tenant's open ticket in 012-NEW does not count for this tenant
    await other.as('alice').post('/v1/tickets', { subject: 'elsewhere' });
    await local.runtime.settled();
    const switched = await t.as('admin').put('/v1/settings', { workflow: 'assu' });
    expect(switched.status, JSON.stringify(switched.body)).toBe(200);
    expect(switched.body.migration).toBeUndefined();
    expect((await other.as('admin').get('/v1/settings')).body.workflow).toBe('boltrics');
    // a bad status map is a 400 at its path
    const bad = await t.as('admin').patch('/v1/settings', { workflow: 'boltrics', statusMap: { x: 5 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('statusMap.x');
  });
});
