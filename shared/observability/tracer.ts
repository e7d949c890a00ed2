import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * X-Ray tracing (the functions run with active tracing): every SDK client is captured
 * where it is created (shared/wiring.ts), so each DynamoDB, Step Functions and Scheduler
 * call is a subsegment. Outside Lambda the tracer switches itself off.
 */
export const tracer = new Tracer({ serviceName: 'ticketflow', captureHTTPsRequests: false });

/** Captures an SDK client's calls as X-Ray subsegments (shared/wiring.ts and shared/wiring/*.ts). */
export const traceAwsClient = <T>(client: T): T => tracer.captureAWSv3Client(client);
