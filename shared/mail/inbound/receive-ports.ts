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
  readonly action: 'comment' | 'created' | 'created-linked' | 'third-party-answer' | null;
  readonly sender: string | null;
  /** Where the raw message is kept (S3 object or local file). */
  readonly rawRef: string;
}

/**
 * One message's claim. A claim is `processing` until its effect is written and `done` after;
 * a `processing` claim is leased (a short lock): a delivery that finds the lease expired (its
 * holder crashed) or given up (its holder failed) retakes it and completes or redoes the work.
 * `plan.ticketId` is the id any ticket opened for this message gets, fixed at the first claim,
 * so a redelivery finds the ticket a crashed delivery already opened instead of opening another.
 */
export type InboundClaim =
  | { readonly state: 'claimed'; readonly retaken: boolean; readonly plan: InboundPlan }
  | { readonly state: 'done' }
  /** Another delivery holds a live lease: try again later (SMTP 451, a Lambda retry). */
  | { readonly state: 'busy' };

export interface InboundPlan {
  readonly ticketId: string;
}

export interface InboundMailLog {
  /** Claims the processing of one message (see InboundClaim); `plan` is stored only by the first claim. */
  claim(tenantId: string, messageKey: string, at: string, plan: InboundPlan): Promise<InboundClaim>;
  /** Marks the message processed: every later delivery is a duplicate. */
  complete(tenantId: string, messageKey: string, at: string): Promise<void>;
  /** Gives the lease up after a failure (the claim stays `processing`), so a redelivery retakes it at once. */
  release(tenantId: string, messageKey: string): Promise<void>;
  /** Adds the outcome to the tenant's inbound list (newest last by receivedAt). */
  record(entry: InboundRecord): Promise<void>;
  /** The tenant's inbound list, newest first. */
  list(tenantId: string, limit: number): Promise<InboundRecord[]>;
}
