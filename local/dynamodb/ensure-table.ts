/**
 * Creates the single table locally from the same design module the CDK stack uses,
 * so the local table and the deployed one cannot drift apart.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { GLOBAL_SECONDARY_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/store/table-design';

export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
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

  // A persisted local table from an older design would fail later with a confusing
  // "index not found"; say what is wrong now instead.
  table = await describe(client, tableName);
  const present = new Set((table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  const missing = GLOBAL_SECONDARY_INDEXES.filter((i) => !present.has(i.name)).map((i) => i.name);
  if (missing.length > 0) {
    throw new Error(`Table ${tableName} exists but lacks GSI(s) ${missing.join(', ')}; delete the local data directory to recreate it.`);
  }
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
    GlobalSecondaryIndexes: GLOBAL_SECONDARY_INDEXES.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
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
