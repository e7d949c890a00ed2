import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyClaim, IdempotencyScope, IdempotencyStore, StoredResponse } from '../domain/ports';
import { ignoreCapacity, reportCapacity, type CapacityListener } from './dynamo-client';
import { keys, TTL_ATTRIBUTE } from './table-design';

/** An in-progress claim older than this is taken to belong to a crashed request and may be retaken. */
const LOCK_SECONDS = 60;

export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly onCapacity: CapacityListener = ignoreCapacity,
  ) {}

  async claim(scope: IdempotencyScope, fingerprint: string, now: Date, ttlSeconds: number): Promise<IdempotencyClaim> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      const out = await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(scope),
            entity: 'idempotency',
            state: 'in-progress',
            fingerprint,
            lockedUntil: nowSeconds + LOCK_SECONDS,
            [TTL_ATTRIBUTE]: nowSeconds + ttlSeconds,
          },
          // Free, expired (DynamoDB Local never runs TTL), or abandoned by a crashed request.
          ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now OR (#state = :inProgress AND lockedUntil < :now)',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE, '#state': 'state' },
          ExpressionAttributeValues: { ':now': nowSeconds, ':inProgress': 'in-progress' },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      reportCapacity(this.onCapacity, 'claimIdempotencyKey', 'write', out.ConsumedCapacity);
      return { state: 'claimed' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const existing = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(scope), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    reportCapacity(this.onCapacity, 'readIdempotencyKey', 'read', existing.ConsumedCapacity);
    const item = existing.Item;
    if (!item) return this.claim(scope, fingerprint, now, ttlSeconds); // released in between
    if (item.fingerprint !== fingerprint) return { state: 'mismatch' };
    if (item.state === 'done') return { state: 'replay', response: item.response as StoredResponse };
    return { state: 'in-progress' };
  }

  async complete(scope: IdempotencyScope, response: StoredResponse): Promise<void> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(scope),
        UpdateExpression: 'SET #state = :done, #response = :response',
        ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
        ExpressionAttributeValues: { ':done': 'done', ':response': response },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    reportCapacity(this.onCapacity, 'completeIdempotencyKey', 'write', out.ConsumedCapacity);
  }

  async release(scope: IdempotencyScope): Promise<void> {
    const out = await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: this.key(scope), ReturnConsumedCapacity: 'TOTAL' }));
    reportCapacity(this.onCapacity, 'releaseIdempotencyKey', 'write', out.ConsumedCapacity);
  }

  private key(scope: IdempotencyScope) {
    return keys.idempotency(scope.tenantId, scope.sub, scope.key);
  }
}
