import { describe, expect, it } from 'vitest';
import { useLocalRuntime } from '../support/api-client';
import { tenantOnPreset, type TenantFixture } from '../support/tenant-fixture';

/**
 * Seed 001, step 4 ("you will receive a status update in the ticket"), end to end over
 * HTTP: an urgent ticket owes a public staff comment every `sla.update.urgent` working
 * minutes (CONTRACT section 6, metric `update`). The local clock is frozen first and only
 * moved relatively, so every SLA figure is exact; history instants are those of the
 * schedules, which use whole seconds (rounded up, never early).
 */
const local = useLocalRuntime();

const MIN = 60_000;
const clock = async (body: { advance?: string; freeze?: boolean }) => {
  const r = await local.api.request('POST', '/_local/clock', { body });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return Date.parse(r.body.now);
};
/** Lets the stream consumer bring the schedules in line with the last change, then moves the clock. */
const advance = async (duration: string) => {
  await local.runtime.settled();
  return clock({ advance: duration });
};
const ticket = async (t: TenantFixture, id: string) => (await t.as('agent').get(`/v1/tickets/${id}`)).body;
const updateEvents = async (t: TenantFixture, id: string) =>
  ((await t.as('agent').get(`/v1/tickets/${id}/history?limit=100`)).body.items as any[]).filter((e) => e.reason === 'update' || e.reason?.endsWith(':update'));
const iso = (ms: number) => new Date(ms).toISOString();
const expectNear = (actual: string, expected: number, ms = 2000) => {
  const delta = Date.parse(actual) - expected;
  expect(delta, `${actual} vs ${iso(expected)}`).toBeGreaterThanOrEqual(0);
  expect(delta).toBeLessThan(ms);
};
const urgentAnswers = {
  workaround: false,
  coreBusinessAffected: true,
  financialImpact: 'a day of production',
  usersAffected: 40,
  goLiveDate: null,
  contact: { name: 'Alice', phone: '+31 20 000 0000', email: 'alice@acme.example', availability: '24/7' },
};

