/**
 * Sends the mail of one notification event (CONTRACT section 7). Notification events are
 * written in the same transaction as the change that causes them (the outbox); the
 * table's stream hands each new one here. Per recipient: claim, send, record.
 *
 * - A redelivered event finds its mail recorded and sends nothing.
 * - A crash after the claim and before the record leaves a claim without a record: did
 *   SES take the mail? SES itself says so: every mail carries the event as a tag, and the
 *   configuration set's Send event records it (RecordMailFeedback, delivery-feedback.ts),
 *   from outside the process that died. So a redelivery that finds such a claim waits
 *   until that event has surely arrived (`sendConfirmationMs` after the claim; only ever
 *   after a crash), then sends nothing if it was recorded, or sends once (a conditional
 *   re-claim) if SES never took it: never twice, never lost.
 * - Bounced or complained addresses get nothing.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Locale } from '../../domain/identity';
import type { SettingsStore, TicketStore, UserDirectory, Clock } from '../../domain/ports';
import type { Ticket } from '../../domain/ticket';
import { requesterLocale } from '../../i18n/system-texts';
import { loadTenant, type TenantContext } from '../../tickets/tenant-context';
import { mailKindOf, renderNotification } from './notification-mail';
import type { MailLedger, MailSender, OutgoingMail, Pause, SentMail } from './ports';
import { replyAddress } from './reply-token';

export interface MailDeps {
  readonly tickets: TicketStore;
  readonly settings: SettingsStore;
  readonly users: UserDirectory;
  readonly ledger: MailLedger;
  readonly sender: MailSender;
  readonly clock: Clock;
  /** How long after a claim SES's Send event for it has surely been recorded. */
  readonly sendConfirmationMs: number;
  /** Waits (real time); tests pass their own. */
  readonly pause?: Pause;
}

/** Another attempt is sending this mail right now: the stream retries the notification later. */
export class MailInDoubt extends Error {
  override readonly name = 'MailInDoubt';
}

/** A notification event as the stream delivers it. */
export interface NotificationEvent {
  readonly tenantId: string;
  readonly ticketId: string;
  readonly eventId: string;
  readonly reason: string;
  readonly recipients: readonly string[];
  readonly commentId: string | null;
  /** Facts the reason needs (a third-party request: waitId, party, reference). */
  readonly details?: Readonly<Record<string, string>>;
}

export interface SendOutcome {
  readonly sent: number;
  readonly skipped: number;
}

/**
 * The third-party wait whose own thread this mail goes out on: a request to a third party
 * (its root, its reply token, its ledger thread), never the customer's ticket thread.
 * Every other notification is on the ticket's thread, whatever details it carries.
 */
export const waitThreadOf = (event: NotificationEvent): string | undefined => (event.reason === 'third-party-request' ? event.details?.waitId : undefined);

export async function sendNotification(deps: MailDeps, event: NotificationEvent): Promise<SendOutcome> {
  const ticket = await deps.tickets.get(event.tenantId, event.ticketId);
  if (!ticket) return { sent: 0, skipped: event.recipients.length };
  const tenant = await loadTenant(deps.settings, event.tenantId);
  const from = senderAddress(tenant);
  const secret = await deps.ledger.tenantSecret(event.tenantId);
  const comment = event.commentId ? await publicComment(deps, event.tenantId, event.ticketId, event.commentId) : null;
  const waitId = waitThreadOf(event);
  // A third party answers on its own thread, whose token names the wait, never the customer's.
  const ref = waitId ? ({ kind: 'wait', ticketId: ticket.id, id: waitId } as const) : ({ kind: 'ticket', id: ticket.id } as const);
  const replyTo = replyAddress(from, secret, event.tenantId, ref);
  // Read once; each mail this event sends joins it, so the next recipient's mail refers to it as before.
  const thread = waitId ? [] : (await deps.ledger.sentOn(event.tenantId, event.ticketId)).filter((m) => m.thread !== 'wait');
  let sent = 0;
  let skipped = 0;
  for (const recipient of new Set(event.recipients.map((r) => r.toLowerCase()))) {
    if (recipient === from.toLowerCase() || (await deps.ledger.isSuppressed(event.tenantId, recipient))) {
      skipped++;
      continue;
    }
    if ((await claimMail(deps, event, recipient)) === 'sent') {
      skipped++;
      continue;
    }
    const locale = await recipientLocale(deps, tenant, ticket, recipient);
    const mail = composeMail(tenant, ticket, event, recipient, locale, comment, thread, replyTo);
    const { providerMessageId } = await deps.sender.send(mail);
    const record: SentMail = {
      eventId: event.eventId,
      recipient,
      messageId: mail.headers['Message-ID']!,
      thread: waitId ? 'wait' : 'ticket',
      wireMessageId: deps.sender.wireMessageId(providerMessageId),
      sentAt: deps.clock.now().toISOString(),
    };
    await deps.ledger.recordSent(event.tenantId, event.ticketId, record);
    if (!waitId) thread.push(record);
    sent++;
  }
  return { sent, skipped };
}

