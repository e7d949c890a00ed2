import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { SettingsChangeRecord, TicketChangeRecord } from '../../shared/changes/ticket-change-record';
import { followSettingsChanges, followTicketChanges } from '../../shared/changes/follow-ticket-changes';
import { instrumented } from '../../shared/observability/instrumented';
import { logger } from '../../shared/observability/logger';
import { recordChangeBatch } from '../../shared/observability/metrics';
import { notificationOf, settingsChangeOf, ticketChangeOf } from '../../shared/store/ticket-stream-records';
import { deps, usage } from '../../shared/wiring';
import { requireLifecycle } from '../../shared/wiring/lifecycle';
import { requireMailOut } from '../../shared/wiring/mail-out';
import { requireTimers } from '../../shared/wiring/timers';
import { mailNotifications } from '../../shared/changes/mail-notifications';
import { dedupeInvocationAs } from '../../shared/usage/invocation-meter';
import { settingsReadOncePerBatch, ticketsReadOncePerBatch } from '../../shared/changes/batch-reads';

const mail = requireMailOut();
const follower = { lifecycle: requireLifecycle(), timers: requireTimers(), ...(usage ? { usage } : {}) };

/**
 * The table's stream consumer (DynamoDB Streams event source, ReportBatchItemFailures):
 * every effect of a committed ticket change, a settings change's migration step, and
 * the mail of every new notification event. Failed tickets are reported by their first
 * record's sequence number; Lambda resumes the shard from the lowest one.
 */
export const handler = instrumented(async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  // The same batch delivered again is one invocation for usage (its facts count once by their own watermark).
  const sequence = event.Records.map((r) => r.dynamodb?.SequenceNumber ?? '');
  if (sequence.length) dedupeInvocationAs(`stream:${event.Records[0]?.eventSourceARN ?? ''}:${sequence[0]}:${sequence.at(-1)}`);
  const changes = event.Records.map(ticketChangeOf).filter((c): c is TicketChangeRecord => c !== null);
  const settings = event.Records.map(settingsChangeOf).filter((c): c is SettingsChangeRecord => c !== null);
  const notices = event.Records.map(notificationOf).filter((n) => n !== null);
  // Each tenant's settings and each ticket are read once for the batch's ticket changes and mails (a migration step reads its own).
  const reads = { settings: settingsReadOncePerBatch(deps.settings), tickets: ticketsReadOncePerBatch(deps.tickets) };
  const [result, migrations, mailed] = await Promise.all([
    followTicketChanges({ ...follower, lifecycle: { ...follower.lifecycle, ...reads }, timers: { ...follower.timers, settings: reads.settings } }, changes),
    followSettingsChanges(deps, settings),
    mailNotifications({ ...mail, ...reads }, notices),
  ]);
  for (const failure of result.failures) logger.error('ticket change effects failed', { ...failure.ticket, error: failure.error.name });
  for (const failure of migrations.failures) logger.error('workflow migration step failed', { tenantId: failure.tenantId, error: failure.error.name });
  for (const failure of mailed.failures) logger.error('notification mail failed', { tenantId: failure.tenantId, error: failure.error.name });
  const failed = [...result.failures, ...migrations.failures, ...mailed.failures];
  recordChangeBatch({ lagMs: oldestLagMs(event), tickets: result.tickets, failures: failed.length });
  return { batchItemFailures: failed.map((f) => ({ itemIdentifier: f.recordId })) };
}, 'synchronous');

/** How long the oldest record of the batch waited (the stream's timestamps are whole seconds). */
function oldestLagMs(event: DynamoDBStreamEvent): number | null {
  const created = event.Records.map((r) => r.dynamodb?.ApproximateCreationDateTime).filter((t): t is number => typeof t === 'number');
  return created.length ? Math.max(0, Date.now() - Math.min(...created) * 1000) : null;
}
