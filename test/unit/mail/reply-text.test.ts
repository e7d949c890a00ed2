import { describe, expect, it } from 'vitest';
import { htmlToText, replyText } from '../../../shared/mail/inbound/index.js';

describe('replyText', () => {
  it('keeps internal paragraphs and trims the result', () => {
    expect(replyText({ text: '\n\nFirst paragraph.\n\n\n\nSecond\nparagraph.  \n\n' })).toBe('First paragraph.\n\nSecond\nparagraph.');
  });

  it('keeps an answer written below or between quotes as separate paragraphs', () => {
    const text = 'On Tue, 14 Jan 2025 at 09:02, Acme <support@demo.ticketflow.test> wrote:\n> Did it work?\n\nYes.\n> And the toner?\nAlso fine.';
    expect(replyText({ text })).toBe('Yes.\n\nAlso fine.');
  });

  it('does not take ordinary sentences for attributions, separators or signatures', () => {
    const text =
      'Here is what I wrote:\nthe printer is broken.\n\nOn Monday it worked.\nSent from my desk, which is far from the printer.\n\nTo: whom it may concern';
    expect(replyText({ text })).toBe(text);
  });

  it('keeps sign-offs but cuts a delimited signature', () => {
    expect(replyText({ text: 'Works now.\n\nBest regards,\nPat\n-- \nPat Doe | ACME | +31 20 000 0000' })).toBe('Works now.\n\nBest regards,\nPat');
  });

  it('cuts localized Outlook header blocks', () => {
    for (const block of [
      'Von: Acme <s@x.test>\nGesendet: Dienstag, 14. Januar 2025 09:02\nAn: Pat\nBetreff: Printer',
      'De : Acme <s@x.test>\nEnvoyé : mardi 14 janvier 2025 09:02\nÀ : Pat\nObjet : Printer',
      'Van: Acme <s@x.test>\nVerzonden: dinsdag 14 januari 2025 09:02\nAan: Pat\nOnderwerp: Printer',
    ]) {
      expect(replyText({ text: `Done, thanks.\n\n${block}\n\nOld text.` })).toBe('Done, thanks.');
    }
  });

  it('uses the HTML when there is no text part, without its quoted blocks', () => {
    const html = '<div>Fixed &amp; done.<br>Pat</div><div class="gmail_quote"><div class="gmail_attr">On Tue … wrote:</div><blockquote>old</blockquote></div>';
    expect(replyText({ html })).toBe('Fixed & done.\nPat');
    expect(replyText({ text: '   ', html })).toBe('Fixed & done.\nPat');
  });

  it('returns an empty string for an empty message', () => {
    expect(replyText({})).toBe('');
  });
});

describe('htmlToText', () => {
  it('renders paragraphs, line breaks, lists and entities, and drops style, scripts and blockquotes', () => {
    const html =
      '<html><head><style>p{}</style><title>t</title></head><body><p>One&nbsp;two &lt;3&gt; &eacute;&#233;&#xE9;</p><p>Next<br>line</p><ul><li>a</li><li>b</li></ul><blockquote type="cite">quoted</blockquote><script>x()</script></body></html>';
    expect(htmlToText(html)).toBe('One\u00a0two <3> ééé\n\nNext\nline\n\n- a\n- b');
  });

  it('cuts at Outlook web, Thunderbird and Outlook for Mac history markers', () => {
    expect(htmlToText('<div>Reply</div><div id="appendonsend"></div><hr><div id="divRplyFwdMsg">From: x</div><div>old</div>')).toBe('Reply');
    expect(htmlToText('Reply<div class="moz-cite-prefix">On … wrote:</div><blockquote type="cite">old</blockquote>')).toBe('Reply');
    expect(htmlToText('<div>Reply</div><span id="OLK_SRC_BODY_SECTION"><div>From: x</div></span>')).toBe('Reply');
  });

  it('drops Gmail signature blocks', () => {
    expect(htmlToText('<div>Reply</div><div class="gmail_signature"><div>Pat Doe</div><div>ACME</div></div>')).toBe('Reply');
  });
});
