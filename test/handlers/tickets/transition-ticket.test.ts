import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { aTicket, ddb } from './dynamo-mock';
import { ticketItem } from '../../../shared/store/ticket-item';
import { CLAIMS, httpEvent, invoke } from './events';

vi.hoisted(() => {
  Object.assign(process.env, { TABLE_NAME: 'test-table', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  delete process.env.DYNAMODB_ENDPOINT;
});
const { handler } = await import('../../../functions/tickets/transition-ticket');

const ticket = aTicket({ status: 'new', category: 'new' });
const ticketKey = { pk: `T#acme#TK#${ticket.id}`, sk: 'TICKET' };
const lostRace = () =>
  new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]',
    $metadata: {},
    CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
  });

const transition = (headers: Record<string, string> = {}) =>
  invoke(
    handler,
    httpEvent({
      method: 'POST',
      route: '/v1/tickets/{id}/transitions',
      pathParameters: { id: ticket.id },
      body: { to: 'open' },
      headers,
      claims: CLAIMS.agent,
    }),
  );

/** The version each TransactWrite was conditioned on. */
const conditionedOn = () =>
  ddb.commandCalls(TransactWriteCommand).map((c) => {
    const put = c.args[0].input.TransactItems?.find((i) => i.Put?.Item?.sk === 'TICKET')?.Put;
    return put?.ExpressionAttributeValues?.[':expected'];
  });

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({});
  // First read: version 1. Any later read: another writer has moved it to version 2.
  ddb
    .on(GetCommand, { Key: ticketKey })
    .resolvesOnce({ Item: ticketItem('acme', ticket) })
    .resolves({ Item: ticketItem('acme', { ...ticket, version: 2, team: 'printers' }) });
});

describe('POST /v1/tickets/{id}/transitions handler', () => {
  it('answers 412 when If-Match was sent and the conditional write lost the race', async () => {
    ddb.on(TransactWriteCommand).rejects(lostRace());

    const res = await transition({ 'if-match': '"1"' });

    expect(res.status, res.rawBody).toBe(412);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 412, detail: expect.stringContaining('version 2') });
    // One attempt, conditioned on the version the caller named; no blind retry.
    expect(conditionedOn()).toEqual([1]);
  });

  it('without If-Match, re-reads after the lost race and applies the transition on top of the winner', async () => {
    ddb.on(TransactWriteCommand).rejectsOnce(lostRace()).resolves({});

    const res = await transition();

    expect(res.status, res.rawBody).toBe(200);
    expect(res.headers.etag).toBe('"3"');
    expect(res.body).toMatchObject({ status: 'open', category: 'active', version: 3, team: 'printers' });
    expect(conditionedOn()).toEqual([1, 2]);
  });

  it('answers 500, not a retry loop or a 4xx, when the transaction fails for another reason', async () => {
    ddb.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ValidationError', Message: 'Item size has exceeded the maximum allowed size' }],
      }),
    );
    const res = await transition({ 'if-match': '"1"' });
    expect(res.status).toBe(500);
    expect(res.rawBody).not.toContain('Item size');
    expect(ddb).toHaveReceivedCommandOnce(TransactWriteCommand);
  });
});
