/**
 * The composition root: clients, adapters and use-case dependencies are created
 * once per process (Lambda cold start, or once for the whole local runtime).
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { monotonicFactory } from 'ulid';
import { loadConfig } from './config';
import type { IdGenerator } from './domain/ports';
import { tracer } from './observability/tracer';
import { platformClock } from './time/platform-clock';
import type { LifecycleDeps } from './lifecycle/ticket-lifecycle';
import { ENV } from './config-names';
import { DynamoTimerRegistry } from './store/dynamo-timer-registry';
import { EventBridgeTimerScheduler } from './timers/eventbridge-timer-scheduler';
import type { TimerDeps } from './timers/sync-timers';
import { SfnWorkflowEngine } from './lifecycle/sfn-workflow-engine';
import { documentClient, type CapacityListener } from './store/dynamo-client';
import { DynamoIdempotencyStore } from './store/dynamo-idempotency-store';
import { DynamoLifecycleRegistry } from './store/dynamo-lifecycle-registry';
import { DynamoSettingsStore, DynamoUserDirectory } from './store/dynamo-tenant-stores';
import { DynamoTicketStore } from './store/dynamo-ticket-store';
import type { TicketDeps } from './tickets/deps';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { MailDeps } from './mail/outbound/send-notification';
import { SesMailSender } from './mail/ses-mail-sender';
import { DynamoMailLedger } from './store/dynamo-mail-ledger';
import { meterConsumedCapacity } from './store/consumed-capacity-meter';
import { DynamoUsageStore } from './store/dynamo-usage-store';
import { countInvocation, meterUsageInto } from './usage/invocation-meter';
import type { CounterDelta } from './usage/counters';
import type { UsageStore } from './usage/usage-ports';
import { logger } from './observability/logger';
import { DynamoInboundMailLog, DynamoMailboxRegistry } from './store/dynamo-inbound-mail';
import type { ReceiveMailDeps } from './mail/inbound/receive-mail';
import { rawMailStore, type RawMailStore } from './mail/raw-mail-store';

export const config = loadConfig();

const db = documentClient(config.dynamoEndpoint ? { endpoint: config.dynamoEndpoint } : {}, (client) => tracer.captureAWSv3Client(client));

/** Listeners for consumed capacity (usage metering, benchmarks) register here. */
const capacityListeners: CapacityListener[] = [];
export const onConsumedCapacity = (listener: CapacityListener) => capacityListeners.push(listener);
const meter: CapacityListener = (use) => capacityListeners.forEach((l) => l(use));

const systemClock = platformClock;

/**
 * Usage metering (CONTRACT 8), where configured: the DynamoDB client measures every
 * call's consumed capacity for the invocation's tenant, and each invocation's counters
 * are flushed into the usage store (shared/usage/invocation-meter.ts).
 */
const usageStore: UsageStore | undefined = config.meterUsage ? new DynamoUsageStore(db, config.tableName, systemClock) : undefined;
if (usageStore) {
  meterConsumedCapacity(db, (kind, units) => countInvocation(kind === 'read' ? { dynamoReadUnits: units } : { dynamoWriteUnits: units }));
  meterUsageInto(usageStore, (error) => logger.error('usage not counted', { error: (error as Error).name }));
}
/** The usage store where metering is on (the usage route, the stream consumer). */
export const usage = usageStore;

/**
 * The port for counters measured outside a request, e.g. mail:
 * `countUsage(tenant, month, { emailsSent: 1 }, messageId)` adds once per id (false: counted before).
 */
export const countUsage = (tenantId: string, month: string, delta: CounterDelta, idempotencyId: string): Promise<boolean> =>
  usageStore ? usageStore.countUsage(tenantId, month, delta, idempotencyId) : Promise.resolve(false);
const nextUlid = monotonicFactory();
const ids: IdGenerator = { next: () => nextUlid() };

const tickets = new DynamoTicketStore(db, config.tableName, meter);
const settings = new DynamoSettingsStore(db, config.tableName, meter);

