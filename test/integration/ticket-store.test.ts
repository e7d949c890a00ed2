/**
 * The DynamoDB adapters against DynamoDB Local (the run's shared instance, a table
 * of this file's own). Each test uses fresh tenants, so tests do not see each
 * other's items.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureTable } from '../../local/dynamodb/ensure-table';
import { DomainError, StaleWrite } from '../../shared/domain/errors';
import type { DirectoryUser, IdempotencyScope, TicketChange } from '../../shared/domain/ports';
import type { Comment, HistoryEvent, Ticket } from '../../shared/domain/ticket';
import { documentClient, type CapacityUse } from '../../shared/store/dynamo-client';
import { DynamoIdempotencyStore } from '../../shared/store/dynamo-idempotency-store';
import { DynamoLifecycleRegistry } from '../../shared/store/dynamo-lifecycle-registry';
import type { SentMail } from '../../shared/mail/outbound/ports';
import { DynamoMailLedger } from '../../shared/store/dynamo-mail-ledger';
import { DynamoUsageStore, WATERMARK_STRIDE } from '../../shared/store/dynamo-usage-store';
import { keys } from '../../shared/store/table-design';
import { DynamoUserDirectory } from '../../shared/store/dynamo-tenant-stores';
import { DynamoTicketStore } from '../../shared/store/dynamo-ticket-store';
import { ticketItem } from '../../shared/store/ticket-item';
import { TYPICAL_DESCRIPTION } from '../support/typical-description';
import { aTicket } from '../unit/fakes';

const endpoint = inject('dynamoEndpoint');
const clientConfig = { endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const table = `ticket-store-${randomUUID()}`;
const raw = new DynamoDBClient(clientConfig);
const db = documentClient(clientConfig);

const capacity: CapacityUse[] = [];
const store = new DynamoTicketStore(db, table, (use) => capacity.push(use));
const users = new DynamoUserDirectory(db, table);
const idempotency = new DynamoIdempotencyStore(db, table);

beforeAll(async () => {
  await ensureTable(raw, table);
});
afterAll(() => {
  db.destroy();
  raw.destroy();
});

const newTenant = () => `t-${randomUUID().slice(0, 8)}`;
const minute = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString();
const all = { limit: 100, cursor: null };

const event = (id: string, version: number, visibility: 'public' | 'internal' = 'public', type: HistoryEvent['type'] = 'fields-changed'): HistoryEvent => ({
  id,
  type,
  at: minute(100 + version),
  actor: { id: 'agent-1', role: 'agent' },
  visibility,
  version,
});
const comment = (id: string, body: string, visibility: 'public' | 'internal'): Comment => ({
  id,
  body,
  visibility,
  author: { id: 'agent-1', role: 'agent', email: 'agent@acme.example' },
  channel: 'api',
  createdAt: minute(200),
  attachments: [],
});

/** Id of each ticket's first history event; sorts before the H… ids the tests append (as ULIDs sort by time). */
const CREATED = 'E0';

/** Creates ticket number `n` of a tenant, created at minute `n`. */
async function createTicket(tenantId: string, n: number, overrides: Partial<Ticket> = {}): Promise<Ticket> {
  const ticket = aTicket({ id: `TK${String(n).padStart(4, '0')}`, key: `ACME-${n}`, createdAt: minute(n), updatedAt: minute(n), ...overrides });
  await store.create(tenantId, { ticket, events: [event(CREATED, 1, 'public', 'created')], comments: [] });
  return ticket;
}

async function expectDomainError(promise: Promise<unknown>, kind: DomainError['kind']) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).kind).toBe(kind);
}

