import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Region used by every local SDK client (nothing leaves the machine; it only has to be consistent). */
export const LOCAL_REGION = 'eu-west-1';

/**
 * One fixed key pair for every local client. DynamoDB Local without -sharedDb keeps a
 * separate database per access key + region, so a second key pair would silently see
 * an empty database.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}
