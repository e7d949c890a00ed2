import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { logger } from './logger';
import { processMetrics } from './metrics';
import { meteredInvocation, type InvocationType } from '../usage/invocation-meter';

/**
 * Wraps a handler with the observability every function has: the Lambda context and
 * per-invocation keys on the log (reset each time, so one tenant's keys never reach the
 * next invocation), the metrics published once per invocation. Neither the event nor the
 * response is logged (customer data).
 *
 * Tracing is Lambda's and Step Functions' own active X-Ray tracing (infra): each invocation
 * and state is a segment, without code in the bundle. The Powertools Tracer (SDK calls as
 * subsegments) was dropped on measurement: its aws-xray-sdk-core keeps a cls-hooked
 * async hook with destroy tracking on every promise of the process (a promise-heavy loop
 * ran 1.7× slower with it merely imported), and it was ~120 KB of every bundle and ~40 ms
 * of every cold start. DynamoDB latency stays visible per table in CloudWatch.
 * Each invocation is metered for usage (Lambda invocation, GB-seconds, DynamoDB units per
 * tenant), flushed before it returns, where wiring turned metering on.
 */
export function instrumented<E, R>(handler: (event: E) => Promise<R>, invocationType: InvocationType) {
  const metrics = processMetrics();
  return middy<E, R>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(metrics.enabled ? [logMetrics(metrics)] : [])
    .handler(meteredInvocation(handler, invocationType));
}
