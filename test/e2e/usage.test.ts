import { describe, expect, it } from 'vitest';
import { LOCAL_STATE_MACHINE_ARN } from '../../local/runtime';
import { useLocalRuntime } from '../support/api-client';
import { tenantOnPreset } from '../support/tenant-fixture';

/**
 * Usage per tenant (CONTRACT section 8), over HTTP against the local runtime: measured
 * counters per UTC month, counted once, an estimated cost from the dated price table,
 * finance sees every tenant, an admin their own.
 */
const local = useLocalRuntime();

const clock = async (body: Record<string, unknown>) => {
  const r = await local.api.request('POST', '/_local/clock', { body });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { now: string };
};

/** State transitions the local engine recorded for a tenant's executions (names carry the tenant). */
async function stateTransitionsOf(tenantId: string): Promise<number> {
  const sfn = local.runtime.stepFunctions;
  const { executions } = await sfn.listExecutions({ stateMachineArn: LOCAL_STATE_MACHINE_ARN, maxResults: 1000 });
  let entered = 0;
  for (const e of executions.filter((x) => x.name.includes(`--${tenantId}--`))) {
    const { events } = await sfn.getExecutionHistory({ executionArn: e.executionArn, maxResults: 1000 });
    entered += events.filter((ev) => ev.type.endsWith('StateEntered')).length;
  }
  return entered;
}

