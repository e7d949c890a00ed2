import { DynamoDBClient, type ConsumedCapacity, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function documentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export interface CapacityUse {
  readonly operation: string;
  readonly kind: 'read' | 'write';
  readonly units: number;
}

/** Every adapter asks for consumed capacity and hands it here: usage metering and the benchmark read it. */
export type CapacityListener = (use: CapacityUse) => void;

export const ignoreCapacity: CapacityListener = () => {};

/**
 * Normalises DynamoDB's ConsumedCapacity (one or a list, per table). DynamoDB
 * Local reports only `CapacityUnits`, so the caller says which kind it consumed.
 */
export function reportCapacity(
  listener: CapacityListener,
  operation: string,
  kind: CapacityUse['kind'],
  consumed: ConsumedCapacity[] | ConsumedCapacity | undefined,
): void {
  const items = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
  const units = items.reduce((sum, c) => sum + (c.CapacityUnits ?? (c.ReadCapacityUnits ?? 0) + (c.WriteCapacityUnits ?? 0)), 0);
  listener({ operation, kind, units });
}

/** Strips the storage attributes (keys, index keys) off an item. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (k !== 'pk' && k !== 'sk' && !k.startsWith('gsi') && k !== 'entity') out[k] = v;
  return out as T;
}

/** Opaque page cursors: base64url JSON of DynamoDB's LastEvaluatedKey. */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | null => (key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null);

/**
 * Decodes a cursor and checks that it continues the very partition being read,
 * so a forged or foreign cursor is a 400 and never another tenant's page.
 */
export function decodeCursor(cursor: string | null, expected: Readonly<Record<string, string | ((v: string) => boolean)>>): Record<string, string> | undefined {
  if (cursor === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return badCursor();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return badCursor();
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length !== Object.keys(expected).length) return badCursor();
  for (const [name, check] of Object.entries(expected)) {
    const value = (parsed as Record<string, unknown>)[name];
    if (typeof value !== 'string' || value.length > 1024) return badCursor();
    if (typeof check === 'string' ? value !== check : !check(value)) return badCursor();
  }
  return parsed as Record<string, string>;
}

export class InvalidCursor extends Error {
  constructor() {
    super('The cursor is not valid for this list.');
    this.name = 'InvalidCursor';
  }
}

const badCursor = (): never => {
  throw new InvalidCursor();
};
