import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One logger per process. Never log events, bodies or ticket text: customer data
 * stays out of logs. Keys logged: route, status, tenant id, timings, error names.
 */
export const logger = new Logger({ serviceName: 'ticketflow' });
