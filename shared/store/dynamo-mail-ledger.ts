import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MailClaim, MailLedger, SentMail } from '../mail/outbound/ports';
import { ignoreCapacity, reportCapacity, type CapacityListener } from './dynamo-client';
import type { GuardedCounter } from './dynamo-usage-store';
import { keys } from './table-design';

/** The mail ledger in the ticket's partition (`MAIL#<event>#<recipient>`), secrets and suppressions per tenant. */
export class DynamoMailLedger implements MailLedger {
  /** A tenant's secret never changes once written (first writer wins): read once per process. */
  private readonly secrets = new Map<string, string>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly onCapacity: CapacityListener = ignoreCapacity,
    /** Where usage is metered: each mail counts once as `emailsSent`, in the write that first records it as sent. */
    private readonly usage?: GuardedCounter,
  ) {}

  async tenantSecret(tenantId: string): Promise<string> {
    const known = this.secrets.get(tenantId);
    if (known) return known;
    const secret = await this.readOrCreateSecret(tenantId);
    this.secrets.set(tenantId, secret);
    return secret;
  }

  private async readOrCreateSecret(tenantId: string): Promise<string> {
    const key = keys.mailSecret(tenantId);
    const read = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }));
    reportCapacity(this.onCapacity, 'mailSecret', 'read', read.ConsumedCapacity);
    if (read.Item) return read.Item.secret as string;
    const secret = randomBytes(32).toString('base64url');
    try {
      // first writer wins; a racing one reads the winner's
      await this.db.send(
        new PutCommand({ TableName: this.tableName, Item: { ...key, entity: 'mailSecret', secret }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return secret;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return this.readOrCreateSecret(tenantId);
      throw error;
    }
  }

  async claim(tenantId: string, ticketId: string, eventId: string, recipient: string, at: string): Promise<MailClaim> {
    const key = keys.mail(tenantId, ticketId, eventId, recipient);
    try {
      const out = await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, entity: 'mail', eventId, recipient, state: 'sending', claimedAt: at },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      reportCapacity(this.onCapacity, 'claimMail', 'write', out.ConsumedCapacity);
      return { state: 'claimed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const read = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      return read.Item?.state === 'sent' ? { state: 'sent' } : { state: 'in-doubt', claimedAt: String(read.Item?.claimedAt ?? '') };
    }
  }

  async reclaim(tenantId: string, ticketId: string, eventId: string, recipient: string, claimedAt: string, at: string): Promise<boolean> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.mail(tenantId, ticketId, eventId, recipient),
          UpdateExpression: 'SET claimedAt = :at',
          ConditionExpression: '#state = :sending AND claimedAt = :claimedAt',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':at': at, ':sending': 'sending', ':claimedAt': claimedAt },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      reportCapacity(this.onCapacity, 'claimMail', 'write', out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async recordSent(tenantId: string, ticketId: string, sent: SentMail): Promise<void> {
    // SES's Send event may have recorded (and counted) it first: the sender's fuller record (SES's wire id) replaces that one.
    if (!(await this.firstRecord(tenantId, ticketId, sent))) await this.write(this.sentRecord(tenantId, ticketId, sent, false));
  }

  async confirmSent(tenantId: string, ticketId: string, sent: SentMail): Promise<void> {
    // Only a claim still in doubt (its sender died between SES's answer and its own record). Almost
    // always the sender recorded it first: a read says so, cheaper than a write whose condition fails.
    if (await this.isRecorded(tenantId, ticketId, sent.eventId, sent.recipient)) return;
    await this.firstRecord(tenantId, ticketId, sent);
  }

  async isRecorded(tenantId: string, ticketId: string, eventId: string, recipient: string): Promise<boolean> {
    const key = keys.mail(tenantId, ticketId, eventId, recipient);
    const read = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }));
    reportCapacity(this.onCapacity, 'recordMail', 'read', read.ConsumedCapacity);
    return read.Item?.state === 'sent';
  }

  /**
   * Records the mail as sent if it was still being sent (its claim), counting it where usage
   * is metered, in the same write: true if this call recorded it, false if it was recorded before.
   */
  private async firstRecord(tenantId: string, ticketId: string, sent: SentMail): Promise<boolean> {
    const record = this.sentRecord(tenantId, ticketId, sent, true);
    if (!this.usage) {
      try {
        await this.write(record);
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    }
    const { counted, consumed } = await this.usage.countWith(tenantId, sent.sentAt.slice(0, 7), { emailsSent: 1 }, `mail:${sent.eventId}:${sent.recipient}`, {
      Update: record,
    });
    if (counted) reportCapacity(this.onCapacity, 'recordMail', 'write', consumed);
    return counted;
  }

  /** The mail's record (`whileSending`: only over its claim, not over a record made before). */
  private sentRecord(tenantId: string, ticketId: string, sent: SentMail, whileSending: boolean) {
    return {
      TableName: this.tableName,
      Key: keys.mail(tenantId, ticketId, sent.eventId, sent.recipient),
      UpdateExpression: 'SET #state = :sent, messageId = :mid, wireMessageId = :wire, sentAt = :at, thread = :thread',
      ...(whileSending ? { ConditionExpression: '#state = :sending' } : {}),
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':sent': 'sent',
        ':mid': sent.messageId,
        ':wire': sent.wireMessageId,
        ':at': sent.sentAt,
        ':thread': sent.thread,
        ...(whileSending ? { ':sending': 'sending' } : {}),
      },
    };
  }

  private async write(record: ReturnType<DynamoMailLedger['sentRecord']>): Promise<void> {
    const out = await this.db.send(new UpdateCommand({ ...record, ReturnConsumedCapacity: 'TOTAL' }));
    reportCapacity(this.onCapacity, 'recordMail', 'write', out.ConsumedCapacity);
  }

  async sentOn(tenantId: string, ticketId: string): Promise<SentMail[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :mail)',
        FilterExpression: '#state = :sent',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':pk': keys.ticketPartition(tenantId, ticketId), ':mail': 'MAIL#', ':sent': 'sent' },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    reportCapacity(this.onCapacity, 'mailThread', 'read', out.ConsumedCapacity);
    return (out.Items ?? [])
      .map(
        (i) =>
          ({
            eventId: i.eventId,
            recipient: i.recipient,
            messageId: i.messageId,
            wireMessageId: i.wireMessageId ?? null,
            sentAt: i.sentAt,
            thread: i.thread ?? 'ticket',
          }) as SentMail,
      )
      .sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.eventId.localeCompare(b.eventId));
  }

  async isSuppressed(tenantId: string, address: string): Promise<boolean> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.mailSuppression(tenantId, address), ReturnConsumedCapacity: 'TOTAL' }),
    );
    reportCapacity(this.onCapacity, 'mailSuppression', 'read', out.ConsumedCapacity);
    return out.Item !== undefined;
  }

  async suppress(tenantId: string, address: string, reason: 'bounce' | 'complaint', at: string): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.mailSuppression(tenantId, address), entity: 'mailSuppression', address, reason, at } }),
    );
  }
}
