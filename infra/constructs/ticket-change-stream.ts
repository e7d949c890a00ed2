import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CHANGE_FOLLOWER } from '../../shared/function-manifest';
import { CHANGE_FILTERS } from '../../shared/store/table-design';
import { acknowledgeAtSynth, flattenCfnReference, TicketFunction } from './ticket-function';
import type { TimerAccess } from './timer-access';

/** How the stream consumer retries before a batch goes to the dead-letter queue. */
export const CHANGE_STREAM_RETRY_ATTEMPTS = 10;
/** Iterator age (ms) past which the change effects are late enough to look at. */
export const ITERATOR_AGE_ALARM_MS = 60_000;

export interface TicketChangeStreamProps {
  /** The table, with its NEW_AND_OLD_IMAGES stream. */
  readonly table: dynamodb.ITable;
  /** The consumer keeps each changed ticket's schedules. */
  readonly timers: TimerAccess;
  /** On-failure destination: where a record that kept failing is reported (stateful stack). */
  readonly deadLetterQueue: sqs.IQueue;
  /** Notifications are mailed with this SES configuration set (its events report bounces). */
  readonly mailOut: { readonly configurationSetName: string };
}

/**
 * The table's stream → the change follower (shared/changes/follow-ticket-changes.ts):
 * the one driver of everything a committed ticket change causes. At least once with
 * idempotent effects: partial batch responses (ReportBatchItemFailures) so one failed
 * ticket does not redo the others, bisect on error to corner a poison record, bounded
 * retries, then the record's coordinates to the dead-letter queue and the shard moves
 * on. Only ticket and settings items and new notifications reach the function (the
 * same filters the local poller applies).
 */
export class TicketChangeStream extends Construct {
  readonly function: TicketFunction;
  readonly iteratorAgeAlarm: cloudwatch.Alarm;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: TicketChangeStreamProps) {
    super(scope, id);
    this.function = new TicketFunction(this, CHANGE_FOLLOWER.id, {
      spec: CHANGE_FOLLOWER,
      table: props.table,
      timers: props.timers,
      // A batch of up to 100 tickets, each a few Step Functions and Scheduler calls.
      timeout: Duration.seconds(60),
      mailOut: props.mailOut,
    });
    this.function.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(0),
        // Records of one item stay in order at any parallelization; tickets are independent.
        parallelizationFactor: 2,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: CHANGE_STREAM_RETRY_ATTEMPTS,
        maxRecordAge: Duration.hours(24),
        onFailure: new SqsDlq(props.deadLetterQueue),
        filters: CHANGE_FILTERS.map((f) => lambda.FilterCriteria.filter(f as unknown as Record<string, unknown>)),
      }),
    );

    this.iteratorAgeAlarm = new cloudwatch.Alarm(this, 'IteratorAgeAlarm', {
      alarmDescription: 'Ticket change effects (lifecycle wakes, schedules) lag more than a minute behind the commits.',
      metric: this.function.function.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
      threshold: ITERATOR_AGE_ALARM_MS,
      evaluationPeriods: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'A ticket change kept failing and was dead-lettered: its ticket may lack its execution or schedules (repair it).',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const policy = this.function.role.node.findChild('DefaultPolicy');
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams (added by the DynamoDB event source) has no resource-level permission; X-Ray tracing likewise. The stream read actions themselves are on this table stream only.',
    });
    acknowledgeAtSynth(policy, () => [
      {
        id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(policy).resolve(props.table.tableStreamArn))}]`,
        reason: "The table's own stream ARN (its label is only known at deploy time).",
      },
    ]);
  }
}
