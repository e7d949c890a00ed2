import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { Api, startTestRuntime } from '../support/api-client';

let runtime: LocalRuntime;
let api: Api;
const tokens: Record<string, string> = {};
const as = (who: string) => api.as(tokens[who]!);

beforeAll(async () => {
  runtime = await startTestRuntime();
  api = new Api(runtime.apiUrl);
  const ids = {
    alice: { tid: 'demo', sub: 'alice', role: 'customer', org: 'acme', email: 'alice@acme.example' },
    bob: { tid: 'demo', sub: 'bob', role: 'customer', org: 'acme', email: 'bob@acme.example' },
    carol: { tid: 'demo', sub: 'carol', role: 'customer', org: 'globex', email: 'carol@globex.example' },
    agent: { tid: 'demo', sub: 'agent', role: 'agent', email: 'agent@demo.example' },
    admin: { tid: 'demo', sub: 'admin', role: 'admin', email: 'admin@demo.example' },
    finance: { sub: 'finance', role: 'finance' },
    otherAgent: { tid: 'other', sub: 'agent', role: 'agent' },
    otherAdmin: { tid: 'other', sub: 'admin', role: 'admin' },
  };
  for (const [name, identity] of Object.entries(ids)) tokens[name] = await api.token(identity);
  // These scenarios walk the built-in default workflow; the seed presets have their own suites.
  expect((await as('admin').put('/v1/settings', { workflow: 'default', keyPrefix: 'DEMO', orgVisibility: true })).status).toBe(200);
});
afterAll(async () => runtime?.stop());

const newTicket = async (who = 'alice', body: Record<string, unknown> = {}) => {
  const r = await as(who).post('/v1/tickets', { subject: 'Printer on fire', description: 'It smokes.', ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
};

const expectProblem = (r: { status: number; headers: Headers; body: any }, status: number) => {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get('content-type')).toBe('application/problem+json');
  expect(r.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String), type: expect.any(String) });
};

