import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { GLOBAL_SECONDARY_INDEXES, LIST_INDEX_PROJECTION, TABLE_KEYS, TTL_ATTRIBUTE } from '../shared/store/table-design';
import { PRE_TOKEN_FUNCTION } from '../shared/function-manifest';
import { TicketFunction } from './constructs/ticket-function';
import { TIMER_SCHEDULE_GROUP_NAME } from './constructs/ticket-timers';

/** Claims our handlers read, and the Cognito custom attributes behind the custom ones. */
const CUSTOM_ATTRIBUTES = ['tid', 'role', 'org', 'locale'] as const;

/**
 * Everything that holds data and must outlive a redeploy of the functions and
 * the API: the single table (and its key), built from shared/store/table-design.ts,
 * the same module the local DynamoDB table and the adapter use; the ticket
 * timers' schedule group (the pending schedules) and dead-letter queue; and the
 * Cognito user pool (the users), with its app client and its pre token generation
 * trigger.
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
  /** Where the stream consumer reports a ticket change it could not follow. */
  readonly changeDeadLetterQueue: sqs.Queue;
  /** Raw inbound mail as SES's receipt rule stored it (CONTRACT 7: "the raw message is kept"). */
  readonly inboundMailBucket: s3.Bucket;
  /** The users (retained, deletion-protected): Cognito issues the JWTs the API's authorizer checks. */
  readonly userPool: cognito.UserPool;
  /** The apps' public client: the audience of the API's JWT authorizer. */
  readonly userPoolClient: cognito.UserPoolClient;
  /** The JWT issuer (the pool's provider URL), for the API's JWT authorizer. */
  readonly jwtIssuer: string;
  /**
   * The pool's pre token generation trigger. Here, with the pool, and not in the stateless
   * stack: the pool refers to the function's ARN, and the stateless stack refers to the pool,
   * so a trigger over there would make the two stacks refer to each other.
   */
  readonly preTokenGeneration: TicketFunction;

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
        // keys only: a list reads its page's tickets with one BatchGetItem (table-design.ts)
        projectionType: dynamodb.ProjectionType[LIST_INDEX_PROJECTION],
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
    this.timerDeadLetterQueue = this.deadLetterQueue(
      'TimerDeadLetterQueue',
      'of the ticket-timer schedules (Target.DeadLetterConfig, set at run time by the handlers) and of the timer function (DeadLetterConfig in the stateless stack)',
    );

    // The on-failure destination of the table's stream consumer: a ticket change whose
    // effects kept failing after the retries (Lambda sends the batch's shard and sequence
    // numbers, not the records). SQS-managed SSE: the message holds coordinates, no ticket text.
    this.changeDeadLetterQueue = this.deadLetterQueue(
      'ChangeDeadLetterQueue',
      "the on-failure destination of the table's stream event source mapping (stateless stack)",
    );

    // ---- Identity: Cognito issues the JWTs the API's authorizer checks --------------
    this.inboundMailBucket = this.inboundMail();

    // The pool holds the users: a new pool (a new id) would lose them all, so it lives here,
    // retained and deletion-protected, and the stateless stack gets the pool, the client and
    // the issuer by props. The construct ids are those the pool had in the stateless stack,
    // so the logical ids are unchanged (see infra/app.ts on moving a deployed pool).
    this.preTokenGeneration = new TicketFunction(this, PRE_TOKEN_FUNCTION.id, {
      spec: PRE_TOKEN_FUNCTION,
      memorySize: 256,
      timeout: Duration.seconds(5),
    });

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // ESSENTIALS: needed for the V2_0 pre token generation event (access token claims).
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      // B2B: tenant admins invite users; nobody signs up on their own.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        // The tenant of a user never changes: a user moves tenants only by a new account.
        tid: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: false }),
        role: new cognito.StringAttribute({ minLen: 1, maxLen: 32, mutable: true }),
        org: new cognito.StringAttribute({ minLen: 1, maxLen: 128, mutable: true }),
        locale: new cognito.StringAttribute({ minLen: 2, maxLen: 8, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, this.preTokenGeneration.function, cognito.LambdaVersion.V2_0);

    const customAttributeNames = CUSTOM_ATTRIBUTES as unknown as string[];
    this.userPoolClient = this.userPool.addClient('ApiClient', {
      // Public client (web and mobile apps): no secret.
      generateSecret: false,
      // No hosted UI / OAuth redirect flows: apps sign in with the Cognito API (SRP or password).
      disableOAuth: true,
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes(...customAttributeNames),
      // Users must never set their own tenant, role or company: only an administrator
      // (AdminUpdateUserAttributes) can. Their name, e-mail and language are theirs.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true, fullname: true }).withCustomAttributes('locale'),
    });
    this.jwtIssuer = this.userPool.userPoolProviderUrl;

    this.acknowledgeUserPoolFindings();

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'JwtIssuer', { value: this.jwtIssuer });
  }

  private acknowledgeUserPoolFindings(): void {
    const v = Validations.of(this.userPool);
    v.acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'Decision for this B2B API: MFA is OPTIONAL (TOTP, no SMS) rather than required; tenants whose policy demands MFA enforce it for their users. Revisit with federation to customer IdPs.',
    });
    v.acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Decision: the ESSENTIALS feature plan (needed for access token customisation) is enough; threat protection (PLUS plan) is off for cost, with sign-up closed (admin-invited users only).',
    });
  }

  /**
   * Raw inbound mail: customers' messages, so a customer-managed key SES may encrypt with
   * (and only for this account's receipt rules), no public access, TLS only, and a year's
   * retention (lifecycle) — long enough for any reopen window and dispute, not forever.
   */
  private inboundMail(): s3.Bucket {
    const key = new kms.Key(this, 'InboundMailKey', {
      description: 'Ticketflow inbound raw mail (SES receipt rule → S3)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Encrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const bucket = new s3.Bucket(this, 'InboundMail', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(365), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Written only by the SES receipt rule and read only by the ReceiveMail function; object-level access is in CloudTrail data events, not server access logs.',
    });
    return bucket;
  }

  /**
   * A dead-letter queue: SQS-managed SSE (no key policy to open to the services that send to
   * it; messages hold ids and coordinates, no ticket text), 14 days (the maximum) to look at
   * and redrive what failed, retained.
   */
  private deadLetterQueue(id: string, usedAs: string): sqs.Queue {
    const queue = new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself a dead-letter queue: ${usedAs}. cdk-nag recognises a DLQ only when its user is a queue or function in the same stack.`,
    });
    return queue;
  }
}
