import nodemailer from 'nodemailer';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InboundRecord } from '../../shared/mail/inbound/receive-ports';
import { useLocalRuntime } from '../support/api-client';
import { askMicrosoftByMail, headerOf, readOutbox } from '../support/outbox';
import { tenantOnPreset, type TenantFixture } from '../support/tenant-fixture';

/**
 * CONTRACT section 7, in: mail reaches the local SMTP listener (what SES receiving is in AWS),
 * which keeps the raw message and hands the same ReceiveMail handler the SES receipt event.
 */
const local = useLocalRuntime();

const outbox = () => readOutbox(local.runtime.sesEndpoint);
const header = headerOf;

/** The recorded outcomes of the tenant's inbound mail, newest first, as the console lists them (`GET /_local/inbox`, staff token). */
const outcomes = async (of: TenantFixture = t): Promise<InboundRecord[]> => {
  const r = await of.as('agent').get('/_local/inbox?limit=50');
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.items;
};
const lastOutcome = async (of: TenantFixture = t) => (await outcomes(of))[0];

let t: TenantFixture;
const support = () => `support@${t.tid}.example`;

async function send(mail: nodemailer.SendMailOptions): Promise<void> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: local.runtime.smtpPort, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail(mail);
  } finally {
    transport.close();
  }
  await local.runtime.settled();
}

/** A ticket of alice's that waits on her, and the notification mail that asked her (its Reply-To and Message-ID). */
async function ticketWithQuestion(subject: string) {
  const tk = (await t.as('alice').post('/v1/tickets', { subject, description: 'It smokes.' })).body;
  expect((await t.as('agent').post(`/v1/tickets/${tk.id}/transitions`, { to: 'open' })).status).toBe(200);
  expect((await t.as('agent').post(`/v1/tickets/${tk.id}/transitions`, { to: 'pending', comment: 'Which printer?' })).status).toBe(200);
  await local.runtime.settled();
  const asked = (await outbox()).filter((m) => m.subject.includes(`[${tk.key}]`) && m.destination.to.includes('alice@acme.example')).at(-1);
  expect(asked, 'the question went out by mail').toBeDefined();
  return { tk, asked: asked! };
}

interface CommentView {
  body: string;
  channel: string;
  visibility: string;
  author: { id: string; role: string; email: string | null };
  attachments: { id?: string; name: string; size: number; contentType: string }[];
}
const comments = async (id: string, of: TenantFixture = t) => (await of.as('agent').get(`/v1/tickets/${id}/comments?limit=100`)).body.items as CommentView[];

