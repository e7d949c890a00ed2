import { z } from 'zod';
import { ENV } from './config-names';

const ConfigSchema = z.object({
  [ENV.tableName]: z.string().min(1),
  [ENV.dynamoEndpoint]: z.url().optional(),
  [ENV.stateMachineArn]: z.string().startsWith('arn:').optional(),
  [ENV.sfnEndpoint]: z.url().optional(),
});

export interface Config {
  readonly tableName: string;
  /** Set only by the local runtime (DynamoDB Local); absent in AWS. */
  readonly dynamoEndpoint: string | undefined;
  readonly stateMachineArn: string | undefined;
  readonly sfnEndpoint: string | undefined;
}

/** Read once at cold start; a missing resource name fails the cold start, never a request. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid configuration: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return {
    tableName: parsed.data[ENV.tableName],
    dynamoEndpoint: parsed.data[ENV.dynamoEndpoint],
    stateMachineArn: parsed.data[ENV.stateMachineArn],
    sfnEndpoint: parsed.data[ENV.sfnEndpoint],
  };
}
