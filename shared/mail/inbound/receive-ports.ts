/** What receiving mail needs from the outside world (CONTRACT section 7, incoming); adapters live in shared/store. */

/** Which tenant a support mailbox belongs to (a platform-wide item per address, claimed by one tenant only). */
export interface MailboxRegistry {
  /** The tenant holding the mailbox (`support@acme.example`, lower case), or null. */
  tenantOf(address: string): Promise<string | null>;
  /** Claims it for the tenant: true when it is theirs now (or already was), false when another tenant holds it. */
  claim(address: string, tenantId: string): Promise<boolean>;
  /** Gives it up, only if the tenant holds it. */
  release(address: string, tenantId: string): Promise<void>;
}

export type InboundOutcomeKind = 'accepted' | 'ignored' | 'refused';

/** One inbound mail's outcome, as the console lists it: never its text, only what happened. */
export interface InboundRecord {
  readonly tenantId: string;
  /** The sha256 of the Message-ID (of the raw bytes when there is none): the idempotency key. */
  readonly messageKey: string;
  readonly receivedAt: string;
  readonly outcome: InboundOutcomeKind;
  readonly reason: string;
  /** The ticket it went to (or was refused for), when known. */
  readonly ticketId: string | null;
  readonly ticketKey: string | null;
  /** What it did: a comment added, a ticket opened (`created`), a new linked ticket after the reopen window. */
  readonly action: 'comment' | 'created' | 'created-linked' | null;
  readonly sender: string | null;
  /** Where the raw message is kept (S3 object or local file). */
  readonly rawRef: string;
}

export interface InboundMailLog {
  /** Claims the processing of one message: false when it was already processed (or is being processed). */
  claim(tenantId: string, messageKey: string, at: string): Promise<boolean>;
  /** Gives a claim up after a failure, so a redelivery processes the message again. */
  unclaim(tenantId: string, messageKey: string): Promise<void>;
  /** Adds the outcome to the tenant's inbound list (newest last by receivedAt). */
  record(entry: InboundRecord): Promise<void>;
  /** The tenant's inbound list, newest first. */
  list(tenantId: string, limit: number): Promise<InboundRecord[]>;
}
