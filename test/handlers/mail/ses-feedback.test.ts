import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { keys } from '../../../shared/store/table-design';
import { ddb } from '../tickets/dynamo-mock';
import { lambdaContext } from '../tickets/events';

vi.hoisted(() => {
  Object.assign(process.env, { TABLE_NAME: 'test-table', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  delete process.env.DYNAMODB_ENDPOINT;
});
const { handler } = await import('../../../functions/mail/ses-feedback');

const sns = (...messages: unknown[]): SNSEvent => ({
  Records: messages.map((m) => ({ Sns: { Message: typeof m === 'string' ? m : JSON.stringify(m) } })) as SNSEvent['Records'],
});
const tags = { tenant: ['acme'], ticket: ['01JTICKET'], event: ['01JEVENT'] };

beforeEach(() => {
  ddb.reset();
  ddb.on(PutCommand).resolves({});
});

describe('SES feedback (configuration set → SNS → Lambda)', () => {
  it('a permanent bounce and a complaint suppress the address for the tagged tenant', async () => {
    await handler(
      sns(
        { eventType: 'Bounce', mail: { tags }, bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'Gone@Client.example' }] } },
        { eventType: 'Complaint', mail: { tags }, complaint: { complainedRecipients: [{ emailAddress: 'angry@client.example' }] } },
      ),
      lambdaContext(),
    );
    const items = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item!);
    expect(items).toEqual([
      expect.objectContaining({ ...keys.mailSuppression('acme', 'gone@client.example'), address: 'gone@client.example', reason: 'bounce' }),
      expect.objectContaining({ ...keys.mailSuppression('acme', 'angry@client.example'), reason: 'complaint' }),
    ]);
  });

  it('a transient bounce, a delivery, an untagged event and garbage suppress nothing', async () => {
    await handler(
      sns(
        { eventType: 'Bounce', mail: { tags }, bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'full@client.example' }] } },
        { eventType: 'Delivery', mail: { tags } },
        { eventType: 'Complaint', mail: {}, complaint: { complainedRecipients: [{ emailAddress: 'x@client.example' }] } },
        'not json',
      ),
      lambdaContext(),
    );
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });
});
