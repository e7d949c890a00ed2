/** Environment variable names shared by CDK (which sets them) and the handlers (which read them once). */
export const ENV = {
  tableName: 'TABLE_NAME',
  /** Optional: a DynamoDB endpoint override, set only by the local runtime. */
  dynamoEndpoint: 'DYNAMODB_ENDPOINT',
  /** The ticket-lifecycle state machine; when absent, tickets have no lifecycle execution. */
  stateMachineArn: 'STATE_MACHINE_ARN',
  /** Optional: a Step Functions endpoint override, set only by the local runtime. */
  sfnEndpoint: 'SFN_ENDPOINT',
  logLevel: 'POWERTOOLS_LOG_LEVEL',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
} as const;
