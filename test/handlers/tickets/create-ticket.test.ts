import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ddb } from './dynamo-mock';
import { ticketOfItem } from '../../../shared/store/ticket-item';
import { CLAIMS, httpEvent, invoke, type EventInput } from './events';

// The handler reads its configuration when it is imported.
vi.hoisted(() => {
  Object.assign(process.env, { TABLE_NAME: 'test-table', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  delete process.env.DYNAMODB_ENDPOINT;
});
const { handler } = await import('../../../functions/tickets/create-ticket');

const post = (input: Partial<EventInput> = {}) =>
  invoke(handler, httpEvent({ method: 'POST', route: '/v1/tickets', body: { subject: 'Printer on fire', description: 'It smokes.' }, ...input }));

const expectProblem = (res: Awaited<ReturnType<typeof post>>, status: number) => {
  expect(res.status, res.rawBody).toBe(status);
  expect(res.headers['content-type']).toBe('application/problem+json');
  expect(res.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
};

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({}); // no stored settings: the tenant runs on defaults
  ddb.on(UpdateCommand).resolves({ Attributes: { seq: 42 } });
  ddb.on(TransactWriteCommand).resolves({});
});

describe('POST /v1/tickets handler', () => {
  it('answers 201 with the ticket and ETag "1", after one counter update and one transaction', async () => {
    const res = await post();

    expect(res.status, res.rawBody).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({ key: 'ACME-42', version: 1, status: 'new', requester: { id: 'alice', org: 'globex' } });
    expect(ddb).toHaveReceivedCommandOnce(UpdateCommand);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { TableName: 'test-table', Key: { pk: 'T#acme', sk: 'COUNTER#TICKET' } });
    expect(ddb).toHaveReceivedCommandOnce(TransactWriteCommand);
  });

  it('writes the ticket only if absent, and every item of the transaction under the caller’s tenant', async () => {
    const res = await post({ body: { subject: 'x', description: 'y' } });
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems ?? [];

    const ticketPut = items.find((i) => i.Put?.Item?.sk === 'TICKET')?.Put;
    expect(ticketPut).toMatchObject({
      TableName: 'test-table',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: `T#acme#TK#${res.body.id}`, key: 'ACME-42', version: 1, gsiAllPk: 'T#acme#TICKETS', gsiRequesterPk: 'T#acme#REQ#alice' },
    });
    // The ticket itself is stored compressed in one attribute, and reads back whole.
    expect(ticketOfItem(ticketPut!.Item!)).toMatchObject({ id: res.body.id, subject: 'x', description: 'y', requester: { id: 'alice' } });
    // One ticket, one key mapping, and its history starting with the `created` event.
    const entities = items.map((i) => i.Put?.Item?.entity);
    expect(entities.filter((e) => e === 'ticket')).toHaveLength(1);
    expect(entities.filter((e) => e === 'ticketKey')).toHaveLength(1);
    expect(items.map((i) => i.Put?.Item)).toContainEqual(expect.objectContaining({ entity: 'history', type: 'created', version: 1 }));
    for (const item of items) {
      const attrs = item.Put!.Item!;
      expect(attrs.pk).toMatch(/^T#acme#/);
      // Index partitions too (unset ones, like a missing assignee, are dropped when marshalled).
      for (const [name, value] of Object.entries(attrs))
        if (name.startsWith('gsi') && name.endsWith('Pk') && value !== undefined) expect(value, name).toMatch(/^T#acme#/);
    }
    expect(items.find((i) => i.Put?.Item?.entity === 'ticketKey')?.Put?.Item).toMatchObject({ pk: 'T#acme#KEY#ACME-42', ticketId: res.body.id });
  });

  it('rejects malformed JSON with 400 problem+json and no DynamoDB call', async () => {
    const res = await post({ rawBody: '{"subject":' });
    expectProblem(res, 400);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('rejects a body that is not JSON with 415 and no DynamoDB call', async () => {
    const res = await post({ rawBody: 'subject=Printer', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectProblem(res, 415);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('rejects a body over 256 KiB with 413 and no DynamoDB call', async () => {
    const res = await post({ body: { subject: 'x', description: 'a'.repeat(256 * 1024) } });
    expectProblem(res, 413);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('rejects an unknown field with 400 and an errors[] entry that names it', async () => {
    const res = await post({ body: { subject: 'x', tenant: 'globex' } });
    expectProblem(res, 400);
    expect(res.body.errors).toContainEqual({ path: expect.any(String), message: expect.stringContaining('tenant') });
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('points errors[].path at each invalid field', async () => {
    const res = await post({ body: { subject: 42, priority: 'asap' } });
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['priority', 'subject']);
  });

  it('answers 401 when the authorizer passed no claims, or claims without a role', async () => {
    expectProblem(await post({ claims: null }), 401);
    expectProblem(await post({ claims: { sub: 'alice', tid: 'acme' } }), 401);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('answers 403 to finance, which has no tenant, and touches nothing', async () => {
    expectProblem(await post({ claims: CLAIMS.finance }), 403);
    expectProblem(await post({ claims: { ...CLAIMS.finance, tid: 'acme' } }), 403);
    expect(ddb).not.toHaveReceivedAnyCommand();
  });

  it('turns an unexpected SDK error into a 500 problem that reveals no internals', async () => {
    const internals =
      'AccessDeniedException: User arn:aws:sts::123456789012:assumed-role/ticketflow-createTicket is not authorized to perform dynamodb:PutItem on arn:aws:dynamodb:eu-west-1:123456789012:table/test-table';
    ddb.on(TransactWriteCommand).rejects(new Error(internals));

    const res = await post();

    expectProblem(res, 500);
    expect(Object.keys(res.body).sort()).toEqual(['detail', 'status', 'title', 'type']);
    for (const leak of ['123456789012', 'test-table', 'AccessDenied', 'arn:', 'dynamodb', '    at ']) expect(res.rawBody, leak).not.toContain(leak);
  });

  it('answers 429 with Retry-After when DynamoDB throttles, and frees the Idempotency-Key for the retry', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    ddb.on(TransactWriteCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));

    const res = await post({ headers: { 'idempotency-key': 'throttled' } });

    expectProblem(res, 429);
    expect(res.headers['retry-after']).toBe('1');
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(DeleteCommand, { Key: { pk: 'T#acme#IDEM#alice#throttled', sk: 'IDEM' } });
  });

  it('frees the Idempotency-Key after a 500 so the client can retry, instead of storing the failure', async () => {
    ddb.on(PutCommand).resolves({}); // the claim succeeds
    ddb.on(DeleteCommand).resolves({});
    ddb.on(TransactWriteCommand).rejects(new Error('socket hang up'));

    const res = await post({ headers: { 'idempotency-key': 'retry-me' } });

    expect(res.status).toBe(500);
    const idemKey = { pk: 'T#acme#IDEM#alice#retry-me', sk: 'IDEM' };
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ ...idemKey, state: 'in-progress' }) });
    expect(ddb).toHaveReceivedCommandExactlyOnceWith(DeleteCommand, { Key: idemKey });
    // Only the counter was updated; the failure was not recorded as the key's response.
    expect(ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input.Key)).toEqual([{ pk: 'T#acme', sk: 'COUNTER#TICKET' }]);
  });
});
