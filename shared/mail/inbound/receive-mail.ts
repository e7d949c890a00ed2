/**
 * Receiving one inbound mail (CONTRACT section 7, incoming), free of AWS: the SES receipt
 * handler (and locally the SMTP listener, through the same handler) gives the raw bytes,
 * SES's verdicts and the envelope recipients.
 *
 * Order: the tenant from the recipient's mailbox → parse → refuse (SPF and DKIM both
 * failing, a virus, oversize) → ignore machine mail (auto-replies, bulk, bounces, our own)
 * → thread (reply token, else our thread root in References/In-Reply-To, else `[KEY]` in
 * the subject) → the sender must be a directory user who may see the ticket → claim the
 * Message-ID (the same message twice adds one comment) → a public comment by the sender
 * (channel `email`) through addComment, which applies the customer-reply and reopen rules;
 * a closed ticket past its reopen window gets a new ticket linked to it instead. A known
 * user's mail with no reference opens a new ticket. Every outcome is recorded, never text.
 */
import { createHash } from 'node:crypto';
import { DomainError } from '../../domain/errors';
import { systemCaller, type TenantCaller } from '../../domain/identity';
import type { DirectoryUser } from '../../domain/ports';
import { actorOf, canSee, type Ticket } from '../../domain/ticket';
import { createTicket } from '../../tickets/create-ticket';
import type { TicketDeps } from '../../tickets/deps';
import { mutateTicket } from '../../tickets/mutate-ticket';
import { addComment } from '../../tickets/ticket-commands';
import { loadTenant } from '../../tickets/tenant-context';
import { mailboxOf, threadOfAddress } from '../outbound/reply-token';
import { classificationInput, classifyInbound } from './classify.js';
import { readInbound } from './read-inbound.js';
import type { InboundMailLog, InboundOutcomeKind, InboundRecord, MailboxRegistry } from './receive-ports';
import { replyText } from './reply-text.js';
import { ticketKeyInSubject } from './ticket-key.js';
import type { InboundMail } from './types.js';

/** CONTRACT section 7: attachments 10 MiB each, 25 MiB in all; the whole message as SES accepts it (40 MB). */
export const INBOUND_LIMITS = { attachmentBytes: 10 * 1024 * 1024, attachmentsBytes: 25 * 1024 * 1024, rawBytes: 40 * 1000 * 1000 } as const;
/** As the API limits a subject and a comment (shared/http/schemas.ts LIMITS). */
const SUBJECT_CHARS = 200;
const COMMENT_CHARS = 64 * 1024;

export type Verdict = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' | 'DISABLED' | string;

export interface Verdicts {
  readonly spf: Verdict;
  readonly dkim: Verdict;
  readonly dmarc: Verdict;
  readonly spam: Verdict;
  readonly virus: Verdict;
}

export interface ReceivedMail {
  readonly raw: Buffer;
  readonly verdicts: Verdicts;
  /** Envelope recipients (SES receipt.recipients, SMTP RCPT TO). */
  readonly recipients: readonly string[];
  /** Where the raw message is kept (S3 object, local file). */
  readonly rawRef: string;
}

export interface ReceiveMailDeps extends TicketDeps {
  readonly mailboxes: Pick<MailboxRegistry, 'tenantOf'>;
  readonly inbound: InboundMailLog;
  readonly secrets: { tenantSecret(tenantId: string): Promise<string> };
  /** Counts one received mail for the tenant's usage, once per message. */
  readonly onReceived?: (tenantId: string, messageKey: string) => Promise<void>;
}

export type ReceiveOutcome =
  | { readonly outcome: 'no-tenant'; readonly reason: 'unknown-mailbox' }
  | { readonly outcome: InboundOutcomeKind | 'duplicate'; readonly reason: string; readonly record: InboundRecord | null };

export const OUR_MARKER_HEADER = 'X-Ticketflow-Ticket';

