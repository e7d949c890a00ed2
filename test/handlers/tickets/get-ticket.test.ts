import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { aTicket, ddb, getKeys } from './dynamo-mock';
import { ticketItem } from '../../../shared/store/ticket-item';
import { CLAIMS, httpEvent, invoke } from './events';

vi.hoisted(() => {
  Object.assign(process.env, { TABLE_NAME: 'test-table', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  delete process.env.DYNAMODB_ENDPOINT;
});
const { handler } = await import('../../../functions/tickets/get-ticket');

const ours = aTicket({ id: '01JACMETICKET000000000001', key: 'ACME-7' });
const theirs = aTicket({ id: '01JGLOBEXTICKET0000000001', key: 'GLOBEX-7' });

const get = (id: string, extra: { headers?: Record<string, string> } = {}) =>
  invoke(handler, httpEvent({ method: 'GET', route: '/v1/tickets/{id}', pathParameters: { id }, claims: CLAIMS.agent, ...extra }));

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({});
  // Both tickets exist in the table, each under its own tenant.
  ddb.on(GetCommand, { Key: { pk: `T#acme#TK#${ours.id}`, sk: 'TICKET' } }).resolves({ Item: ticketItem('acme', ours) });
  ddb.on(GetCommand, { Key: { pk: `T#globex#TK#${theirs.id}`, sk: 'TICKET' } }).resolves({ Item: ticketItem('globex', theirs) });
  ddb.on(GetCommand, { Key: { pk: 'T#globex#KEY#GLOBEX-7', sk: 'KEY' } }).resolves({ Item: { ticketId: theirs.id } });
});

describe('GET /v1/tickets/{id} handler', () => {
  it('returns a ticket of the caller’s tenant with its ETag, without the storage keys', async () => {
    const res = await get(ours.id);
    expect(res.status, res.rawBody).toBe(200);
    expect(res.headers.etag).toBe('"1"');
    // the stored ticket, with its SLA figures computed as of the request, and no storage keys
    expect({ ...res.body, sla: ours.sla }).toEqual(ours);
    // Submitted Sunday 2026-03-01 on the default calendar (UTC, Mon–Fri 09:00–17:00): the clocks
    // count from Monday 09:00, and long before today both reached their targets. Still counting,
    // they say breached (not running) and keep the instant they were due.
    expect(res.body.sla).toEqual({
      response: {
        targetMinutes: 480,
        elapsedMinutes: expect.any(Number),
        state: 'breached',
        dueAt: '2026-03-02T17:00:00.000Z',
        breachedAt: '2026-03-02T17:00:00.000Z',
      },
      resolution: {
        targetMinutes: 5760, // 12 working days of 8 hours
        elapsedMinutes: expect.any(Number),
        state: 'breached',
        dueAt: '2026-03-17T17:00:00.000Z',
        breachedAt: '2026-03-17T17:00:00.000Z',
      },
      // not urgent: no status-update clock
      update: { targetMinutes: null, elapsedMinutes: 0, state: 'none', dueAt: null, breachedAt: null },
    });
    expect(res.body.sla.response.elapsedMinutes).toBeGreaterThan(480);
  });

  it('looks another tenant’s ticket id up under the caller’s tenant only, and answers 404', async () => {
    // A header naming the other tenant must change nothing: the tenant comes from the token.
    const res = await get(theirs.id, { headers: { 'x-tenant-id': 'globex' } });

    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.rawBody).not.toContain(theirs.subject);
    expect(getKeys()).toContainEqual({ pk: `T#acme#TK#${theirs.id}`, sk: 'TICKET' });
    for (const key of getKeys()) expect(key.pk).toMatch(/^T#acme(#|$)/);
  });

  it('looks another tenant’s ticket key up under the caller’s tenant only, and answers 404', async () => {
    const res = await get('GLOBEX-7');

    expect(res.status).toBe(404);
    expect(getKeys()).toContainEqual({ pk: 'T#acme#KEY#GLOBEX-7', sk: 'KEY' });
    for (const key of getKeys()) expect(key.pk).toMatch(/^T#acme(#|$)/);
  });

  it('answers 404 to a customer for a ticket of their tenant they may not see', async () => {
    const res = await invoke(
      handler,
      httpEvent({
        method: 'GET',
        route: '/v1/tickets/{id}',
        pathParameters: { id: ours.id },
        claims: { sub: 'mallory', tid: 'acme', role: 'customer', org: 'initech' },
      }),
    );
    expect(res.status).toBe(404);
    expect(res.rawBody).not.toContain(ours.subject);
  });
});
