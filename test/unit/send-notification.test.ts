import { describe, expect, it } from 'vitest';
import { putSettings } from '../../shared/admin/tenant-admin';
import type { MailClaim, MailLedger, MailSender, OutgoingMail, SentMail } from '../../shared/mail/outbound/ports';
import { threadOfAddress } from '../../shared/mail/outbound/reply-token';
import { recordDeliveryFeedback, SENDER_GRACE_MS, type SesFeedback } from '../../shared/mail/outbound/delivery-feedback';
import { sendNotification, type NotificationEvent } from '../../shared/mail/outbound/send-notification';
import { aTicket } from '../support/ticket-builder';
import { caller, fakeDeps } from './fakes';

/** The ledger with DynamoDB's conditional semantics, in memory. */
class MemoryLedger implements MailLedger {
  readonly records = new Map<string, { state: 'sending' | 'sent'; claimedAt: string; sent?: SentMail }>();
  readonly suppressed = new Set<string>();
  async tenantSecret() {
    return 'secret-of-acme';
  }
  async claim(tenantId: string, ticketId: string, eventId: string, recipient: string, at: string): Promise<MailClaim> {
    const key = `${tenantId}/${ticketId}/${eventId}/${recipient}`;
    const found = this.records.get(key);
    if (!found) {
      this.records.set(key, { state: 'sending', claimedAt: at });
      return { state: 'claimed' };
    }
    return found.state === 'sent' ? { state: 'sent' } : { state: 'in-doubt', claimedAt: found.claimedAt };
  }
  async reclaim(tenantId: string, ticketId: string, eventId: string, recipient: string, claimedAt: string, at: string) {
    const found = this.records.get(`${tenantId}/${ticketId}/${eventId}/${recipient}`);
    if (found?.state !== 'sending' || found.claimedAt !== claimedAt) return false;
    found.claimedAt = at;
    return true;
  }
  async recordSent(tenantId: string, ticketId: string, sent: SentMail) {
    const key = `${tenantId}/${ticketId}/${sent.eventId}/${sent.recipient}`;
    this.records.set(key, { state: 'sent', claimedAt: this.records.get(key)?.claimedAt ?? '', sent });
  }
  async confirmSent(tenantId: string, ticketId: string, sent: SentMail) {
    const found = this.records.get(`${tenantId}/${ticketId}/${sent.eventId}/${sent.recipient}`);
    if (found?.state === 'sending') Object.assign(found, { state: 'sent', sent });
  }
  async isRecorded(tenantId: string, ticketId: string, eventId: string, recipient: string) {
    return this.records.get(`${tenantId}/${ticketId}/${eventId}/${recipient}`)?.state === 'sent';
  }
  async sentOn() {
    return [...this.records.values()].flatMap((r) => (r.sent ? [r.sent] : []));
  }
  async isSuppressed(_t: string, address: string) {
    return this.suppressed.has(address);
  }
  async suppress(_t: string, address: string) {
    this.suppressed.add(address);
  }
}

class RecordingSender implements MailSender {
  readonly sent: OutgoingMail[] = [];
  failNext = false;
  async send(mail: OutgoingMail) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('SES unavailable');
    }
    this.sent.push(mail);
    return { providerMessageId: `ses-${this.sent.length}` };
  }
  wireMessageId() {
    return null;
  }
}

async function setup() {
  const deps = fakeDeps();
  await putSettings(deps, caller('admin'), { workflow: 'jira-partner', supportAddress: 'help@acme.example', locale: 'fr' });
  const ticket = aTicket({
    id: '01JTICKET',
    key: 'ACME-7',
    status: 'en-cours',
    category: 'active',
    requester: { id: 'u1', email: 'ann@client.example', org: null },
  });
  await deps.tickets.create('acme', { ticket, events: [], comments: [], waits: [] });
  const ledger = new MemoryLedger();
  const sender = new RecordingSender();
  // Waiting moves the fake clock: the wait for SES's Send event costs no real time.
  const waits: number[] = [];
  const pause = async (ms: number) => {
    waits.push(ms);
    deps.clock.set(new Date(deps.clock.now().getTime() + ms));
  };
  return { mail: { ...deps, ledger, sender, sendConfirmationMs: 60_000, pause }, ledger, sender, waits, clock: deps.clock };
}

const event: NotificationEvent = {
  tenantId: 'acme',
  ticketId: '01JTICKET',
  eventId: '01JEVENT',
  reason: 'status:en-cours',
  recipients: ['ann@client.example', 'ANN@client.example', 'lead@acme.example'],
  commentId: null,
};

