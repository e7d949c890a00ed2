import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/local-aws';
import { LOCAL_SCHEDULE_GROUP } from '../../local/runtime';
import { useLocalRuntime } from '../support/api-client';
import { tenantOnPreset, type TenantFixture } from '../support/tenant-fixture';

/**
 * Time, end to end over HTTP with the local clock: SLAs on business calendars,
 * reminders, auto-close, feedback period, reopen window and monitoring period.
 * The clock only moves forward, so the scenarios run in calendar order.
 */
const local = useLocalRuntime();

const clock = async (body: { advance?: string; set?: string }) => {
  const r = await local.api.request('POST', '/_local/clock', { body });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.now as string;
};
/**
 * The first instant at least a day after the local clock's own now that falls on the ISO
 * weekday (1 = Monday) at the local time in the zone. Scenarios that need a calendar shape
 * (a Thursday before a holiday Friday) take it from here, never from a fixed date: the clock
 * only goes forward, so a fixed date breaks the day it passes.
 */
const nextLocal = async (weekday: number, time: string, zone: string) => {
  const from = DateTime.fromISO((await local.api.request('GET', '/_local/clock')).body.now as string, { zone }).plus({ days: 1 });
  const [hour, minute] = time.split(':').map(Number);
  let at = from.set({ hour, minute, second: 0, millisecond: 0 });
  while (at.weekday !== weekday || at < from) at = at.plus({ days: 1 }).set({ hour, minute });
  return at;
};
const setClock = (at: DateTime) => clock({ set: at.toUTC().toISO()! });
const history = async (t: TenantFixture, id: string) => (await t.as('agent').get(`/v1/tickets/${id}/history?limit=100`)).body.items as any[];
const ticket = async (t: TenantFixture, id: string) => (await t.as('agent').get(`/v1/tickets/${id}`)).body;
const move = async (t: TenantFixture, id: string, to: string, who: Parameters<TenantFixture['as']>[0] = 'agent') => {
  const r = await t.as(who).post(`/v1/tickets/${id}/transitions`, { to });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
/** Schedules use at() with whole seconds (rounded up, never early): instants land within a second, plus the work. */
const expectNear = (actual: string | number, expected: string | number, ms = 2000) => {
  const delta = Date.parse(String(actual)) - (typeof expected === 'number' ? expected : Date.parse(expected));
  expect(delta, `${actual} vs ${typeof expected === 'number' ? new Date(expected).toISOString() : expected}`).toBeGreaterThanOrEqual(0);
  expect(delta).toBeLessThan(ms);
};
const amsterdamHours = {
  mon: [['09:00', '17:00']],
  tue: [['09:00', '17:00']],
  wed: [['09:00', '17:00']],
  thu: [['09:00', '17:00']],
  fri: [['09:00', '17:00']],
};

describe('the local clock', () => {
  it('answers its time, moves forward only (422 backwards, 400 nonsense)', async () => {
    const before = (await local.api.request('GET', '/_local/clock')).body.now;
    const after = await clock({ advance: 'PT1H' });
    expect(Date.parse(after) - Date.parse(before)).toBeGreaterThanOrEqual(3_600_000);
    // a day before the clock's own now: always in its past, whatever today is
    const yesterday = new Date(Date.parse(after) - 86_400_000).toISOString();
    expect((await local.api.request('POST', '/_local/clock', { body: { set: yesterday } })).status).toBe(422);
    expect((await local.api.request('POST', '/_local/clock', { body: { advance: 'three days' } })).status).toBe(400);
    expect((await local.api.request('POST', '/_local/clock', { body: {} })).status).toBe(400);
    const backwards = await local.api.request('POST', '/_local/clock', { body: { set: yesterday } });
    expect(backwards.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(backwards.body).toMatchObject({
      type: 'https://ticketflow.dev/problems/refused',
      status: 422,
      detail: expect.stringMatching(/never goes backwards/),
    });
    expect((await local.api.request('POST', '/_local/clock', { body: { advance: 'PT1H', set: after } })).status).toBe(400);
    expect((await local.api.request('POST', '/_local/clock', { body: { freeze: 'yes' } })).status).toBe(400);
  });

  it('freezes: it stands exactly where a move leaves it, so figures are exact; unfrozen it runs on from there', async () => {
    const frozen = await local.api.request('POST', '/_local/clock', { body: { freeze: true } });
    expect(frozen.body.frozen).toBe(true);
    const t = await tenantOnPreset(local.api, 'time-frozen', 'default', { coverage: '24x7', timezone: 'UTC', sla: { response: { normal: 600 } } });
    const stood = (await local.api.request('GET', '/_local/clock')).body;
    expect(stood).toEqual({ now: frozen.body.now, frozen: true });
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'exact' })).body;
    expect(tk.createdAt).toBe(frozen.body.now);
    const moved = await local.api.request('POST', '/_local/clock', { body: { advance: 'PT90M' } });
    expect(Date.parse(moved.body.now) - Date.parse(frozen.body.now)).toBe(90 * 60_000);
    const now = (await t.as('agent').get(`/v1/tickets/${tk.id}`)).body;
    expect(now.sla.response).toMatchObject({ elapsedMinutes: 90, state: 'running' });
    expect(Date.parse(now.sla.response.dueAt)).toBe(Date.parse(tk.createdAt) + 600 * 60_000);
    const thawed = await local.api.request('POST', '/_local/clock', { body: { freeze: false } });
    // it runs on from where it stood (never back)
    expect(thawed.body.frozen).toBe(false);
    expect(Date.parse(thawed.body.now)).toBeGreaterThanOrEqual(Date.parse(moved.body.now));
    expect((await local.api.request('GET', '/_local/clock')).body.frozen).toBe(false);
  });
});

