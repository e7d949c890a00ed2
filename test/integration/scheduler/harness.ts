/** Shared fixture for the local EventBridge Scheduler tests: a movable clock, recording targets, a service. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CreateScheduleCommandInput, SchedulerClient } from '@aws-sdk/client-scheduler';
import { LocalScheduler, type LocalSchedulerOptions, type TargetHandler } from '../../../local/scheduler';
import { FakeClock } from '../../support/fake-clock';

export const REGION = 'eu-west-1';
export const ACCOUNT = '000000000000';
export const GROUP = 'ticketflow-timers';
export const SLA_FN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ticketflow-sla-breach`;
export const REMINDER_FN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ticketflow-reminder`;
export const FAILING_FN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ticketflow-failing`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ticketflow-scheduler`;
export const DLQ_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:ticketflow-scheduler-dlq`;

export { FakeClock };

export interface Call {
  readonly target: string;
  readonly input: unknown;
  /** The fake clock when the target was called. */
  readonly at: string;
}

/** The "product" side: Lambda stand-ins that record their calls; one of them always throws. */
export class World {
  readonly calls: Call[] = [];
  /** Start/end marks of each call, to prove calls never overlap. */
  readonly trace: string[] = [];
  /** Real-time delay of each successful call (ms). */
  delayMs = 0;
  failingCalls = 0;

  constructor(private readonly clock: FakeClock) {}

  targets(): Record<string, TargetHandler> {
    const record =
      (target: string): TargetHandler =>
      async (input) => {
        const label = (input as { label?: string })?.label ?? '?';
        this.trace.push(`start ${label}`);
        if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
        this.calls.push({ target, input, at: this.clock.now().toISOString() });
        this.trace.push(`end ${label}`);
        return { ok: true };
      };
    return {
      [SLA_FN]: record(SLA_FN),
      [REMINDER_FN]: record(REMINDER_FN),
      [FAILING_FN]: async () => {
        this.failingCalls += 1;
        const error = new Error('downstream unavailable');
        error.name = 'DownstreamError';
        throw error;
      },
    };
  }

  labels(): string[] {
    return this.calls.map((c) => (c.input as { label?: string })?.label ?? '?');
  }
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'local-scheduler-test-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface Started {
  readonly scheduler: LocalScheduler;
  /** The live targets map the service reads at each firing: tests may wrap a handler. */
  readonly targets: Record<string, TargetHandler>;
  readonly client: SchedulerClient;
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startScheduler(options: {
  world: World;
  clock: FakeClock;
  dataDir: string;
  overrides?: Partial<LocalSchedulerOptions>;
}): Promise<Started> {
  const targets = options.world.targets();
  const scheduler = new LocalScheduler({
    dataDir: options.dataDir,
    clock: options.clock,
    targets,
    scheduleGroups: [GROUP],
    region: REGION,
    accountId: ACCOUNT,
    retryDelayMs: 0,
    ...options.overrides,
  });
  const { endpoint } = await scheduler.listen(0);
  const client = new SchedulerClient({ endpoint, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  return {
    scheduler,
    targets,
    client,
    endpoint,
    close: async () => {
      client.destroy();
      await scheduler.close();
    },
  };
}

/** A schedule as the product creates it: one-time, DELETE after completion, Lambda target with DLQ. */
export function oneTime(
  name: string,
  at: string,
  extra: Partial<CreateScheduleCommandInput> & { label?: string; target?: string } = {},
): CreateScheduleCommandInput {
  const { label, target, ...rest } = extra;
  return {
    Name: name,
    GroupName: GROUP,
    ScheduleExpression: `at(${at})`,
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: target ?? SLA_FN,
      RoleArn: ROLE_ARN,
      Input: JSON.stringify({ kind: 'sla-breach', ticketId: name, label: label ?? name }),
      DeadLetterConfig: { Arn: DLQ_ARN },
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
    },
    ...rest,
  };
}

/** Resolves with the SDK error's name (`ConflictException`, `ResourceNotFoundException`…). */
export async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}