/** The lifecycle exists where a state machine is configured (always in AWS and in `npm start`). */
const lifecycleDeps: LifecycleDeps | undefined = config.stateMachineArn
  ? {
      tickets,
      settings,
      registry: new DynamoLifecycleRegistry(db, config.tableName, meter),
      engine: new SfnWorkflowEngine(
        tracer.captureAWSv3Client(new SFNClient(config.sfnEndpoint ? { endpoint: config.sfnEndpoint } : {})),
        config.stateMachineArn,
      ),
      clock: systemClock,
    }
  : undefined;

/** Timers exist where a schedule group is configured (always in AWS and in `npm start`). */
const timerDeps: TimerDeps | undefined = config.schedules
  ? {
      tickets,
      settings,
      scheduler: new EventBridgeTimerScheduler(
        tracer.captureAWSv3Client(new SchedulerClient(config.schedulerEndpoint ? { endpoint: config.schedulerEndpoint } : {})),
        config.schedules,
      ),
      registry: new DynamoTimerRegistry(db, config.tableName, meter),
      clock: systemClock,
    }
  : undefined;

export const deps: TicketDeps = {
  tickets,
  settings,
  users: new DynamoUserDirectory(db, config.tableName, meter),
  clock: systemClock,
  ids,
};

export const idempotency = new DynamoIdempotencyStore(db, config.tableName, meter);

/** Where bounced and complained addresses are recorded (the SES feedback function) and checked (the mailer). */
export const mailLedger = new DynamoMailLedger(db, config.tableName, meter);

/** Mail out exists where it is declared (`MAIL_OUT=ses`: in AWS and in `npm start`). */
const mailDeps: MailDeps | undefined = config.mail
  ? {
      tickets,
      settings,
      users: deps.users,
      ledger: mailLedger,
      sender: new SesMailSender(tracer.captureAWSv3Client(new SESv2Client(config.mail.sesEndpoint ? { endpoint: config.mail.sesEndpoint } : {})), {
        configurationSet: config.mail.configurationSet,
        messageIdDomain: config.mail.messageIdDomain,
      }),
      clock: systemClock,
      sendConfirmationMs: config.mail.sendConfirmationMs,
      // one mail, one count: the event and recipient are the idempotency id
      onSent: async (tenantId, eventId, recipient) => {
        await countUsage(tenantId, systemClock.now().toISOString().slice(0, 7), { emailsSent: 1 }, `mail:${eventId}:${recipient}`);
      },
    }
  : undefined;

/** For the change follower, which mails notifications: fails the cold start where mail out is not configured. */
export function requireMailOut(): MailDeps {
  if (!mailDeps) throw new Error(`${ENV.mailOut} is not configured`);
  return mailDeps;
}

/**
 * For functions that drive the lifecycle (its own tasks, the change follower, the
 * timer, the workflow routes): called at module scope, so a function deployed without
 * the state machine fails its cold start instead of silently doing nothing.
 */
export function requireLifecycle(): LifecycleDeps {
  if (!lifecycleDeps) throw new Error(`${ENV.stateMachineArn} is not configured`);
  return lifecycleDeps;
}

/** For functions that keep schedules (the change follower, the timer, repair); fails the cold start without them. */
export function requireTimers(): TimerDeps {
  if (!timerDeps) throw new Error(`${ENV.scheduleGroup}, ${ENV.timerTargetArn}, ${ENV.schedulerRoleArn} and ${ENV.timerDeadLetterArn} are not configured`);
  return timerDeps;
}

/** Which tenant receives a support address's mail: claimed when an admin sets `supportAddress` (the settings routes). */
export const mailboxes = new DynamoMailboxRegistry(db, config.tableName, meter);

/** For the inbound-mail function (`MAIL_IN` declared: s3 in AWS, folder locally); fails the cold start without it. */
export function requireMailIn(): ReceiveMailDeps & { readonly raw: RawMailStore } {
  if (!config.mailIn) throw new Error(`${ENV.mailIn} is not configured`);
  return {
    ...deps,
    mailboxes,
    inbound: new DynamoInboundMailLog(db, config.tableName, meter),
    secrets: new DynamoMailLedger(db, config.tableName, meter),
    raw: rawMailStore(config.mailIn),
    onReceived: async (tenantId, messageKey) => {
      await countUsage(tenantId, systemClock.now().toISOString().slice(0, 7), { emailsReceived: 1 }, `mail-in:${messageKey}`);
    },
  };
}