describe('DynamoTicketStore', () => {
  it('creates a ticket and reads it back by id and by key, without storage attributes', async () => {
    const tid = newTenant();
    const ticket = await createTicket(tid, 1, { assignee: 'agent-1', requester: { id: 'alice', email: null, org: 'globex' } });

    expect(await store.get(tid, ticket.id)).toEqual(ticket);
    expect(await store.getByKey(tid, 'ACME-1')).toEqual(ticket);
    expect(await store.get(tid, 'TK9999')).toBeNull();
    expect(await store.getByKey(tid, 'ACME-2')).toBeNull();
  });

  it('refuses to create a second ticket under a key that is taken', async () => {
    const tid = newTenant();
    await createTicket(tid, 1);
    await expect(createTicket(tid, 2, { key: 'ACME-1' })).rejects.toBeInstanceOf(StaleWrite);
    expect(await store.get(tid, 'TK0002')).toBeNull();
  });

  it('updates at the expected version, and a stale expectedVersion throws StaleWrite and writes nothing', async () => {
    const tid = newTenant();
    const v1 = await createTicket(tid, 1);
    const v2: TicketChange = {
      ticket: { ...v1, priority: 'high', version: 2 },
      events: [event('H2', 2)],
      comments: [comment('C2', 'first', 'public')],
    };
    await store.update(tid, 1, v2);

    const stale: TicketChange = {
      ticket: { ...v1, subject: 'lost update', version: 2 },
      events: [event('H3', 2)],
      comments: [comment('C3', 'must not appear', 'internal')],
    };
    const lost = await store.update(tid, 1, stale).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(StaleWrite);
    // the refusal carries the winner's ticket, so the loser's retry need not read it
    expect((lost as StaleWrite).current).toEqual(v2.ticket);

    expect(await store.get(tid, v1.id)).toEqual(v2.ticket);
    expect((await store.listHistory(tid, v1.id, all, true)).items.map((e) => e.id)).toEqual([CREATED, 'H2']);
    expect((await store.listComments(tid, v1.id, all, true)).items.map((c) => c.id)).toEqual(['C2']);
  });

  it('lists newest first, in pages that follow each other without overlap', async () => {
    const tid = newTenant();
    // Created out of order: the list sorts by creation time, not by write order.
    for (const n of [3, 7, 1, 5, 2, 6, 4]) await createTicket(tid, n);

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page = await store.list(tid, { index: 'all', value: tid, filters: {}, limit: 3, cursor });
      pages.push(page.items.map((t) => t.id));
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 10);

    expect(pages.flat()).toEqual(['TK0007', 'TK0006', 'TK0005', 'TK0004', 'TK0003', 'TK0002', 'TK0001']);
    expect(pages.slice(0, 2).map((p) => p.length)).toEqual([3, 3]);
  });

  it('keeps reading index pages until a filtered page is full', async () => {
    const tid = newTenant();
    // Only the two oldest of eight tickets match: reading 2 at a time, the first three reads find nothing.
    for (let n = 1; n <= 8; n++) await createTicket(tid, n, n <= 2 ? { status: 'open', category: 'active' } : {});
    capacity.length = 0;

    const page = await store.list(tid, { index: 'all', value: tid, filters: { status: 'open' }, limit: 2, cursor: null });

    expect(page.items.map((t) => t.id)).toEqual(['TK0002', 'TK0001']);
    expect(capacity.filter((c) => c.operation === 'listTickets')).toHaveLength(4);
    if (page.nextCursor !== null) {
      const rest = await store.list(tid, { index: 'all', value: tid, filters: { status: 'open' }, limit: 2, cursor: page.nextCursor });
      expect(rest).toEqual({ items: [], nextCursor: null });
    }
  });

  it('bounds the reads of one filtered page and hands back a cursor to continue', async () => {
    const tid = newTenant();
    for (let n = 1; n <= 12; n++) await createTicket(tid, n, n === 1 ? { requester: { id: 'bob', email: null, org: 'initech' } } : {});
    capacity.length = 0;

    const first = await store.list(tid, { index: 'all', value: tid, filters: { org: 'initech' }, limit: 1, cursor: null });
    const reads = capacity.filter((c) => c.operation === 'listTickets').length;
    expect(first.items).toEqual([]);
    expect(first.nextCursor).not.toBeNull();
    expect(reads).toBeLessThan(12);

    // Following the cursors reaches the one match, and nothing after it.
    const found: string[] = [];
    let cursor = first.nextCursor;
    for (let i = 0; cursor !== null && i < 20; i++) {
      const page = await store.list(tid, { index: 'all', value: tid, filters: { org: 'initech' }, limit: 1, cursor });
      found.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor;
    }
    expect(found).toEqual(['TK0001']);
    expect(cursor).toBeNull();
  });

  it('serves the status, assignee, org and requester indexes with nested filters', async () => {
    const tid = newTenant();
    await createTicket(tid, 1, { assignee: 'agent-1', requester: { id: 'alice', email: null, org: 'globex' } });
    await createTicket(tid, 2, { assignee: 'agent-2', requester: { id: 'bob', email: null, org: 'globex' } });
    await createTicket(tid, 3, { assignee: 'agent-1', status: 'open', category: 'active', requester: { id: 'carol', email: null, org: 'initech' } });
    const ids = async (index: 'status' | 'assignee' | 'org' | 'requester', value: string, filters = {}) =>
      (await store.list(tid, { index, value, filters, limit: 10, cursor: null })).items.map((t) => t.id);

    expect(await ids('assignee', 'agent-1')).toEqual(['TK0003', 'TK0001']);
    expect(await ids('org', 'globex', { assignee: 'agent-2' })).toEqual(['TK0002']);
    expect(await ids('status', 'new', { org: 'globex', requesterId: 'alice' })).toEqual(['TK0001']);
    expect(await ids('requester', 'carol', { category: 'active' })).toEqual(['TK0003']);
  });

  it('rejects a cursor from another tenant, another index, another ticket or a forged one (validation error)', async () => {
    const a = newTenant();
    const b = newTenant();
    for (let n = 1; n <= 3; n++) {
      await createTicket(a, n);
      await createTicket(b, n);
    }
    const aPage = await store.list(a, { index: 'all', value: a, filters: {}, limit: 1, cursor: null });
    const aStatusPage = await store.list(a, { index: 'status', value: 'new', filters: {}, limit: 1, cursor: null });
    expect(aPage.nextCursor).not.toBeNull();
    expect(aStatusPage.nextCursor).not.toBeNull();

    await expectDomainError(store.list(b, { index: 'all', value: b, filters: {}, limit: 1, cursor: aPage.nextCursor }), 'validation');
    await expectDomainError(store.list(a, { index: 'all', value: a, filters: {}, limit: 1, cursor: aStatusPage.nextCursor }), 'validation');
    await expectDomainError(store.list(a, { index: 'all', value: a, filters: {}, limit: 1, cursor: 'not-a-cursor' }), 'validation');
    // The same cursor is fine where it belongs.
    expect((await store.list(a, { index: 'all', value: a, filters: {}, limit: 1, cursor: aPage.nextCursor })).items.map((t) => t.id)).toEqual(['TK0002']);

    const ticket = (await store.get(a, 'TK0001'))!;
    await store.update(a, 1, { ticket: { ...ticket, version: 2 }, events: [], comments: [comment('C1', 'one', 'public'), comment('C2', 'two', 'public')] });
    const comments = await store.listComments(a, 'TK0001', { limit: 1, cursor: null }, true);
    expect(comments.nextCursor).not.toBeNull();
    await expectDomainError(store.listComments(a, 'TK0002', { limit: 1, cursor: comments.nextCursor }, true), 'validation');
    await expectDomainError(store.listComments(b, 'TK0001', { limit: 1, cursor: comments.nextCursor }, true), 'validation');
    await expectDomainError(store.listHistory(a, 'TK0001', { limit: 1, cursor: comments.nextCursor }, true), 'validation');
  });

  it('leaves internal comments and history events out for customers, oldest first, across pages', async () => {
    const tid = newTenant();
    const v1 = await createTicket(tid, 1);
    const cs = ['C1', 'C2', 'C3', 'C4', 'C5'].map((id, i) => comment(id, `comment ${i + 1}`, i % 2 === 0 ? 'public' : 'internal'));
    await store.update(tid, 1, {
      ticket: { ...v1, version: 2 },
      events: [event('H1', 2, 'internal'), event('H2', 2, 'public', 'comment-added'), event('H3', 2, 'internal', 'comment-added')],
      comments: cs,
    });

    const pagesOf = async (list: (cursor: string | null) => Promise<{ items: { id: string }[]; nextCursor: string | null }>) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 10; i++) {
        const page = await list(cursor);
        ids.push(...page.items.map((x) => x.id));
        cursor = page.nextCursor;
        if (cursor === null) break;
      }
      return ids;
    };

    expect(await pagesOf((cursor) => store.listComments(tid, v1.id, { limit: 2, cursor }, false))).toEqual(['C1', 'C3', 'C5']);
    expect(await pagesOf((cursor) => store.listComments(tid, v1.id, { limit: 2, cursor }, true))).toEqual(['C1', 'C2', 'C3', 'C4', 'C5']);
    expect(await pagesOf((cursor) => store.listHistory(tid, v1.id, { limit: 2, cursor }, false))).toEqual([CREATED, 'H2']);
    expect(await pagesOf((cursor) => store.listHistory(tid, v1.id, { limit: 2, cursor }, true))).toEqual([CREATED, 'H1', 'H2', 'H3']);
  });

  it('keeps tenants apart: tenant B can neither read nor overwrite tenant A’s ticket', async () => {
    const a = newTenant();
    const b = newTenant();
    const ticket = await createTicket(a, 1);
    await store.update(a, 1, { ticket: { ...ticket, version: 2 }, events: [], comments: [comment('C1', 'secret', 'public')] });

    expect(await store.get(b, ticket.id)).toBeNull();
    expect(await store.getByKey(b, ticket.key)).toBeNull();
    expect((await store.list(b, { index: 'all', value: b, filters: {}, limit: 10, cursor: null })).items).toEqual([]);
    expect((await store.listComments(b, ticket.id, all, true)).items).toEqual([]);
    await expect(store.update(b, 2, { ticket: { ...ticket, subject: 'hijacked', version: 3 }, events: [], comments: [] })).rejects.toBeInstanceOf(StaleWrite);
    expect(await store.get(b, ticket.id)).toBeNull();
    expect((await store.get(a, ticket.id))!.subject).toBe(ticket.subject);
  });

  it('hands out strictly increasing ticket numbers without duplicates under 20 parallel calls, per tenant', async () => {
    const tid = newTenant();
    const numbers = await Promise.all(Array.from({ length: 20 }, () => store.nextTicketNumber(tid)));

    expect(new Set(numbers).size).toBe(20);
    expect([...numbers].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await store.nextTicketNumber(tid)).toBe(21);
    expect(await store.nextTicketNumber(newTenant())).toBe(1);
  });

  it('reports the consumed capacity of a TransactWrite to the listener', async () => {
    const tid = newTenant();
    capacity.length = 0;
    await createTicket(tid, 1);

    // DynamoDB Local reports only CapacityUnits; the adapter says it was a write.
    const created = capacity.filter((c) => c.operation === 'createTicket');
    expect(created).toEqual([{ operation: 'createTicket', kind: 'write', units: expect.any(Number) }]);
    expect(created[0]!.units).toBeGreaterThan(0);
  });

  it('writes a typical ticket of more than 1 KB as an item of at most 1 KB: a transition costs its floor', async () => {
    const tid = newTenant();
    const ticket = await createTicket(tid, 1, {
      description: TYPICAL_DESCRIPTION,
      categoryLog: [
        { at: minute(1), category: 'new' },
        { at: minute(2), category: 'active' },
        { at: minute(3), category: 'waiting_customer' },
        { at: minute(4), category: 'active' },
      ],
    });
    // Without compression this ticket is a 2 KB item: 4 WCU in a transaction instead of 2.
    expect(Buffer.byteLength(JSON.stringify(ticket))).toBeGreaterThan(1024);

    capacity.length = 0;
    // A change that moves no index key: the ticket and one history event, each doubled by the transaction.
    await store.update(tid, 1, { ticket: { ...ticket, priority: 'high', version: 2 }, events: [event('H2', 2)], comments: [] });
    // AWS bills 2 WCU per started KB of each item in a transaction: 2 + 2 (DynamoDB Local may count less, never more); uncompressed it is 6.
    const [update, ...more] = capacity.filter((c) => c.operation === 'updateTicket');
    expect(more).toEqual([]);
    expect(update!.units).toBeGreaterThan(0);
    expect(update!.units).toBeLessThanOrEqual(4);
    expect(await store.get(tid, ticket.id)).toEqual({ ...ticket, priority: 'high', version: 2 });
  });

  it('reads a ticket written before compression (plain attributes), by id and in a list', async () => {
    const tid = newTenant();
    const ticket = aTicket({ id: 'TK0001', key: 'ACME-1', createdAt: minute(1) });
    // The item as the adapter wrote it before: the same keys and index keys, the ticket as plain attributes.
    const { body, ...keysAndIndexKeys } = ticketItem(tid, ticket);
    expect(body).toBeInstanceOf(Uint8Array);
    await db.send(new PutCommand({ TableName: table, Item: { ...keysAndIndexKeys, ...ticket } }));

    expect(await store.get(tid, ticket.id)).toEqual(ticket);
    expect((await store.list(tid, { index: 'all', value: tid, filters: {}, limit: 10, cursor: null })).items).toEqual([ticket]);
  });
});

