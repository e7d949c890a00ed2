import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readInbound } from '../../../shared/mail/inbound/index.js';
import { CORPUS_DIR } from './corpus.js';

const fixture = (name: string) => readFileSync(`${CORPUS_DIR}${name}.eml`);

describe('readInbound', () => {
  it('returns threading headers, addresses and subject', async () => {
    const mail = await readInbound(fixture('authored-gmail-inline-image'));
    expect(mail.messageId).toBe('<CAF=inline.image.1@mail.gmail.com>');
    expect(mail.inReplyTo).toBe('<01JH8ZK3T5W9Q2Y7VQ4M6N8B0C@mail.ticketflow.test>');
    expect(mail.references).toEqual(['<01JH8ZK3T5W9Q2Y7VQ4M6N8B0C@mail.ticketflow.test>']);
    expect(mail.from).toEqual({ address: 'pat@example.com', name: 'Pat Doe' });
    expect(mail.to).toEqual([{ address: 'support@demo.ticketflow.test', name: 'Acme Support' }]);
    expect(mail.subject).toBe('Re: [DEMO-42] Printer on floor 3 is offline');
    expect(mail.date?.toISOString()).toBe('2025-01-14T09:15:00.000Z');
    expect(mail.contentType).toMatch(/^multipart\/related;/);
  });

  it('keeps an inline image as an attachment with its content id and bytes, and cid links in the HTML', async () => {
    const mail = await readInbound(fixture('authored-gmail-inline-image'));
    expect(mail.attachments).toHaveLength(1);
    const [image] = mail.attachments;
    expect(image).toMatchObject({ filename: 'screenshot.png', contentType: 'image/png', contentId: 'ii_m5w3x1a70', inline: true, size: 70 });
    expect(image!.content.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(mail.html).toContain('src="cid:ii_m5w3x1a70"');
  });

  it('has no text for HTML-only mail, so the HTML converter is used', async () => {
    const mail = await readInbound(fixture('authored-outlook-web-html-only'));
    expect(mail.text).toBeUndefined();
    expect(mail.html).toContain('divRplyFwdMsg');
  });

  it('decodes iso-8859-1, windows-1252, base64, quoted-printable and RFC 2047 subjects', async () => {
    expect((await readInbound(fixture('discourse-outlook-de'))).text).toContain('Gruß Discourse');
    expect((await readInbound(fixture('discourse-thunderbird-fr-bottom-post'))).text).toContain('is the back office also available in french');
    expect((await readInbound(fixture('talon-android'))).text).toContain('написал');
    expect((await readInbound(fixture('talon-iphone'))).text).toContain('bob <bob@example.com> wrote:');
    expect((await readInbound(fixture('authored-vacation-subject-fr'))).subject).toBe('Réponse automatique : Re: [DEMO-42] Printer');
    expect((await readInbound(fixture('sisimai-exchange-oof-windows-1252'))).text).toContain('intermittent access');
  });

  it('exposes raw header values, lower-cased and unfolded, for the classifier', async () => {
    const receipt = await readInbound(fixture('authored-read-receipt'));
    expect(receipt.headers['content-type']).toBe('multipart/report; report-type=disposition-notification; boundary="------------MDN-boundary"');
    const oof = await readInbound(fixture('sisimai-exchange-oof-automatic-reply'));
    expect(oof.headers['x-auto-response-suppress']).toBe('All');
  });

  it('keeps a forwarded message as an attachment, not as body text, and reads group and comment-wrapped headers', async () => {
    const forwarded = ['From: old@example.com', 'Subject: the original', '', 'Original words.'].join('\r\n');
    const raw = Buffer.from(
      [
        'From: "Pat Doe" <Pat@Example.com>',
        'To: Support: support@demo.ticketflow.test, help@demo.ticketflow.test;',
        'Subject: Fwd: the original',
        'Message-ID:  <fwd.1@example.com> (sent from a phone)',
        'In-Reply-To: (comment) <prev@example.com>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'See below.',
        '--b',
        'Content-Type: message/rfc822',
        '',
        forwarded,
        '--b--',
        '',
      ].join('\r\n'),
    );
    const mail = await readInbound(raw);
    expect(mail.text?.trim()).toBe('See below.');
    expect(mail.attachments).toMatchObject([{ contentType: 'message/rfc822', inline: false }]);
    expect(mail.attachments[0]!.content.toString()).toContain('Original words.');
    expect(mail.from).toEqual({ address: 'pat@example.com', name: 'Pat Doe' });
    expect(mail.to.map((a) => a.address)).toEqual(['support@demo.ticketflow.test', 'help@demo.ticketflow.test']);
    expect(mail.messageId).toBe('<fwd.1@example.com>');
    expect(mail.inReplyTo).toBe('<prev@example.com>');
  });
});
