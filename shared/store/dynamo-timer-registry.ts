import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TimerRegistry } from '../domain/ports';
import { ignoreCapacity, reportCapacity, type CapacityListener } from './dynamo-client';
import { keys } from './table-design';

/** The TIMERS item in the ticket's partition: which schedules exist and for when. */
export class DynamoTimerRegistry implements TimerRegistry {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly onCapacity: CapacityListener = ignoreCapacity,
  ) {}

  async get(tenantId: string, ticketId: string): Promise<Readonly<Record<string, string>>> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.timers(tenantId, ticketId), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    reportCapacity(this.onCapacity, 'getTimers', 'read', out.ConsumedCapacity);
    return (out.Item?.timers as Record<string, string> | undefined) ?? {};
  }

  async put(tenantId: string, ticketId: string, timers: Readonly<Record<string, string>>): Promise<void> {
    const out = await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.timers(tenantId, ticketId), entity: 'timers', timers }, ReturnConsumedCapacity: 'TOTAL' }),
    );
    reportCapacity(this.onCapacity, 'putTimers', 'write', out.ConsumedCapacity);
  }
}
