import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { logger } from './logger';
import { metrics } from './metrics';
import { tracer } from './tracer';
import { meteredInvocation, type InvocationType } from '../usage/invocation-meter';

/**
 * Wraps a handler with the observability every function has: the Lambda context and
 * per-invocation keys on the log (reset each time, so one tenant's keys never reach the
 * next invocation), the metrics published once per invocation, an X-Ray segment for the
 * handler. Neither the event nor the response is logged or traced (customer data).
 * Each invocation is metered for usage (Lambda invocation, GB-seconds, DynamoDB units per
 * tenant), flushed before it returns, where wiring turned metering on.
 */
export function instrumented<E, R>(handler: (event: E) => Promise<R>, invocationType: InvocationType) {
  return middy<E, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(metrics.enabled ? [logMetrics(metrics)] : [])
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .handler(meteredInvocation(handler, invocationType));
}
