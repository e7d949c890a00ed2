/**
 * Raw RFC 5322 bytes → InboundMail, via mailparser's simpleParser. mailparser does the hard parts
 * (MIME tree, base64 / quoted-printable, charsets such as iso-8859-1 and windows-1252, RFC 2047
 * words); this module only reshapes its result into plain data the rest of the service can keep.
 */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { InboundAttachment, InboundMail, MailAddress } from './types.js';

export async function readInbound(raw: Buffer): Promise<InboundMail> {
  const parsed: ParsedMail = await simpleParser(raw, {
    // We convert HTML ourselves (replyText drops quoted blocks before flattening), so skip
    // mailparser's conversions: an HTML-only message then has no text, which is the signal
    // replyText needs, and parsing is cheaper.
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    // Keep `cid:` links: inlining images as data: URLs would copy every inline image into html.
    keepCidLinks: true,
  });
  const headers = headerMap(parsed);
  return {
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: messageIds(parsed.references),
    from: addresses(parsed.from)[0],
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    replyTo: addresses(parsed.replyTo),
    subject: parsed.subject ?? '',
    date: parsed.date,
    text: typeof parsed.text === 'string' && parsed.text.trim() !== '' ? parsed.text : undefined,
    html: typeof parsed.html === 'string' && parsed.html.trim() !== '' ? parsed.html : undefined,
    attachments: parsed.attachments.map(
      (a): InboundAttachment => ({
        filename: a.filename,
        contentType: a.contentType,
        size: a.size ?? a.content.length,
        contentId: a.contentId?.replace(/^<|>$/g, ''),
        inline: a.contentDisposition === 'inline' || a.related === true,
        content: a.content,
      }),
    ),
    headers,
    contentType: headers['content-type'] ?? 'text/plain',
  };
}

/**
 * Header lines as the sender wrote them (unfolded), first occurrence per name. The classifier
 * needs raw values (`Auto-Submitted: auto-replied (vacation)`), not mailparser's structured ones.
 */
function headerMap(parsed: ParsedMail): Record<string, string> {
  const map: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    const name = key.toLowerCase();
    if (name in map) continue;
    const colon = line.indexOf(':');
    map[name] = (colon >= 0 ? line.slice(colon + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  return map;
}

function messageIds(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  // A References header can arrive as one string holding several ids.
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.match(/<[^<>\s]+>/g) ?? (v.trim() ? [v.trim()] : []));
}

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (!value) return [];
  const out: MailAddress[] = [];
  const walk = (entries: AddressObject['value']): void => {
    for (const entry of entries) {
      if (entry.group) walk(entry.group);
      else if (entry.address) out.push({ address: entry.address.toLowerCase(), name: entry.name ?? '' });
    }
  };
  for (const object of Array.isArray(value) ? value : [value]) walk(object.value);
  return out;
}