describe('seed 004: reminders after 3 and 6 days untouched, auto-close after 12, still reopenable', () => {
  it('walks the timeline by the local clock; a touch by a person restarts it, the reminders do not', async () => {
    const t = await tenantOnPreset(local.api, 'time-jira', 'jira-partner', { timezone: 'Europe/Paris', locale: 'fr' });
    await setClock(await nextLocal(2, '11:00', 'Europe/Paris'));
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Licence Jira' })).body;
    await move(t, tk.id, 'en-cours');
    await move(t, tk.id, 'en-attente-client');
    await clock({ advance: 'P2D' });
    // an internal note by the agent touches the ticket: the untouched count restarts from here
    expect((await t.as('agent').post(`/v1/tickets/${tk.id}/comments`, { body: 'relancer', visibility: 'internal' })).status).toBe(201);
    const touched = Date.parse((await ticket(t, tk.id)).lastTouchedAt);
    await clock({ advance: 'P3DT-1M' }); // just before 3 days after the touch: nothing yet
    expect((await t.as('alice').get(`/v1/tickets/${tk.id}/comments`)).body.items).toEqual([]);
    await clock({ advance: 'PT2M' });
    let comments = (await t.as('alice').get(`/v1/tickets/${tk.id}/comments`)).body.items;
    expect(comments.map((c: any) => c.author.role)).toEqual(['system']);
    expect(comments[0].body).toMatch(/^Rappel/);
    expectNear(comments[0].createdAt, touched + 3 * 86_400_000);
    await clock({ advance: 'P3D' }); // 6 days
    comments = (await t.as('alice').get(`/v1/tickets/${tk.id}/comments`)).body.items;
    expect(comments).toHaveLength(2);
    expect((await ticket(t, tk.id)).status).toBe('en-attente-client');
    await clock({ advance: 'P6D' }); // 12 days
    const closed = await ticket(t, tk.id);
    expect(closed.status).toBe('fermee');
    expectNear(closed.statusSince, touched + 12 * 86_400_000);
    const notices = (await history(t, tk.id)).filter((e) => e.type === 'notification').map((e) => e.reason);
    // each reminder reaches the requester; the close with its closing comment is one notice, not two
    expect(notices.filter((r) => r === 'comment')).toHaveLength(2);
    expect(notices.filter((r) => r === 'status:fermee')).toHaveLength(1);
    expect((await t.as('alice').post(`/v1/tickets/${tk.id}/reopen`, { comment: 'Toujours besoin' })).body.status).toBe('en-cours');
    // nothing more fires for it
    await clock({ advance: 'P13D' });
    expect((await ticket(t, tk.id)).status).toBe('en-cours');
  });
});