describe('DynamoUserDirectory', () => {
  const user = (id: string, role: DirectoryUser['role'] = 'agent'): DirectoryUser => ({
    id,
    email: `${id}@acme.example`,
    name: id.toUpperCase(),
    role,
    org: role === 'customer' ? 'globex' : null,
    locale: 'nl',
    updatedAt: minute(1),
  });

  it('stores and reads users per tenant, and pages through them', async () => {
    const tid = newTenant();
    const other = newTenant();
    for (const id of ['ann', 'bob', 'cat']) await users.put(tid, user(id));
    await users.put(tid, user('bob', 'customer')); // replaced, not duplicated

    expect(await users.get(tid, 'bob')).toEqual(user('bob', 'customer'));
    expect(await users.get(other, 'bob')).toBeNull();

    const first = await users.list(tid, { limit: 2, cursor: null });
    const second = await users.list(tid, { limit: 2, cursor: first.nextCursor });
    expect([...first.items, ...second.items].map((u) => u.id)).toEqual(['ann', 'bob', 'cat']);
    expect(second.nextCursor).toBeNull();
    await expectDomainError(users.list(other, { limit: 2, cursor: first.nextCursor }), 'validation');
  });
});

describe('DynamoIdempotencyStore', () => {
  const scope = (): IdempotencyScope => ({ tenantId: newTenant(), sub: 'alice', key: `key-${randomUUID()}` });
  const t0 = new Date('2026-03-01T10:00:00.000Z');
  const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
  const response = { statusCode: 201, headers: { 'content-type': 'application/json', etag: '"1"' }, body: '{"id":"TK1"}' };

  it('claims, reports in-progress, completes and then replays the stored response', async () => {
    const s = scope();
    expect(await idempotency.claim(s, 'fp-1', t0, 86_400)).toEqual({ state: 'claimed' });
    expect(await idempotency.claim(s, 'fp-1', later(1), 86_400)).toEqual({ state: 'in-progress' });

    await idempotency.complete(s, response);

    expect(await idempotency.claim(s, 'fp-1', later(2), 86_400)).toEqual({ state: 'replay', response });
    expect(await idempotency.claim(s, 'fp-1', later(3600), 86_400)).toEqual({ state: 'replay', response });
  });

  it('reports a mismatch for the same key with another request, in progress or done', async () => {
    const s = scope();
    await idempotency.claim(s, 'fp-1', t0, 86_400);
    expect(await idempotency.claim(s, 'fp-2', later(1), 86_400)).toEqual({ state: 'mismatch' });
    await idempotency.complete(s, response);
    expect(await idempotency.claim(s, 'fp-2', later(2), 86_400)).toEqual({ state: 'mismatch' });
  });

  it('frees a released key for a new claim', async () => {
    const s = scope();
    await idempotency.claim(s, 'fp-1', t0, 86_400);
    await idempotency.release(s);
    expect(await idempotency.claim(s, 'fp-2', later(1), 86_400)).toEqual({ state: 'claimed' });
  });

  it('lets a new request take over an expired key or an abandoned in-progress claim', async () => {
    const done = scope();
    await idempotency.claim(done, 'fp-1', t0, 3600);
    await idempotency.complete(done, response);
    expect(await idempotency.claim(done, 'fp-2', later(3601), 3600)).toEqual({ state: 'claimed' });

    const crashed = scope();
    await idempotency.claim(crashed, 'fp-1', t0, 86_400);
    expect(await idempotency.claim(crashed, 'fp-1', later(30), 86_400)).toEqual({ state: 'in-progress' });
    expect(await idempotency.claim(crashed, 'fp-1', later(61), 86_400)).toEqual({ state: 'claimed' });
  });

  it('keeps keys apart per tenant and per user', async () => {
    const s = scope();
    await idempotency.claim(s, 'fp-1', t0, 86_400);
    await idempotency.complete(s, response);
    expect(await idempotency.claim({ ...s, sub: 'bob' }, 'fp-2', t0, 86_400)).toEqual({ state: 'claimed' });
    expect(await idempotency.claim({ ...s, tenantId: newTenant() }, 'fp-2', t0, 86_400)).toEqual({ state: 'claimed' });
  });
});

