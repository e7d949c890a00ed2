import { describe, expect, it } from 'vitest';
import { putSettings } from '../../shared/admin/tenant-admin';
import type { MailClaim, MailLedger, MailSender, OutgoingMail, SentMail } from '../../shared/mail/outbound/ports';
import { threadOfAddress } from '../../shared/mail/outbound/reply-token';
import { sendNotification, type NotificationEvent } from '../../shared/mail/outbound/send-notification';
import { aTicket } from '../support/ticket-builder';
import { caller, fakeDeps } from './fakes';

/** The ledger with DynamoDB's conditional semantics, in memory. */
class MemoryLedger implements MailLedger {
  readonly records = new Map<string, { state: 'sending' | 'sent'; sent?: SentMail }>();
  readonly suppressed = new Set<string>();
  async tenantSecret() {
    return 'secret-of-acme';
  }
  async claim(tenantId: string, ticketId: string, eventId: string, recipient: string): Promise<MailClaim> {
    const key = `${tenantId}/${ticketId}/${eventId}/${recipient}`;
    const found = this.records.get(key);
    if (!found) {
      this.records.set(key, { state: 'sending' });
      return 'claimed';
    }
    return found.state === 'sent' ? 'sent' : 'retry';
  }
  async recordSent(tenantId: string, ticketId: string, sent: SentMail) {
    this.records.set(`${tenantId}/${ticketId}/${sent.eventId}/${sent.recipient}`, { state: 'sent', sent });
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
  return { mail: { ...deps, ledger, sender }, ledger, sender };
}

const event: NotificationEvent = {
  tenantId: 'acme',
  ticketId: '01JTICKET',
  eventId: '01JEVENT',
  reason: 'status:en-cours',
  recipients: ['ann@client.example', 'ANN@client.example', 'lead@acme.example'],
  commentId: null,
};

describe('sendNotification', () => {
  it('mails each recipient once, redelivered or not; a failed send is retried without repeating the sent ones', async () => {
    const { mail, sender } = await setup();
    sender.failNext = true;
    await expect(sendNotification(mail, event)).rejects.toThrow('SES unavailable');
    // the redelivery: the claim left by the failed attempt is retried, nothing is lost
    expect(await sendNotification(mail, event)).toEqual({ sent: 2, skipped: 0 });
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

  it('sends nothing to a suppressed (bounced) address, nor to the support address itself', async () => {
    const { mail, ledger, sender } = await setup();
    await ledger.suppress('acme', 'ann@client.example');
    expect(await sendNotification(mail, { ...event, recipients: ['ann@client.example', 'help@acme.example'] })).toEqual({ sent: 0, skipped: 2 });
    expect(sender.sent).toEqual([]);
  });
});