describe("system texts in the reader's language", () => {
  it("a Dutch customer on a French tenant gets reminders in Dutch; errors speak the caller's language", async () => {
    const t = await tenantOnPreset(local.api, 'time-lang', 'jira-partner', { timezone: 'Europe/Paris', locale: 'fr' });
    const dutch = local.api.as(await local.api.token({ tid: t.tid, sub: 'bob', role: 'customer', org: 'acme', email: 'bob@acme.example', locale: 'nl' }));
    const tk = (await dutch.post('/v1/tickets', { subject: 'Licentie' })).body;
    expect(tk.requester.locale).toBe('nl');
    await move(t, tk.id, 'en-cours');
    await move(t, tk.id, 'en-attente-client');
    await clock({ advance: 'P3DT1M' });
    const comments = (await dutch.get(`/v1/tickets/${tk.id}/comments`)).body.items;
    expect(comments.map((c: any) => c.author.role)).toEqual(['system']);
    expect(comments[0].body).toMatch(/^Herinnering: we wachten nog op uw antwoord \(3 dagen/);
    // a refusal in the caller's language (token claim), with a stable type
    const refused = await dutch.post(`/v1/tickets/${tk.id}/transitions`, { to: 'resolue' });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-language')).toBe('nl');
    expect(refused.body).toMatchObject({ title: 'Geweigerd door de workflow', type: 'https://ticketflow.dev/problems/refused-by-the-workflow' });
    // no locale claim (Alice sees her company's tickets): Accept-Language decides
    const french = await t.as('alice').post(`/v1/tickets/${tk.id}/transitions`, { to: 'resolue' }, { 'accept-language': 'fr-BE, en;q=0.5' });
    expect(french.body.title).toBe('Refusé par le workflow');
  });
});

describe('SLA clocks, exact to the minute', () => {
  it('response stops at the first wait on the customer and does not restart on reopen; resolution pauses and resumes', async () => {
    const t = await tenantOnPreset(local.api, 'time-sla', 'jira-partner', {
      coverage: '24x7',
      timezone: 'UTC',
      sla: { response: { normal: 600 }, resolution: { medium: 6000 } },
    });
    await setClock(await nextLocal(1, '08:00', 'UTC'));
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'SLA' })).body;
    expect(tk.sla.response).toMatchObject({ targetMinutes: 600, elapsedMinutes: 0, state: 'running' });
    expect(Date.parse(tk.sla.response.dueAt) - Date.parse(tk.createdAt)).toBe(600 * 60_000);
    await clock({ advance: 'PT90M' });
    await move(t, tk.id, 'en-cours');
    await clock({ advance: 'PT30M' });
    await move(t, tk.id, 'en-attente-client'); // response stops at 120 minutes, for good: met, well before its 600
    await clock({ advance: 'PT5H' });
    let now = await ticket(t, tk.id);
    expect(now.sla.response).toMatchObject({ elapsedMinutes: 120, state: 'met', dueAt: null, breachedAt: null });
    expect(now.sla.resolution).toMatchObject({ elapsedMinutes: 120, state: 'paused', dueAt: null });
    expect((await t.as('alice').post(`/v1/tickets/${tk.id}/comments`, { body: 'answer' })).status).toBe(201); // back to en-cours
    await clock({ advance: 'PT1H' });
    now = await ticket(t, tk.id);
    expect(now.sla.response).toMatchObject({ elapsedMinutes: 120, state: 'met' });
    expect(now.sla.resolution).toMatchObject({ elapsedMinutes: 180, state: 'running' });
    // 24x7: due when the 5,820 minutes left have passed from now (as the answer was computed)
    const clockNow = Date.parse((await local.api.request('GET', '/_local/clock')).body.now);
    expect(Date.parse(now.sla.resolution.dueAt) - clockNow).toBeLessThanOrEqual((6000 - 180) * 60_000);
    expect(Date.parse(now.sla.resolution.dueAt) - clockNow).toBeGreaterThan((6000 - 181) * 60_000);
    // third-party wait: both clocks paused
    await move(t, tk.id, 'en-attente-tiers');
    await clock({ advance: 'P2D' });
    expect((await ticket(t, tk.id)).sla.resolution).toMatchObject({ elapsedMinutes: 180, state: 'paused' });
    await move(t, tk.id, 'resolue');
    // resolved within its target: met
    expect((await ticket(t, tk.id)).sla.resolution).toMatchObject({ elapsedMinutes: 180, state: 'met', dueAt: null, breachedAt: null });
    await move(t, tk.id, 'fermee');
    expect((await t.as('alice').post(`/v1/tickets/${tk.id}/reopen`, { comment: 'again' })).status).toBe(200);
    await clock({ advance: 'PT10M' });
    now = await ticket(t, tk.id);
    // resolution resumes from the time already used; response never restarts
    expect(now.sla.resolution).toMatchObject({ elapsedMinutes: 190, state: 'running' });
    expect(now.sla.response).toMatchObject({ elapsedMinutes: 120, state: 'met' });
  });

  it('a breach across a holiday weekend is recorded once, at the exact minute, raises the level, tells the team lead, and assu escalates', async () => {
    // a Thursday, 16:00 in Amsterdam; the Friday after it is a holiday
    const thursday = await nextLocal(4, '16:00', 'Europe/Amsterdam');
    const monday = thursday.plus({ days: 4 });
    const t = await tenantOnPreset(local.api, 'time-assu', 'assu', {
      timezone: 'Europe/Amsterdam',
      coverage: 'business-hours',
      businessHours: amsterdamHours,
      holidays: [thursday.plus({ days: 1 }).toISODate()!],
      sla: { response: { normal: 120 }, resolution: { medium: 180 } },
    });
    await setClock(thursday);
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Kerst' })).body;
    const created = Date.parse(tk.createdAt); // 16:00 local plus the few ms the request took
    const sinceFour = created - thursday.toMillis();
    await move(t, tk.id, 'in-behandeling');
    // 60 minutes on Thursday, nothing on the holiday or the weekend, the rest on Monday from 09:00 local
    const responseDue = monday.set({ hour: 10 }).toMillis() + sinceFour;
    const resolutionDue = monday.set({ hour: 11 }).toMillis() + sinceFour;
    expect(Date.parse((await ticket(t, tk.id)).sla.response.dueAt)).toBe(responseDue);
    expect(Date.parse((await ticket(t, tk.id)).sla.resolution.dueAt)).toBe(resolutionDue);
    await setClock(monday.set({ hour: 13 }));
    const after = await ticket(t, tk.id);
    expect(Date.parse(after.sla.response.breachedAt)).toBe(responseDue);
    expect(Date.parse(after.sla.resolution.breachedAt)).toBe(resolutionDue);
    // both still count (geescaleerd is active work) and say breached, not running
    expect(after.sla.response).toMatchObject({ state: 'breached', dueAt: after.sla.response.breachedAt });
    expect(after.sla.resolution).toMatchObject({ state: 'breached', dueAt: after.sla.resolution.breachedAt });
    expect(after.escalation.level).toBe(2); // response and resolution, once each
    expect(after.status).toBe('geescaleerd');
    const events = await history(t, tk.id);
    const breaches = events.filter((e) => e.type === 'sla-breached');
    expect(breaches.map((e) => e.reason)).toEqual(['response', 'resolution']);
    expectNear(breaches[0].at, after.sla.response.breachedAt);
    expectNear(breaches[1].at, after.sla.resolution.breachedAt);
    expect(events.filter((e) => e.type === 'sla-warning').map((e) => e.reason)).toEqual(['response', 'resolution']);
    expect(
      events.filter((e) => e.type === 'notification' && e.reason.startsWith('sla-breach')).every((e) => e.recipients[0] === 'lead@time-assu.example'),
    ).toBe(true);
    // a late duplicate firing changes nothing
    await clock({ advance: 'P1D' });
    expect((await ticket(t, tk.id)).escalation.level).toBe(2);
  });
});

