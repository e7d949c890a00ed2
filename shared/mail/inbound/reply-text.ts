/**
 * The part of a reply a careful human would keep as the ticket comment: the new text, without
 * the quoted history below (or around) it and without the signature. The raw message is stored
 * separately (CONTRACT §7), so erring towards a shorter comment loses nothing.
 *
 * Pipeline: pick the text (text/plain, else our HTML conversion) → normalise → cut at the first
 * history/signature marker our own rules recognise and drop `>`-quoted blocks → email-reply-parser
 * as the final pass (its quote-header patterns) → tidy blank lines.
 */
import EmailReplyParserModule from 'email-reply-parser';
import { htmlToText } from './html-to-text.js';
import {
  ATTRIBUTION_OPENER,
  ATTRIBUTION_VERB,
  DEVICE_SIGNATURES,
  FORWARD_INTRO,
  HEADER_FROM,
  HEADER_OTHER,
  SEPARATOR_LINE,
  SIGNATURE_DELIMITER,
  UNDERSCORE_RULE,
} from './quote-markers.js';

// The package is ESM but its compiled entry exports the class on `.default` when loaded from ESM.
type ParserClass = new () => { parseReply(text: string): string };
const EmailReplyParser: ParserClass =
  (EmailReplyParserModule as unknown as { default?: ParserClass }).default ?? (EmailReplyParserModule as unknown as ParserClass);

export interface ReplyBody {
  text?: string | undefined;
  html?: string | undefined;
}

export function replyText({ text, html }: ReplyBody): string {
  const source = text !== undefined && text.trim() !== '' ? text : html ? htmlToText(html) : '';
  const lines = withoutQuotedBlocks(cutHistory(normalise(source))).map(protectFromLibrarySignatureRules);
  const kept = new EmailReplyParser().parseReply(lines.join('\n'));
  return tidy(kept.split(KEEP).join(''));
}

/** Unix newlines, no-break/zero-width spaces, trailing blanks (except the "-- " delimiter). */
function normalise(text: string): string[] {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // Gmail wraps "… <address\n>:" so the attribution's last line looks quoted; rejoin it.
      .replace(/(<[^<>\n]*)\n>[ \t]*:[ \t]*(?=\n|$)/g, '$1>:')
      .replace(/[\u00a0\u2007\u202f]/g, ' ')
      .replace(/[\u200b\u200c\u200d\u2060\ufeff]/g, '')
      .split('\n')
      .map((line) => (line === '-- ' ? line : line.replace(/[ \t]+$/, '')))
  );
}

const isQuoted = (line: string | undefined): boolean => line !== undefined && /^\s*>/.test(line);
const isBlank = (line: string | undefined): boolean => line === undefined || line.trim() === '';

/**
 * Walks the unquoted lines top-down. A marker followed by unquoted text means the original is
 * pasted below without quote marks (Outlook, iOS, Apple Mail forwards): everything from the marker
 * on goes. An attribution followed by `>` lines only loses the attribution, so a bottom-posted or
 * inline answer after the quote survives.
 */
function cutHistory(lines: string[]): string[] {
  const out = [...lines];
  for (let i = 0; i < out.length; i += 1) {
    const line = out[i]!;
    if (isQuoted(line) || isBlank(line)) continue;
    const trimmed = line.trim();

    if (SEPARATOR_LINE.test(line) || FORWARD_INTRO.test(line) || SIGNATURE_DELIMITER.test(line)) return out.slice(0, i);
    if (DEVICE_SIGNATURES.some((pattern) => pattern.test(trimmed))) return out.slice(0, i);
    if (UNDERSCORE_RULE.test(line)) return out.slice(0, i);
    if (isHeaderBlock(out, i)) return out.slice(0, i);

    const attribution = attributionEndingAt(out, i);
    if (attribution) {
      const next = out.slice(attribution.end + 1).find((l) => !isBlank(l));
      if (next === undefined || !isQuoted(next)) return out.slice(0, attribution.start);
      out.splice(attribution.start, attribution.end - attribution.start + 1);
      i = attribution.start - 1;
    }
  }
  return out;
}