/**
 * `send` when this caller is to send the mail, `sent` when it went out before. A claim
 * left by a crashed attempt is decided by SES's Send event: wait until it has surely
 * arrived, then it is either recorded (`sent`) or SES never took the mail (re-claim, send).
 */
async function claimMail(deps: MailDeps, event: NotificationEvent, recipient: string): Promise<'send' | 'sent'> {
  const pause: Pause = deps.pause ?? sleep;
  // How long this call has waited itself: a clock that stands still (a frozen local one) must not hold it forever.
  let waited = 0;
  for (;;) {
    const now = deps.clock.now();
    const claim = await deps.ledger.claim(event.tenantId, event.ticketId, event.eventId, recipient, now.toISOString());
    if (claim.state !== 'in-doubt') return claim.state === 'sent' ? 'sent' : 'send';
    const left = deps.sendConfirmationMs - Math.max(now.getTime() - Date.parse(claim.claimedAt), waited);
    if (left > 0) {
      const step = Math.min(left, 1000);
      await pause(step);
      waited += step;
      continue;
    }
    // No Send event: SES never took it. One re-claim wins; the others retry and find its record.
    if (await deps.ledger.reclaim(event.tenantId, event.ticketId, event.eventId, recipient, claim.claimedAt, now.toISOString())) return 'send';
    throw new MailInDoubt('another attempt is sending this mail');
  }
}

/** The tenant's support address, or a platform address that names the tenant. */
export const senderAddress = (tenant: TenantContext) => tenant.settings.supportAddress ?? `${tenant.tenantId}@tickets.ticketflow.invalid`;

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

/** Ours, stable per event and recipient: a resend after a crash is the same message to every mail program. */
export const notificationMessageId = (eventId: string, recipient: string, from: string) =>
  `<${eventId.toLowerCase()}.${createHash('sha256').update(recipient).digest('hex').slice(0, 12)}@${domainOf(from)}>`;

/** The ticket's thread root: every mail refers to it, so all of them form one thread from the first on. */
export const threadRootId = (ticketId: string, from: string) => `<ticket.${ticketId.toLowerCase()}@${domainOf(from)}>`;

/** A third-party request's own thread root. */
export const waitThreadRootId = (waitId: string, from: string) => `<wait.${waitId.toLowerCase()}@${domainOf(from)}>`;

export function composeMail(
  tenant: TenantContext,
  ticket: Ticket,
  event: NotificationEvent,
  recipient: string,
  locale: Locale,
  comment: string | null,
  thread: readonly SentMail[],
  replyTo: string,
): OutgoingMail {
  const from = senderAddress(tenant);
  const label = tenant.workflow.status(ticket.status)?.labels[locale] ?? ticket.status;
  const rendered = renderNotification(mailKindOf(event.reason), locale, {
    key: ticket.key,
    subject: ticket.subject,
    statusLabel: label,
    tenantName: tenant.settings.name,
    comment,
    detail: event.details?.party
      ? `${event.details.party} ${event.details.reference ?? ''}`.trim()
      : event.reason.includes(':')
        ? event.reason.split(':')[1]!
        : event.reason.replace(/^third-party-/, ''),
  });
  // What went out on this ticket, as the recipients' mail programs saw it (SES's own id where it replaced ours).
  const earlier = thread.map((m) => m.wireMessageId ?? m.messageId);
  const waitId = waitThreadOf(event);
  const root = waitId ? waitThreadRootId(waitId, from) : threadRootId(ticket.id, from);
  const references = [root, ...earlier.slice(-10)];
  return {
    from,
    to: recipient,
    replyTo,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    headers: {
      'Message-ID': notificationMessageId(event.eventId, recipient, from),
      'In-Reply-To': references.at(-1)!,
      References: references.join(' '),
      'Auto-Submitted': 'auto-generated',
      // Exchange and Outlook: no out-of-office or read receipts back to us (no loops).
      'X-Auto-Response-Suppress': 'All',
      'X-Ticketflow-Ticket': ticket.key,
    },
    tags: { tenant: tenant.tenantId, ticket: ticket.id, event: event.eventId, thread: waitId ? 'wait' : 'ticket' },
  };
}

async function recipientLocale(deps: MailDeps, tenant: TenantContext, ticket: Ticket, recipient: string): Promise<Locale> {
  if (ticket.requester.email?.toLowerCase() === recipient) return requesterLocale(ticket, tenant.settings.locale);
  return (await deps.users.findByEmail(tenant.tenantId, recipient))?.locale ?? tenant.settings.locale;
}

async function publicComment(deps: MailDeps, tenantId: string, ticketId: string, commentId: string): Promise<string | null> {
  let cursor: string | null = null;
  do {
    const page = await deps.tickets.listComments(tenantId, ticketId, { limit: 100, cursor }, false);
    const found = page.items.find((c) => c.id === commentId);
    if (found) return found.body;
    cursor = page.nextCursor;
  } while (cursor);
  return null;
}