describe('usage', () => {
  it('counts each tenant exactly once per fact, per UTC month, and shows it to finance and to the admin', async () => {
    // A month of our own, from the local clock (never today's date): the first of the month after next, frozen.
    const now = new Date((await local.api.request('GET', '/_local/clock')).body.now as string);
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1, 7, 0, 0));
    await clock({ set: start.toISOString(), freeze: true });
    const month = start.toISOString().slice(0, 7);
    const nextMonth = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)).toISOString().slice(0, 7);

    const a = await tenantOnPreset(local.api, 'usage-a', 'boltrics'); // 8 requests: 7 users, the settings
    const b = await tenantOnPreset(local.api, 'usage-b', 'boltrics');

    // tenant a: two tickets (the first one replayed with its Idempotency-Key), two transitions, three comments
    const created = await a.as('alice').post('/v1/tickets', { subject: 'Printer on fire' }, { 'idempotency-key': 'usage-first' });
    expect(created.status).toBe(201);
    const replayed = await a.as('alice').post('/v1/tickets', { subject: 'Printer on fire' }, { 'idempotency-key': 'usage-first' });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body.id).toBe(created.body.id);
    expect((await a.as('bob').post('/v1/tickets', { subject: 'Scanner jams' })).status).toBe(201);
    await local.runtime.settled(); // both move on their own: 010-SUBMITTED → 012-NEW
    const id = created.body.id as string;
    expect((await a.as('agent').post(`/v1/tickets/${id}/transitions`, { to: '016-READY' })).status).toBe(200);
    expect((await a.as('agent').post(`/v1/tickets/${id}/transitions`, { to: '030-ANALYSIS', comment: 'Looking into it.' })).status).toBe(200);
    expect((await a.as('agent').post(`/v1/tickets/${id}/comments`, { body: 'Found the cause.', visibility: 'internal' })).status).toBe(201);
    expect((await a.as('alice').post(`/v1/tickets/${id}/comments`, { body: 'Thanks!', visibility: 'public' })).status).toBe(201);
    // tenant b: one ticket
    expect((await b.as('carol').post('/v1/tickets', { subject: 'Login fails' })).status).toBe(201);
    await local.runtime.settled();
    // three days later: the SLA schedules have fired
    await clock({ advance: 'PT72H' });
    await local.runtime.settled();

    const asA = await a.as('admin').get(`/v1/usage?month=${month}`);
    expect(asA.status, JSON.stringify(asA.body)).toBe(200);
    expect(asA.body.month).toBe(month);
    expect(asA.body.priceTable).toMatchObject({ date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), region: 'us-east-1', currency: 'USD' });
    expect(asA.body.tenants).toHaveLength(1);
    const usageA = asA.body.tenants[0];
    expect(usageA.tenant).toBe('usage-a');
    expect(usageA.counters).toMatchObject({
      // 8 set-up requests, 2 tickets (the replay is not counted again), 2 transitions, 2 comments
      apiRequests: 14,
      ticketsCreated: 2,
      // 010-SUBMITTED → 012-NEW twice (the lifecycle), then 016-READY and 030-ANALYSIS
      transitions: 4,
      // the transition's comment, the internal one and the customer's
      comments: 3,
      emailsReceived: 0,
    });
    // every mail the tenant sent, as the SES emulator received them, counted once each
    const store = (await (await fetch(`${local.runtime.sesEndpoint}/store`)).json()) as { emails: { from: string }[] };
    const sentByA = store.emails.filter((m) => m.from === 'support@usage-a.example').length;
    expect(sentByA).toBeGreaterThan(0);
    expect(usageA.counters.emailsSent).toBe(sentByA);
    // Step Functions state transitions: exactly what the local engine entered for this tenant
    expect(usageA.counters.stateTransitions).toBe(await stateTransitionsOf('usage-a'));
    expect(usageA.counters.stateTransitions).toBeGreaterThan(0);
    expect(usageA.counters.scheduleInvocations).toBeGreaterThan(0);
    expect(usageA.counters.dynamoReadUnits).toBeGreaterThan(0);
    expect(usageA.counters.dynamoWriteUnits).toBeGreaterThan(0);
    expect(usageA.counters.lambdaInvocations).toBeGreaterThan(usageA.counters.apiRequests);
    expect(usageA.counters.lambdaGbSeconds).toBeGreaterThan(0);
    expect(Object.keys(usageA.estimatedCostUsd).sort()).toEqual(['apiGateway', 'dynamodb', 'lambda', 's3', 'scheduler', 'ses', 'stepFunctions', 'total']);
    expect(usageA.estimatedCostUsd.total).toBeGreaterThan(0);
    // no ticket data here
    expect(JSON.stringify(asA.body)).not.toMatch(/Printer|Scanner|Thanks|alice/);

    // another tenant's admin sees only its own; naming tenant a is a 404
    const asB = await b.as('admin').get(`/v1/usage?month=${month}`);
    expect(asB.body.tenants.map((t: any) => t.tenant)).toEqual(['usage-b']);
    expect(asB.body.tenants[0].counters).toMatchObject({ apiRequests: 9, ticketsCreated: 1, transitions: 1, comments: 0 });
    expect(asB.body.tenants[0].counters.stateTransitions).toBe(await stateTransitionsOf('usage-b'));
    expect((await b.as('admin').get(`/v1/usage?month=${month}&tenant=usage-a`)).status).toBe(404);

    // finance (no tenant in its token) sees both; ?tenant= narrows; its own requests are nobody's usage
    const finance = local.api.as(await local.api.token({ sub: 'finance', role: 'finance', email: 'finance@ticketflow.example' }));
    const all = await finance.get(`/v1/usage?month=${month}`);
    expect(all.status).toBe(200);
    // every tenant counted by then, sorted (the demo tenant too: its set-up consumed capacity)
    const names = all.body.tenants.map((t: any) => t.tenant);
    expect(names).toEqual(expect.arrayContaining(['usage-a', 'usage-b']));
    expect(names).toEqual([...names].sort());
    // a's admin read once since: one request more
    expect(all.body.tenants.find((t: any) => t.tenant === 'usage-a').counters.apiRequests).toBe(15);
    const narrowed = await finance.get(`/v1/usage?month=${month}&tenant=usage-b`);
    expect(narrowed.body.tenants.map((t: any) => t.tenant)).toEqual(['usage-b']);
    // b's admin read twice since (the 404 is a request too)
    expect(narrowed.body.tenants[0].counters.apiRequests).toBe(11);

    // CSV: the same answer, one row per tenant
    const csv = await finance.get(`/v1/usage?month=${month}`, { accept: 'text/csv' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (csv.body as string).trim().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['month', 'tenant', 'apiRequests']);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2))).toEqual(names.map((n: string) => [month, n]));

    // a month with no activity is zeros, not an error
    const empty = await a.as('admin').get(`/v1/usage?month=${nextMonth}`);
    expect(empty.status).toBe(200);
    expect(Object.values(empty.body.tenants[0].counters).every((v) => v === 0)).toBe(true);
    expect(empty.body.tenants[0].estimatedCostUsd.total).toBe(0);
    expect((await finance.get(`/v1/usage?month=${nextMonth}&tenant=usage-b`)).body.tenants[0].counters.ticketsCreated).toBe(0);

    // nobody else; a bad month is a 400 naming the field
    for (const who of ['alice', 'agent', 'lead', 'manager'] as const) expect((await a.as(who).get(`/v1/usage?month=${month}`)).status).toBe(403);
    const bad = await a.as('admin').get('/v1/usage?month=2026-13');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(bad.body.errors.map((e: any) => e.path)).toEqual(['query.month']);
  });
});
