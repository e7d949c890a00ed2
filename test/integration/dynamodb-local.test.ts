import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { startDynamoDbLocal } from '../../local/dynamodb/dynamodb-local';
import { ensureTable } from '../../local/dynamodb/ensure-table';
import { localDynamoClient } from '../../local/local-aws';
import { GLOBAL_SECONDARY_INDEXES, TTL_ATTRIBUTE } from '../../shared/store/table-design';
import { freePort } from '../setup/free-port';

const endpoint = inject('dynamoEndpoint');
const uniqueTable = (label: string) => `${label}-${process.pid}-${Date.now()}`;

/** Local addresses (without port) of every TCP listener on `port`, from `ss -ltn`. */
function listenAddresses(port: number): string[] {
  const out = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const local = line.trim().split(/\s+/)[3] ?? ''; // State Recv-Q Send-Q Local:Port Peer:Port
      return local.slice(0, local.lastIndexOf(':'));
    });
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

describe('DynamoDB Local', () => {
  it('listens on 127.0.0.1 only', async () => {
    const port = Number(new URL(endpoint).port);
    expect(listenAddresses(port)).toEqual(['127.0.0.1']);

    // And it is really unreachable through any other interface of this machine.
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && i.family === 'IPv4' && !i.internal)
      .map((i) => i!.address);
    for (const address of external) expect(await canConnect(address, port)).toBe(false);
  });

  it('keeps data across stop/start with the same dataDir', { timeout: 90_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'ddb-persist-'));
    const dataDir = join(root, 'data'); // does not exist yet: startDynamoDbLocal must create it
    const table = 'persist';
    const key = { pk: { S: 'T#t1' }, sk: { S: 'SETTINGS' } };
    try {
      const first = await startDynamoDbLocal({ dataDir, port: await freePort() });
      try {
        expect(listenAddresses(first.port)).toEqual(['127.0.0.1']);
        const client = localDynamoClient(first.endpoint);
        await ensureTable(client, table);
        await client.send(new PutItemCommand({ TableName: table, Item: { ...key, name: { S: 'Acme' } } }));
        client.destroy();
      } finally {
        await first.stop();
      }

      const second = await startDynamoDbLocal({ dataDir, port: await freePort() });
      try {
        const client = localDynamoClient(second.endpoint);
        await ensureTable(client, table); // must find the existing table, not fail or recreate it
        const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
        expect(Item?.name).toEqual({ S: 'Acme' });
        client.destroy();
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('ensureTable creates every GSI and is idempotent, also when racing itself', async () => {
    const client = localDynamoClient(endpoint);
    const table = uniqueTable('ensure');
    await Promise.all([ensureTable(client, table), ensureTable(client, table)]);
    await ensureTable(client, table);

    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((i) => ({
      name: i.IndexName,
      partitionKey: i.KeySchema?.[0]?.AttributeName,
      sortKey: i.KeySchema?.[1]?.AttributeName,
      projection: i.Projection?.ProjectionType,
    }));
    expect(indexes.sort((a, b) => a.name!.localeCompare(b.name!))).toEqual(
      GLOBAL_SECONDARY_INDEXES.map((i) => ({ ...i, projection: 'KEYS_ONLY' })).sort((a, b) => a.name.localeCompare(b.name)),
    );

    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: table }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: TTL_ATTRIBUTE, TimeToLiveStatus: 'ENABLED' });
    client.destroy();
  });

  it('migrates a table of schema 1 (ALL-projected list indexes) in place, keeping its items, and says so', { timeout: 120_000 }, async () => {
    // Its own in-memory DynamoDB Local: rebuilding indexes on the run's shared one, which holds
    // every other file's tables, takes minutes on two cores (Local's index work is not per table).
    const own = await startDynamoDbLocal({ dataDir: join(tmpdir(), 'tf-schema1'), port: await freePort(), inMemory: true });
    try {
      await migrateSchema1(localDynamoClient(own.endpoint));
    } finally {
      await own.stop();
    }
  });

  async function migrateSchema1(client: ReturnType<typeof localDynamoClient>) {
    const table = uniqueTable('schema1');
    const attributes = [...new Set(['pk', 'sk', ...GLOBAL_SECONDARY_INDEXES.flatMap((i) => [i.partitionKey, i.sortKey])])];
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributes.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: GLOBAL_SECONDARY_INDEXES.map((i) => ({
          IndexName: i.name,
          KeySchema: [
            { AttributeName: i.partitionKey, KeyType: 'HASH' },
            { AttributeName: i.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    const all = GLOBAL_SECONDARY_INDEXES[0]!;
    const item = { pk: { S: 'T#t1#TK#1' }, sk: { S: 'TICKET' }, [all.partitionKey]: { S: 'T#t1#TICKETS' }, [all.sortKey]: { S: '2026#1' } };
    await client.send(new PutItemCommand({ TableName: table, Item: item }));
    const lines: string[] = [];
    await ensureTable(client, table, (line) => lines.push(line));
    expect(lines.join('\n')).toMatch(/migrating it to schema 2/);

    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    expect(new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => `${i.IndexName} ${i.Projection?.ProjectionType}`))).toEqual(
      new Set(GLOBAL_SECONDARY_INDEXES.map((i) => `${i.name} KEYS_ONLY`)),
    );
    const found = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: all.name,
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': all.partitionKey },
        ExpressionAttributeValues: { ':p': { S: 'T#t1#TICKETS' } },
      }),
    );
    expect(found.Items?.map((i) => i.pk?.S)).toEqual(['T#t1#TK#1']);
    lines.length = 0;
    await ensureTable(client, table, (line) => lines.push(line));
    expect(lines).toEqual([]);
    client.destroy();
  }

  it('supports TransactWriteItems with ReturnConsumedCapacity and reports cancellations', async () => {
    const client = localDynamoClient(endpoint);
    const table = uniqueTable('tx');
    await ensureTable(client, table);
    const put = (sk: string) => ({
      Put: {
        TableName: table,
        Item: { pk: { S: 'T#t1#TK#1' }, sk: { S: sk } },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });

    const res = await client.send(new TransactWriteItemsCommand({ TransactItems: [put('TICKET'), put('H#1')], ReturnConsumedCapacity: 'TOTAL' }));
    expect(res.ConsumedCapacity?.[0]?.TableName).toBe(table);
    expect(res.ConsumedCapacity?.[0]?.CapacityUnits).toBeGreaterThan(0);

    // Same items again: the conditions fail and the SDK names which ones.
    const error = await client.send(new TransactWriteItemsCommand({ TransactItems: [put('TICKET'), put('H#2')] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect((error as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual(['ConditionalCheckFailed', 'None']);
    client.destroy();
  });
});
