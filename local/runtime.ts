import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV } from '../shared/config-names';
import { DEMO_FINANCE, DEMO_TENANT, DEMO_USERS, ensureDemoTenant } from './demo-tenant';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb/dynamodb-local';
import { ensureTable } from './dynamodb/ensure-table';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient } from './local-aws';
import { LocalGateway } from './local-gateway';
import { LocalTokenIssuer, TokenRequest } from './local-tokens';
import { LocalStepFunctions } from './stepfunctions';
import { LocalScheduler } from './scheduler';
import { ClockRefused, LocalClock } from './local-clock';
import { ClockMoveBody, localProblem, parseLocalBody } from './local-routes';
import { platformClock } from '../shared/time/platform-clock';
import { LIFECYCLE_ASL, LIFECYCLE_FUNCTIONS, LIFECYCLE_STATE_MACHINE_NAME } from '../shared/lifecycle/lifecycle-functions';
import { CHANGE_FILTERS } from '../shared/store/table-design';
import { CHANGE_FOLLOWER, TIMER_FUNCTION } from '../shared/function-manifest';
import { LocalStreamPoller, type StreamHandler } from './streams/local-stream-poller';
import { LocalServices } from './local-service';
import { MAIL_FEEDBACK, MAIL_RECEIVER } from '../shared/function-manifest';
import { startSmtpListener, type SesReceiptHandler } from './mail/smtp-listener';
import { startSesEventPublisher } from './mail/ses-event-publisher';
import type { TimerPayload } from '../shared/domain/ports';
import type { AddressInfo } from 'node:net';
import type { SNSEvent } from 'aws-lambda';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface RuntimeOptions {
  /** Where DynamoDB data and the token secret live (default `.ticketflow/`). */
  readonly dataDir: string;
  readonly apiPort: number;
  readonly dynamoPort: number;
  /** The Step Functions API (`TICKETFLOW_SFN_PORT`, default 8083); 0 picks a free one. */
  readonly sfnPort?: number;
  /** The EventBridge Scheduler API (`TICKETFLOW_SCHEDULER_PORT`, default 8084); 0 picks a free one. */
  readonly schedulerPort?: number;
  /** The SES emulator, the outbox (`TICKETFLOW_SES_PORT`, default 8005); 0 picks a free one. */
  readonly sesPort?: number;
  /** Inbound mail over SMTP (`TICKETFLOW_SMTP_PORT`, default 2525); 0 picks a free one. */
  readonly smtpPort?: number;
  /** Use an already running DynamoDB (tests share one per run) instead of starting one. */
  readonly dynamoEndpoint?: string;
  readonly tableName?: string;
  readonly seedDemo?: boolean;
}

export interface LocalRuntime {
  readonly apiUrl: string;
  readonly dynamoEndpoint: string;
  readonly sfnEndpoint: string;
  readonly tableName: string;
  readonly stepFunctions: LocalStepFunctions;
  readonly scheduler: LocalScheduler;
  readonly schedulerEndpoint: string;
  /** The SES v2 emulator: notifications go here; `GET <sesEndpoint>/store` lists them. */
  readonly sesEndpoint: string;
  /** Inbound mail: SMTP on 127.0.0.1, handed to the ReceiveMail handler as an SES receipt event. */
  readonly smtpPort: number;
  readonly smtpEndpoint: string;
  readonly clock: LocalClock;
  /** The table's stream, feeding the change follower as the AWS event source mapping does. */
  readonly stream: LocalStreamPoller;
  readonly tokens: LocalTokenIssuer;
  /**
   * Resolves when everything committed so far has had its effects: the stream is drained
   * and no execution is mid-step (and what they wrote in turn is drained too).
   */
  settled(): Promise<void>;
  readonly demoCreated: boolean;
  stop(): Promise<void>;
}

/**
 * Brings up the whole local system on 127.0.0.1: DynamoDB Local, the table,
 * the gateway with every route's real handler, and the demo tenant.
 */
