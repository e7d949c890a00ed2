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
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
} as const;
