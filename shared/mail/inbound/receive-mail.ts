/**
 * Receiving one inbound mail (CONTRACT section 7, incoming), free of AWS: the SES receipt
 * handler (and locally the SMTP listener, through the same handler) gives the raw bytes,
 * SES's verdicts and the envelope recipients.
 *
 * Order: the tenant from the recipient's mailbox → parse → refuse (SPF and DKIM both
 * failing, a virus, oversize) → ignore machine mail (auto-replies, bulk, bounces, our own)
 * → thread (reply token, else our thread root in References/In-Reply-To, else `[KEY]` in
 * the subject) → the sender must be a directory user who may see the ticket → claim the
 * Message-ID → a public comment by the sender (channel `email`, with its attachments)
 * through addComment, which applies the customer-reply and reopen rules; a closed ticket
 * past its reopen window gets a new ticket linked to it instead, whose first notice tells
 * the sender. A known user's mail with no reference opens a new ticket. A reply on a
 * third-party request's thread from the wait's address has the callback's effect
 * (answerWait). Every outcome is recorded, never text.
 *
 * Exactly once in effect: the claim is `processing` (leased) until the effect is written,
 * then `done`. A delivery that dies between the two leaves the claim `processing`; the
 * redelivery retakes it once the lease ran out (at once after a failure) and finds what the
 * first one did: the comment carries the Message-ID's hash (`sourceMessageKey`), a ticket it
 * opened has the id fixed in the claim's plan, a third-party answer is deduplicated by the
 * wait itself. It completes that, or does the work now.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { DomainError } from '../../domain/errors';
import { systemCaller, type TenantCaller } from '../../domain/identity';
import type { DirectoryUser } from '../../domain/ports';
import type { ThirdPartyOutcome, ThirdPartyWait } from '../../domain/third-party';
import { actorOf, canSee, type CommentAttachment, type Ticket } from '../../domain/ticket';
import { createTicket } from '../../tickets/create-ticket';
import type { TicketDeps } from '../../tickets/deps';
import { mutateTicket } from '../../tickets/mutate-ticket';
import type { NotificationDraft } from '../../tickets/notifications';
import { addComment } from '../../tickets/ticket-commands';
import { loadTenant } from '../../tickets/tenant-context';
import { answerWait } from '../../tickets/third-party';
import { mailboxOf, threadOfAddress } from '../outbound/reply-token';
import { classificationInput, classifyInbound } from './classify.js';
import { readInbound, UnreadableMail } from './read-inbound.js';
import type { InboundClaim, InboundMailLog, InboundOutcomeKind, InboundRecord, MailboxRegistry } from './receive-ports';
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
  /** The kept raw message's id (the SES message id, the local file's name): attachments point at it. Default: from rawRef. */
  readonly rawId?: string;
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
  const mail = await readInbound(input.raw).catch((error: unknown) => {
    if (error instanceof UnreadableMail) return null;
    throw error;
  });
  if (!mail) return done('refused', 'unreadable');
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

  const thread = await findThread(deps, tenantId, recipients, mail, tenant.settings.supportAddress);
  const body = replyText({ text: mail.text, html: mail.html }).slice(0, COMMENT_CHARS);
  const attachments = attachmentsOf(mail, input);
  /** Claims the message, runs the work under it, then completes the claim: a crash or failure in between leaves the claim for a redelivery. */
  const once = async (work: (claim: ClaimHeld) => Promise<WorkResult>): Promise<ReceiveOutcome> => {
    const claim = await deps.inbound.claim(tenantId, messageKey, now, { ticketId: deps.ids.next() });
    if (claim.state === 'done') return duplicate(deps, base, messageKey);
    if (claim.state === 'busy') throw new InboundBusy();
    const { reason, outcome = 'accepted', ...more } = await guarded(deps, tenantId, messageKey, () => work(claim));
    if (outcome === 'accepted') await deps.onReceived?.(tenantId, messageKey);
    await deps.inbound.complete(tenantId, messageKey, deps.clock.now().toISOString());
    return done(outcome, reason, more);
  };

  // CONTRACT section 4: a third party answers on its request's own thread, without an account.
  if (thread.kind === 'third-party') {
    const { ticket, wait } = thread;
    const where = { ticketId: ticket.id, ticketKey: ticket.key };
    const isParty = (w: ThirdPartyWait) => !!sender && w.email?.toLowerCase() === sender;
    if (!isParty(wait)) return done('refused', 'sender-not-third-party', where);
    if (!body.trim()) return done('ignored', 'empty', where);
    const outcome = thirdPartyOutcomeOf(mail.subject, body);
    return once(async () => {
      try {
        const answer = { message: body, outcome, channel: 'email' as const, attachments, sourceMessageKey: messageKey };
        await answerWait(deps, { tenantId, ticketId: ticket.id, waitId: wait.id }, answer, isParty);
        return { reason: `third-party-${outcome}`, action: 'third-party-answer', ...where };
      } catch (error) {
        // The callback's 410: the wait ended or expired. Refused, and the message is done with.
        if (error instanceof DomainError && error.kind === 'gone') return { outcome: 'refused', reason: 'wait-ended', ...where };
        throw error;
      }
    });
  }

  const user = sender ? await deps.users.findByEmail(tenantId, sender) : null;
  const caller = user ? callerOf(tenantId, user) : null;

  if (thread.kind === 'none') {
    if (!caller) return done('refused', 'unknown-sender');
    if (!body.trim() && !mail.subject.trim()) return done('ignored', 'empty');
    return once(async (claim) => {
      // After a crash: the ticket the first delivery opened, under the id its claim fixed.
      const created =
        (claim.retaken ? await deps.tickets.get(tenantId, claim.plan.ticketId) : null) ??
        (await createTicket(deps, caller, { subject: subjectOf(mail), description: body, channel: 'email' }, [], { id: claim.plan.ticketId }));
      return { reason: 'new-ticket', ticketId: created.id, ticketKey: created.key, action: 'created' };
    });
  }

  const ticket = thread.ticket;
  const where = { ticketId: ticket.id, ticketKey: ticket.key };
  // However the mail was threaded, only someone who may see the ticket writes on it.
  if (!caller) return done('refused', 'unknown-sender', where);
  if (!canSee(caller, ticket, tenant.settings.orgVisibility)) return done('refused', 'sender-may-not-see-ticket', where);
  if (!body.trim()) return done('ignored', 'empty', where);

  return once(async (claim) => {
    const commented: WorkResult = { reason: `reply-by-${thread.kind}`, action: 'comment', ...where };
    if (claim.retaken) {
      // A delivery died (or failed) after its claim: finish what it did, or do it now.
      if (await hasCommentFrom(deps, tenantId, ticket.id, messageKey)) return commented;
      const opened = await deps.tickets.get(tenantId, claim.plan.ticketId);
      if (opened) return linkedOpened(await openLinked(deps, caller, ticket, mail, body, claim.plan.ticketId, opened));
    }
    try {
      await addComment(
        deps,
        { caller, idOrKey: ticket.id, expectedVersion: null },
        { body, visibility: 'public', channel: 'email', attachments, sourceMessageKey: messageKey },
      );
      return commented;
    } catch (error) {
      // CONTRACT section 4 and 7: a closed ticket past its reopen window gets a new ticket linked to it.
      if (!(error instanceof DomainError) || error.kind !== 'workflow-refused' || ticket.category !== 'closed') throw error;
      return linkedOpened(await openLinked(deps, caller, ticket, mail, body, claim.plan.ticketId, null));
    }
  });
}