describe('seed 001: status updates on urgent tickets', () => {
  it('reminds the assignee at 75 %, tells assignee and team lead at the breach (each cycle once); a public staff comment starts again; resolved, it is met', async () => {
    const t0 = await clock({ freeze: true });
    const t = await tenantOnPreset(local.api, 'urgent-updates', 'jira-partner', {
      coverage: '24x7',
      timezone: 'UTC',
      // only the update metric here: no response target to breach alongside it
      sla: { response: { normal: null, high: null, urgent: null }, update: { urgent: 240 } },
    });
    const agentEmail = 'agent@urgent-updates.example';
    const leadEmail = 'lead@urgent-updates.example';

    const created = (await t.as('alice').post('/v1/tickets', { subject: 'Production down' })).body;
    expect(created.createdAt).toBe(iso(t0));
    // not urgent: no status-update clock
    expect(created.sla.update).toEqual({ targetMinutes: null, elapsedMinutes: 0, state: 'none', dueAt: null, breachedAt: null });
    const id = created.id;
    expect((await t.as('agent').patch(`/v1/tickets/${id}`, { assignee: 'agent' })).status).toBe(200);
    expect((await t.as('agent').post(`/v1/tickets/${id}/transitions`, { to: 'en-cours' })).status).toBe(200);
    const escalated = await t.as('alice').post(`/v1/tickets/${id}/escalate`, { reason: 'production stand still', urgent: urgentAnswers });
    expect(escalated.body).toMatchObject({ priority: 'urgent', escalation: { urgent: true, level: 1 }, urgentSince: iso(t0) });
    expect(escalated.body.sla.update).toEqual({ targetMinutes: 240, elapsedMinutes: 0, state: 'running', dueAt: iso(t0 + 240 * MIN), breachedAt: null });

    // 3 hours: 75 % — the assignee is reminded
    await advance('PT3H1S');
    let events = await updateEvents(t, id);
    expect(events.map((e) => [e.type, e.reason, e.recipients])).toEqual([
      ['sla-warning', 'update', undefined],
      ['notification', 'sla-warning:update', [agentEmail]],
    ]);
    expectNear(events[0].at, t0 + 180 * MIN);
    expect((await ticket(t, id)).sla.update).toMatchObject({ elapsedMinutes: 180, state: 'running' });

    // 4 hours: breached — assignee and team lead are told, and the history records it
    const now = await advance('PT1H');
    events = await updateEvents(t, id);
    expect(events.slice(2).map((e) => [e.type, e.reason, e.recipients])).toEqual([
      ['sla-breached', 'update', undefined],
      ['notification', 'sla-breach:update', [agentEmail, leadEmail]],
    ]);
    expectNear(events[2].at, t0 + 240 * MIN);
    let tk = await ticket(t, id);
    expect(tk.sla.update).toEqual({
      targetMinutes: 240,
      elapsedMinutes: Math.floor((now - t0) / MIN),
      state: 'breached',
      dueAt: iso(t0 + 240 * MIN),
      breachedAt: iso(t0 + 240 * MIN),
    });
    // the update metric informs, it does not escalate: the level is the customer's escalation only
    expect(tk.escalation.level).toBe(1);

    // an hour later, still nothing said: still breached, recorded once
    const cycle2 = await advance('PT1H');
    expect((await ticket(t, id)).sla.update).toMatchObject({ elapsedMinutes: 300, state: 'breached' });
    expect((await updateEvents(t, id)).filter((e) => e.type === 'sla-breached')).toHaveLength(1);

    // the status update: a public comment by staff starts the next cycle
    expect((await t.as('agent').post(`/v1/tickets/${id}/comments`, { body: 'Plan of action: we restore the database tonight.' })).status).toBe(201);
    expect((await ticket(t, id)).sla.update).toEqual({
      targetMinutes: 240,
      elapsedMinutes: 0,
      state: 'running',
      dueAt: iso(cycle2 + 240 * MIN),
      breachedAt: null,
    });
    // an internal note and the customer's comment are no status update: the cycle runs on
    await advance('PT1H');
    expect((await t.as('agent').post(`/v1/tickets/${id}/comments`, { body: 'DBA paged', visibility: 'internal' })).status).toBe(201);
    expect((await t.as('alice').post(`/v1/tickets/${id}/comments`, { body: 'Any news?' })).status).toBe(201);
    await advance('PT2H59M');
    tk = await ticket(t, id);
    expect(tk.sla.update).toMatchObject({ elapsedMinutes: 239, state: 'running', dueAt: iso(cycle2 + 240 * MIN) });
    expect((await updateEvents(t, id)).map((e) => e.type)).toEqual([
      'sla-warning',
      'notification',
      'sla-breached',
      'notification',
      'sla-warning',
      'notification',
    ]);
    // the second cycle's breach: recorded too, once
    await advance('PT1M1S');
    events = await updateEvents(t, id);
    expect(events.filter((e) => e.type === 'sla-breached')).toHaveLength(2);
    expectNear(events.at(-2).at, cycle2 + 240 * MIN);
    expect(events.at(-1)).toMatchObject({ type: 'notification', reason: 'sla-breach:update', recipients: [agentEmail, leadEmail] });

    // a third cycle, ended by the resolution before its target: met, and nothing more fires
    expect((await t.as('agent').post(`/v1/tickets/${id}/comments`, { body: 'Restored; monitoring now.' })).status).toBe(201);
    await advance('PT1H');
    expect((await t.as('agent').post(`/v1/tickets/${id}/transitions`, { to: 'resolue' })).status).toBe(200);
    await advance('P1D');
    tk = await ticket(t, id);
    expect(tk.sla.update).toEqual({ targetMinutes: 240, elapsedMinutes: 60, state: 'met', dueAt: null, breachedAt: null });
    expect((await updateEvents(t, id)).filter((e) => e.type === 'sla-breached')).toHaveLength(2);
    expect((await updateEvents(t, id)).filter((e) => e.type === 'sla-warning')).toHaveLength(2);
  });

  it('a split of an urgent ticket is not urgent: priority high, escalation.urgent false, no status-update clock', async () => {
    const t = await tenantOnPreset(local.api, 'urgent-split', 'jira-partner');
    const original = (await t.as('alice').post('/v1/tickets', { subject: 'Production down, and the reports are slow' })).body;
    const escalated = await t.as('alice').post(`/v1/tickets/${original.id}/escalate`, { reason: 'down', urgent: urgentAnswers });
    expect(escalated.body).toMatchObject({ priority: 'urgent', escalation: { urgent: true } });
    const split = await t.as('agent').post(`/v1/tickets/${original.id}/split`, { subject: 'Reports are slow', description: 'the second problem' });
    expect(split.status).toBe(201);
    expect(split.body).toMatchObject({
      priority: 'high',
      escalation: { urgent: false, level: 0 },
      sla: { update: { targetMinutes: null, state: 'none' } },
      links: [{ type: 'split-from', ticketId: original.id, key: original.key }],
    });
    // the original keeps its urgency and its status-update clock
    expect((await ticket(t, original.id)).sla.update).toMatchObject({ targetMinutes: 240, state: 'running' });
  });
});
