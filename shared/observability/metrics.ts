import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * One metrics instance per process (CloudWatch embedded metric format, published once per
 * invocation by the handler middleware). The local runtime and the tests switch it off
 * (POWERTOOLS_METRICS_DISABLED): metrics are an AWS concern, not console output.
 */
class TicketflowMetrics extends Metrics {
  /** Off locally: then nothing is published, and no "no metrics" warning is printed per invocation either. */
  get enabled(): boolean {
    return !this.isDisabled();
  }
}

let instance: TicketflowMetrics | undefined;

/**
 * The process's metrics, created on first use rather than at import: Powertools reads
 * POWERTOOLS_METRICS_DISABLED once, in the constructor, and the local runtime sets it
 * after some of these modules are already loaded (created at import, the local runtime
 * printed every batch's metrics and a warning per invocation).
 */
export const processMetrics = (): TicketflowMetrics => (instance ??= new TicketflowMetrics({ namespace: 'Ticketflow', serviceName: 'ticketflow' }));

/** A conditional write lost a race and the change was decided again (mutate-ticket). */
export const countStaleWriteRetry = () => processMetrics().addMetric('StaleWriteRetries', MetricUnit.Count, 1);

/** The stream consumer's batch: how late it runs, how many tickets it followed, how many failed. */
export function recordChangeBatch(batch: { lagMs: number | null; tickets: number; failures: number }): void {
  const metrics = processMetrics();
  if (batch.lagMs !== null) metrics.addMetric('ChangeStreamLag', MetricUnit.Milliseconds, batch.lagMs);
  metrics.addMetric('TicketChangesFollowed', MetricUnit.Count, batch.tickets);
  metrics.addMetric('ChangeEffectFailures', MetricUnit.Count, batch.failures);
}
