/**
 * vitest globalSetup: one in-memory DynamoDB Local per test run (a JVM start costs
 * ~1-2 s, far too much per file). Tests read the endpoint with `inject('dynamoEndpoint')`
 * or, from code that cannot import vitest, `process.env.TEST_DYNAMODB_ENDPOINT`.
 * Tests should use their own table names so files can run in parallel.
 */
import { tmpdir } from 'node:os';
// Brings 'vitest' into the program so the augmentation below resolves (tsc 7 reports TS2664 otherwise).
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb/dynamodb-local';
import { freePort } from './free-port';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

// globalSetup runs in vitest's main process, where test.env does not apply.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default async function setup({ provide }: Pick<TestProject, 'provide'>): Promise<() => Promise<void>> {
  // dataDir is unused with inMemory, but the option is required.
  const ddb = await startDynamoDbLocal({ dataDir: tmpdir(), port: await freePort(), inMemory: true });
  provide('dynamoEndpoint', ddb.endpoint);
  // Workers inherit the env of the main process, which is where globalSetup runs.
  process.env.TEST_DYNAMODB_ENDPOINT = ddb.endpoint;
  return async () => {
    await ddb.stop();
  };
}
