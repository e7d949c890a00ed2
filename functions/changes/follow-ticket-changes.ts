import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { SettingsChangeRecord, TicketChangeRecord } from '../../shared/changes/ticket-change-record';
import { followSettingsChanges, followTicketChanges } from '../../shared/changes/follow-ticket-changes';
import { instrumented } from '../../shared/observability/instrumented';
import { logger } from '../../shared/observability/logger';
import { recordChangeBatch } from '../../shared/observability/metrics';
import { settingsChangeOf, ticketChangeOf } from '../../shared/store/ticket-stream-records';
import { deps, requireLifecycle, requireTimers } from '../../shared/wiring';

const follower = { lifecycle: requireLifecycle(), timers: requireTimers() };

/**
 * The table's stream consumer (DynamoDB Streams event source, ReportBatchItemFailures):
 * every effect of a committed ticket change. Failed tickets are reported by their first
 * record's sequence number; Lambda resumes the shard from the lowest one.
 */
export const handler = instrumented(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const changes = event.Records.map(ticketChangeOf).filter((c): c is TicketChangeRecord => c !== null);
  const settings = event.Records.map(settingsChangeOf).filter((c): c is SettingsChangeRecord => c !== null);
  const [result, migrations] = await Promise.all([followTicketChanges(follower, changes), followSettingsChanges(deps, settings)]);
  for (const failure of result.failures) logger.error('ticket change effects failed', { ...failure.ticket, error: failure.error.name });
  for (const failure of migrations.failures) logger.error('workflow migration step failed', { tenantId: failure.tenantId, error: failure.error.name });
  const failed = [...result.failures, ...migrations.failures];
  recordChangeBatch({ lagMs: oldestLagMs(event), tickets: result.tickets, failures: failed.length });
  return { batchItemFailures: failed.map((f) => ({ itemIdentifier: f.recordId })) };
});

/** How long the oldest record of the batch waited (the stream's timestamps are whole seconds). */
function oldestLagMs(event: DynamoDBStreamEvent): number | null {
  const created = event.Records.map((r) => r.dynamodb?.ApproximateCreationDateTime).filter((t): t is number => typeof t === 'number');
  return created.length ? Math.max(0, Date.now() - Math.min(...created) * 1000) : null;
}