describe('a ticket through the default workflow', () => {
  it('is created with a tenant key, read by id and key, and carries an ETag', async () => {
    const t = await newTicket();
    expect(t).toMatchObject({ key: expect.stringMatching(/^DEMO-\d+$/), status: 'new', category: 'new', version: 1 });
    expect(t.requester).toEqual({ id: 'alice', email: 'alice@acme.example', org: 'acme' });
    const byId = await as('alice').get(`/v1/tickets/${t.id}`);
    const byKey = await as('agent').get(`/v1/tickets/${t.key}`);
    expect(byId.body).toEqual(t);
    expect(byKey.body.id).toBe(t.id);
    expect(byKey.headers.get('etag')).toBe('"1"');
  });

  it('walks new → open → pending, a customer reply reopens it, solved, confirmed closed, reopened', async () => {
    const t = await newTicket();
    const go = async (to: string, who = 'agent', extra = {}) => {
      const r = await as(who).post(`/v1/tickets/${t.id}/transitions`, { to, ...extra });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    };
    expect((await go('open')).category).toBe('active');
    expect((await go('pending', 'agent', { comment: 'Which printer?' })).category).toBe('waiting_customer');

    const reply = await as('alice').post(`/v1/tickets/${t.id}/comments`, { body: 'The one on floor 2.' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ body: 'The one on floor 2.', visibility: 'public', author: { id: 'alice', role: 'customer' } });
    expect((await as('agent').get(`/v1/tickets/${t.id}`)).body.status).toBe('open');

    const solved = await go('solved', 'agent', { resolution: 'fixed' });
    expect(solved).toMatchObject({ category: 'resolved', resolution: 'fixed' });
    const closed = await as('alice').post(`/v1/tickets/${t.id}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.category).toBe('closed');
    expect(Date.parse(closed.body.reopenableUntil) - Date.parse(closed.body.statusSince)).toBe(30 * 86_400_000);

    const reopened = await as('alice').post(`/v1/tickets/${t.id}/reopen`, { comment: 'It smokes again.' });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'open', resolution: null, reopenableUntil: null });

    const history = (await as('agent').get(`/v1/tickets/${t.id}/history?limit=100`)).body.items;
    const path = history.filter((e: any) => e.changes?.status).map((e: any) => e.changes.status.to);
    expect(path).toEqual(['new', 'open', 'pending', 'open', 'solved', 'closed', 'open']);
    expect(history.map((e: any) => e.version)).toEqual([...history.map((e: any) => e.version)].sort((a, b) => a - b));
    const comments = (await as('alice').get(`/v1/tickets/${t.id}/comments`)).body.items.map((c: any) => c.body);
    expect(comments).toEqual(['Which printer?', 'The one on floor 2.', 'It smokes again.']);
  });

  it('refuses a transition the workflow does not have (422) and a status that does not exist (422)', async () => {
    const t = await newTicket();
    expectProblem(await as('agent').post(`/v1/tickets/${t.id}/transitions`, { to: 'closed' }), 422);
    expectProblem(await as('agent').post(`/v1/tickets/${t.id}/transitions`, { to: 'nowhere' }), 422);
    // customers may not move a new ticket at all
    expectProblem(await as('alice').post(`/v1/tickets/${t.id}/transitions`, { to: 'open' }), 422);
    expectProblem(await as('alice').post(`/v1/tickets/${t.id}/close`), 422);
    expectProblem(await as('alice').post(`/v1/tickets/${t.id}/reopen`, { comment: 'x' }), 422);
  });

  it('keeps a draft until it is submitted, and submits once', async () => {
    const d = await newTicket('alice', { draft: true });
    expect(d).toMatchObject({ status: 'draft', category: 'draft', submittedAt: null });
    const s = await as('alice').post(`/v1/tickets/${d.id}/submit`);
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ status: 'new', category: 'new', version: 2 });
    expect(s.body.submittedAt).not.toBeNull();
    expectProblem(await as('alice').post(`/v1/tickets/${d.id}/submit`), 422);
  });

  it('lets staff assign and re-prioritise, hides internal notes and internal history from customers', async () => {
    const t = await newTicket();
    const p = await as('agent').patch(`/v1/tickets/${t.id}`, { assignee: 'agent', priority: 'high', team: 'L1' });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body).toMatchObject({ assignee: 'agent', priority: 'high', team: 'L1', version: 2 });
    expect(p.body.sla.response.targetMinutes).toBe(120);
    expectProblem(await as('agent').patch(`/v1/tickets/${t.id}`, { assignee: 'nobody' }), 400);
    expectProblem(await as('agent').patch(`/v1/tickets/${t.id}`, { assignee: 'alice' }), 400); // a customer is no assignee

    expect((await as('agent').post(`/v1/tickets/${t.id}/comments`, { body: 'secret', visibility: 'internal' })).status).toBe(201);
    expect((await as('agent').post(`/v1/tickets/${t.id}/comments`, { body: 'hello' })).status).toBe(201);
    const seenByCustomer = (await as('alice').get(`/v1/tickets/${t.id}/comments`)).body.items.map((c: any) => c.body);
    const seenByStaff = (await as('agent').get(`/v1/tickets/${t.id}/comments`)).body.items.map((c: any) => c.body);
    expect(seenByCustomer).toEqual(['hello']);
    expect(seenByStaff).toEqual(['secret', 'hello']);
    const customerHistory = (await as('alice').get(`/v1/tickets/${t.id}/history`)).body.items;
    expect(customerHistory.every((e: any) => e.visibility === 'public')).toBe(true);
    expect(customerHistory.some((e: any) => e.changes?.assignee)).toBe(false);
    expect(customerHistory.some((e: any) => e.changes?.priority)).toBe(true);
    const staffHistory = (await as('agent').get(`/v1/tickets/${t.id}/history`)).body.items;
    expect(staffHistory.some((e: any) => e.changes?.assignee?.to === 'agent')).toBe(true);
  });

  it('lets staff open a ticket on behalf of a directory user', async () => {
    const t = await newTicket('agent', { requester: 'bob', channel: 'portal' });
    expect(t.requester).toEqual({ id: 'bob', email: 'bob@acme.example', org: 'acme' });
    expectProblem(await as('agent').post('/v1/tickets', { subject: 's', requester: 'ghost' }), 400);
    expectProblem(await as('alice').post('/v1/tickets', { subject: 's', requester: 'bob' }), 403);
  });
});

describe('who sees what', () => {
  it('shows a customer their company’s tickets when orgVisibility is on, and never another company’s', async () => {
    const t = await newTicket('alice');
    expect((await as('bob').get(`/v1/tickets/${t.id}`)).status).toBe(200);
    expectProblem(await as('carol').get(`/v1/tickets/${t.id}`), 404);
    expectProblem(await as('carol').post(`/v1/tickets/${t.id}/comments`, { body: 'hi' }), 404);
    const carolList = (await as('carol').get('/v1/tickets?limit=100')).body.items;
    expect(carolList.find((x: any) => x.id === t.id)).toBeUndefined();
    const bobList = (await as('bob').get('/v1/tickets?limit=100')).body.items;
    expect(bobList.find((x: any) => x.id === t.id)).toBeDefined();
    expect((await as('carol').get('/v1/tickets?org=acme')).body.items).toEqual([]);
  });

  it('hides company tickets when the tenant turns orgVisibility off', async () => {
    const r = await api.as(tokens.otherAdmin!).put('/v1/settings', { orgVisibility: false, keyPrefix: 'OTH' });
    expect(r.status).toBe(200);
    const alice = await api.token({ tid: 'other', sub: 'a2', role: 'customer', org: 'acme' });
    const bob = await api.token({ tid: 'other', sub: 'b2', role: 'customer', org: 'acme' });
    const t = (await api.as(alice).post('/v1/tickets', { subject: 'mine' })).body;
    expect(t.key).toMatch(/^OTH-\d+$/);
    expectProblem(await api.as(bob).get(`/v1/tickets/${t.id}`), 404);
    expect((await api.as(bob).get('/v1/tickets')).body.items).toEqual([]);
  });

  it('never lets another tenant see a ticket, on any route (404, by id or key)', async () => {
    const t = await newTicket('alice');
    const other = api.as(tokens.otherAgent!);
    for (const ref of [t.id, t.key]) {
      expectProblem(await other.get(`/v1/tickets/${ref}`), 404);
      expectProblem(await other.patch(`/v1/tickets/${ref}`, { priority: 'high' }), 404);
      expectProblem(await other.post(`/v1/tickets/${ref}/transitions`, { to: 'open' }), 404);
      expectProblem(await other.post(`/v1/tickets/${ref}/comments`, { body: 'x' }), 404);
      expectProblem(await other.get(`/v1/tickets/${ref}/comments`), 404);
      expectProblem(await other.get(`/v1/tickets/${ref}/history`), 404);
      expectProblem(await other.post(`/v1/tickets/${ref}/submit`), 404);
      expectProblem(await other.post(`/v1/tickets/${ref}/close`), 404);
      expectProblem(await other.post(`/v1/tickets/${ref}/reopen`, { comment: 'x' }), 404);
    }
    expect((await other.get('/v1/tickets?limit=100')).body.items.find((x: any) => x.id === t.id)).toBeUndefined();
    // nothing changed in its own tenant
    expect((await as('agent').get(`/v1/tickets/${t.id}`)).body.version).toBe(1);
  });

  it('enforces roles: customers cannot patch or post internal notes, finance sees no ticket data', async () => {
    const t = await newTicket();
    expectProblem(await as('alice').patch(`/v1/tickets/${t.id}`, { priority: 'urgent' }), 403);
    expectProblem(await as('alice').post(`/v1/tickets/${t.id}/comments`, { body: 'x', visibility: 'internal' }), 403);
    expectProblem(await as('finance').get(`/v1/tickets/${t.id}`), 403);
    expectProblem(await as('finance').get('/v1/tickets'), 403);
    expectProblem(await as('finance').post('/v1/tickets', { subject: 'x' }), 403);
    expectProblem(await as('agent').get('/v1/settings'), 403);
    expectProblem(await as('alice').get('/v1/users'), 403);
    expectProblem(await as('agent').put('/v1/users/x', { email: 'x@y.example', name: 'X', role: 'agent' }), 403);
  });
});

describe('bad input gets a clear 4xx problem', () => {
  it('issues no local token for the reserved automation subject', async () => {
    expectProblem(await api.request('POST', '/_local/token', { body: { tid: 'demo', sub: 'system', role: 'admin' } }), 400);
  });

  it('rejects missing, expired and forged tokens with 401', async () => {
    expectProblem(await api.request('GET', '/v1/tickets'), 401);
    expectProblem(await api.request('GET', '/v1/tickets', { headers: { authorization: 'Basic abc' } }), 401);
    const expired = await runtime.tokens.sign({ tid: 'demo', sub: 'alice', role: 'customer' }, -60);
    expectProblem(await api.request('GET', '/v1/tickets', { token: expired }), 401);
    const [h, , s] = tokens.alice!.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ tid: 'other', sub: 'alice', role: 'admin', iss: 'ticketflow-local', aud: 'ticketflow-api', exp: 9999999999 }),
    ).toString('base64url');
    expectProblem(await api.request('GET', '/v1/tickets', { token: `${h}.${forgedPayload}.${s}` }), 401);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${forgedPayload}.`;
    expectProblem(await api.request('GET', '/v1/tickets', { token: none }), 401);
  });

  it('rejects malformed JSON, wrong types, unknown fields, missing fields and non-JSON bodies', async () => {
    const token = tokens.alice!;
    expectProblem(await api.request('POST', '/v1/tickets', { token, raw: '{"subject":', headers: { 'content-type': 'application/json' } }), 400);
    const wrongType = await as('alice').post('/v1/tickets', { subject: 42, priority: 'asap' });
    expectProblem(wrongType, 400);
    expect(wrongType.body.errors.map((e: any) => e.path).sort()).toEqual(['priority', 'subject']);
    const unknown = await as('alice').post('/v1/tickets', { subject: 'x', tenant: 'other' });
    expectProblem(unknown, 400);
    expect(unknown.body.errors).toEqual([{ path: 'tenant', message: 'unknown field tenant' }]);
    expectProblem(await as('alice').post('/v1/tickets', { description: 'no subject' }), 400);
    expectProblem(await as('alice').post('/v1/tickets', { subject: '   ' }), 400);
    expectProblem(await api.request('POST', '/v1/tickets', { token, raw: 'subject=x', headers: { 'content-type': 'text/plain' } }), 415);
    expectProblem(await as('alice').post('/v1/tickets', [1, 2]), 400);
    expectProblem(await as('alice').get('/v1/tickets?limit=1000'), 400);
    expectProblem(await as('alice').get('/v1/tickets?limit=abc'), 400);
    expectProblem(await as('alice').get('/v1/tickets?color=red'), 400);
  });

  it('enforces the size limits: body 256 KiB (413), subject 200, comment 64 KiB (400)', async () => {
    expectProblem(await as('alice').post('/v1/tickets', { subject: 'x', description: 'a'.repeat(300 * 1024) }), 413);
    expectProblem(await as('alice').post('/v1/tickets', { subject: 's'.repeat(201) }), 400);
    expect((await as('alice').post('/v1/tickets', { subject: 's'.repeat(200) })).status).toBe(201);
    const t = await newTicket();
    expectProblem(await as('alice').post(`/v1/tickets/${t.id}/comments`, { body: 'c'.repeat(64 * 1024 + 1) }), 400);
    expect((await as('alice').post(`/v1/tickets/${t.id}/comments`, { body: 'c'.repeat(64 * 1024) })).status).toBe(201);
    expectProblem(
      await api.request('POST', '/v1/tickets', { token: tokens.alice!, raw: 'x'.repeat(11 * 1024 * 1024), headers: { 'content-type': 'application/json' } }),
      413,
    );
  });

  it('answers odd ids and unknown routes with 404, not 5xx', async () => {
    expectProblem(await as('alice').get('/v1/tickets/does-not-exist'), 404);
    expectProblem(await as('alice').get('/v1/tickets/%00%ff'), 404);
    expectProblem(await as('alice').get(`/v1/tickets/${'x'.repeat(500)}`), 404);
    expectProblem(await as('alice').get('/v1/tickets/NOPE-999999'), 404);
    expectProblem(await as('alice').get('/v1/nothing-here'), 404);
  });
});

describe('concurrency and retries', () => {
  it('loses none of 50 parallel comments on one ticket', async () => {
    const t = await newTicket();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => as('agent').post(`/v1/tickets/${t.id}/comments`, { body: `note ${i}` })));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const comments = (await as('agent').get(`/v1/tickets/${t.id}/comments?limit=100`)).body.items;
    expect(comments.map((c: any) => c.body).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `note ${i}`).sort());
    expect((await as('agent').get(`/v1/tickets/${t.id}`)).body.version).toBe(51);
    // 50 writers on one item retry each other out: on a busy 2-core runner this takes its time (7–30 s seen)
  }, 120_000);

  it('rejects exactly 49 of 50 parallel writes that all send If-Match with the same version', async () => {
    const t = await newTicket();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => as('agent').patch(`/v1/tickets/${t.id}`, { subject: `subject ${i}` }, { 'if-match': '"1"' })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(49);
    const winner = results.find((r) => r.status === 200)!.body;
    const now = (await as('agent').get(`/v1/tickets/${t.id}`)).body;
    expect(now).toMatchObject({ version: 2, subject: winner.subject });
    expectProblem(await as('agent').patch(`/v1/tickets/${t.id}`, { priority: 'high' }, { 'if-match': '"1"' }), 412);
    expectProblem(await as('agent').patch(`/v1/tickets/${t.id}`, { priority: 'high' }, { 'if-match': 'garbage' }), 412);
    expect((await as('agent').patch(`/v1/tickets/${t.id}`, { priority: 'high' }, { 'if-match': '"2"' })).status).toBe(200);
  });

  it('replays a duplicate Idempotency-Key and refuses the same key with another body (409)', async () => {
    const headers = { 'idempotency-key': `create-${Date.now()}` };
    const first = await as('alice').post('/v1/tickets', { subject: 'once only' }, headers);
    const again = await as('alice').post('/v1/tickets', { subject: 'once only' }, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expectProblem(await as('alice').post('/v1/tickets', { subject: 'something else' }, headers), 409);
    const mine = (await as('alice').get('/v1/tickets?limit=100')).body.items.filter((x: any) => x.subject === 'once only');
    expect(mine).toHaveLength(1);
    // the key is per caller: bob's identical key is his own
    expect((await as('bob').post('/v1/tickets', { subject: 'once only' }, headers)).body.id).not.toBe(first.body.id);
    // a refused request is replayed too, and a parallel burst with one key does the work once
    const burstKey = { 'idempotency-key': `burst-${Date.now()}` };
    const burst = await Promise.all(Array.from({ length: 10 }, () => as('alice').post('/v1/tickets', { subject: 'burst' }, burstKey)));
    const created = new Set(burst.filter((r) => r.status === 201).map((r) => r.body.id));
    expect(created.size).toBe(1);
    expect(burst.every((r) => r.status === 201 || r.status === 409)).toBe(true);
  });
});

