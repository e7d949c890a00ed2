/**
 * Creates the single table locally from the same design module the CDK stack uses,
 * so the local table and the deployed one cannot drift apart.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import {
  GLOBAL_SECONDARY_INDEXES,
  LIST_INDEX_PROJECTION,
  TABLE_KEYS,
  TABLE_SCHEMA_VERSION,
  TTL_ATTRIBUTE,
  type IndexDesign,
} from '../../shared/store/table-design';

export async function ensureTable(client: DynamoDBClient, tableName: string, log: (line: string) => void = console.log): Promise<void> {
  let table = await describe(client, tableName);
  if (!table) {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
      // Mirror the deployed table. DynamoDB Local accepts TTL but never deletes
      // expired items, so readers filter on TTL_ATTRIBUTE themselves.
      await waitActive(client, tableName);
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        }),
      );
    } catch (err) {
      // Someone else (another test worker, a second dev server) created it first: fine.
      if (!(err instanceof ResourceInUseException)) throw err;
    }
  }
  await waitActive(client, tableName);

  // A persisted local table from an older design (schema 1: ALL-projected list indexes)
  // is migrated in place: each index that differs is dropped and rebuilt from the items.
  table = await describe(client, tableName);
  const present = new Map((table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i]));
  const stale = GLOBAL_SECONDARY_INDEXES.filter((i) => {
    const found = present.get(i.name);
    return !found || found.Projection?.ProjectionType !== LIST_INDEX_PROJECTION || found.KeySchema?.[0]?.AttributeName !== i.partitionKey;
  });
  const extra = [...present.keys()].filter((name) => name && !GLOBAL_SECONDARY_INDEXES.some((i) => i.name === name));
  if (stale.length === 0 && extra.length === 0) return;
  log(
    `Table ${tableName} has list indexes of an older design; migrating it to schema ${TABLE_SCHEMA_VERSION} ` +
      `(${LIST_INDEX_PROJECTION} indexes: ${[...stale.map((i) => i.name), ...extra].join(', ')}). Items are kept; this runs once.`,
  );
  for (const name of [...extra, ...stale.filter((i) => present.has(i.name)).map((i) => i.name)]) {
    await client.send(new UpdateTableCommand({ TableName: tableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: name } }] }));
    await waitIndexes(client, tableName, (indexes) => !indexes.some((i) => i.IndexName === name));
  }
  for (const index of stale) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [index.partitionKey, index.sortKey].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
        GlobalSecondaryIndexUpdates: [{ Create: indexInput(index) }],
      }),
    );
    await waitIndexes(client, tableName, (indexes) => indexes.some((i) => i.IndexName === index.name && i.IndexStatus === 'ACTIVE'));
  }
  log(`Table ${tableName} is at schema ${TABLE_SCHEMA_VERSION}.`);
}

function indexInput(index: IndexDesign) {
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: LIST_INDEX_PROJECTION },
  };
}

async function waitIndexes(client: DynamoDBClient, tableName: string, done: (indexes: NonNullable<TableDescription['GlobalSecondaryIndexes']>) => boolean) {
  for (let i = 0; i < 600; i++) {
    if (done((await describe(client, tableName))?.GlobalSecondaryIndexes ?? [])) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Table ${tableName}: index migration did not finish in 120 s`);
}

function createTableInput(tableName: string): CreateTableCommandInput {
  const attributes = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey]);
  for (const index of GLOBAL_SECONDARY_INDEXES) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: GLOBAL_SECONDARY_INDEXES.map(indexInput),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return undefined;
    throw err;
  }
}

/** Waits for the table (and, on AWS, its GSIs, which are created with it) to be ACTIVE. */
async function waitActive(client: DynamoDBClient, tableName: string): Promise<void> {
  await waitUntilTableExists({ client, maxWaitTime: 120, minDelay: 1, maxDelay: 5 }, { TableName: tableName });
}
