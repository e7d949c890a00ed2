import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as actions from 'aws-cdk-lib/aws-ses-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { MAIL_FEEDBACK, MAIL_RECEIVER } from '../../shared/function-manifest';
import { TicketFunction } from './ticket-function';

/** Where the receipt rule puts raw messages, and where ReceiveMail reads them. */
export const INBOUND_MAIL_PREFIX = 'inbound/';

export interface TicketMailProps {
  readonly table: dynamodb.ITable;
  /** Raw inbound mail (stateful stack). */
  readonly inboundMailBucket: s3.IBucket;
  /** Recipients (addresses or domains) the receipt rule accepts; default: every verified domain of the account. */
  readonly inboundRecipients?: string[];
}

/**
 * Mail both ways (CONTRACT section 7) around SES:
 *  - out: the configuration set the change follower sends with; its event destination
 *    publishes sends, bounces and complaints to an encrypted SNS topic → RecordMailFeedback
 *    (a Send event records a mail whose sender died before recording it: never twice);
 *  - in: a receipt rule set (activate it once: `aws ses set-active-receipt-rule-set`) whose
 *    rule scans for spam and viruses, stores the raw message in S3, then invokes ReceiveMail
 *    with the verdicts.
 */
export class TicketMail extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly feedback: TicketFunction;
  readonly receiver: TicketFunction;
  readonly receiptRuleSet: ses.ReceiptRuleSet;

  constructor(scope: Construct, id: string, props: TicketMailProps) {
    super(scope, id);
    this.configurationSet = new ses.ConfigurationSet(this, 'Notifications', { reputationMetrics: true, sendingEnabled: true });

    const feedbackKey = new kms.Key(this, 'FeedbackKey', { description: 'Ticketflow SES feedback topic', enableKeyRotation: true });
    // SES publishes to the encrypted topic: it needs the key, for this account only.
    feedbackKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    const topic = new sns.Topic(this, 'Feedback', { masterKey: feedbackKey, enforceSSL: true, displayName: 'Ticketflow SES sends, bounces and complaints' });
    this.configurationSet.addEventDestination('SendsBouncesAndComplaints', {
      destination: ses.EventDestination.snsTopic(topic),
      events: [ses.EmailSendingEvent.SEND, ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    this.feedback = new TicketFunction(this, MAIL_FEEDBACK.id, { spec: MAIL_FEEDBACK, table: props.table });
    topic.addSubscription(new subscriptions.LambdaSubscription(this.feedback.function));

    this.receiver = new TicketFunction(this, MAIL_RECEIVER.id, {
      spec: MAIL_RECEIVER,
      table: props.table,
      mailIn: { bucket: props.inboundMailBucket, prefix: INBOUND_MAIL_PREFIX },
      // parse, thread and comment: a large message with attachments takes a few seconds
      timeout: Duration.seconds(30),
      memorySize: 512,
    });
    this.receiptRuleSet = new ses.ReceiptRuleSet(this, 'Inbound', {
      rules: [
        {
          recipients: props.inboundRecipients,
          scanEnabled: true,
          tlsPolicy: ses.TlsPolicy.REQUIRE,
          actions: [
            new actions.S3({ bucket: props.inboundMailBucket, objectKeyPrefix: INBOUND_MAIL_PREFIX }),
            new actions.Lambda({ function: this.receiver.function, invocationType: actions.LambdaInvocationType.EVENT }),
          ],
        },
      ],
    });
  }
}
