import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useLocalRuntime } from '../support/api-client';
import { tenantOnPreset } from '../support/tenant-fixture';

/**
 * Settings a fuzzing client sent that broke a tenant (every create and list a 500) or
 * stalled the whole local server: refused with a 400 naming the limit, and nothing of
 * the tenant's working settings is lost.
 */
const local = useLocalRuntime();

const problemAt = (r: { status: number; headers: Headers; body: any }, path: string) => {
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
  const error = (r.body.errors as { path: string; message: string }[]).find((e) => e.path === path);
  expect(error, JSON.stringify(r.body.errors)).toBeDefined();
  return error!.message;
};

describe('SLA targets and calendars within limits', () => {
  it('a target of 2^40 minutes is a 400 naming the limit; the tenant keeps working', async () => {
    const t = await tenantOnPreset(local.api, 'limits-big', 'default', { coverage: '24x7', timezone: 'UTC' });
    const before = (await t.as('admin').get('/v1/settings')).body;
    expect(problemAt(await t.as('admin').put('/v1/settings', { sla: { response: { normal: 1099511627776 } } }), 'sla.response.normal')).toMatch(
      /at most 527040/,
    );
    expect(problemAt(await t.as('admin').put('/v1/settings', { sla: { resolution: { medium: 2 ** 31 } } }), 'sla.resolution.medium')).toMatch(/at most/);
    expect((await t.as('admin').get('/v1/settings')).body).toEqual(before);
    const created = await t.as('alice').post('/v1/tickets', { subject: 'still fine' });
    expect(created.status).toBe(201);
    expect((await t.as('agent').get('/v1/tickets')).status).toBe(200);
  });

  it('a target a one-minute-a-week calendar reaches only after millennia is a 400; reachable targets on it work at once', async () => {
    const t = await tenantOnPreset(local.api, 'limits-sparse', 'default');
    const sparse = { timezone: 'Asia/Kathmandu', coverage: 'business-hours', businessHours: { mon: [['00:00', '00:01']] } };
    // the fuzzing client's settings exactly
    problemAt(await t.as('admin').put('/v1/settings', { ...sparse, sla: { response: { normal: 200000000 } } }), 'sla.response.normal');
    // a target under a year of minutes, which this calendar still reaches only after ~9,600 years
    const message = problemAt(await t.as('admin').put('/v1/settings', { ...sparse, sla: { response: { normal: 500000 } } }), 'sla.response.normal');
    expect(message).toMatch(/1 working minutes a week/);
    expect(message).toMatch(/more than 2 years/);
    // the same sparse calendar with the preset's targets is refused too (they exceed its two-year reach)…
    problemAt(await t.as('admin').put('/v1/settings', sparse), 'sla.resolution.low');
    // …and with targets it can reach, it is accepted and its figures come at once
    const reachable = {
      ...sparse,
      sla: { response: { normal: 60, high: 60, urgent: 60 }, resolution: { severe: 90, high: 90, medium: 90, low: 90, enhancement: null } },
    };
    // the status-update target of urgent tickets (default 240) is checked like the others
    problemAt(await t.as('admin').put('/v1/settings', reachable), 'sla.update.urgent');
    expect((await t.as('admin').put('/v1/settings', { ...reachable, sla: { ...reachable.sla, update: { urgent: 90 } } })).status).toBe(200);
    const tk = await t.as('alice').post('/v1/tickets', { subject: 'sparse' });
    expect(tk.status).toBe(201);
    expect(tk.body.sla.response).toMatchObject({ targetMinutes: 60, state: 'running' });
    expect((await local.api.request('GET', '/_local/health')).status).toBe(200);
  });
});

describe("the local gateway's own refusals", () => {
  it('a URL over the 16 KiB header limit is a 431 problem+json, not an empty body', async () => {
    const url = new URL(`/v1/tickets?q=${'x'.repeat(20_000)}`, local.runtime.apiUrl);
    const answer = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = request(url, { method: 'GET' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(431);
    expect(answer.type).toBe('application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({ status: 431, title: 'Request header fields too large' });
    expect((await local.api.request('GET', '/_local/health')).status).toBe(200);
  });
});

describe('validation errors an admin can act on', () => {
  it('a custom workflow with an unknown category, a role typo and a missing nl label: each at its path, in words', async () => {
    const t = await tenantOnPreset(local.api, 'limits-words', 'default');
    const workflow = (await t.as('admin').get('/v1/workflow')).body;
    workflow.statuses[1] = { ...workflow.statuses[1], category: 'nonsense' };
    delete workflow.statuses[2].labels.nl;
    workflow.transitions[0] = { ...workflow.transitions[0], roles: ['agnet'] };
    const r = await t.as('admin').put('/v1/settings', { workflow });
    expect(r.status).toBe(400);
    const byPath = Object.fromEntries((r.body.errors as { path: string; message: string }[]).map((e) => [e.path, e.message]));
    expect(byPath['workflow.statuses[1].category']).toMatch(/^unknown category nonsense; one of draft, new, active/);
    expect(byPath['workflow.statuses[2].labels.nl']).toMatch(/nl is required/);
    expect(byPath['workflow.transitions[0].roles[0]']).toMatch(/^unknown role agnet; one of customer, agent/);
    expect(JSON.stringify(r.body)).not.toMatch(/Invalid input/);
  });

  it('an unknown preset lists the valid ones', async () => {
    const t = await tenantOnPreset(local.api, 'limits-preset', 'default');
    const r = await t.as('admin').put('/v1/settings', { workflow: 'jira' });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      { path: 'workflow', message: expect.stringMatching(/unknown preset jira; one of .*boltrics.*jira-partner.*assu.*provider/) },
    ]);
  });
});
