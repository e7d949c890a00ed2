import { describe, expect, it } from 'vitest';
import { useLocalRuntime } from '../support/api-client';
import { tenantOnPreset } from '../support/tenant-fixture';

/** Seed rules as users hit them: a customer's comment on a closed ticket, internal transition comments. */
const local = useLocalRuntime();

describe('a customer comment on a closed ticket (seed 000: reopened within 30 days if the customer responds)', () => {
  it('inside the window it reopens the ticket like /reopen; after it, 422 pointing to a new ticket and nothing is added', async () => {
    const t = await tenantOnPreset(local.api, 'promise-reopen', 'boltrics');
    const make = async () => {
      const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Closed then answered' })).body;
      await local.runtime.settled();
      for (const to of ['016-READY', '030-ANALYSIS', '050-CLOSED'])
        expect((await t.as('agent').post(`/v1/tickets/${tk.id}/transitions`, { to })).status).toBe(200);
      return tk.id as string;
    };
    const early = await make();
    const late = await make();
    const reply = await t.as('alice').post(`/v1/tickets/${early}/comments`, { body: 'It happens again.' });
    expect(reply.status).toBe(201);
    const reopened = (await t.as('agent').get(`/v1/tickets/${early}`)).body;
    expect(reopened).toMatchObject({ status: '017-REOPENED', category: 'active', reopenableUntil: null });
    const events = (await t.as('agent').get(`/v1/tickets/${early}/history?limit=100`)).body.items;
    expect(events.filter((e: any) => e.type === 'reopened')).toHaveLength(1);
    expect(events.find((e: any) => e.type === 'notification' && e.reason === 'reopened')).toBeDefined();

    await local.api.request('POST', '/_local/clock', { body: { advance: 'P31D' } });
    const refused = await t.as('alice').post(`/v1/tickets/${late}/comments`, { body: 'Still there?' });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/open a new ticket/);
    expect((await t.as('alice').get(`/v1/tickets/${late}/comments`)).body.items).toEqual([]);
    expect((await t.as('agent').get(`/v1/tickets/${late}`)).body.status).toBe('050-CLOSED');
    // staff may still leave a note on it
    expect((await t.as('agent').post(`/v1/tickets/${late}/comments`, { body: 'customer wrote after the window', visibility: 'internal' })).status).toBe(201);
    // a month of the local clock: every schedule of the window fires on the way (a guard, not a measure)
  }, 120_000);
});

describe('transition comments can be internal (commentVisibility)', () => {
  it('staff move a ticket with an internal note: the customer sees the move, not the note; customers cannot post internal ones', async () => {
    const t = await tenantOnPreset(local.api, 'promise-internal', 'default');
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Quiet note' })).body;
    const moved = await t.as('agent').post(`/v1/tickets/${tk.id}/transitions`, { to: 'open', comment: 'Check the logs first', commentVisibility: 'internal' });
    expect(moved.status).toBe(200);
    expect((await t.as('agent').get(`/v1/tickets/${tk.id}/comments`)).body.items).toMatchObject([{ body: 'Check the logs first', visibility: 'internal' }]);
    expect((await t.as('alice').get(`/v1/tickets/${tk.id}/comments`)).body.items).toEqual([]);
    expect((await t.as('alice').get(`/v1/tickets/${tk.id}`)).body.status).toBe('open');
    const notices = (await t.as('agent').get(`/v1/tickets/${tk.id}/history?limit=100`)).body.items.filter((e: any) => e.type === 'notification');
    // the requester hears of the move only: an internal note is no news for them
    expect(notices.map((n: any) => n.reason)).toEqual(['created', 'status:open']);
    const sneaky = await t.as('alice').post(`/v1/tickets/${tk.id}/transitions`, { to: 'solved', comment: 'x', commentVisibility: 'internal' });
    expect(sneaky.status).toBe(403);
  });
});

describe('one notification per action', () => {
  it('a status change with a public comment tells the requester once; a comment alone once too', async () => {
    const t = await tenantOnPreset(local.api, 'promise-once', 'default');
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Once' })).body;
    expect((await t.as('agent').post(`/v1/tickets/${tk.id}/transitions`, { to: 'open', comment: 'On it.' })).status).toBe(200);
    expect((await t.as('agent').post(`/v1/tickets/${tk.id}/comments`, { body: 'Found it.' })).status).toBe(201);
    const notices = (await t.as('agent').get(`/v1/tickets/${tk.id}/history?limit=100`)).body.items.filter((e: any) => e.type === 'notification');
    expect(notices.map((n: any) => n.reason)).toEqual(['created', 'status:open', 'comment']);
  });
});
