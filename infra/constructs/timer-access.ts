import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * What a function needs to keep a ticket's schedules in line: the four values
 * shared/config.ts takes all together or not at all, which TicketFunction passes as
 * SCHEDULE_GROUP, TIMER_TARGET_ARN, SCHEDULER_ROLE_ARN and TIMER_DLQ_ARN, and the
 * rights of shared/timers/eventbridge-timer-scheduler.ts that go with them.
 */
export interface TimerAccess {
  /** SCHEDULE_GROUP; the schedule rights are on `schedule/<group>/*` only. */
  readonly scheduleGroupName: string;
  /** TIMER_TARGET_ARN: the timer function, every schedule's target. */
  readonly targetArn: string;
  /** SCHEDULER_ROLE_ARN: the only role the function may pass (to scheduler.amazonaws.com only). */
  readonly schedulerRoleArn: string;
  /** TIMER_DLQ_ARN: the schedules' dead-letter queue (no right needed: Scheduler's role sends to it). */
  readonly deadLetterQueueArn: string;
}

/** What EventBridgeTimerScheduler calls: create, update (a timer moved: create conflicted), delete. */
export const SCHEDULE_ACTIONS: readonly string[] = ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'];

/** `arn:…:scheduler:<region>:<account>:schedule/<group>/*`: every schedule of that one group. */
export function schedulesArn(scope: IConstruct, groupName: string): string {
  return Stack.of(scope).formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${groupName}/*` });
}

/** `arn:…:scheduler:<region>:<account>:schedule-group/<group>`. */
export function scheduleGroupArn(scope: IConstruct, groupName: string): string {
  return Stack.of(scope).formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: groupName });
}