/**
 * A pasted header block: "From:" plus at least one of "Sent:/To:/Subject:/Date:" (Outlook puts From
 * first; Hotmail and some French clients start with the date), within a few lines so that wrapped
 * values are allowed. One header-like line alone is ordinary text ("To: whom it may concern").
 */
function isHeaderBlock(lines: string[], i: number): boolean {
  const startsWithFrom = HEADER_FROM.test(lines[i]!);
  if (!startsWithFrom && !HEADER_OTHER.test(lines[i]!)) return false;
  let from = startsWithFrom;
  let others = startsWithFrom ? 0 : 1;
  for (let j = i + 1; j < Math.min(lines.length, i + 7) && !isBlank(lines[j]); j += 1) {
    if (HEADER_FROM.test(lines[j]!)) from = true;
    else if (HEADER_OTHER.test(lines[j]!)) others += 1;
  }
  return from && (startsWithFrom ? others >= 1 : others >= 2);
}

/**
 * An attribution ending on line `end` ("… wrote:"), possibly wrapped over the two lines above it
 * (clients wrap long "On <date>, <name> <address> wrote:" lines). A one-line match that opens like
 * an attribution ("On", "Le", a date…) wins outright; else the widest window opening like one;
 * else the shortest match, so the line above an attribution is not swallowed.
 */
function attributionEndingAt(lines: string[], end: number): { start: number; end: number } | undefined {
  if (!/:\s*$/.test(lines[end]!)) return undefined;
  let shortest: number | undefined;
  let opened: number | undefined;
  for (let start = end; start >= Math.max(0, end - 2); start -= 1) {
    if (start < end && (isBlank(lines[start]) || isQuoted(lines[start]))) break;
    const text = lines.slice(start, end + 1).join(' ');
    // A date digit or an address is required: "Here is what I wrote:" is not an attribution.
    if (text.length > 400 || !/\d|@/.test(text) || !ATTRIBUTION_VERB.test(text)) continue;
    const opens = ATTRIBUTION_OPENER.test(lines[start]!);
    if (opens && start === end) return { start, end };
    shortest ??= start;
    if (opens) opened = start;
  }
  const start = opened ?? shortest;
  return start === undefined ? undefined : { start, end };
}

/**
 * Each run of `>` lines becomes one blank line, so text written between or after quotes (inline
 * and bottom-posted answers) stays a separate paragraph instead of being glued together.
 */
function withoutQuotedBlocks(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (!isQuoted(line)) out.push(line);
    else if (out.length > 0 && !isBlank(out[out.length - 1])) out.push('');
  }
  return out;
}

/**
 * email-reply-parser also hides everything below any line starting "Sent from", "Regards",
 * "Cheers", "---"… That drops sign-offs and sentences like "Sent from my desk, is much easier…".
 * Real signatures are already cut by our rules above, so for the library we make such lines
 * not match (all its signature patterns are anchored at the line start) by prefixing a
 * private-use character, removed again afterwards.
 */
const KEEP = '\ue000';
const LIBRARY_SIGNATURE_LIKE =
  /^\s*(?:[-_+=]{2,}\s*$|sent |get outlook|cheers|best wishes|.*regards|von .*gesendet|gesendet von|sendt fra|envoy|télécharger|bien . vous|.*cordialement|bonne |enviado|verzonden|verstuurd|in data)/iu;
function protectFromLibrarySignatureRules(line: string): string {
  return LIBRARY_SIGNATURE_LIKE.test(line) ? KEEP + line : line;
}

/** Trailing separator debris, at most one blank line between paragraphs, trimmed. */
function tidy(text: string): string {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''));
  while (lines.length > 0 && /^[\s\-_=*]*$/.test(lines[lines.length - 1]!)) lines.pop();
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
