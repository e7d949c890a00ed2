/**
 * Raw RFC 5322 bytes → InboundMail, via postal-mime. postal-mime does the hard parts (MIME tree,
 * base64 / quoted-printable, charsets such as iso-8859-1 and windows-1252 through the runtime's
 * own TextDecoder, RFC 2047 words); this module only reshapes its result into plain data the rest
 * of the service can keep. Chosen over mailparser for the Lambda bundle: mailparser carries its
 * own charset tables and an HTML renderer (1.4 MB minified), postal-mime about 90 KB.
 */
import PostalMime, { type Address, type Email } from 'postal-mime';
import type { InboundAttachment, InboundMail, MailAddress } from './types.js';

/** No mail program nests parts this deep or sends this many; a message that does is built to hurt a parser. */
const MAX_MIME_DEPTH = 50;
const MAX_MIME_PARTS = 1000;

/** A message whose structure is beyond the parser's limits (MIME nesting, part count, header size): it is refused, not retried. */
export class UnreadableMail extends Error {
  override readonly name = 'UnreadableMail';
}

/** The limits postal-mime refuses a hostile structure with; any other error is ours, not the sender's. */
const STRUCTURE_LIMITS = new Set(['EMAXNESTINGDEPTH', 'EMAXHEADERSIZE', 'EMAXPARTCOUNT', 'EMAXFORWARDEDADDRESSES']);

export async function readInbound(raw: Buffer): Promise<InboundMail> {
  let parsed: Email;
  try {
    parsed = await PostalMime.parse(raw, {
      // A forwarded message (message/rfc822) stays an attachment, as mail programs show it, rather
      // than being rendered into the body, where the reply rules would take it for the reply.
      forceRfc822Attachments: true,
      maxNestingDepth: MAX_MIME_DEPTH,
      maxPartCount: MAX_MIME_PARTS,
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && STRUCTURE_LIMITS.has(code)) throw new UnreadableMail(code);
    throw error;
  }
  const headers = headerMap(parsed);
  const date = parsed.date ? new Date(parsed.date) : undefined;
  return {
    messageId: firstMessageId(parsed.messageId),
    inReplyTo: firstMessageId(parsed.inReplyTo),
    references: messageIds(parsed.references),
    from: addresses(parsed.from)[0],
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    replyTo: addresses(parsed.replyTo),
    subject: parsed.subject ?? '',
    date: date && !Number.isNaN(date.getTime()) ? date : undefined,
    // postal-mime renders a text body from HTML only when the message also has a text part
    // elsewhere, so an HTML-only message has no text: the signal replyText needs.
    text: nonBlank(parsed.text),
    html: nonBlank(parsed.html),
    attachments: parsed.attachments.map((a): InboundAttachment => {
      const content = Buffer.from(a.content as ArrayBuffer);
      return {
        filename: a.filename ?? undefined,
        contentType: a.mimeType,
        size: content.length,
        contentId: a.contentId?.trim().replace(/^<|>$/g, ''),
        inline: a.disposition === 'inline' || a.related === true,
        content,
      };
    }),
    headers,
    contentType: headers['content-type'] ?? 'text/plain',
  };
}

const nonBlank = (value: string | undefined) => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/**
 * Header lines as the sender wrote them (unfolded), first occurrence per name. The classifier
 * needs raw values (`Auto-Submitted: auto-replied (vacation)`), not decoded ones.
 */
function headerMap(parsed: Email): Record<string, string> {
  const map: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    const name = key.toLowerCase().trim();
    if (name in map) continue;
    const colon = line.indexOf(':');
    map[name] = (colon >= 0 ? line.slice(colon + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  return map;
}

/** The id of a Message-ID or In-Reply-To header (angle brackets kept), without comments or folding around it. */
function firstMessageId(value: string | undefined): string | undefined {
  return messageIds(value)[0];
}

function messageIds(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  // A References header can arrive as one string holding several ids.
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.match(/<[^<>\s]+>/g) ?? (v.trim() ? [v.trim()] : []));
}

function addresses(value: Address | Address[] | undefined): MailAddress[] {
  if (!value) return [];
  const out: MailAddress[] = [];
  for (const entry of Array.isArray(value) ? value : [value]) {
    if (entry.group) for (const member of entry.group) out.push({ address: member.address.toLowerCase(), name: member.name ?? '' });
    else if (entry.address) out.push({ address: entry.address.toLowerCase(), name: entry.name ?? '' });
  }
  return out;
}