/** SES's Send event for a mail SES took (configuration set → SNS → RecordMailFeedback). */
const sendEventOf = (sent: OutgoingMail): SesFeedback => ({
  eventType: 'Send',
  mail: {
    timestamp: '2026-12-05T10:00:00.000Z',
    destination: [sent.to],
    tags: { tenant: [sent.tags.tenant], ticket: [sent.tags.ticket], event: [sent.tags.event], thread: [sent.tags.thread] },
    headers: [{ name: 'Message-ID', value: sent.headers['Message-ID'] }],
  },
});

/** Yields to the event loop until `ready` holds (the other party reached its point). */
async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !ready(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!ready()) throw new Error('never got there');
}

describe('sendNotification', () => {
  it('mails each recipient once, redelivered or not; a failed send is retried without repeating the sent ones', async () => {
    const { mail, sender, waits } = await setup();
    sender.failNext = true;
    await expect(sendNotification(mail, event)).rejects.toThrow('SES unavailable');
    // the redelivery: the failed attempt's claim is in doubt until SES's Send event could have come; none did, so it is sent
    expect(await sendNotification(mail, event)).toEqual({ sent: 2, skipped: 0 });
    expect(waits.reduce((a, b) => a + b, 0)).toBe(60_000);
    expect(await sendNotification(mail, event)).toEqual({ sent: 0, skipped: 2 });
    expect(sender.sent.map((m) => m.to).sort()).toEqual(['ann@client.example', 'lead@acme.example']);
    // French (the tenant's) for both: neither has a locale of their own
    expect(sender.sent[0]!.subject).toBe('[ACME-7] ACME-7 est maintenant : En cours');
    // the reply token proves the ticket, and only for this tenant's secret
    const replyTo = sender.sent[0]!.replyTo!;
    expect(threadOfAddress(replyTo, 'secret-of-acme', 'acme')).toEqual({ kind: 'ticket', id: '01JTICKET' });
    expect(threadOfAddress(replyTo, 'secret-of-acme', 'other')).toBeNull();
    expect(threadOfAddress(replyTo.replace(/\.[0-9a-z]{16}@/, '.aaaaaaaaaaaaaaaa@'), 'secret-of-acme', 'acme')).toBeNull();
  });

  it('a crash after SES took the mail and before the record: SES’s Send event records it, and the redelivery sends nothing', async () => {
    const { mail, ledger, sender, waits } = await setup();
    // the process dies right after SES answered: its own record never happens
    const dying = { ...mail, ledger: Object.assign(Object.create(ledger) as MemoryLedger, { recordSent: () => Promise.reject(new Error('killed')) }) };
    await expect(sendNotification(dying, { ...event, recipients: ['ann@client.example'] })).rejects.toThrow('killed');
    expect(sender.sent).toHaveLength(1);
    // SES's Send event (configuration set → SNS → RecordMailFeedback), from outside the dead process
    const sentMail = sender.sent[0]!;
    const eventWaited: number[] = [];
    const eventWaits = async (ms: number) => void eventWaited.push(ms);
    const outcome = await recordDeliveryFeedback(ledger, sendEventOf(sentMail), new Date(), eventWaits);
    expect(outcome.confirmed).toBe(true);
    // it gave the sender its moment first: the sender was dead, so the event recorded the mail itself
    expect(eventWaited).toEqual(SENDER_GRACE_MS);
    expect(await sendNotification(mail, { ...event, recipients: ['ann@client.example'] })).toEqual({ sent: 0, skipped: 1 });
    expect(sender.sent).toHaveLength(1);
    expect(waits).toEqual([]);
    expect((await ledger.sentOn())[0]).toMatchObject({ recipient: 'ann@client.example', messageId: sentMail.headers['Message-ID'], thread: 'ticket' });
  });

  it('a Send event that overtakes its sender gives the sender a moment: the sender records and counts the mail, the event writes nothing', async () => {
    const { mail, ledger, sender } = await setup();
    // the sender is slow to record: SES has answered, its record comes only after the event has looked once
    let record: (() => Promise<void>) | undefined;
    const slow = Object.assign(Object.create(ledger) as MemoryLedger, {
      recordSent: (t: string, k: string, s: SentMail) => new Promise<void>((resolve) => (record = () => ledger.recordSent(t, k, s).then(resolve))),
    });
    const sending = sendNotification({ ...mail, ledger: slow }, { ...event, recipients: ['ann@client.example'] });
    await until(() => record !== undefined);
    const sentMail = sender.sent[0]!;
    const feedback = sendEventOf(sentMail);
    let confirmedByEvent = 0;
    const watched = Object.assign(Object.create(ledger) as MemoryLedger, { confirmSent: async () => void confirmedByEvent++ });
    const eventWaited: number[] = [];
    const outcome = await recordDeliveryFeedback(watched, feedback, new Date(), async (ms) => {
      eventWaited.push(ms);
      await record?.(); // the sender's record lands while the event waits
    });
    await sending;
    expect(outcome.confirmed).toBe(true);
    expect(eventWaited).toEqual([SENDER_GRACE_MS[0]]);
    expect(confirmedByEvent).toBe(0);
    expect((await ledger.sentOn())[0]).toMatchObject({ recipient: 'ann@client.example', wireMessageId: null });
  });

  it('a redelivery soon after a crash waits for SES’s Send event; one arriving meanwhile means nothing is resent', async () => {
    const { mail, ledger, sender, waits, clock } = await setup();
    const dying = { ...mail, ledger: Object.assign(Object.create(ledger) as MemoryLedger, { recordSent: () => Promise.reject(new Error('killed')) }) };
    await expect(sendNotification(dying, { ...event, recipients: ['lead@acme.example'] })).rejects.toThrow('killed');
    const sentMail = sender.sent[0]!;
    // the Send event lands 3 s into the wait
    const pause = async (ms: number) => {
      await mail.pause(ms);
      if (waits.length === 3)
        await ledger.confirmSent('acme', '01JTICKET', {
          eventId: sentMail.tags.event,
          recipient: sentMail.to,
          messageId: sentMail.headers['Message-ID']!,
          wireMessageId: null,
          thread: 'ticket',
          sentAt: clock.now().toISOString(),
        });
    };
    expect(await sendNotification({ ...mail, pause }, { ...event, recipients: ['lead@acme.example'] })).toEqual({ sent: 0, skipped: 1 });
    expect(sender.sent).toHaveLength(1);
    expect(waits).toEqual([1000, 1000, 1000]);
  });

  it('with a clock that stands still (a frozen local clock) the wait still ends, in its own time', async () => {
    const { mail, sender } = await setup();
    sender.failNext = true;
    await expect(sendNotification(mail, { ...event, recipients: ['ann@client.example'] })).rejects.toThrow('SES unavailable');
    const waits: number[] = [];
    const standingStill = { ...mail, pause: async (ms: number) => void waits.push(ms) };
    expect(await sendNotification(standingStill, { ...event, recipients: ['ann@client.example'] })).toEqual({ sent: 1, skipped: 0 });
    expect(waits.reduce((a, b) => a + b, 0)).toBe(60_000);
  });

  it('two redeliveries of an unsent claim past the wait: exactly one re-claims and sends', async () => {
    const { mail, sender, clock } = await setup();
    sender.failNext = true;
    await expect(sendNotification(mail, { ...event, recipients: ['ann@client.example'] })).rejects.toThrow('SES unavailable');
    clock.set(new Date(clock.now().getTime() + 120_000));
    const outcomes = await Promise.allSettled([
      sendNotification(mail, { ...event, recipients: ['ann@client.example'] }),
      sendNotification(mail, { ...event, recipients: ['ann@client.example'] }),
    ]);
    expect(sender.sent).toHaveLength(1);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? `sent ${o.value.sent}` : (o.reason as Error).name)).sort()).toEqual(['MailInDoubt', 'sent 1']);
  });

  it('a third-party request goes out on the wait’s own thread (root, reply token, tags); any other event on the ticket’s, whatever details it carries', async () => {
    const { mail, sender } = await setup();
    const details = { waitId: '01JWAIT', party: 'Carrier', reference: 'PO-9' };
    await sendNotification(mail, { ...event, eventId: '01JREQ', reason: 'third-party-request', recipients: ['ops@carrier.example'], details });
    await sendNotification(mail, { ...event, eventId: '01JOTHER', reason: 'status:en-cours', recipients: ['ann@client.example'], details });
    const [request, other] = sender.sent;
    expect(request!.headers.References!.split(' ')[0]).toBe('<wait.01jwait@acme.example>');
    expect(threadOfAddress(request!.replyTo!, 'secret-of-acme', 'acme')).toEqual({ kind: 'wait', ticketId: '01JTICKET', id: '01JWAIT' });
    expect(request!.tags.thread).toBe('wait');
    expect(other!.headers.References!.split(' ')[0]).toBe('<ticket.01jticket@acme.example>');
    expect(threadOfAddress(other!.replyTo!, 'secret-of-acme', 'acme')).toEqual({ kind: 'ticket', id: '01JTICKET' });
    expect(other!.tags.thread).toBe('ticket');
    // the customer's thread never refers to the third party's mail
    expect(other!.headers.References).not.toContain('01jreq');
  });

  it('sends nothing to a suppressed (bounced) address, nor to the support address itself', async () => {
    const { mail, ledger, sender } = await setup();
    await ledger.suppress('acme', 'ann@client.example');
    expect(await sendNotification(mail, { ...event, recipients: ['ann@client.example', 'help@acme.example'] })).toEqual({ sent: 0, skipped: 2 });
    expect(sender.sent).toEqual([]);
  });
});
