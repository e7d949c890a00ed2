/**
 * Decides whether an inbound message is a human reply or something to ignore (CONTRACT §7):
 * auto-replies, bulk/list mail, delivery reports, read receipts and our own mail coming back.
 * Ignoring them is what keeps an auto-responder and our notifications from forming a mail loop,
 * so the rules lean towards "ignored" whenever a standard header says a machine sent the mail.
 *
 * Rules run from the most specific to the most generic so the recorded reason is the most useful
 * one (a DSN from MAILER-DAEMON with Auto-Submitted is a 'delivery-report', not 'auto-submitted').
 */
import type { Classification, ClassifyInput, IgnoreReason, InboundMail, OwnMailMarkers } from './types.js';
import { isVacationSubject } from './vacation-subjects.js';

/** Builds the classifier's input from a parsed message. */
export function classificationInput(mail: InboundMail): ClassifyInput {
  return { headers: mail.headers, from: mail.from?.address, subject: mail.subject, contentType: mail.contentType };
}

export function classifyInbound(message: ClassifyInput, ours: OwnMailMarkers = {}): Classification {
  const reason = ignoreReason(message, ours);
  return reason ? { kind: 'ignored', reason } : { kind: 'reply', reason: 'human' };
}

function ignoreReason(message: ClassifyInput, ours: OwnMailMarkers): IgnoreReason | undefined {
  const header = (name: string): string | undefined => {
    const value = message.headers[name];
    return value === undefined ? undefined : value.trim();
  };
  const from = (message.from ?? '').trim().toLowerCase();
  const autoSubmitted = headerToken(header('auto-submitted'));
  const { mediaType, reportType } = parseContentType(message.contentType);

  if (isOwnMail(message, ours, from, autoSubmitted)) return 'own-mail';

  // Read receipts (MDN, RFC 8098) are multipart/report with report-type=disposition-notification,
  // or a bare message/disposition-notification. Note that Disposition-Notification-To on a human
  // mail is a *request* for a receipt and says nothing about the mail itself, so it is not a rule.
  if (mediaType === 'message/disposition-notification') return 'read-receipt';
  if (mediaType === 'multipart/report') return reportType === 'disposition-notification' ? 'read-receipt' : 'delivery-report';

  // Bounces that are not RFC 3464 reports still come from the MTA's own mailbox.
  const localPart = from.split('@')[0] ?? '';
  if (['mailer-daemon', 'mailerdaemon', 'mail-daemon', 'postmaster'].includes(localPart)) return 'mailer-daemon';

  // RFC 3834: anything but "no" (auto-replied, auto-generated, auto-notified, …) is automatic.
  if (autoSubmitted !== undefined && autoSubmitted !== '' && autoSubmitted !== 'no') return 'auto-submitted';

  if (header('x-autoreply') !== undefined || header('x-autorespond') !== undefined || header('x-autoresponder') !== undefined) return 'x-autoreply';

  // Exchange/Outlook put this on OOF replies, receipts and other machine mail.
  if (header('x-auto-response-suppress')) return 'auto-response-suppress';

  if (['bulk', 'junk', 'list'].includes(headerToken(header('precedence')) ?? '')) return 'precedence-bulk';

  if (header('list-id') !== undefined || header('list-unsubscribe') !== undefined) return 'list-mail';

  // Vacation responders that set none of the standard headers still mark themselves.
  if (/\bvacation\b/i.test(header('x-apple-action') ?? '') || header('x-vacation') !== undefined) return 'vacation-header';

  if (isVacationSubject(message.subject)) return 'vacation-subject';
  return undefined;
}

/**
 * Our notifications carry `Auto-Submitted: auto-generated` plus a Message-ID or header we set;
 * either of those alone could be a coincidence, together they cannot. Mail From the tenant's
 * support address is ours whatever it carries: nobody else may send as it.
 */
function isOwnMail(message: ClassifyInput, ours: OwnMailMarkers, from: string, autoSubmitted: string | undefined): boolean {
  if (from && (ours.supportAddresses ?? []).some((address) => address.trim().toLowerCase() === from)) return true;
  if (autoSubmitted !== 'auto-generated') return false;
  const messageId = message.headers['message-id']?.trim() ?? '';
  const bare = messageId.replace(/^<|>$/g, '');
  if (ours.sentMessageIds && bare && (ours.sentMessageIds.has(bare) || ours.sentMessageIds.has(`<${bare}>`))) return true;
  if (ours.messageIdDomain && bare.toLowerCase().endsWith(`@${ours.messageIdDomain.toLowerCase()}`)) return true;
  if (ours.markerHeader && message.headers[ours.markerHeader.toLowerCase()] !== undefined) return true;
  return false;
}

/** First token of a structured header, lower-cased, without parameters or comments. */
function headerToken(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value
    .replace(/\([^)]*\)/g, ' ')
    .split(';')[0]!
    .trim()
    .toLowerCase();
}

function parseContentType(value: string): { mediaType: string; reportType: string | undefined } {
  const mediaType = headerToken(value) ?? '';
  const reportType = /(?:^|;)\s*report-type\s*=\s*"?([^";\s]+)"?/i.exec(value)?.[1]?.toLowerCase();
  return { mediaType, reportType };
}