describe('boltrics: feedback period and the 30-day reopen window', () => {
  it('045 closes on its own after the feedback period; a closed ticket reopens within 30 days, not after', async () => {
    const t = await tenantOnPreset(local.api, 'time-bolt', 'boltrics', { timezone: 'Europe/Amsterdam', feedbackDays: 10 });
    await setClock(await nextLocal(2, '10:00', 'Europe/Amsterdam'));
    const a = (await t.as('alice').post('/v1/tickets', { subject: 'feedback' })).body;
    const b = (await t.as('alice').post('/v1/tickets', { subject: 'window' })).body;
    await local.runtime.settled(); // 010 → 012 by the lifecycle
    for (const id of [a.id, b.id]) for (const s of ['016-READY', '030-ANALYSIS', '045-TEST-CUSTOMER']) await move(t, id, s);
    const testing = Date.parse((await ticket(t, a.id)).statusSince);
    await clock({ advance: 'P9DT23H' });
    expect((await ticket(t, a.id)).status).toBe('045-TEST-CUSTOMER');
    await clock({ advance: 'PT2H' });
    const closed = await ticket(t, a.id);
    expect(closed.status).toBe('050-CLOSED');
    expectNear(closed.statusSince, testing + 10 * 86_400_000);
    expect(Date.parse(closed.reopenableUntil) - Date.parse(closed.statusSince)).toBe(30 * 86_400_000);
    // the reopen window: day 29 reopens, day 31 is refused
    await clock({ advance: 'P29D' });
    expect((await t.as('alice').post(`/v1/tickets/${a.id}/reopen`, { comment: 'came back' })).body.status).toBe('017-REOPENED');
    expect((await ticket(t, b.id)).status).toBe('050-CLOSED');
    await clock({ advance: 'P2D' });
    const late = await t.as('alice').post(`/v1/tickets/${b.id}/reopen`, { comment: 'too late' });
    expect(late.status).toBe(422);
    expect(late.body.detail).toMatch(/open a new ticket/);
    // the window's end also ended b's execution
    await local.runtime.settled();
    expect((await t.as('agent').get(`/v1/tickets/${b.id}/workflow`)).body).toMatchObject({ status: 'SUCCEEDED', currentState: 'Closed' });
    // a month of the local clock: every schedule of the window fires on the way (a guard, not a measure)
  }, 120_000);
});