describe('lists', () => {
  it('pages newest first with a cursor whose pages do not overlap, and filters by status and assignee', async () => {
    const token = await api.token({ tid: 'pager', sub: 'ag', role: 'agent' });
    const pager = api.as(token);
    const made: string[] = [];
    for (let i = 0; i < 23; i++) made.push((await pager.post('/v1/tickets', { subject: `t${i}` })).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: any = await pager.get(`/v1/tickets?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.items.map((x: any) => x.id));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());
    expect(pages).toBeLessThanOrEqual(4);

    await pager.post(`/v1/tickets/${made[3]}/transitions`, { to: 'open' });
    await pager.post(`/v1/tickets/${made[5]}/transitions`, { to: 'open' });
    const open = (await pager.get('/v1/tickets?status=open')).body.items.map((x: any) => x.id);
    expect(open).toEqual([made[5], made[3]]);
    const active = (await pager.get('/v1/tickets?category=active&status=open')).body.items.map((x: any) => x.id);
    expect(active).toEqual([made[5], made[3]]);
    expect((await pager.get('/v1/tickets?status=new&limit=100')).body.items).toHaveLength(21);
  });

  it('rejects a forged cursor and a cursor from another tenant with 400', async () => {
    expectProblem(await as('agent').get('/v1/tickets?cursor=bm90LWpzb24'), 400);
    const other = await api.token({ tid: 'pager', sub: 'ag', role: 'agent' });
    const page = (await api.as(other).get('/v1/tickets?limit=1')).body;
    expect(page.nextCursor).toEqual(expect.any(String));
    expectProblem(await as('agent').get(`/v1/tickets?limit=1&cursor=${encodeURIComponent(page.nextCursor)}`), 400);
  });
});

describe('settings and users', () => {
  it('returns the complete effective settings, keeps defaults for omitted fields, and validates workflows', async () => {
    const admin = api.as(tokens.otherAdmin!);
    const put = await admin.put('/v1/settings', { name: 'Other Co', sla: { response: { urgent: 30 } } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'Other Co', workflow: 'default', coverage: 'business-hours', sla: { response: { urgent: 30, high: 120 } } });
    expect((await admin.get('/v1/settings')).body).toEqual(put.body);
    expectProblem(await admin.put('/v1/settings', { workflow: 'no-such-preset' }), 400);
    expectProblem(await admin.put('/v1/settings', { timezone: 'Mars/Olympus' }), 400);
    // a business-hours calendar with no working time at all could never give an SLA figure
    const noTime = await admin.put('/v1/settings', { coverage: 'business-hours', businessHours: {} });
    expectProblem(noTime, 400);
    expect(noTime.body.errors.map((e: any) => e.path).join(' ')).toMatch(/businessHours/);
    expectProblem(await admin.put('/v1/settings', { businessHours: { mon: [['17:00', '09:00']] } }), 400);
    const broken = await admin.put('/v1/settings', {
      workflow: {
        id: 'mine',
        statuses: [
          { id: 'd', category: 'draft', labels: { en: 'D', nl: 'D', fr: 'D' } },
          { id: 'n', category: 'new', labels: { en: 'N', nl: 'N', fr: 'N' } },
          { id: 'island', category: 'active', labels: { en: 'I', nl: 'I', fr: 'I' } },
        ],
        transitions: [{ from: 'n', to: 'ghost', roles: ['agent'] }],
        rules: { onSubmit: 'n', draftStatus: 'd', onCustomerReply: {}, onCustomerConfirm: {}, onCustomerReopen: { from: [], to: 'n', windowDays: 30 } },
      },
    });
    expectProblem(broken, 400);
    expect(broken.body.errors.map((e: any) => e.message).join(' ')).toMatch(/unknown status ghost/);
    expect((await admin.get('/v1/workflow')).body.id).toBe('default');
  });

  it('keeps a user directory that staff can read', async () => {
    const put = await as('admin').put('/v1/users/dave', { email: 'Dave@Acme.example', name: 'Dave', role: 'customer', org: 'acme' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: 'dave', email: 'dave@acme.example', role: 'customer', org: 'acme' });
    const users = (await as('agent').get('/v1/users?limit=100')).body.items.map((u: any) => u.id);
    expect(users).toEqual(expect.arrayContaining(['alice', 'bob', 'carol', 'agent', 'lead', 'manager', 'admin', 'dave']));
    expectProblem(await as('admin').put('/v1/users/eve', { email: 'not-an-email', name: 'Eve', role: 'customer' }), 400);
    expectProblem(await as('admin').put('/v1/users/eve', { email: 'e@x.example', name: 'Eve', role: 'finance' }), 400);
  });

  it('serves the OpenAPI document without a token', async () => {
    const r = await api.request('GET', '/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    expect(Object.keys(r.body.paths)).toContain('/v1/tickets/{id}/transitions');
  });
});
