import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InboundClaim, InboundMailLog, InboundPlan, InboundRecord, MailboxRegistry } from '../mail/inbound/receive-ports';
import { ignoreCapacity, reportCapacity, type CapacityListener } from './dynamo-client';
import { keys } from './table-design';

/** `MAILBOX#<address>` → the tenant: one platform item per support address, claimed conditionally. */
export class DynamoMailboxRegistry implements MailboxRegistry {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly onCapacity: CapacityListener = ignoreCapacity,
  ) {}

  async tenantOf(address: string): Promise<string | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.mailbox(address), ReturnConsumedCapacity: 'TOTAL' }));
    reportCapacity(this.onCapacity, 'mailbox', 'read', out.ConsumedCapacity);
    return (out.Item?.tenantId as string | undefined) ?? null;
  }

  async claim(address: string, tenantId: string): Promise<boolean> {
    try {
      const out = await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.mailbox(address), entity: 'mailbox', address: address.toLowerCase(), tenantId },
          ConditionExpression: 'attribute_not_exists(pk) OR tenantId = :me',
          ExpressionAttributeValues: { ':me': tenantId },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      reportCapacity(this.onCapacity, 'claimMailbox', 'write', out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async release(address: string, tenantId: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.mailbox(address),
          ConditionExpression: 'tenantId = :me',
          ExpressionAttributeValues: { ':me': tenantId },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

/**
 * How long a delivery holds a `processing` claim before another delivery may take over (a crashed
 * Lambda, a killed process): longer than ReceiveMail's 30 s timeout, shorter than the spacing of
 * Lambda's asynchronous retries (about 1 and 2 minutes), so a retry after a crash finds it free.
 */
const LEASE_MS = 45_000;

/** Per tenant: a claim item per Message-ID (conditional put; `processing` under a lease, then `done`) and the list of every delivery's outcome. */
export class DynamoInboundMailLog implements InboundMailLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly onCapacity: CapacityListener = ignoreCapacity,
  ) {}

  async claim(tenantId: string, messageKey: string, at: string, plan: InboundPlan): Promise<InboundClaim> {
    const now = Date.parse(at);
    const key = keys.inboundClaim(tenantId, messageKey);
    try {
      const out = await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, entity: 'inboundClaim', state: 'processing', claimedAt: at, lockedUntil: now + LEASE_MS, plan },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      reportCapacity(this.onCapacity, 'claimInbound', 'write', out.ConsumedCapacity);
      return { state: 'claimed', retaken: false, plan };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // Taken before: done, leased by a live delivery, or left `processing` by a crash or a failure.
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET lockedUntil = :until, retakenAt = :at',
          ConditionExpression: '#state = :processing AND lockedUntil < :now',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':processing': 'processing', ':now': now, ':until': now + LEASE_MS, ':at': at },
          ReturnValues: 'ALL_NEW',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      reportCapacity(this.onCapacity, 'retakeInbound', 'write', out.ConsumedCapacity);
      // Claims written before plans existed carry none: a fresh plan then (they predate this code's crashes).
      return { state: 'claimed', retaken: true, plan: (out.Attributes?.plan as InboundPlan | undefined) ?? plan };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const existing = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }));
    reportCapacity(this.onCapacity, 'readInboundClaim', 'read', existing.ConsumedCapacity);
    if (!existing.Item) return this.claim(tenantId, messageKey, at, plan);
    // Claims from before the `state` attribute were written once the work was done.
    return existing.Item.state === 'processing' ? { state: 'busy' } : { state: 'done' };
  }

  async complete(tenantId: string, messageKey: string, at: string): Promise<void> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.inboundClaim(tenantId, messageKey),
        UpdateExpression: 'SET #state = :done, doneAt = :at REMOVE lockedUntil',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':done': 'done', ':at': at },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    reportCapacity(this.onCapacity, 'completeInbound', 'write', out.ConsumedCapacity);
  }

  async release(tenantId: string, messageKey: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.inboundClaim(tenantId, messageKey),
          UpdateExpression: 'SET lockedUntil = :zero',
          ConditionExpression: '#state = :processing',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':processing': 'processing', ':zero': 0 },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async record(entry: InboundRecord): Promise<void> {
    const out = await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.inboundRecord(entry.tenantId, entry.receivedAt, entry.messageKey), entity: 'inboundMail', ...entry },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    reportCapacity(this.onCapacity, 'recordInbound', 'write', out.ConsumedCapacity);
  }

  async list(tenantId: string, limit: number): Promise<InboundRecord[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.inboundPartition(tenantId) },
        ScanIndexForward: false,
        Limit: limit,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    reportCapacity(this.onCapacity, 'listInbound', 'read', out.ConsumedCapacity);
    return (out.Items ?? []).map(({ pk: _pk, sk: _sk, entity: _e, ...rest }) => rest as InboundRecord);
  }
}
