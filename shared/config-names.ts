/** Environment variable names shared by CDK (which sets them) and the handlers (which read them once). */
export const ENV = {
  tableName: 'TABLE_NAME',
  /** Optional: a DynamoDB endpoint override, set only by the local runtime. */
  dynamoEndpoint: 'DYNAMODB_ENDPOINT',
  /** The ticket-lifecycle state machine; when absent, tickets have no lifecycle execution. */
  stateMachineArn: 'STATE_MACHINE_ARN',
  /** Optional: a Step Functions endpoint override, set only by the local runtime. */
  sfnEndpoint: 'SFN_ENDPOINT',
  /** EventBridge Scheduler: the schedule group, the timer function, the role and DLQ; absent → no timers. */
  scheduleGroup: 'SCHEDULE_GROUP',
  timerTargetArn: 'TIMER_TARGET_ARN',
  schedulerRoleArn: 'SCHEDULER_ROLE_ARN',
  timerDeadLetterArn: 'TIMER_DLQ_ARN',
  /** Optional: a Scheduler endpoint override, set only by the local runtime. */
  schedulerEndpoint: 'SCHEDULER_ENDPOINT',
  /** `true`: count usage per tenant (CONTRACT 8) into the table; set by CDK and the local runtime for every function with a table. */
  meterUsage: 'METER_USAGE',
  /** `ses`: notifications go out through SES v2 (the change follower); absent or `off`: no mail. */
  mailOut: 'MAIL_OUT',
  /** Optional: an SES endpoint override, set only by the local runtime (the SES emulator). */
  sesEndpoint: 'SES_ENDPOINT',
  /** Optional: the SES configuration set whose event destination reports bounces and complaints. */
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  /**
   * Optional, default 30 (the change follower's timeout is 60 s): how long after a crashed attempt's claim SES's Send event for that
   * mail has surely been recorded (the mailer waits that long before deciding to resend).
   * The local runtime's stand-in publishes it at once and sets 2.
   */
  sesSendConfirmationSeconds: 'SES_SEND_CONFIRMATION_SECONDS',
  /** The domain SES builds Message-IDs with (`<region>.amazonses.com`); absent when the sender keeps ours (the emulator). */
  sesMessageIdDomain: 'SES_MESSAGE_ID_DOMAIN',
  /** Where SES (or locally the SMTP listener) keeps inbound raw mail: `s3` (AWS) or `folder` (local); absent: no mail in. */
  mailIn: 'MAIL_IN',
  /** With `s3`: the bucket and key prefix of the SES receipt rule's S3 action (the object key is prefix + SES messageId). */
  inboundMailBucket: 'INBOUND_MAIL_BUCKET',
  inboundMailPrefix: 'INBOUND_MAIL_PREFIX',
  /** With `folder`: the directory holding `<messageId>.eml` (the local runtime's `<dataDir>/mail/inbound`). */
  inboundMailDir: 'INBOUND_MAIL_DIR',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
} as const;
