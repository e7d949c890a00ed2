export type ScheduleState = 'ENABLED' | 'DISABLED';
export type ActionAfterCompletion = 'NONE' | 'DELETE';

/** The schedule's target as the API takes it; other templated-target parameters are kept as given. */
export interface StoredTarget {
  Arn: string;
  RoleArn: string;
  Input?: string;
  DeadLetterConfig?: { Arn?: string };
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  [templatedParameters: string]: unknown;
}

/** How the last run of a schedule ended (local bookkeeping, not in the API). */
export interface LastRun {
  /** When it fired, on the injected clock (epoch ms). */
  at: number;
  outcome: 'SUCCEEDED' | 'DEAD_LETTERED' | 'DROPPED';
  /** Target calls made (1 + retries). */
  attempts: number;
  errorCode?: string;
}

/** What is persisted per schedule (one JSON file). Times are epoch ms. */
export interface ScheduleRecord {
  v: 1;
  name: string;
  groupName: string;
  arn: string;
  scheduleExpression: string;
  scheduleExpressionTimezone?: string;
  /** The UTC instant the at() expression names. */
  dueAt: number;
  state: ScheduleState;
  actionAfterCompletion: ActionAfterCompletion;
  flexibleTimeWindow: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number };
  target: StoredTarget;
  startDate?: number;
  endDate?: number;
  description?: string;
  kmsKeyArn?: string;
  creationDate: number;
  lastModificationDate: number;
  /** The ClientToken of the CreateSchedule that made it: a repeat of that call is answered, not refused. */
  clientToken?: string;
  /** Creation order (ties between equal due times fire in this order); kept by updates. */
  seq: number;
  /** Bumped by every update; a run in progress only completes the revision it fired. */
  revision: number;
  /** Set once the one-time run is done (ActionAfterCompletion NONE): it never fires again unless updated. */
  completedAt?: number;
  lastRun?: LastRun;
}

export interface GroupRecord {
  name: string;
  arn: string;
  creationDate: number;
  lastModificationDate: number;
}

/**
 * A failed event, as AWS would put it on the dead-letter SQS queue: the body is the target
 * input, the rest mirrors the message attributes (ERROR_CODE, ERROR_MESSAGE,
 * EXHAUSTED_RETRY_CONDITION, RETRY_ATTEMPTS, SCHEDULE_ARN, TARGET_ARN).
 */
export interface DeadLetter {
  id: string;
  /** DeadLetterConfig.Arn (the SQS queue it would go to). */
  queueArn: string;
  scheduleArn: string;
  scheduleName: string;
  groupName: string;
  targetArn: string;
  /** Target.Input exactly as given (absent when the schedule had none). */
  body?: string;
  errorCode: string;
  errorMessage: string;
  /** Absent when the failure was not retried (no target registered for the Arn). */
  exhaustedRetryCondition?: 'MaximumRetryAttempts';
  /** Retries made after the first attempt. */
  retryAttempts: number;
  /** The schedule's due instant and the moment it was dead-lettered, on the injected clock (epoch ms). */
  dueAt: number;
  at: number;
}

/** Everything that is not a schedule (one JSON file). */
export interface MetaRecord {
  v: 1;
  groups: GroupRecord[];
  deadLetters: DeadLetter[];
  counters: Counters;
}

export interface Counters {
  /** Schedules fired (one per run, however many retries it took): what AWS bills. */
  scheduleInvocations: number;
  /** Target calls, retries included. */
  targetAttempts: number;
  /** Target calls that threw (or an unknown target). */
  targetErrors: number;
  /** Runs that ended on the dead-letter list. */
  deadLettered: number;
  /** Runs that failed without a DeadLetterConfig: lost, as in AWS. */
  dropped: number;
}

export const emptyCounters = (): Counters => ({ scheduleInvocations: 0, targetAttempts: 0, targetErrors: 0, deadLettered: 0, dropped: 0 });