describe('seed 001: the urgent monitoring period', () => {
  it('nobody closes during it; at its end the escalation manager hears of it and only a manager closes', async () => {
    const t = await tenantOnPreset(local.api, 'time-urgent', 'jira-partner', { monitoringDays: 7, timezone: 'UTC' });
    await setClock(await nextLocal(1, '09:00', 'UTC'));
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Production down' })).body;
    const answers = {
      workaround: false,
      coreBusinessAffected: true,
      financialImpact: 'high',
      usersAffected: 40,
      goLiveDate: null,
      contact: { name: 'A', phone: '1', email: 'a@acme.example', availability: '24/7' },
    };
    expect((await t.as('alice').post(`/v1/tickets/${tk.id}/escalate`, { reason: 'down', urgent: answers })).body.priority).toBe('urgent');
    await move(t, tk.id, 'en-cours');
    await move(t, tk.id, 'resolue');
    const resolvedAt = Date.parse((await ticket(t, tk.id)).statusSince);
    await clock({ advance: 'P6DT23H' });
    expect((await t.as('manager').post(`/v1/tickets/${tk.id}/transitions`, { to: 'fermee' })).status).toBe(422);
    await clock({ advance: 'PT1H1S' });
    const ended = (await history(t, tk.id)).find((e) => e.type === 'notification' && e.reason === 'monitoring-ended');
    expect(ended).toMatchObject({ recipients: ['manager@time-urgent.example'] });
    expectNear(ended.at, resolvedAt + 7 * 86_400_000);
    expect((await t.as('agent').post(`/v1/tickets/${tk.id}/transitions`, { to: 'fermee' })).status).toBe(403);
    expect((await t.as('manager').post(`/v1/tickets/${tk.id}/transitions`, { to: 'fermee' })).status).toBe(200);
  });
});

describe('names support staff can find', () => {
  it("a ticket's schedules start with its key, so the Scheduler console and CLI find them by prefix", async () => {
    const t = await tenantOnPreset(local.api, 'names', 'default');
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Find my timers' })).body;
    await local.runtime.settled();
    const scheduler = new SchedulerClient({ endpoint: local.runtime.schedulerEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    const listed = await scheduler.send(new ListSchedulesCommand({ GroupName: LOCAL_SCHEDULE_GROUP, NamePrefix: `${tk.key}.` }));
    const names = (listed.Schedules ?? []).map((s) => s.Name!).sort();
    expect(names.map((n) => n.split('.')[1])).toEqual(['sla-resolution-breach', 'sla-resolution-warning', 'sla-response-breach', 'sla-response-warning']);
    for (const name of names) expect(name).toMatch(new RegExp(`^${tk.key}\\.[a-z-]+\\.[0-9a-f]{16}$`));
    // and its execution starts with the key too
    expect((await t.as('agent').get(`/v1/tickets/${tk.id}/workflow`)).body.executionArn).toContain(`:${tk.key}--names--`);
  });
});