describe('DynamoMailLedger tenant secrets', () => {
  it("gives every process the first writer's secret, and reads it once per process", async () => {
    const tenant = newTenant();
    const reads: CapacityUse[] = [];
    const first = new DynamoMailLedger(db, table, (use) => reads.push(use));
    const second = new DynamoMailLedger(db, table, (use) => reads.push(use));
    // two processes asking at once: one secret wins, both use it
    const [a, b] = await Promise.all([first.tenantSecret(tenant), second.tenantSecret(tenant)]);
    expect(a).toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const readsSoFar = reads.length;
    expect(await first.tenantSecret(tenant)).toBe(a);
    expect(await second.tenantSecret(tenant)).toBe(a);
    expect(reads).toHaveLength(readsSoFar);
    // another tenant has its own
    expect(await first.tenantSecret(newTenant())).not.toBe(a);
  });
});

describe('DynamoMailLedger with usage metering', () => {
  const usage = new DynamoUsageStore(db, table, { now: () => new Date(minute(0)) });
  const ledger = new DynamoMailLedger(db, table, undefined, usage);
  const month = minute(0).slice(0, 7);
  const mail = (over: Partial<SentMail> = {}): SentMail => ({
    eventId: 'E1',
    recipient: 'c@acme.example',
    messageId: '<m1@acme.example>',
    wireMessageId: '<wire-1@eu-west-1.amazonses.com>',
    thread: 'ticket',
    sentAt: minute(5),
    ...over,
  });
  const sentCount = async (tenant: string) => (await usage.read(tenant, month)).emailsSent;

  it("counts a mail once, in the sender's record: recorded again or confirmed by SES's Send event, it is not counted again", async () => {
    const tenant = newTenant();
    expect(await ledger.claim(tenant, 'TK1', 'E1', 'c@acme.example', minute(4))).toEqual({ state: 'claimed' });
    await ledger.recordSent(tenant, 'TK1', mail());
    expect(await sentCount(tenant)).toBe(1);
    await ledger.recordSent(tenant, 'TK1', mail());
    await ledger.confirmSent(tenant, 'TK1', mail({ wireMessageId: null }));
    expect(await sentCount(tenant)).toBe(1);
    expect(await ledger.sentOn(tenant, 'TK1')).toEqual([mail()]);
    expect((await usage.tenants()).map((t) => t.tenantId)).toContain(tenant);
  });

  it('counts a mail whose sender died before recording it when SES confirms it, once; the late sender keeps its fuller record', async () => {
    const tenant = newTenant();
    await ledger.claim(tenant, 'TK1', 'E1', 'c@acme.example', minute(4));
    await ledger.confirmSent(tenant, 'TK1', mail({ wireMessageId: null }));
    await ledger.confirmSent(tenant, 'TK1', mail({ wireMessageId: null }));
    expect(await sentCount(tenant)).toBe(1);
    expect(await ledger.claim(tenant, 'TK1', 'E1', 'c@acme.example', minute(6))).toEqual({ state: 'sent' });
    await ledger.recordSent(tenant, 'TK1', mail());
    expect(await sentCount(tenant)).toBe(1);
    expect((await ledger.sentOn(tenant, 'TK1'))[0]?.wireMessageId).toBe(mail().wireMessageId);
  });
});

