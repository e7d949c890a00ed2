import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InboundMailLog, InboundRecord, MailboxRegistry } from '../mail/inbound/receive-ports';
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

/** Per tenant: a claim item per Message-ID (conditional put) and the list of every delivery's outcome. */
export class DynamoInboundMailLog implements InboundMailLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly onCapacity: CapacityListener = ignoreCapacity,
  ) {}

  async claim(tenantId: string, messageKey: string, at: string): Promise<boolean> {
    try {
      const out = await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.inboundClaim(tenantId, messageKey), entity: 'inboundClaim', claimedAt: at },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      reportCapacity(this.onCapacity, 'claimInbound', 'write', out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async unclaim(tenantId: string, messageKey: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.inboundClaim(tenantId, messageKey) }));
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