type WorkResult = Partial<Omit<InboundRecord, 'outcome' | 'reason'>> & { readonly reason: string; readonly outcome?: InboundOutcomeKind };
type ClaimHeld = Extract<InboundClaim, { state: 'claimed' }>;

const linkedOpened = (created: Ticket): WorkResult => ({
  reason: 'closed-after-reopen-window',
  action: 'created-linked',
  ticketId: created.id,
  ticketKey: created.key,
});

/** Another delivery of the same message holds it right now: the transport tries again later (SMTP 451, a Lambda retry). */
export class InboundBusy extends Error {
  constructor() {
    super('The same message is being handled by another delivery.');
    this.name = 'InboundBusy';
  }
}

/** Whether the ticket carries the comment this message wrote (a crash after the write, before the claim was completed). */
async function hasCommentFrom(deps: ReceiveMailDeps, tenantId: string, ticketId: string, messageKey: string): Promise<boolean> {
  let cursor: string | null = null;
  do {
    const page = await deps.tickets.listComments(tenantId, ticketId, { limit: 100, cursor }, true);
    if (page.items.some((c) => c.sourceMessageKey === messageKey)) return true;
    cursor = page.nextCursor;
  } while (cursor);
  return false;
}

/**
 * A third party's outcome, read from the reply: `update`, unless the first line of the reply, or
 * the subject (reply prefixes and the `[KEY]` taken off), starts with a keyword: `solved`,
 * `opgelost`, `résolu` (or `resolu`) → `solved`; `needs info`, `needs-info`, `info nodig`,
 * `besoin d'info` → `needs-info`. Any case; punctuation may follow ("Solved.", "Opgelost!").
 */