export async function receiveMail(deps: ReceiveMailDeps, input: ReceivedMail): Promise<ReceiveOutcome> {
  const routed = await tenantOfRecipients(deps, input.recipients);
  if (!routed) return { outcome: 'no-tenant', reason: 'unknown-mailbox' };
  const { tenantId, recipients } = routed;
  const now = deps.clock.now().toISOString();
  const base = { tenantId, receivedAt: now, rawRef: input.rawRef, ticketId: null, ticketKey: null, action: null, sender: null };
  const done = async (outcome: InboundOutcomeKind, reason: string, more: Partial<InboundRecord> = {}): Promise<ReceiveOutcome> => {
    const record: InboundRecord = { ...base, messageKey, outcome, reason, ...more };
    await deps.inbound.record(record);
    return { outcome, reason, record };
  };

  // Oversize before parsing: a message this big is not read at all.
  let messageKey = sha256(input.raw);
  if (input.raw.length > INBOUND_LIMITS.rawBytes) return done('refused', 'oversize');
  const mail = await readInbound(input.raw);
  if (mail.messageId) messageKey = sha256(Buffer.from(mail.messageId.trim().toLowerCase()));
  const sender = mail.from?.address ?? null;
  Object.assign(base, { sender });

  if (input.verdicts.spf === 'FAIL' && input.verdicts.dkim === 'FAIL') return done('refused', 'spf-and-dkim-failed');
  if (input.verdicts.virus === 'FAIL') return done('refused', 'virus');
  if (oversize(mail)) return done('refused', 'oversize');

  const tenant = await loadTenant(deps.settings, tenantId);
  const classification = classifyInbound(classificationInput(mail), {
    supportAddresses: tenant.settings.supportAddress ? [tenant.settings.supportAddress] : [],
    markerHeader: OUR_MARKER_HEADER,
  });
  if (classification.kind === 'ignored') return done('ignored', classification.reason);

  const user = sender ? await deps.users.findByEmail(tenantId, sender) : null;
  const caller = user ? callerOf(tenantId, user) : null;
  const thread = await findThread(deps, tenantId, recipients, mail, tenant.settings.supportAddress);
  if (thread.kind === 'third-party') return done('refused', 'third-party-reply-by-mail-not-supported', { ticketId: thread.ticketId });
  const body = replyText({ text: mail.text, html: mail.html }).slice(0, COMMENT_CHARS);

  if (thread.kind === 'none') {
    if (!caller) return done('refused', 'unknown-sender');
    if (!body.trim() && !mail.subject.trim()) return done('ignored', 'empty');
    if (!(await deps.inbound.claim(tenantId, messageKey, now))) return duplicate(deps, base, messageKey);
    const created = await guarded(deps, tenantId, messageKey, () =>
      createTicket(deps, caller, { subject: subjectOf(mail), description: body, channel: 'email' }),
    );
    await deps.onReceived?.(tenantId, messageKey);
    return done('accepted', 'new-ticket', { ticketId: created.id, ticketKey: created.key, action: 'created' });
  }

  const ticket = thread.ticket;
  const where = { ticketId: ticket.id, ticketKey: ticket.key };
  // However the mail was threaded, only someone who may see the ticket writes on it.
  if (!caller) return done('refused', 'unknown-sender', where);
  if (!canSee(caller, ticket, tenant.settings.orgVisibility)) return done('refused', 'sender-may-not-see-ticket', where);
  if (!body.trim()) return done('ignored', 'empty', where);
  if (!(await deps.inbound.claim(tenantId, messageKey, now))) return duplicate(deps, base, messageKey);

  const result = await guarded(deps, tenantId, messageKey, async () => {
    try {
      await addComment(deps, { caller, idOrKey: ticket.id, expectedVersion: null }, { body, visibility: 'public', channel: 'email' });
      return { reason: `reply-by-${thread.kind}`, action: 'comment' as const, ...where };
    } catch (error) {
      // CONTRACT section 4 and 7: a closed ticket past its reopen window gets a new ticket linked to it.
      if (!(error instanceof DomainError) || error.kind !== 'workflow-refused' || ticket.category !== 'closed') throw error;
      const created = await openLinked(deps, caller, ticket, mail, body);
      return { reason: 'closed-after-reopen-window', action: 'created-linked' as const, ticketId: created.id, ticketKey: created.key };
    }
  });
  await deps.onReceived?.(tenantId, messageKey);
  const { reason, ...more } = result;
  return done('accepted', reason, more);
}

/** The first envelope recipient whose mailbox a tenant holds (reply addresses share the support mailbox). */
async function tenantOfRecipients(deps: ReceiveMailDeps, recipients: readonly string[]): Promise<{ tenantId: string; recipients: string[] } | null> {
  for (const recipient of recipients) {
    const tenantId = await deps.mailboxes.tenantOf(mailboxOf(recipient));
    if (tenantId) return { tenantId, recipients: recipients.map((r) => r.toLowerCase()) };
  }
  return null;
}