describe('DynamoUsageStore ticket facts', () => {
  const usage = new DynamoUsageStore(db, table, { now: () => new Date(minute(0)) });
  const month = minute(100).slice(0, 7);
  const watermark = async (tenant: string, ticketId: string) =>
    (await db.send(new GetCommand({ TableName: table, Key: keys.usageWatermark(tenant, ticketId), ConsistentRead: true }))).Item?.countedVersion;
  /** Moves the ticket from `from` to `to`, one version each, every change writing one event of `type`. */
  async function change(tenant: string, ticket: Ticket, from: number, to: number, type: HistoryEvent['type']): Promise<Ticket> {
    let current = ticket;
    for (let v = from + 1; v <= to; v++) {
      const next = { ...current, version: v };
      await store.update(tenant, v - 1, { ticket: next, events: [event(`H${String(v).padStart(3, '0')}`, v, 'internal', type)], comments: [] });
      current = next;
    }
    return current;
  }

  it('counts each fact once; changes without one leave the watermark alone until WATERMARK_STRIDE versions have passed', async () => {
    const tenant = newTenant();
    const created = await createTicket(tenant, 1);
    await usage.countTicketFacts(tenant, created.id, 1);
    expect(await watermark(tenant, created.id)).toBe(1);
    // SLA warnings, notifications, field edits: nothing to count, nothing written
    const edited = await change(tenant, created, 1, 4, 'fields-changed');
    await usage.countTicketFacts(tenant, created.id, 4);
    expect(await watermark(tenant, created.id)).toBe(1);
    // the next fact is counted across that gap, once, redelivered or not
    const moved = await change(tenant, edited, 4, 5, 'status-changed');
    await usage.countTicketFacts(tenant, created.id, 5);
    await usage.countTicketFacts(tenant, created.id, 5);
    await usage.countTicketFacts(tenant, created.id, 4);
    expect(await watermark(tenant, created.id)).toBe(5);
    expect(await usage.read(tenant, month)).toMatchObject({ ticketsCreated: 1, transitions: 1, comments: 0 });
    // a long run without facts moves it after all, so a count never reads far back
    await change(tenant, moved, 5, 5 + WATERMARK_STRIDE, 'fields-changed');
    await usage.countTicketFacts(tenant, created.id, 4 + WATERMARK_STRIDE);
    expect(await watermark(tenant, created.id)).toBe(5);
    await usage.countTicketFacts(tenant, created.id, 5 + WATERMARK_STRIDE);
    expect(await watermark(tenant, created.id)).toBe(5 + WATERMARK_STRIDE);
    expect(await usage.read(tenant, month)).toMatchObject({ ticketsCreated: 1, transitions: 1, comments: 0 });
  });
});

