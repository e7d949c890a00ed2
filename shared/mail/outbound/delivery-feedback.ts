/**
 * SES delivery feedback (CONTRACT section 7): a configuration set's event destination
 * publishes bounces and complaints; a permanent bounce or a complaint is recorded on the
 * address (per tenant: the tenant tag every mail carries) and stops further mail to it.
 * Transient bounces (mailbox full, greylisting) are not: the next mail may well arrive.
 */
import type { MailLedger } from './ports';

/** The part of an SES event (SNS message body) this needs; the rest is ignored. */
export interface SesFeedback {
  readonly eventType?: string;
  readonly notificationType?: string;
  readonly mail?: { readonly timestamp?: string; readonly tags?: Readonly<Record<string, readonly string[]>> };
  readonly bounce?: { readonly bounceType?: string; readonly bouncedRecipients?: readonly { readonly emailAddress?: string }[]; readonly timestamp?: string };
  readonly complaint?: { readonly complainedRecipients?: readonly { readonly emailAddress?: string }[]; readonly timestamp?: string };
}

export interface FeedbackOutcome {
  readonly suppressed: readonly { tenantId: string; address: string; reason: 'bounce' | 'complaint' }[];
  readonly ignored: string | null;
}

export async function recordDeliveryFeedback(ledger: MailLedger, feedback: SesFeedback, now: Date): Promise<FeedbackOutcome> {
  const type = feedback.eventType ?? feedback.notificationType;
  const tenantId = feedback.mail?.tags?.tenant?.[0];
  if (!tenantId) return { suppressed: [], ignored: 'no tenant tag' };
  const at = now.toISOString();
  const addresses = (list: readonly { emailAddress?: string }[] | undefined) =>
    (list ?? []).flatMap((r) => (r.emailAddress ? [r.emailAddress.toLowerCase()] : []));
  let reason: 'bounce' | 'complaint';
  let recipients: string[];
  if (type === 'Bounce') {
    if (feedback.bounce?.bounceType !== 'Permanent') return { suppressed: [], ignored: `bounce ${feedback.bounce?.bounceType ?? 'unknown'}` };
    reason = 'bounce';
    recipients = addresses(feedback.bounce.bouncedRecipients);
  } else if (type === 'Complaint') {
    reason = 'complaint';
    recipients = addresses(feedback.complaint?.complainedRecipients);
  } else return { suppressed: [], ignored: `event ${type ?? 'unknown'}` };
  for (const address of recipients) await ledger.suppress(tenantId, address, reason, at);
  return { suppressed: recipients.map((address) => ({ tenantId, address, reason })), ignored: null };
}