type Thread = { kind: 'token' | 'references' | 'subject'; ticket: Ticket } | { kind: 'third-party'; ticketId: string } | { kind: 'none' };

async function findThread(deps: ReceiveMailDeps, tenantId: string, recipients: string[], mail: InboundMail, supportAddress: string | null): Promise<Thread> {
  // 1. The reply token: unforgeable, on the envelope recipient or the headers' To/Cc.
  const secret = await deps.secrets.tenantSecret(tenantId);
  const addressed = new Set([...recipients, ...mail.to.map((a) => a.address), ...mail.cc.map((a) => a.address)]);
  for (const address of addressed) {
    const ref = threadOfAddress(address, secret, tenantId);
    if (!ref) continue;
    if (ref.kind === 'wait') return { kind: 'third-party', ticketId: ref.ticketId };
    const ticket = await deps.tickets.get(tenantId, ref.id);
    if (ticket) return { kind: 'token', ticket };
  }
  // 2. Our thread root (`<ticket.<id>@<support domain>>`), which every notification carries in References.
  if (supportAddress) {
    const domain = supportAddress.slice(supportAddress.lastIndexOf('@') + 1).toLowerCase();
    for (const id of [...mail.references, ...(mail.inReplyTo ? [mail.inReplyTo] : [])]) {
      const match = /^<?ticket\.([0-9a-z]{10,40})@([^>]+)>?$/i.exec(id.trim());
      if (!match || match[2]!.toLowerCase() !== domain) continue;
      const ticket = await deps.tickets.get(tenantId, match[1]!.toUpperCase());
      if (ticket) return { kind: 'references', ticket };
    }
  }
  // 3. `[KEY-n]` in the subject: the caller checks that the sender may see it.
  const key = ticketKeyInSubject(mail.subject);
  if (key) {
    const ticket = await deps.tickets.getByKey(tenantId, key);
    if (ticket) return { kind: 'subject', ticket };
  }
  return { kind: 'none' };
}

/** A new ticket for a mail on a closed ticket past its window, linked both ways; its creation notice tells the sender. */
async function openLinked(deps: ReceiveMailDeps, caller: TenantCaller, old: Ticket, mail: InboundMail, body: string): Promise<Ticket> {
  const created = await createTicket(deps, caller, { subject: subjectOf(mail, old), description: body, channel: 'email' }, [
    { type: 'related', ticketId: old.id, key: old.key },
  ]);
  await mutateTicket(deps, { caller: systemCaller(caller.tenantId), idOrKey: old.id, expectedVersion: null }, (current) => ({
    patch: { links: [...current.links, { type: 'related', ticketId: created.id, key: created.key }] },
    events: [{ type: 'fields-changed', actor: actorOf(caller), visibility: 'public', changes: { links: { from: null, to: created.key } } }],
    quiet: true,
  }));
  return created;
}

/** Runs the change under the message's claim; a failure gives the claim up so a redelivery tries again. */
async function guarded<T>(deps: ReceiveMailDeps, tenantId: string, messageKey: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await deps.inbound.unclaim(tenantId, messageKey);
    throw error;
  }
}

async function duplicate(deps: ReceiveMailDeps, base: Omit<InboundRecord, 'messageKey' | 'outcome' | 'reason'>, messageKey: string): Promise<ReceiveOutcome> {
  const record: InboundRecord = { ...base, messageKey, outcome: 'ignored', reason: 'duplicate' };
  await deps.inbound.record(record);
  return { outcome: 'duplicate', reason: 'duplicate', record };
}

function oversize(mail: InboundMail): boolean {
  const sizes = mail.attachments.map((a) => a.size);
  return sizes.some((s) => s > INBOUND_LIMITS.attachmentBytes) || sizes.reduce((a, b) => a + b, 0) > INBOUND_LIMITS.attachmentsBytes;
}

const callerOf = (tenantId: string, user: DirectoryUser): TenantCaller => ({
  sub: user.id,
  tenantId,
  role: user.role,
  org: user.org,
  email: user.email,
  locale: user.locale,
});

function subjectOf(mail: InboundMail, old?: Ticket): string {
  const subject = mail.subject.replace(/^(\s*(re|aw|sv|fw|fwd|tr|wg)\s*:\s*)+/i, '').trim();
  return (subject || old?.subject || '(no subject)').slice(0, SUBJECT_CHARS);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