describe('DynamoLifecycleRegistry waits', () => {
  const registry = new DynamoLifecycleRegistry(db, table);
  const arn = 'arn:aws:states:eu-west-1:000000000000:execution:ticketflow-ticket-lifecycle:X';
  const wait = { state: 'InProgress', category: 'active', token: 'tok-1', since: minute(1) };

  it("records the waiting execution's cycle and start, and forgets them for a wait that does not report them", async () => {
    const tenant = newTenant();
    await registry.create(tenant, 'TK1', arn);
    expect(await registry.registerWait(tenant, 'TK1', arn, { ...wait, cycle: 7, executionStartTime: minute(0) })).toBe(true);
    expect(await registry.get(tenant, 'TK1')).toMatchObject({ taskToken: 'tok-1', state: 'InProgress', cycle: 7, executionStartTime: minute(0) });
    // a callback state of the previous definition (still running after a deploy) reports neither
    expect(await registry.registerWait(tenant, 'TK1', arn, { ...wait, token: 'tok-2' })).toBe(true);
    const record = (await registry.get(tenant, 'TK1'))!;
    expect(record.taskToken).toBe('tok-2');
    expect(record).not.toHaveProperty('cycle');
    expect(record).not.toHaveProperty('executionStartTime');
    // only the ticket's current execution registers
    expect(await registry.registerWait(tenant, 'TK1', `${arn}--g2`, { ...wait, cycle: 1, executionStartTime: minute(0) })).toBe(false);
  });
});