export async function startLocalRuntime(options: RuntimeOptions): Promise<LocalRuntime> {
  mkdirSync(options.dataDir, { recursive: true });
  const services = new LocalServices();
  let dynamo: DynamoDbLocal | undefined;
  const endpoint =
    options.dynamoEndpoint ?? (dynamo = await startDynamoDbLocal({ dataDir: join(options.dataDir, 'dynamodb'), port: options.dynamoPort })).endpoint;
  const tableName = options.tableName ?? 'ticketflow';
  const dynamoClient = localDynamoClient(endpoint);
  services.add({
    name: 'dynamodb',
    health: async () => (await dynamoClient.send(new DescribeTableCommand({ TableName: tableName })), 'ok'),
    stop: async () => dynamo?.stop(),
  });
  try {
    await ensureTable(dynamoClient, tableName);
    // The port must be known before the handlers' SFN client is configured (and before
    // resumed executions call them), so a free one is picked up front when asked for 0.
    const sfnPort = options.sfnPort || (options.sfnPort === 0 ? await pickFreePort() : 8083);
    const sfnEndpoint = `http://127.0.0.1:${sfnPort}`;
    const schedulerPort = options.schedulerPort || (options.schedulerPort === 0 ? await pickFreePort() : 8084);
    const schedulerEndpoint = `http://127.0.0.1:${schedulerPort}`;
    const sesPort = options.sesPort || (options.sesPort === 0 ? await pickFreePort() : 8005);
    const sesEndpoint = `http://127.0.0.1:${sesPort}`;
    // Work that arrives outside a request (inbound mail over SMTP, SES's Send events): settled()
    // waits for it too, and what it wrote is read off the stream at once.
    const delivering = new Set<Promise<unknown>>();
    let afterDelivery = () => {};
    const track = <T>(work: Promise<T>): Promise<T> => {
      delivering.add(work);
      return work.finally(() => {
        delivering.delete(work);
        afterDelivery();
      });
    };
    const ses = await startSesEmulator(await pickFreePort());
    // The emulator behind the configuration set's event destination stand-in (Send events → RecordMailFeedback).
    const sesEvents = await startSesEventPublisher({
      port: sesPort,
      emulator: `http://127.0.0.1:${(ses.address() as AddressInfo).port}`,
      sentLog: join(options.dataDir, 'mail', 'outbound', 'sent.jsonl'),
      deliver: async (event) => ((await import(resolve(PROJECT_ROOT, MAIL_FEEDBACK.entry))) as { handler: (e: SNSEvent) => Promise<unknown> }).handler(event),
      track,
      log: (line) => console.error(line),
    });
    services.add({
      name: 'ses',
      health: async () => ((await fetch(`${sesEndpoint}/health-check`)).ok ? 'ok' : 'down'),
      stop: async () => {
        sesEvents.server.closeAllConnections();
        await new Promise<void>((done) => sesEvents.server.close(() => done()));
        await new Promise<void>((done) => ses.close(() => done()));
      },
    });
    // The clock first: it restores its offset before anything reads the time.
    const clock = new LocalClock(
      join(options.dataDir, 'clock.json'),
      () => [timers, sfn],
      () => settled(),
    );
    // The handlers read their configuration once, at import: set it before anything imports them.
    Object.assign(process.env, {
      [ENV.tableName]: tableName,
      [ENV.dynamoEndpoint]: endpoint,
      [ENV.stateMachineArn]: LOCAL_STATE_MACHINE_ARN,
      [ENV.sfnEndpoint]: sfnEndpoint,
      [ENV.scheduleGroup]: LOCAL_SCHEDULE_GROUP,
      [ENV.timerTargetArn]: LOCAL_TIMER_ARN,
      [ENV.schedulerRoleArn]: `arn:aws:iam::000000000000:role/ticketflow-scheduler`,
      [ENV.timerDeadLetterArn]: `arn:aws:sqs:${LOCAL_REGION_ACCOUNT}:ticketflow-timers-dlq`,
      [ENV.schedulerEndpoint]: schedulerEndpoint,
      // Notifications go out as in AWS, through SES v2, to the emulator (it keeps our Message-ID).
      [ENV.mailOut]: 'ses',
      [ENV.sesEndpoint]: sesEndpoint,
      // As in AWS, mail goes out with a configuration set, whose Send events record each mail.
      [ENV.sesConfigurationSet]: 'ticketflow-notifications',
      // The local stand-in publishes a Send event before SES answers: a short wait is plenty.
      [ENV.sesSendConfirmationSeconds]: '2',
      // Inbound mail: the SMTP listener keeps each raw message in this folder (S3 in AWS).
      [ENV.mailIn]: 'folder',
      [ENV.inboundMailDir]: join(options.dataDir, 'mail', 'inbound'),
      // Usage per tenant (CONTRACT 8) is counted locally as in AWS: GET /v1/usage shows it.
      [ENV.meterUsage]: 'true',
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      // Metrics are published to CloudWatch in AWS; locally they would only be console noise.
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    const tokens = LocalTokenIssuer.fromFile(join(options.dataDir, 'jwt-secret'));
    const { deps } = await import('../shared/wiring');
    const { mailboxes } = await import('../shared/wiring/mailboxes');
    // The same ASL file CDK deploys, with the lifecycle tasks mapped to the same handler modules.
    const stepFunctions = await LocalStepFunctions.create({
      dataDir: join(options.dataDir, 'stepfunctions'),
      clock: platformClock,
      stateMachines: [{ arn: LOCAL_STATE_MACHINE_ARN, name: LIFECYCLE_STATE_MACHINE_NAME, definition: localLifecycleDefinition() }],
      lambdas: Object.fromEntries(
        LIFECYCLE_FUNCTIONS.map((fn) => [
          localFunctionArn(fn.id),
          async (payload: unknown) => ((await import(resolve(PROJECT_ROOT, fn.entry))) as { handler: (p: unknown) => Promise<unknown> }).handler(payload),
        ]),
      ),
    });
    const sfn = stepFunctions;
    services.add({
      name: 'stepfunctions',
      health: async () => {
        const answer = await fetch(sfnEndpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' },
          body: '{}',
        });
        if (!answer.ok) throw new Error('step functions');
        return 'ok';
      },
      // Waiting executions stay checkpointed and resume on the next start.
      stop: () => sfn.close(),
    });
    await sfn.listen(sfnPort);
    // Schedules fire the same timer handler CDK deploys, by the local clock.
    const scheduler = new LocalScheduler({
      dataDir: join(options.dataDir, 'scheduler'),
      clock: platformClock,
      scheduleGroups: [LOCAL_SCHEDULE_GROUP],
      // One ticket's timers fire in order; different tickets' side by side.
      orderingKey: ({ input }) => timerTicketOf(input),
      targets: {
        [LOCAL_TIMER_ARN]: async (input: unknown) =>
          ((await import(resolve(PROJECT_ROOT, TIMER_FUNCTION.entry))) as { handler: (p: unknown) => Promise<unknown> }).handler(input),
      },
    });
    const timers = scheduler;
    services.add({
      name: 'scheduler',
      health: async () => {
        if (!(await fetch(`${schedulerEndpoint}/schedule-groups/${LOCAL_SCHEDULE_GROUP}`)).ok) throw new Error('scheduler');
        return 'ok';
      },
      // Pending schedules are kept and fire on the next start.
      stop: () => timers.close(),
    });
    await timers.listen(schedulerPort);
    // The table's stream drives every effect of a committed change, through the same
    // handler (and the same record filter) as the AWS event source mapping.
    const changes = new LocalStreamPoller({
      dynamo: localDynamoClient(endpoint),
      endpoint,
      tableName,
      dataDir: join(options.dataDir, 'stream'),
      filters: CHANGE_FILTERS,
      handler: async (event) => ((await import(resolve(PROJECT_ROOT, CHANGE_FOLLOWER.entry))) as { handler: StreamHandler }).handler(event),
      log: (line) => console.error(line),
    });
    // Send events a kill cut off reach the ledger before the stream retries their mail (as SNS retries).
    await sesEvents.redeliver();
    afterDelivery = () => changes.kick();
    await changes.start();
    services.add({ name: 'stream', health: async () => changes.health(), stop: () => changes.stop() });
    const settled = async () => {
      for (;;) {
        while (delivering.size) await Promise.allSettled([...delivering]);
        await changes.drain();
        await sfn.idle();
        // a mail sent meanwhile has its Send event in flight
        if ((await changes.drain()) === 0 && delivering.size === 0) return;
      }
    };
    const demoCreated = options.seedDemo === false ? false : await ensureDemoTenant({ ...deps, mailboxes });
    const gateway = new LocalGateway(PROJECT_ROOT, tokens, () => changes.kick(), {
      'POST /_local/token': async (_req, body) => {
        const parsed = parseLocalBody(body, TokenRequest);
        if ('problem' in parsed) return parsed.problem;
        return { status: 200, body: { token: await tokens.sign(parsed.value) } };
      },
      'GET /_local/clock': async () => ({ status: 200, body: { now: clock.now().toISOString(), frozen: clock.frozen } }),
      'POST /_local/clock': async (_req, body) => {
        const parsed = parseLocalBody(body, ClockMoveBody);
        if ('problem' in parsed) return parsed.problem;
        try {
          const now = await clock.move(parsed.value);
          return { status: 200, body: { now: now.toISOString(), frozen: clock.frozen } };
        } catch (error) {
          if (error instanceof ClockRefused) return localProblem(error.status, error.status === 422 ? 'Refused' : 'Invalid request', error.message);
          throw error;
        }
      },
      'GET /_local/health': async () => {
        const health = await services.health();
        if (health.ok) return { status: 200, body: { status: 'ok', components: { api: 'ok', ...health.components } } };
        return localProblem(503, 'Unavailable', `A local component does not answer: ${health.failing.join(', ')}.`);
      },
    });
    await gateway.warm();
    const port = await gateway.listen(options.apiPort);
    services.add({ name: 'api', health: async () => 'ok', stop: () => gateway.close() });
    const smtp = await startSmtpListener({
      dir: join(options.dataDir, 'mail', 'inbound'),
      port: options.smtpPort ?? 2525,
      handler: async (event) => ((await import(resolve(PROJECT_ROOT, MAIL_RECEIVER.entry))) as { handler: SesReceiptHandler }).handler(event),
      track,
      log: (line) => console.error(line),
    });
    services.add({ name: 'smtp', health: async () => 'ok', stop: () => smtp.stop() });
    return {
      apiUrl: `http://127.0.0.1:${port}`,
      dynamoEndpoint: endpoint,
      sfnEndpoint,
      tableName,
      stepFunctions: sfn,
      scheduler: timers,
      schedulerEndpoint,
      sesEndpoint,
      smtpPort: smtp.port,
      smtpEndpoint: smtp.endpoint,
      clock,
      stream: changes,
      settled,
      tokens,
      demoCreated,
      stop: () => services.stop(),
    };
  } catch (error) {
    // Whatever started before the failure.
    await services.stop();
    throw error;
  }
}

/** The ticket a timer schedule's input names (shared/timers: TimerPayload), or the whole input. */
function timerTicketOf(input: string | undefined): string {
  try {
    const payload = JSON.parse(input ?? '') as Partial<TimerPayload>;
    return `${payload.tenantId}/${payload.ticketId}`;
  } catch {
    return input ?? '';
  }
}

const LOCAL_REGION_ACCOUNT = `${LOCAL_REGION}:000000000000`;
export const LOCAL_STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION_ACCOUNT}:stateMachine:${LIFECYCLE_STATE_MACHINE_NAME}`;
export const LOCAL_SCHEDULE_GROUP = 'ticketflow-timers';
const LOCAL_TIMER_ARN = `arn:aws:lambda:${LOCAL_REGION_ACCOUNT}:function:ticketflow-FireTimer`;
const localFunctionArn = (id: string) => `arn:aws:lambda:${LOCAL_REGION_ACCOUNT}:function:ticketflow-${id}`;

/** The ASL with the same substitutions CDK makes, pointing at local function ARNs. */
function localLifecycleDefinition(): object {
  let text = readFileSync(join(PROJECT_ROOT, LIFECYCLE_ASL), 'utf8');
  for (const fn of LIFECYCLE_FUNCTIONS) text = text.replaceAll(`\${${fn.placeholder}}`, localFunctionArn(fn.id));
  if (text.includes('${')) throw new Error(`${LIFECYCLE_ASL} has a placeholder the local runtime does not know`);
  return JSON.parse(text) as object;
}

function pickFreePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => ok(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export { DEMO_FINANCE, DEMO_TENANT, DEMO_USERS };

/** aws-ses-v2-local on 127.0.0.1 only (it binds to every interface unless told). */
async function startSesEmulator(port: number): Promise<Server> {
  type Start = (c: { host: string; port: number }) => Promise<Server>;
  // CommonJS from ESM: plain Node nests the export one level deeper than tsx does.
  const mod = (await import('aws-ses-v2-local')) as unknown as { default: Start | { default: Start } };
  const start = typeof mod.default === 'function' ? mod.default : mod.default.default;
  return start({ host: '127.0.0.1', port });
}
