import nodemailer from 'nodemailer';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../shared/store/dynamo-client';
import { DynamoInboundMailLog } from '../../shared/store/dynamo-inbound-mail';
import { useLocalRuntime } from '../support/api-client';
import { tenantOnPreset, type TenantFixture } from '../support/tenant-fixture';

/**
 * CONTRACT section 7, in: mail reaches the local SMTP listener (what SES receiving is in AWS),
 * which keeps the raw message and hands the same ReceiveMail handler the SES receipt event.
 */
const local = useLocalRuntime();

interface StoredMail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[] };
  subject: string;
  headers?: { name: string; value: string }[];
}

const outbox = async (): Promise<StoredMail[]> => ((await (await fetch(`${local.runtime.sesEndpoint}/store`)).json()) as { emails: StoredMail[] }).emails;
const header = (m: StoredMail, name: string) => m.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

/** The recorded outcomes of the tenant's inbound mail (what the console will list), newest first. */
const outcomes = async () => new DynamoInboundMailLog(documentClient({ endpoint: local.runtime.dynamoEndpoint }), local.runtime.tableName).list(t.tid, 50);
const lastOutcome = async () => (await outcomes())[0];

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

const comments = async (id: string) =>
  (await t.as('agent').get(`/v1/tickets/${id}/comments`)).body.items as { body: string; channel: string; author: { id: string } }[];

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