export function thirdPartyOutcomeOf(subject: string, body: string): ThirdPartyOutcome {
  const firstLine = body.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const bareSubject = subject
    .replace(REPLY_PREFIXES, '')
    .replace(/^\s*\[[^\]]*\]\s*/, '')
    .replace(REPLY_PREFIXES, '');
  for (const text of [firstLine, bareSubject]) {
    const head = text.trim().toLowerCase();
    if (SOLVED.test(head)) return 'solved';
    if (NEEDS_INFO.test(head)) return 'needs-info';
  }
  return 'update';
}

const REPLY_PREFIXES = /^(\s*(re|aw|sv|fw|fwd|tr|wg|antw)\s*:\s*)+/i;
const SOLVED = /^(solved|opgelost|résolu|resolu)(?=$|[^\p{L}\p{N}])/u;
const NEEDS_INFO = /^(needs[ -]info|info nodig|besoin d['’]info)(?=$|[^\p{L}\p{N}])/u;

/**
 * The attachments a reply keeps (CONTRACT 7; the limits were checked before). Their bytes stay in
 * the raw message, which is kept anyway (S3 under its lifecycle; locally the `.eml` file): each
 * attachment's id names that message and the part's index among the parsed attachments, all a
 * download route needs to serve it, without a second copy to secure and expire. Inline parts
 * without a file name (images in the HTML body) are not offered as files.
 */
function attachmentsOf(mail: InboundMail, input: ReceivedMail): CommentAttachment[] {
  const rawId = input.rawId ?? basename(input.rawRef).replace(/\.eml$/, '');
  return mail.attachments.flatMap((a, index) =>
    a.inline && !a.filename
      ? []
      : [{ id: `${rawId}/${index}`, name: (a.filename ?? `attachment-${index + 1}`).slice(0, 255), size: a.size, contentType: a.contentType }],
  );
}

/** The first envelope recipient whose mailbox a tenant holds (reply addresses share the support mailbox). */
async function tenantOfRecipients(deps: ReceiveMailDeps, recipients: readonly string[]): Promise<{ tenantId: string; recipients: string[] } | null> {
  for (const recipient of recipients) {
    const tenantId = await deps.mailboxes.tenantOf(mailboxOf(recipient));
    if (tenantId) return { tenantId, recipients: recipients.map((r) => r.toLowerCase()) };
  }
  return null;
}

type Thread = { kind: 'token' | 'references' | 'subject'; ticket: Ticket } | { kind: 'third-party'; ticket: Ticket; wait: ThirdPartyWait } | { kind: 'none' };

async function findThread(deps: ReceiveMailDeps, tenantId: string, recipients: string[], mail: InboundMail, supportAddress: string | null): Promise<Thread> {
  // 1. The reply token: unforgeable, on the envelope recipient or the headers' To/Cc.
  const secret = await deps.secrets.tenantSecret(tenantId);
  const addressed = new Set([...recipients, ...mail.to.map((a) => a.address), ...mail.cc.map((a) => a.address)]);
  for (const address of addressed) {
    const ref = threadOfAddress(address, secret, tenantId);
    if (!ref) continue;
    if (ref.kind === 'wait') {
      const found = await waitOf(deps, tenantId, ref.ticketId, ref.id);
      if (found) return found;
      continue;
    }
    const ticket = await deps.tickets.get(tenantId, ref.id);
    if (ticket) return { kind: 'token', ticket };
  }
  // 2. Our thread roots, which every mail we send carries in References: a ticket's
  //    (`<ticket.<id>@<support domain>>`), or a third-party request's (`<wait.<id>@…>`), whose
  //    ticket is the `[KEY]` in the subject (the sender is then checked against the wait's address).
  if (supportAddress) {
    const domain = supportAddress.slice(supportAddress.lastIndexOf('@') + 1).toLowerCase();
    for (const id of [...mail.references, ...(mail.inReplyTo ? [mail.inReplyTo] : [])]) {
      const match = /^<?(ticket|wait)\.([0-9a-z]{10,40})@([^>]+)>?$/i.exec(id.trim());
      if (!match || match[3]!.toLowerCase() !== domain) continue;
      if (match[1]!.toLowerCase() === 'wait') {
        const key = ticketKeyInSubject(mail.subject);
        const ticket = key ? await deps.tickets.getByKey(tenantId, key) : null;
        const found = ticket ? await waitOf(deps, tenantId, ticket.id, match[2]!.toUpperCase()) : null;
        if (found) return found;
        continue;
      }
      const ticket = await deps.tickets.get(tenantId, match[2]!.toUpperCase());
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

async function waitOf(deps: ReceiveMailDeps, tenantId: string, ticketId: string, waitId: string): Promise<Thread | null> {
  const ticket = await deps.tickets.get(tenantId, ticketId);
  const wait = ticket ? await deps.tickets.getWait(tenantId, ticketId, waitId) : null;
  return ticket && wait ? { kind: 'third-party', ticket, wait } : null;
}

/**
 * A new ticket for a mail on a closed ticket past its window, under the id the message's claim
 * fixed, linked both ways; its first notice tells the sender (`follow-up-opened`). `opened`: the
 * ticket a crashed delivery already opened, which then only needs the link back.
 */
async function openLinked(
  deps: ReceiveMailDeps,
  caller: TenantCaller,
  old: Ticket,
  mail: InboundMail,
  body: string,
  id: string,
  opened: Ticket | null,
): Promise<Ticket> {
  const created =
    opened ??
    (await createTicket(
      deps,
      caller,
      { subject: subjectOf(mail, old), description: body, channel: 'email' },
      [{ type: 'related', ticketId: old.id, key: old.key }],
      {
        id,
        notices: (ticket) => followUpNotice(ticket, old),
      },
    ));
  const current = await deps.tickets.get(caller.tenantId, old.id);
  if (current?.links.some((l) => l.ticketId === created.id)) return created;
  await mutateTicket(deps, { caller: systemCaller(caller.tenantId), idOrKey: old.id, expectedVersion: null }, (now) => ({
    patch: {
      links: now.links.some((l) => l.ticketId === created.id) ? now.links : [...now.links, { type: 'related', ticketId: created.id, key: created.key }],
    },
    events: [{ type: 'fields-changed', actor: actorOf(caller), visibility: 'public', changes: { links: { from: null, to: created.key } } }],
    quiet: true,
  }));
  return created;
}

/** CONTRACT 7, "the sender is told so": instead of the `created` notice, one that names the closed ticket too. */
const followUpNotice = (ticket: Ticket, old: Ticket): NotificationDraft[] =>
  ticket.requester.email
    ? [
        {
          type: 'notification',
          actor: { id: 'system', role: 'system' },
          visibility: 'public',
          recipients: [ticket.requester.email],
          reason: `follow-up-opened:${old.key}`,
        },
      ]
    : [];

/**
 * Runs the change under the message's claim. A failure gives the lease up (the claim stays
 * `processing`, with its plan), so a redelivery retakes it at once and finishes or redoes it.
 */
async function guarded<T>(deps: ReceiveMailDeps, tenantId: string, messageKey: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await deps.inbound.release(tenantId, messageKey);
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
