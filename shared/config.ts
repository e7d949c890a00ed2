import * as z from 'zod';
import { ENV } from './config-names';

const ConfigSchema = z.object({
  [ENV.tableName]: z.string().min(1),
  [ENV.dynamoEndpoint]: z.url().optional(),
  [ENV.stateMachineArn]: z.string().startsWith('arn:').optional(),
  [ENV.sfnEndpoint]: z.url().optional(),
  [ENV.scheduleGroup]: z.string().min(1).optional(),
  [ENV.timerTargetArn]: z.string().startsWith('arn:').optional(),
  [ENV.schedulerRoleArn]: z.string().startsWith('arn:').optional(),
  [ENV.timerDeadLetterArn]: z.string().startsWith('arn:').optional(),
  [ENV.schedulerEndpoint]: z.url().optional(),
  [ENV.meterUsage]: z.enum(['true', 'false']).optional(),
  [ENV.mailOut]: z.enum(['ses', 'off']).optional(),
  [ENV.sesEndpoint]: z.url().optional(),
  [ENV.sesConfigurationSet]: z.string().min(1).optional(),
  [ENV.sesMessageIdDomain]: z.string().min(1).optional(),
  [ENV.sesSendConfirmationSeconds]: z
    .string()
    .regex(/^[1-9]\d{0,2}$/, 'whole seconds, 1–999')
    .optional(),
  [ENV.mailIn]: z.enum(['s3', 'folder', 'off']).optional(),
  [ENV.inboundMailBucket]: z.string().min(1).optional(),
  [ENV.inboundMailPrefix]: z.string().optional(),
  [ENV.inboundMailDir]: z.string().min(1).optional(),
});

export interface Config {
  readonly tableName: string;
  /** Set only by the local runtime (DynamoDB Local); absent in AWS. */
  readonly dynamoEndpoint: string | undefined;
  readonly stateMachineArn: string | undefined;
  readonly sfnEndpoint: string | undefined;
  /** All four or none: the timers are on only when the scheduler is fully configured. */
  readonly schedules: { groupName: string; targetArn: string; roleArn: string; deadLetterArn: string } | undefined;
  readonly schedulerEndpoint: string | undefined;
  /** Usage metering on (every deployed function with a table, and npm start); off in handler tests. */
  readonly meterUsage: boolean;
  /** Notifications by mail: declared, never inferred from which SES settings happen to be present. */
  readonly mail:
    | { sesEndpoint: string | undefined; configurationSet: string | undefined; messageIdDomain: string | null; sendConfirmationMs: number }
    | undefined;
  /** Where inbound raw mail is read from: declared (`MAIL_IN`), never inferred from which names are set. */
  readonly mailIn: { store: 's3'; bucket: string; prefix: string } | { store: 'folder'; dir: string } | undefined;
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
    schedules: schedulesFrom(parsed.data),
    schedulerEndpoint: parsed.data[ENV.schedulerEndpoint],
    meterUsage: parsed.data[ENV.meterUsage] === 'true',
    mail:
      parsed.data[ENV.mailOut] === 'ses'
        ? {
            sesEndpoint: parsed.data[ENV.sesEndpoint],
            configurationSet: parsed.data[ENV.sesConfigurationSet],
            messageIdDomain: parsed.data[ENV.sesMessageIdDomain] ?? null,
            sendConfirmationMs: Number(parsed.data[ENV.sesSendConfirmationSeconds] ?? 30) * 1000,
          }
        : undefined,
    mailIn: mailInFrom(parsed.data),
  };
}

function mailInFrom(env: Record<string, string | undefined>): Config['mailIn'] {
  const store = env[ENV.mailIn];
  if (store === 's3') {
    const bucket = env[ENV.inboundMailBucket];
    if (!bucket) throw new Error(`Invalid configuration: ${ENV.mailIn}=s3 needs ${ENV.inboundMailBucket}`);
    return { store, bucket, prefix: env[ENV.inboundMailPrefix] ?? '' };
  }
  if (store === 'folder') {
    const dir = env[ENV.inboundMailDir];
    if (!dir) throw new Error(`Invalid configuration: ${ENV.mailIn}=folder needs ${ENV.inboundMailDir}`);
    return { store, dir };
  }
  return undefined;
}

function schedulesFrom(env: Record<string, string | undefined>): Config['schedules'] {
  const [groupName, targetArn, roleArn, deadLetterArn] = [ENV.scheduleGroup, ENV.timerTargetArn, ENV.schedulerRoleArn, ENV.timerDeadLetterArn].map(
    (k) => env[k],
  );
  if (!groupName && !targetArn && !roleArn && !deadLetterArn) return undefined;
  if (!groupName || !targetArn || !roleArn || !deadLetterArn)
    throw new Error('Invalid configuration: the scheduler needs SCHEDULE_GROUP, TIMER_TARGET_ARN, SCHEDULER_ROLE_ARN and TIMER_DLQ_ARN together');
  return { groupName, targetArn, roleArn, deadLetterArn };
}
