import { describe, expect, it } from 'vitest';
import { receiveMail, type ReceiveMailDeps } from '../../../shared/mail/inbound/receive-mail';
import type { InboundMailLog, InboundRecord } from '../../../shared/mail/inbound/receive-ports';
import { aTicket, fakeDeps } from '../fakes';

/** receiveMail with in-memory ports: the paths the e2e suite does not reach cheaply. */
class MemoryInbound implements InboundMailLog {
  readonly claims = new Set<string>();
  readonly records: InboundRecord[] = [];
  async claim(tenantId: string, key: string) {
    if (this.claims.has(`${tenantId}/${key}`)) return false;
    this.claims.add(`${tenantId}/${key}`);
    return true;
  }
  async unclaim(tenantId: string, key: string) {
    this.claims.delete(`${tenantId}/${key}`);
  }
  async record(entry: InboundRecord) {
    this.records.push(entry);
  }
  async list() {
    return [...this.records].reverse();
  }
}

async function setup(now = '2026-05-01T10:00:00.000Z') {
  const base = fakeDeps(now);
  await base.settings.put('acme', { workflow: 'default', supportAddress: 'support@acme.example', keyPrefix: 'ACME' });
  await base.users.put('acme', { id: 'customer-1', email: 'customer@example.test', name: 'C', role: 'customer', org: 'globex', locale: null, updatedAt: now });
  const inbound = new MemoryInbound();
  const deps: ReceiveMailDeps = {
    ...base,
    mailboxes: { tenantOf: async (a) => (a === 'support@acme.example' ? 'acme' : null) },
    inbound,
    secrets: { tenantSecret: async () => 'secret' },
  };
  return { base, deps, inbound };
}

const PASS = { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS', spam: 'PASS', virus: 'PASS' };
const raw = (headers: Record<string, string>, body: string) =>
  Buffer.from(
    `${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n')}\r\n\r\n${body}\r\n`,
  );

describe('receiveMail', () => {
  it('a reply to a closed ticket after its reopen window opens a new ticket linked both ways', async () => {
    const { base, deps } = await setup();
    base.tickets.seed(
      'acme',
      aTicket({ key: 'ACME-99', status: 'closed', category: 'closed', resolution: 'fixed', reopenableUntil: '2026-04-01T10:00:00.000Z' }),
    );
    const mail = raw(
      { From: 'customer@example.test', To: 'support@acme.example', Subject: 'Re: [ACME-99] done', 'Message-ID': '<late@example.test>' },
      'Broken again.',
    );
    const out = await receiveMail(deps, { raw: mail, verdicts: PASS, recipients: ['support@acme.example'], rawRef: 'mem' });
    expect(out).toMatchObject({ outcome: 'accepted', reason: 'closed-after-reopen-window', record: { action: 'created-linked' } });
    const created = await base.tickets.get('acme', (out as { record: InboundRecord }).record.ticketId!);
    expect(created).toMatchObject({ channel: 'email', description: 'Broken again.', links: [{ type: 'related', ticketId: 'TK1', key: 'ACME-99' }] });
    expect((await base.tickets.get('acme', 'TK1'))!.links).toEqual([{ type: 'related', ticketId: created!.id, key: created!.key }]);
    expect((await base.tickets.get('acme', 'TK1'))!.status).toBe('closed');
  });

  it('refuses oversize attachments, a virus, and mail to a mailbox no tenant holds', async () => {
    const { deps } = await setup();
    const big = Buffer.alloc(11 * 1024 * 1024, 1).toString('base64');
    const withBig = raw(
      {
        From: 'customer@example.test',
        To: 'support@acme.example',
        Subject: 'big',
        'Message-ID': '<big@x>',
        'MIME-Version': '1.0',
        'Content-Type': 'multipart/mixed; boundary=b',
      },
      `--b\r\nContent-Type: text/plain\r\n\r\nsee file\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=a.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n${big}\r\n--b--`,
    );
    expect(await receiveMail(deps, { raw: withBig, verdicts: PASS, recipients: ['support@acme.example'], rawRef: 'mem' })).toMatchObject({
      outcome: 'refused',
      reason: 'oversize',
    });
    const plain = raw({ From: 'customer@example.test', To: 'support@acme.example', Subject: 'hi', 'Message-ID': '<v@x>' }, 'hello');
    expect(await receiveMail(deps, { raw: plain, verdicts: { ...PASS, virus: 'FAIL' }, recipients: ['support@acme.example'], rawRef: 'mem' })).toMatchObject({
      outcome: 'refused',
      reason: 'virus',
    });
    // one failing check of the two is not enough to refuse
    expect(await receiveMail(deps, { raw: plain, verdicts: { ...PASS, spf: 'FAIL' }, recipients: ['support@acme.example'], rawRef: 'mem' })).toMatchObject({
      outcome: 'accepted',
      reason: 'new-ticket',
    });
    expect(await receiveMail(deps, { raw: plain, verdicts: PASS, recipients: ['support@nobody.example'], rawRef: 'mem' })).toEqual({
      outcome: 'no-tenant',
      reason: 'unknown-mailbox',
    });
  });

  it('gives the Message-ID claim up when the change fails, so a redelivery tries again', async () => {
    const { base, deps, inbound } = await setup();
    base.tickets.seed('acme', aTicket({ status: 'open', category: 'active' }));
    const mail = raw({ From: 'customer@example.test', To: 'support@acme.example', Subject: '[ACME-1] more', 'Message-ID': '<retry@x>' }, 'More info.');
    const failing = { ...deps, tickets: Object.assign(Object.create(base.tickets), { update: async () => Promise.reject(new Error('boom')) }) };
    await expect(receiveMail(failing, { raw: mail, verdicts: PASS, recipients: ['support@acme.example'], rawRef: 'mem' })).rejects.toThrow('boom');
    expect(inbound.claims.size).toBe(0);
    expect(await receiveMail(deps, { raw: mail, verdicts: PASS, recipients: ['support@acme.example'], rawRef: 'mem' })).toMatchObject({
      outcome: 'accepted',
      reason: 'reply-by-subject',
    });
  });
});
