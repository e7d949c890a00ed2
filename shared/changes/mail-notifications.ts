/**
 * Notification events of a batch, mailed (CONTRACT section 7). Events are independent
 * and go in parallel; a failed one reports its record so the redelivery retries it,
 * and the mail ledger makes the retry send only what was not sent.
 */
import { sendNotification, type MailDeps, type NotificationEvent } from '../mail/outbound/send-notification';

export async function mailNotifications(
  deps: MailDeps,
  events: readonly (NotificationEvent & { recordId: string })[],
): Promise<{ sent: number; failures: { recordId: string; tenantId: string; error: Error }[] }> {
  if (events.length === 0) return { sent: 0, failures: [] };
  const outcomes = await Promise.all(
    events.map(async (e) => {
      try {
        return { sent: (await sendNotification(deps, e)).sent, failure: null };
      } catch (error) {
        return { sent: 0, failure: { recordId: e.recordId, tenantId: e.tenantId, error: error as Error } };
      }
    }),
  );
  return { sent: outcomes.reduce((n, o) => n + o.sent, 0), failures: outcomes.flatMap((o) => (o.failure ? [o.failure] : [])) };
}