describe('replies by mail', () => {
  beforeAll(async () => {
    t = await tenantOnPreset(local.api, 'mail-in', 'default');
  });

  it('a reply to a notification becomes a public comment of the sender, quotes stripped, channel email; delivered twice, it counts once', async () => {
    const { tk, asked } = await ticketWithQuestion('Printer on fire');
    const reply: nodemailer.SendMailOptions = {
      from: 'Alice <alice@acme.example>',
      to: asked.replyTo[0],
      subject: `Re: ${asked.subject}`,
      messageId: '<reply-1@acme.example>',
      inReplyTo: header(asked, 'Message-ID'),
      references: header(asked, 'References'),
      text: 'The one on floor 2.\n\nOn Mon, 1 Jun 2026 at 10:00, Support wrote:\n> Which printer?\n',
    };
    await send(reply);
    await send(reply);
    const mine = (await comments(tk.id)).filter((c) => c.channel === 'email');
    expect(mine).toHaveLength(1);
    const recorded = (await outcomes()).slice(0, 2);
    expect(recorded.map((r) => [r.outcome, r.reason])).toEqual([
      ['ignored', 'duplicate'],
      ['accepted', 'reply-by-token'],
    ]);
    expect(recorded[1]).toMatchObject({ ticketId: tk.id, action: 'comment', sender: 'alice@acme.example' });
    // the raw message is kept in the data dir
    expect(recorded[1]!.rawRef).toMatch(/[\\/]mail[\\/]inbound[\\/][0-9a-f-]{36}\.eml$/);
    expect(mine[0]).toMatchObject({ body: 'The one on floor 2.', channel: 'email', author: { id: 'alice' } });
    // the customer's reply applied the workflow's reply rule (pending → open)
    expect((await t.as('agent').get(`/v1/tickets/${tk.id}`)).body.status).toBe('open');
  });

  it('threads by References alone (no reply token) and refuses a spoofed sender who may not see the ticket', async () => {
    const { tk, asked } = await ticketWithQuestion('Threaded by references');
    await send({
      from: 'alice@acme.example',
      to: support(),
      subject: 'no key here',
      messageId: '<reply-refs@acme.example>',
      references: header(asked, 'References'),
      text: 'Floor 3 actually.',
    });
    expect((await comments(tk.id)).map((c) => c.body)).toContain('Floor 3 actually.');
    expect(await lastOutcome()).toMatchObject({ outcome: 'accepted', reason: 'reply-by-references' });

    // carol (globex) with alice's key in the subject only: refused, nothing added
    const before = (await comments(tk.id)).length;
    await send({ from: 'carol@globex.example', to: support(), subject: `[${tk.key}] me too`, messageId: '<carol-1@globex.example>', text: 'Give me access.' });
    expect((await comments(tk.id)).length).toBe(before);
    expect(await lastOutcome()).toMatchObject({ outcome: 'refused', reason: 'sender-may-not-see-ticket', ticketId: tk.id, sender: 'carol@globex.example' });
  });

  it('refuses mail failing both SPF and DKIM, and ignores an auto-reply without mailing anything back', async () => {
    const { tk, asked } = await ticketWithQuestion('Verdicts and loops');
    const before = (await comments(tk.id)).length;
    await send({
      from: 'alice@acme.example',
      to: asked.replyTo[0],
      subject: `Re: ${asked.subject}`,
      messageId: '<forged@acme.example>',
      headers: { 'X-Test-Verdicts': 'spf=FAIL,dkim=FAIL' },
      text: 'Forged reply.',
    });
    expect((await comments(tk.id)).length).toBe(before);
    expect(await lastOutcome()).toMatchObject({ outcome: 'refused', reason: 'spf-and-dkim-failed' });

    const sent = (await outbox()).length;
    await send({
      from: 'alice@acme.example',
      to: asked.replyTo[0],
      subject: `Out of office: ${asked.subject}`,
      messageId: '<ooo@acme.example>',
      headers: { 'Auto-Submitted': 'auto-replied' },
      text: 'I am away until Monday.',
    });
    expect((await comments(tk.id)).length).toBe(before);
    expect((await outbox()).length).toBe(sent);
    expect(await lastOutcome()).toMatchObject({ outcome: 'ignored', reason: 'auto-submitted' });
  });

  it('no loop with auto-responders: a marked one is ignored; a naive one is a reply, causes one status mail, then silence', async () => {
    const { tk } = await ticketWithQuestion('Loop guard');
    const mailsOf = async () => (await outbox()).filter((m) => m.subject.includes(`[${tk.key}]`));
    const before = (await mailsOf()).length;
    // Alice's mailbox answers every mail we send her, for five rounds: once as Exchange
    // marks its out-of-office replies, once as a naive responder with no marker at all.
    // the responder is switched on now: it answers the last question and whatever comes after
    const answered = new Set<string>((await mailsOf()).slice(0, -1).map((m) => m.messageId));
    const preexisting = answered.size;
    const sentAfterRound: number[] = [];
    for (let round = 0; round < 5; round++) {
      const fresh = (await mailsOf()).filter((m) => m.destination.to.includes('alice@acme.example') && !answered.has(m.messageId));
      for (const m of fresh) {
        answered.add(m.messageId);
        const replyTo = m.replyTo[0]!;
        await send({
          from: 'alice@acme.example',
          to: replyTo,
          subject: `Automatic reply: ${m.subject}`,
          messageId: `<oof-${round}-${m.messageId}@acme.example>`,
          headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
          text: 'I am out of the office until Monday.',
        });
        await send({
          from: 'alice@acme.example',
          to: replyTo,
          subject: `Re: ${m.subject}`,
          messageId: `<naive-${round}-${m.messageId}@acme.example>`,
          inReplyTo: header(m, 'Message-ID'),
          references: header(m, 'References'),
          text: 'Thanks for your message, we will get back to you.',
        });
      }
      await local.runtime.settled();
      sentAfterRound.push((await mailsOf()).length - before);
    }
    // What the loop sent: the naive answer is a customer reply, so the ticket goes back to
    // work and Alice is told so, once; that mail's answer changes nothing; then silence.
    expect(sentAfterRound).toEqual([1, 1, 1, 1, 1]);
    expect(answered.size - preexisting).toBe(2);
    const fromAlice = (await comments(tk.id)).filter((c) => c.channel === 'email');
    // the naive answers are comments (her mailbox speaking); the marked ones never are
    expect(fromAlice.map((c) => c.body)).toEqual(['Thanks for your message, we will get back to you.', 'Thanks for your message, we will get back to you.']);
    expect((await t.as('agent').get(`/v1/tickets/${tk.id}`)).body.status).toBe('open');
  });

  it("a known user's mail with no reference opens a new ticket, channel email", async () => {
    await send({
      from: 'bob@acme.example',
      to: support(),
      subject: 'Scanner jammed',
      messageId: '<bob-new@acme.example>',
      text: 'Paper everywhere.\n\n-- \nBob',
    });
    const mine = (await t.as('bob').get('/v1/tickets?requester=bob')).body.items as { id: string; subject: string; channel: string; description: string }[];
    const opened = mine.filter((x) => x.subject === 'Scanner jammed');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ channel: 'email', description: 'Paper everywhere.' });
    expect(await lastOutcome()).toMatchObject({ outcome: 'accepted', reason: 'new-ticket', action: 'created', ticketId: opened[0]!.id });

    // an unknown sender opens nothing
    await send({ from: 'stranger@elsewhere.example', to: support(), subject: 'Hello', messageId: '<stranger@elsewhere.example>', text: 'Hi.' });
    expect(await lastOutcome()).toMatchObject({ outcome: 'refused', reason: 'unknown-sender' });
  });

  it('a reply on a closed ticket inside its reopen window reopens it', async () => {
    const { tk, asked } = await ticketWithQuestion('Closed then replied');
    expect((await t.as('agent').post(`/v1/tickets/${tk.id}/transitions`, { to: 'solved', resolution: 'fixed' })).status).toBe(200);
    expect((await t.as('alice').post(`/v1/tickets/${tk.id}/close`)).status).toBe(200);
    await local.runtime.settled();
    await send({
      from: 'alice@acme.example',
      to: asked.replyTo[0],
      subject: `Re: ${asked.subject}`,
      messageId: '<again@acme.example>',
      text: 'It smokes again.',
    });
    const now = (await t.as('agent').get(`/v1/tickets/${tk.id}`)).body;
    expect(now).toMatchObject({ status: 'open', category: 'active' });
    expect((await comments(tk.id)).at(-1)).toMatchObject({ body: 'It smokes again.', channel: 'email' });
  });
});

