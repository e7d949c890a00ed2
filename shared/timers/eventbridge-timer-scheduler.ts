import { CreateScheduleCommand, DeleteScheduleCommand, UpdateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import type { TimerPayload, TimerScheduler } from '../domain/ports';

export interface ScheduleTarget {
  readonly groupName: string;
  /** The timer Lambda the schedule invokes. */
  readonly targetArn: string;
  /** The role EventBridge Scheduler assumes to invoke it. */
  readonly roleArn: string;
  /** Where undeliverable invocations go. */
  readonly deadLetterArn: string;
}

/** at() takes whole seconds: round up, so a schedule never fires before its instant. */
export function atExpression(at: Date): string {
  const seconds = Math.ceil(at.getTime() / 1000) * 1000;
  return `at(${new Date(seconds).toISOString().slice(0, 19)})`;
}

/** One-time EventBridge Scheduler schedules that delete themselves after running. */
export class EventBridgeTimerScheduler implements TimerScheduler {
  constructor(
    private readonly scheduler: SchedulerClient,
    private readonly target: ScheduleTarget,
  ) {}

  async upsert(name: string, at: Date, payload: TimerPayload): Promise<void> {
    const schedule = {
      Name: name,
      GroupName: this.target.groupName,
      ScheduleExpression: atExpression(at),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' as const },
      ActionAfterCompletion: 'DELETE' as const,
      State: 'ENABLED' as const,
      Target: {
        Arn: this.target.targetArn,
        RoleArn: this.target.roleArn,
        Input: JSON.stringify(payload),
        DeadLetterConfig: { Arn: this.target.deadLetterArn },
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86_400 },
      },
    };
    try {
      await this.scheduler.send(new CreateScheduleCommand(schedule));
    } catch (error) {
      // It exists (a timer being moved): update it in place.
      if ((error as Error).name !== 'ConflictException') throw error;
      await this.scheduler.send(new UpdateScheduleCommand(schedule));
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await this.scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: this.target.groupName }));
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
  }
}
