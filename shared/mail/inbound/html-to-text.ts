/**
 * A small HTML → text converter for reply bodies. It is not a general renderer: it first throws
 * away what mail clients mark as quoted history (so the text rules never see it) and then keeps
 * the paragraph structure a reader would see. No DOM library: mail HTML is often broken, and a
 * tolerant token scan degrades to "some extra text" rather than an exception.
 */
import { decodeEntities } from './html-entities.js';

/**
 * Elements that start the quoted history in common clients. Everything from such an element to
 * the end of the document is history: clients put the reply on top and the history below.
 * - Gmail: `div.gmail_quote` (attribution + blockquote), Yahoo: `div.yahoo_quoted`
 * - Thunderbird: `div.moz-cite-prefix` (the "On … wrote:" line before `blockquote[type=cite]`)
 * - Outlook web / new Outlook: `#appendonsend` then `hr` + `#divRplyFwdMsg` (From/Sent/To block)
 * - Outlook for Mac: `#OLK_SRC_BODY_SECTION`; Hotmail: `hr#stopSpelling`; Zimbra: `hr#zwchr`;
 *   ProtonMail: `.protonmail_quote`
 */
const HISTORY_START =
  /<(?:div|blockquote|span|p|table|hr|section)\b[^>]*?\b(?:id|class|name)\s*=\s*["']?[^"'>]*?\b(?:x_)?(?:gmail_quote|yahoo_quoted|moz-cite-prefix|divRplyFwdMsg|appendonsend|OLK_SRC_BODY_SECTION|zwchr|stopSpelling|protonmail_quote|zmail_extra)\b/i;

/** Elements dropped wherever they are (with their content). */
const DROPPED_ELEMENTS = ['head', 'style', 'script', 'title', 'xml', 'template', 'blockquote'];

/** Gmail/Apple-style signature containers: the signature is not part of the reply. */
const SIGNATURE_START = /<(div|span|table)\b[^>]*?\bclass\s*=\s*["']?[^"'>]*?\b(?:gmail_signature|moz-signature|signature)\b/i;

const BLOCK_TAGS = new Set([
  'address',
  'article',
  'aside',
  'center',
  'dd',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'pre',
  'section',
  'table',
  'tbody',
  'thead',
  'tfoot',
  'tr',
  'ul',
]);

export function htmlToText(html: string): string {
  let source = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>|<\?[^>]*>/g, '');
  const history = HISTORY_START.exec(source);
  if (history) source = source.slice(0, history.index);
  for (const name of DROPPED_ELEMENTS) source = removeElements(source, name);
  source = removeSignatureBlocks(source);
  return flatten(source);
}

/** Removes every `<name …>…</name>`, nesting-aware; an unclosed one runs to the end. */
function removeElements(html: string, name: string): string {
  const tag = new RegExp(`<(/?)${name}\\b[^>]*>`, 'gi');
  let out = '';
  let depth = 0;
  let keptFrom = 0;
  for (let match = tag.exec(html); match; match = tag.exec(html)) {
    const closing = match[1] === '/';
    if (!closing) {
      if (depth === 0) out += html.slice(keptFrom, match.index);
      if (!match[0].endsWith('/>')) depth += 1;
      else if (depth === 0) keptFrom = match.index + match[0].length;
    } else if (depth > 0) {
      depth -= 1;
      if (depth === 0) keptFrom = match.index + match[0].length;
    }
  }
  return depth > 0 ? out : out + html.slice(keptFrom);
}

function removeSignatureBlocks(html: string): string {
  for (let guard = 0; guard < 20; guard += 1) {
    const start = SIGNATURE_START.exec(html);
    if (!start?.[1]) return html;
    const end = endOfElement(html, start.index, start[1]);
    html = html.slice(0, start.index) + html.slice(end);
  }
  return html;
}

/** Index just after the element opened at `start` (nesting-aware); the end of input if unclosed. */
function endOfElement(html: string, start: number, name: string): number {
  const tag = new RegExp(`<(/?)${name}\\b[^>]*>`, 'gi');
  tag.lastIndex = start;
  let depth = 0;
  for (let match = tag.exec(html); match; match = tag.exec(html)) {
    if (match[1] === '/') depth -= 1;
    else if (!match[0].endsWith('/>')) depth += 1;
    if (depth === 0) return match.index + match[0].length;
  }
  return html.length;
}

/**
 * Tags → line structure. `<br>` is a line break, block elements start a new line, paragraphs are
 * separated by a blank line, except Outlook's `p.MsoNormal`, which it uses for every single line
 * (blank lines there are explicit empty paragraphs).
 */
function flatten(html: string): string {
  let out = '';
  let preDepth = 0;
  // Whether the paragraph being closed was an Outlook line (p.MsoNormal) or a real paragraph.
  let outlookParagraph = false;
  const newline = (count: 1 | 2): void => {
    const trailing = /\n*$/.exec(out)?.[0].length ?? 0;
    if (out.length > 0 && trailing < count) out += '\n'.repeat(count - trailing);
  };
  for (const token of html.match(/<[^>]*>|[^<]+|</g) ?? []) {
    if (!token.startsWith('<') || token === '<') {
      const text = decodeEntities(preDepth > 0 ? token : token.replace(/[ \t\r\n\f]+/g, ' '));
      out += /\n$/.test(out) && preDepth === 0 ? text.replace(/^ +/, '') : text;
      continue;
    }
    const tag = /^<\s*(\/?)\s*([a-zA-Z][a-zA-Z0-9:-]*)/.exec(token);
    if (!tag?.[2]) continue;
    const closing = tag[1] === '/';
    const name = tag[2].toLowerCase();
    if (name === 'br') out += '\n';
    else if (name === 'p') {
      if (!closing) outlookParagraph = /\bclass\s*=\s*["']?[^"'>]*MsoNormal/i.test(token);
      newline(outlookParagraph ? 1 : 2);
    } else if (name === 'pre') {
      preDepth = Math.max(0, preDepth + (closing ? -1 : 1));
      newline(1);
    } else if (name === 'li' && !closing) {
      newline(1);
      out += '- ';
    } else if (name === 'td' || name === 'th') {
      if (closing) out += ' ';
    } else if (BLOCK_TAGS.has(name)) newline(1);
  }
  return out
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/g, '').replace(/^ +/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
