/** What the mailer needs from the outside world; adapters live in shared/store and shared/mail/ses-*. */

export interface OutgoingMail {
  readonly from: string;
  readonly to: string;
  readonly replyTo: string | null;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Threading and loop-prevention headers (Message-ID, In-Reply-To, References, Auto-Submitted, …). */
  readonly headers: Readonly<Record<string, string>>;
  /** Tags the provider echoes in its delivery, bounce and complaint events. */
  readonly tags: { readonly tenant: string; readonly ticket: string; readonly event: string };
}

export interface MailSender {
  /** Sends one message; the provider's id for it (SES replaces Message-ID with one built from it). */
  send(mail: OutgoingMail): Promise<{ providerMessageId: string }>;
  /** The Message-ID a provider id becomes on the wire (`<id@eu-west-1.amazonses.com>`), or null when the provider keeps ours. */
  wireMessageId(providerMessageId: string): string | null;
}

export interface SentMail {
  readonly eventId: string;
  readonly recipient: string;
  readonly messageId: string;
  readonly wireMessageId: string | null;
  /** The customer's thread of the ticket, or a third-party request's own. */
  readonly thread: 'ticket' | 'wait';
  readonly sentAt: string;
}

export type MailClaim = 'claimed' | 'sent' | 'retry';

/** The ledger of mail per ticket: one record per notification event and recipient. */
export interface MailLedger {
  /** The tenant's secret for reply tokens (made on first use, never shown). */
  tenantSecret(tenantId: string): Promise<string>;
  /**
   * Claims the sending of one event to one recipient: `claimed` the first time, `sent`
   * once recorded, `retry` when an earlier attempt claimed it and died before recording.
   */
  claim(tenantId: string, ticketId: string, eventId: string, recipient: string, at: string): Promise<MailClaim>;
  recordSent(tenantId: string, ticketId: string, sent: SentMail): Promise<void>;
  /** Mail sent on the ticket, oldest first: what threads the next one. */
  sentOn(tenantId: string, ticketId: string): Promise<SentMail[]>;
  /** Addresses that bounced or complained get no more mail. */
  isSuppressed(tenantId: string, address: string): Promise<boolean>;
  suppress(tenantId: string, address: string, reason: 'bounce' | 'complaint', at: string): Promise<void>;
}
