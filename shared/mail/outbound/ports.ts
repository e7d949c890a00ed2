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
  /** Tags the provider echoes in its send, bounce and complaint events. */
  readonly tags: { readonly tenant: string; readonly ticket: string; readonly event: string; readonly thread: SentMail['thread'] };
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

/**
 * `claimed`: this caller sends. `sent`: recorded (by the sender, or by SES's Send event).
 * `in-doubt`: an earlier attempt claimed it at `claimedAt` and died before recording;
 * whether SES took that mail is known only from SES's Send event.
 */
export type MailClaim = { readonly state: 'claimed' } | { readonly state: 'sent' } | { readonly state: 'in-doubt'; readonly claimedAt: string };

/** The ledger of mail per ticket: one record per notification event and recipient. */
export interface MailLedger {
  /** The tenant's secret for reply tokens (made on first use, never shown). */
  tenantSecret(tenantId: string): Promise<string>;
  /** Claims the sending of one event to one recipient (see MailClaim). */
  claim(tenantId: string, ticketId: string, eventId: string, recipient: string, at: string): Promise<MailClaim>;
  /** Takes over an in-doubt claim made at `claimedAt` (still unrecorded): true for exactly one caller. */
  reclaim(tenantId: string, ticketId: string, eventId: string, recipient: string, claimedAt: string, at: string): Promise<boolean>;
  /**
   * The sender's record of a mail SES took. The write that first records a mail as sent (this
   * or confirmSent) also counts it as usage (`emailsSent`, CONTRACT 8) where usage is metered:
   * once per mail, and never a record without its count.
   */
  recordSent(tenantId: string, ticketId: string, sent: SentMail): Promise<void>;
  /** SES's Send event: records the mail unless its sender already did (whose record is fuller). */
  confirmSent(tenantId: string, ticketId: string, sent: SentMail): Promise<void>;
  /** Whether the mail of one event to one recipient is recorded as sent (a read; nothing is written). */
  isRecorded(tenantId: string, ticketId: string, eventId: string, recipient: string): Promise<boolean>;
  /** Mail sent on the ticket, oldest first: what threads the next one. */
  sentOn(tenantId: string, ticketId: string): Promise<SentMail[]>;
  /** Addresses that bounced or complained get no more mail. */
  isSuppressed(tenantId: string, address: string): Promise<boolean>;
  suppress(tenantId: string, address: string, reason: 'bounce' | 'complaint', at: string): Promise<void>;
}

/** Waits (real time); tests pass their own. */
export type Pause = (ms: number) => Promise<void>;
