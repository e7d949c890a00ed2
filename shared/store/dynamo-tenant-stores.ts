import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { invalid } from '../domain/errors';
import type { DirectoryUser, Page, PageRequest, SettingsStore, UserDirectory } from '../domain/ports';
import type { StoredSettings } from '../domain/settings';
import { decodeCursor, encodeCursor, ignoreCapacity, reportCapacity, InvalidCursor, withoutKeys, type CapacityListener } from './dynamo-client';
import { keys } from './table-design';

export class DynamoSettingsStore implements SettingsStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly onCapacity: CapacityListener = ignoreCapacity,
  ) {}

  async get(tenantId: string): Promise<StoredSettings | null> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.settings(tenantId), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    reportCapacity(this.onCapacity, 'getSettings', 'read', out.ConsumedCapacity);
    return out.Item ? (out.Item.settings as StoredSettings) : null;
  }

  async put(tenantId: string, settings: StoredSettings): Promise<void> {
    const out = await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.settings(tenantId), entity: 'settings', settings },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    reportCapacity(this.onCapacity, 'putSettings', 'write', out.ConsumedCapacity);
  }
}

export class DynamoUserDirectory implements UserDirectory {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly onCapacity: CapacityListener = ignoreCapacity,
  ) {}

  async put(tenantId: string, user: DirectoryUser): Promise<void> {
    const out = await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.user(tenantId, user.id), entity: 'user', ...user }, ReturnConsumedCapacity: 'TOTAL' }),
    );
    reportCapacity(this.onCapacity, 'putUser', 'write', out.ConsumedCapacity);
  }

  async get(tenantId: string, userId: string): Promise<DirectoryUser | null> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.user(tenantId, userId), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    reportCapacity(this.onCapacity, 'getUser', 'read', out.ConsumedCapacity);
    return out.Item ? withoutKeys<DirectoryUser>(out.Item) : null;
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<DirectoryUser>> {
    const pk = keys.usersPartition(tenantId);
    let startKey;
    try {
      startKey = decodeCursor(page.cursor, { pk, sk: (v) => v.startsWith('U#') });
    } catch (error) {
      if (error instanceof InvalidCursor) throw invalid(error.message, [{ path: 'cursor', message: error.message }]);
      throw error;
    }
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        Limit: page.limit,
        ExclusiveStartKey: startKey,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    reportCapacity(this.onCapacity, 'listUsers', 'read', out.ConsumedCapacity);
    return { items: (out.Items ?? []).map((i) => withoutKeys<DirectoryUser>(i)), nextCursor: encodeCursor(out.LastEvaluatedKey) };
  }
}
