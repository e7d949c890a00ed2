import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { keys } from '../../../shared/store/table-design';
import { ddb } from '../tickets/dynamo-mock';
import { lambdaContext } from '../tickets/events';

/** The feedback function where usage is metered: its invocation is the tagged tenant's (CONTRACT 8). */
vi.hoisted(() => {
  Object.assign(process.env, {
    TABLE_NAME: 'test-table',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    METER_USAGE: 'true',
  });
  delete process.env.DYNAMODB_ENDPOINT;
});
const { handler } = await import('../../../functions/mail/ses-feedback');

const send = (tenant: string) => ({
  eventType: 'Send',
  mail: { tags: { tenant: [tenant], ticket: ['01JTICKET'], event: ['01JEVENT'] }, destination: ['c@client.example'], timestamp: '2026-03-01T10:00:00.000Z' },
});
const sns = (message: unknown): SNSEvent => ({ Records: [{ Sns: { Message: JSON.stringify(message) } }] as SNSEvent['Records'] });

beforeEach(() => {
  ddb.reset();
  // the sender recorded the mail already: the Send event only reads it
  ddb.on(GetCommand).resolves({ Item: { state: 'sent' } });
  ddb.on(TransactWriteCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
});

describe('SES feedback usage', () => {
  it('counts the invocation for the tenant its event is tagged with, under a dedupe marker (SNS may deliver it twice)', async () => {
    await handler(sns(send('acme')), lambdaContext());
    const flush = ddb.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
    expect(flush).toHaveLength(1);
    const [mark, counter] = flush[0]!;
    expect(String(mark!.Put!.Item!.pk).startsWith(keys.usageMark('acme', '').pk)).toBe(true);
    expect(counter!.Update!.Key!.pk).toBe(keys.usagePartition('acme'));
    const added = Object.fromEntries(
      Object.entries(counter!.Update!.ExpressionAttributeNames!).map(([alias, name]) => [
        name,
        counter!.Update!.ExpressionAttributeValues![`:${alias.slice(1)}`],
      ]),
    );
    expect(added).toMatchObject({ lambdaInvocations: 1 });
    expect(added.lambdaGbSeconds).toBeGreaterThan(0);
  });

  it('counts nothing for an event without a tenant tag', async () => {
    await handler(sns({ eventType: 'Send', mail: {} }), lambdaContext());
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});