describe('replies by mail: attachments, third parties, after the reopen window', () => {
  it('a reply with a PDF keeps it on the comment (name, type, size; the bytes stay in the kept raw message)', async () => {
    const { tk, asked } = await ticketWithQuestion('With a log file');
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    await send({
      from: 'alice@acme.example',
      to: asked.replyTo[0],
      subject: `Re: ${asked.subject}`,
      messageId: '<with-pdf@acme.example>',
      text: 'The log is attached.',
      attachments: [{ filename: 'printer-log.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    const mine = (await comments(tk.id)).filter((c) => c.channel === 'email');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      body: 'The log is attached.',
      attachments: [{ name: 'printer-log.pdf', contentType: 'application/pdf', size: pdf.length }],
    });
    // the attachment names the raw message it is kept in, and its part
    const recorded = await lastOutcome();
    expect(recorded).toMatchObject({ outcome: 'accepted', reason: 'reply-by-token', ticketId: tk.id });
    const rawId = recorded!.rawRef
      .split(/[\\/]/)
      .at(-1)!
      .replace(/\.eml$/, '');
    expect(mine[0]!.attachments[0]!.id).toBe(`${rawId}/0`);
    // the customer sees the attachment too, but not the message bookkeeping
    const hers = (await t.as('alice').get(`/v1/tickets/${tk.id}/comments`)).body.items.filter((c: CommentView) => c.channel === 'email');
    expect(hers[0]).toMatchObject({ attachments: [{ name: 'printer-log.pdf' }] });
    expect(hers[0]).not.toHaveProperty('sourceMessageKey');
  });

  it("boltrics: the vendor's replies to the request mail have the callback's effect; after the wait ended they are refused", async () => {
    const v = await tenantOnPreset(local.api, 'mail-tp', 'boltrics');
    const { tk } = await askMicrosoftByMail(v, () => local.runtime.settled());
    const request = (await outbox()).find((m) => m.destination.to.includes('vendor@partner.example') && m.subject.includes(`[${tk.key}]`));
    expect(request, 'the request went to the vendor').toBeDefined();
    const replyTo = request!.replyTo[0]!;
    const thirdParty = async () => (await comments(tk.id, v)).filter((c) => c.author.role === 'third-party');

    // someone else on the vendor's thread: refused, nothing added
    await send({ from: 'alice@acme.example', to: replyTo, subject: `Re: ${request!.subject}`, messageId: '<not-vendor@acme.example>', text: 'Solved.' });
    expect(await lastOutcome(v)).toMatchObject({ outcome: 'refused', reason: 'sender-not-third-party', ticketId: tk.id });

    // an update keeps the wait
    await send({
      from: 'Vendor <vendor@partner.example>',
      to: replyTo,
      subject: `Re: ${request!.subject}`,
      messageId: '<vendor-1@partner.example>',
      inReplyTo: header(request!, 'Message-ID'),
      references: header(request!, 'References'),
      text: 'We reproduced it.\n\n> We need your help with our ticket',
    });
    expect(await lastOutcome(v)).toMatchObject({ outcome: 'accepted', reason: 'third-party-update', action: 'third-party-answer', ticketId: tk.id });
    expect((await v.as('agent').get(`/v1/tickets/${tk.id}`)).body.status).toBe('099-MICROSOFT');

    // "Solved" on the first line, threaded by the request's thread root alone: back to 030-ANALYSIS
    await send({
      from: 'vendor@partner.example',
      to: `support@${v.tid}.example`,
      subject: `RE: ${request!.subject}`,
      messageId: '<vendor-2@partner.example>',
      references: header(request!, 'References'),
      text: 'Solved.\nFixed in CU 24.3.',
    });
    expect(await lastOutcome(v)).toMatchObject({ outcome: 'accepted', reason: 'third-party-solved', ticketId: tk.id });
    expect((await v.as('agent').get(`/v1/tickets/${tk.id}`)).body.status).toBe('030-ANALYSIS');
    expect((await thirdParty()).map((c) => [c.visibility, c.channel, c.author.email, c.body])).toEqual([
      ['internal', 'email', 'vendor@partner.example', 'We reproduced it.'],
      ['internal', 'email', 'vendor@partner.example', 'Solved.\nFixed in CU 24.3.'],
    ]);
    expect((await v.as('agent').get(`/v1/tickets/${tk.id}/third-party`)).body.items[0].state).toBe('answered');
    // the customer sees none of it
    expect((await v.as('alice').get(`/v1/tickets/${tk.id}/comments`)).body.items).toEqual([]);

    // the wait ended: a later reply is refused (the callback's 410), nothing added
    await send({
      from: 'vendor@partner.example',
      to: replyTo,
      subject: `Re: ${request!.subject}`,
      messageId: '<vendor-3@partner.example>',
      text: 'One more thing.',
    });
    expect(await lastOutcome(v)).toMatchObject({ outcome: 'refused', reason: 'wait-ended', ticketId: tk.id });
    expect(await thirdParty()).toHaveLength(2);
  });

  it('after the reopen window a reply opens a linked new ticket, and the sender is told so', async () => {
    const { tk, asked } = await ticketWithQuestion('Closed for good');
    expect((await t.as('agent').post(`/v1/tickets/${tk.id}/transitions`, { to: 'solved', resolution: 'fixed' })).status).toBe(200);
    expect((await t.as('alice').post(`/v1/tickets/${tk.id}/close`)).status).toBe(200);
    await local.runtime.settled();
    const closed = (await t.as('agent').get(`/v1/tickets/${tk.id}`)).body;
    expect(closed.reopenableUntil).not.toBeNull();
    expect((await local.api.request('POST', '/_local/clock', { body: { advance: 'P31D' } })).status).toBe(200);
    await local.runtime.settled();
    await send({ from: 'alice@acme.example', to: asked.replyTo[0], subject: `Re: ${asked.subject}`, messageId: '<late@acme.example>', text: 'It is back.' });
    const recorded = await lastOutcome();
    expect(recorded).toMatchObject({ outcome: 'accepted', reason: 'closed-after-reopen-window', action: 'created-linked' });
    const opened = (await t.as('agent').get(`/v1/tickets/${recorded!.ticketId}`)).body;
    expect(opened).toMatchObject({ channel: 'email', description: 'It is back.', links: [{ type: 'related', ticketId: tk.id, key: tk.key }] });
    expect((await t.as('agent').get(`/v1/tickets/${tk.id}`)).body).toMatchObject({ status: closed.status, links: [{ ticketId: opened.id, key: opened.key }] });
    const told = (await outbox()).filter((m) => m.subject.includes(`[${opened.key}]`) && m.destination.to.includes('alice@acme.example'));
    expect(told.map((m) => m.subject)).toEqual([`[${opened.key}] We opened ${opened.key} for your message`]);
    expect(told[0]!.body.text).toContain(`Your ticket ${tk.key} was closed; we opened ${opened.key}`);
    // a month of the local clock: every schedule of the window fires on the way (a guard, not a measure)
  }, 120_000);
});
