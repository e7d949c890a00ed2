import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TIMER_FUNCTION } from '../../shared/function-manifest';
import { TicketFunction } from './ticket-function';
import { scheduleGroupArn, type TimerAccess } from './timer-access';

/** The EventBridge Scheduler schedule group of the ticket timers (the local runtime uses the same name). */
export const TIMER_SCHEDULE_GROUP_NAME = 'ticketflow-timers';
/**
 * A fixed name for the timer function: its own environment needs its ARN
 * (TIMER_TARGET_ARN: after firing it re-syncs the ticket's schedules, which target
 * itself), and a resource cannot refer to its own GetAtt.
 */
export const TIMER_FUNCTION_NAME = 'ticketflow-fire-timer';

export interface TicketTimersProps {
  readonly table: dynamodb.ITable;
  /** The schedule group (stateful stack), by its fixed name. */
  readonly scheduleGroupName: string;
  /** The schedules' dead-letter queue (stateful stack); also the timer function's own DLQ. */
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * The target side of the ticket timers: the timer function every schedule invokes and
 * the role EventBridge Scheduler assumes to invoke it. `access` is what each function
 * that syncs timers is given (TicketFunction `timers`).
 */
export class TicketTimers extends Construct {
  readonly function: TicketFunction;
  readonly schedulerRole: iam.Role;
  readonly access: TimerAccess;

  constructor(scope: Construct, id: string, props: TicketTimersProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const targetArn = stack.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: TIMER_FUNCTION_NAME,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    // Assumed by EventBridge Scheduler for the schedules of this account's timer group only
    // (confused-deputy protection: aws:SourceAccount, and aws:SourceArn = the schedule group).
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: `Assumed by EventBridge Scheduler for the ${props.scheduleGroupName} schedules: invoke the timer function, dead-letter to the timer DLQ`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: { 'aws:SourceArn': scheduleGroupArn(this, props.scheduleGroupName) },
        },
      }),
    });
    // Exactly what a schedule's target needs: invoke the (unqualified) timer function, and
    // put an undeliverable invocation into the DLQ. No grantSendMessages: that adds
    // GetQueueAttributes/GetQueueUrl, which Scheduler does not call.
    this.schedulerRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [targetArn] }));
    this.schedulerRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.deadLetterQueue.queueArn] }));

    this.access = {
      scheduleGroupName: props.scheduleGroupName,
      targetArn,
      schedulerRoleArn: this.schedulerRole.roleArn,
      deadLetterQueueArn: props.deadLetterQueue.queueArn,
    };

    this.function = new TicketFunction(this, TIMER_FUNCTION.id, {
      spec: TIMER_FUNCTION,
      functionName: TIMER_FUNCTION_NAME,
      table: props.table,
      timers: this.access,
      // EventBridge Scheduler invokes Lambda asynchronously (InvocationType Event): its retry
      // policy and DeadLetterConfig only cover *delivery* (throttling, missing function, no
      // permission). Once Lambda has accepted the event, a handler error is retried by Lambda
      // (2 retries by default) and then dropped unless the function has its own DLQ or
      // on-failure destination: hence this DLQ. The same queue as the schedules' DLQ (one
      // queue to watch), and a DLQ rather than an on-failure destination because a Lambda
      // DLQ message is the event itself, the TimerPayload, with the error in its message
      // attributes (a destination wraps it in an invocation record): a redrive is invoking
      // fire-timer with the body, and the handler re-checks that the timer is still due,
      // so a late replay does nothing wrong.
      deadLetterQueue: props.deadLetterQueue,
    });
  }
}
