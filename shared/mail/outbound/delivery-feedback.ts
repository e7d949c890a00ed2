/**
 * SES delivery feedback (CONTRACT section 7): a configuration set's event destination
 * publishes sends, bounces and complaints.
 * - Send: SES took the mail. It is recorded in the ledger by its tags (tenant, ticket,
 *   event, thread) unless the sender recorded it already: this is how a sender that died
 *   between SES's answer and its own record is known to have sent (send-notification.ts).
 * - A permanent bounce or a complaint is recorded on the address (per tenant: the tenant
 *   tag every mail carries) and stops further mail to it. Transient bounces (mailbox full,
 *   greylisting) are not: the next mail may well arrive.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MailLedger, Pause } from './ports';

/** The part of an SES event (SNS message body) this needs; the rest is ignored. */
export interface SesFeedback {
  readonly eventType?: string;
  readonly notificationType?: string;
  readonly mail?: {
    readonly timestamp?: string;
    readonly tags?: Readonly<Record<string, readonly string[]>>;
    readonly destination?: readonly string[];
    readonly headers?: readonly { readonly name?: string; readonly value?: string }[];
  };
  readonly bounce?: { readonly bounceType?: string; readonly bouncedRecipients?: readonly { readonly emailAddress?: string }[]; readonly timestamp?: string };
  readonly complaint?: { readonly complainedRecipients?: readonly { readonly emailAddress?: string }[]; readonly timestamp?: string };
}

export interface FeedbackOutcome {
  readonly suppressed: readonly { tenantId: string; address: string; reason: 'bounce' | 'complaint' }[];
  /** A Send event recorded in the ledger. */
  readonly confirmed?: true;
  readonly ignored: string | null;
}

/** The tenant whose mail the event is about: the tenant tag every mail carries. */
export const feedbackTenant = (feedback: SesFeedback): string | undefined => feedback.mail?.tags?.tenant?.[0];

/**
 * How long a Send event gives the sender to record its own mail before recording it itself:
 * the pauses between looks (775 ms in all). The sender records a mail a moment after SES
 * answers; the event comes through SNS, as a rule later still. Where it comes first (a race,
 * or a sender that died), a look is a read, while two writers racing for the record cost a
 * transaction that fails; only a sender that died costs the whole wait.
 */
export const SENDER_GRACE_MS: readonly number[] = [25, 50, 100, 200, 400];

export async function recordDeliveryFeedback(ledger: MailLedger, feedback: SesFeedback, now: Date, pause: Pause = sleep): Promise<FeedbackOutcome> {
  const type = feedback.eventType ?? feedback.notificationType;
  const tenantId = feedbackTenant(feedback);
  if (!tenantId) return { suppressed: [], ignored: 'no tenant tag' };
  const at = now.toISOString();
  const addresses = (list: readonly { emailAddress?: string }[] | undefined) =>
    (list ?? []).flatMap((r) => (r.emailAddress ? [r.emailAddress.toLowerCase()] : []));
  let reason: 'bounce' | 'complaint';
  let recipients: string[];
  if (type === 'Send') return confirmSend(ledger, tenantId, feedback, at, pause);
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

async function confirmSend(ledger: MailLedger, tenantId: string, feedback: SesFeedback, at: string, pause: Pause): Promise<FeedbackOutcome> {
  const tag = (name: string) => feedback.mail?.tags?.[name]?.[0];
  const [ticketId, eventId, recipient] = [tag('ticket'), tag('event'), feedback.mail?.destination?.[0]?.toLowerCase()];
  if (!ticketId || !eventId || !recipient) return { suppressed: [], ignored: 'send without ticket, event or recipient' };
  for (const ms of SENDER_GRACE_MS) {
    if (await ledger.isRecorded(tenantId, ticketId, eventId, recipient)) return { suppressed: [], confirmed: true, ignored: null };
    await pause(ms);
  }
  const messageId = feedback.mail?.headers?.find((h) => h.name?.toLowerCase() === 'message-id')?.value ?? '';
  await ledger.confirmSent(tenantId, ticketId, {
    eventId,
    recipient,
    messageId,
    // SES's own wire id is not in the event; the next mail threads on ours (References keep the root).
    wireMessageId: null,
    thread: tag('thread') === 'wait' ? 'wait' : 'ticket',
    sentAt: feedback.mail?.timestamp ?? at,
  });
  return { suppressed: [], confirmed: true, ignored: null };
}
