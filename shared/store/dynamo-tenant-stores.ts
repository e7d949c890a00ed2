import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conflict, invalid, StaleWrite } from '../domain/errors';
import type { DirectoryUser, Page, PageRequest, SettingsStore, UserDirectory } from '../domain/ports';
import type { WorkflowMigration } from '../domain/migration';
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
    return (await this.read(tenantId)).settings;
  }

  async read(tenantId: string): Promise<{ settings: StoredSettings | null; revision: number; migration: WorkflowMigration | null }> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.settings(tenantId), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    reportCapacity(this.onCapacity, 'getSettings', 'read', out.ConsumedCapacity);
    return {
      settings: out.Item ? (out.Item.settings as StoredSettings) : null,
      revision: Number(out.Item?.revision ?? 0),
      migration: (out.Item?.migration as WorkflowMigration | undefined) ?? null,
    };
  }

  async put(tenantId: string, settings: StoredSettings, expectedRevision?: number, migration?: WorkflowMigration): Promise<void> {
    const condition =
      expectedRevision === undefined
        ? {}
        : expectedRevision === 0
          ? { ConditionExpression: 'attribute_not_exists(revision)' }
          : { ConditionExpression: 'revision = :expected' };
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.settings(tenantId),
          UpdateExpression: `SET #settings = :settings, entity = :entity${migration ? ', migration = :migration' : ''} ADD revision :one`,
          ExpressionAttributeNames: { '#settings': 'settings' },
          ExpressionAttributeValues: {
            ':settings': settings,
            ':entity': 'settings',
            ':one': 1,
            ...(expectedRevision ? { ':expected': expectedRevision } : {}),
            ...(migration ? { ':migration': migration } : {}),
          },
          ...condition,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      reportCapacity(this.onCapacity, 'putSettings', 'write', out.ConsumedCapacity);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new StaleWrite();
      throw error;
    }
  }

  async stepMigration(tenantId: string, migration: WorkflowMigration, expectedRound: number): Promise<boolean> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.settings(tenantId),
          UpdateExpression: 'SET migration = :migration',
          ConditionExpression: 'migration.id = :id AND migration.round = :round',
          ExpressionAttributeValues: { ':migration': migration, ':id': migration.id, ':round': expectedRound },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      reportCapacity(this.onCapacity, 'stepMigration', 'write', out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

export class DynamoUserDirectory implements UserDirectory {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly onCapacity: CapacityListener = ignoreCapacity,
  ) {}

  /**
   * Writes the user and claims its e-mail address in one transaction: the claim is
   * conditional (free, or already this user's), so two users can never hold one address,
   * however they race. A changed address releases the old claim.
   */
  async put(tenantId: string, user: DirectoryUser): Promise<void> {
    // Another write of the same items in flight (TransactionConflict): read again and retry.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.putOnce(tenantId, user);
      } catch (error) {
        const racing = error instanceof TransactionCanceledException && error.CancellationReasons?.some((r) => r.Code === 'TransactionConflict');
        if (!racing || attempt >= 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
      }
    }
  }

  private async putOnce(tenantId: string, user: DirectoryUser): Promise<void> {
    const before = await this.get(tenantId, user.id);
    const released = before && before.email.toLowerCase() !== user.email.toLowerCase() ? before.email : null;
    try {
      const out = await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: { ...keys.user(tenantId, user.id), entity: 'user', ...user } } },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.userEmail(tenantId, user.email), entity: 'userEmail', userId: user.id },
                ConditionExpression: 'attribute_not_exists(pk) OR userId = :id',
                ExpressionAttributeValues: { ':id': user.id },
              },
            },
            ...(released
              ? [
                  {
                    Delete: {
                      TableName: this.tableName,
                      Key: keys.userEmail(tenantId, released),
                      ConditionExpression: 'attribute_not_exists(pk) OR userId = :id',
                      ExpressionAttributeValues: { ':id': user.id },
                    },
                  },
                ]
              : []),
          ],
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      reportCapacity(this.onCapacity, 'putUser', 'write', out.ConsumedCapacity);
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed')
        throw conflict(`The e-mail address ${user.email} is already used by another user of this tenant.`);
      throw error;
    }
  }

  async get(tenantId: string, userId: string): Promise<DirectoryUser | null> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.user(tenantId, userId), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    reportCapacity(this.onCapacity, 'getUser', 'read', out.ConsumedCapacity);
    return out.Item ? withoutKeys<DirectoryUser>(out.Item) : null;
  }

  async findByEmail(tenantId: string, email: string): Promise<DirectoryUser | null> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.userEmail(tenantId, email), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    reportCapacity(this.onCapacity, 'findUserByEmail', 'read', out.ConsumedCapacity);
    return out.Item ? this.get(tenantId, out.Item.userId as string) : null;
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
