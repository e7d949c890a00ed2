import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { GLOBAL_SECONDARY_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../shared/store/table-design';
import { TIMER_SCHEDULE_GROUP_NAME } from './constructs/ticket-timers';

/**
 * Everything that holds data and must outlive a redeploy of the functions and
 * the API: the single table (and its key), built from shared/store/table-design.ts,
 * the same module the local DynamoDB table and the adapter use; and the ticket
 * timers' schedule group (the pending schedules) and dead-letter queue.
 */
export class TicketflowStatefulStack extends Stack {
  readonly table: dynamodb.Table;
  readonly tableKey: kms.Key;
  /** The EventBridge Scheduler group of the ticket timers (one-time schedules per ticket). */
  readonly scheduleGroup: scheduler.ScheduleGroup;
  /** Its fixed name, a plain string: the stateless stack builds ARNs from it without an import. */
  readonly scheduleGroupName: string = TIMER_SCHEDULE_GROUP_NAME;
  /** Timer invocations that never succeeded: undeliverable (Scheduler) or failing (the timer function). */
  readonly timerDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // Customer-managed key rather than the AWS-owned/AWS-managed one: tickets are
    // customers' support data of many tenants. A CMK gives us a key policy we control,
    // key usage in CloudTrail, and a way to revoke access to the data as a whole.
    this.tableKey = new kms.Key(this, 'TableKey', {
      description: 'Ticketflow table encryption (tickets, comments, history, settings)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.tableKey,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: TTL_ATTRIBUTE,
    });

    for (const index of GLOBAL_SECONDARY_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    // ---- Ticket timers ---------------------------------------------------------------
    // The pending schedules are state (a ticket's SLA warnings, reminders, auto-close):
    // deleting the group deletes them all, so it is retained like the table. A retained
    // group keeps its fixed name: re-creating this stack after deleting it needs the old
    // group deleted (or imported) first.
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'TimerScheduleGroup', {
      scheduleGroupName: this.scheduleGroupName,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // One queue to watch for every timer invocation that never succeeded (the two kinds of
    // message are told apart by their message attributes):
    //  - the schedules' DeadLetterConfig: EventBridge Scheduler could not deliver the
    //    invocation within its retry policy (throttled, function missing, role denied);
    //  - the timer function's own DLQ (set in the stateless stack): Scheduler invokes Lambda
    //    asynchronously, so a handler error is not Scheduler's to retry or dead-letter;
    //    Lambda retries it and then sends it to the function's DLQ.
    // SQS-managed SSE rather than KMS: no key policy to open to Scheduler and Lambda (a CMK
    // would need kms:GenerateDataKey/Decrypt for both), and the payload is ids and a timer
    // kind, no ticket text. 14 days (the maximum) to look at and redrive what failed.
    this.timerDeadLetterQueue = new sqs.Queue(this, 'TimerDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.timerDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue: of the ticket-timer schedules (Target.DeadLetterConfig, set at run time by the handlers) and of the timer function (DeadLetterConfig in the stateless stack). cdk-nag recognises a DLQ only when its user is a queue or function in the same stack.',
    });
  }
}
