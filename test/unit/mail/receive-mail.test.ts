import { describe, expect, it } from 'vitest';
import { InboundBusy, receiveMail, thirdPartyOutcomeOf, type ReceiveMailDeps } from '../../../shared/mail/inbound/receive-mail';
import type { InboundClaim, InboundMailLog, InboundPlan, InboundRecord } from '../../../shared/mail/inbound/receive-ports';
import { aTicket, fakeDeps } from '../fakes';

const LEASE_MS = 45_000;

/** receiveMail with in-memory ports: the paths the e2e suite does not reach cheaply. The log keeps DynamoInboundMailLog's claim semantics. */
class MemoryInbound implements InboundMailLog {
  readonly claims = new Map<string, { state: 'processing' | 'done'; lockedUntil: number; plan: InboundPlan }>();
  readonly records: InboundRecord[] = [];
  async claim(tenantId: string, key: string, at: string, plan: InboundPlan): Promise<InboundClaim> {
    const now = Date.parse(at);
    const existing = this.claims.get(`${tenantId}/${key}`);
    if (!existing) {
      this.claims.set(`${tenantId}/${key}`, { state: 'processing', lockedUntil: now + LEASE_MS, plan });
      return { state: 'claimed', retaken: false, plan };
    }
    if (existing.state === 'done') return { state: 'done' };
    if (existing.lockedUntil >= now) return { state: 'busy' };
    existing.lockedUntil = now + LEASE_MS;
    return { state: 'claimed', retaken: true, plan: existing.plan };
  }
  async complete(tenantId: string, key: string) {
    this.claims.get(`${tenantId}/${key}`)!.state = 'done';
  }
  async release(tenantId: string, key: string) {
    const claim = this.claims.get(`${tenantId}/${key}`);
    if (claim?.state === 'processing') claim.lockedUntil = 0;
  }
  async record(entry: InboundRecord) {
    this.records.push(entry);
  }
  async list() {
    return [...this.records].reverse();
  }
}

/** A process that dies runs no clean-up: nothing after the crash point, no lease given up. */
class Crash extends Error {}
function dieAt(inbound: MemoryInbound, where: 'complete' | 'release') {
  const real = inbound[where].bind(inbound);
  inbound[where] = async () => {
    inbound[where] = real;
    throw new Crash('process died');
  };
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

  it('refuses a message nested deeper than any mail program nests, and records why, rather than failing every retry', async () => {
    const { deps, inbound } = await setup();
    const depth = 60;
    const open = Array.from({ length: depth }, (_, i) => `--b${i}\r\nContent-Type: multipart/mixed; boundary=b${i + 1}\r\n\r\n`).join('');
    const close = Array.from({ length: depth }, (_, i) => `--b${depth - i}--\r\n`).join('');
    const hostile = raw(
      {
        From: 'customer@example.test',
        To: 'support@acme.example',
        Subject: 'deep',
        'Message-ID': '<deep@x>',
        'MIME-Version': '1.0',
        'Content-Type': 'multipart/mixed; boundary=b0',
      },
      `${open}--b${depth}\r\nContent-Type: text/plain\r\n\r\nhi\r\n${close}--b0--`,
    );
    expect(await receiveMail(deps, { raw: hostile, verdicts: PASS, recipients: ['support@acme.example'], rawRef: 'mem' })).toMatchObject({
      outcome: 'refused',
      reason: 'unreadable',
    });
    expect(inbound.records).toMatchObject([{ outcome: 'refused', reason: 'unreadable', tenantId: 'acme' }]);
  });

  it('gives the lease on the Message-ID claim up when the change fails, so a redelivery tries again at once', async () => {
    const { base, deps, inbound } = await setup();
    base.tickets.seed('acme', aTicket({ status: 'open', category: 'active' }));
    const mail = raw({ From: 'customer@example.test', To: 'support@acme.example', Subject: '[ACME-1] more', 'Message-ID': '<retry@x>' }, 'More info.');
    const failing = { ...deps, tickets: Object.assign(Object.create(base.tickets), { update: async () => Promise.reject(new Error('boom')) }) };
    await expect(receiveMail(failing, { raw: mail, verdicts: PASS, recipients: ['support@acme.example'], rawRef: 'mem' })).rejects.toThrow('boom');
    expect([...inbound.claims.values()]).toMatchObject([{ state: 'processing', lockedUntil: 0 }]);
    expect(await receiveMail(deps, { raw: mail, verdicts: PASS, recipients: ['support@acme.example'], rawRef: 'mem' })).toMatchObject({
      outcome: 'accepted',
      reason: 'reply-by-subject',
    });
    expect((await base.tickets.listComments('acme', 'TK1', { limit: 50, cursor: null }, true)).items).toHaveLength(1);
  });
});

describe('receiveMail after a crash (exactly once in effect)', () => {
  const deliver = (deps: ReceiveMailDeps, mail: Buffer) =>
    receiveMail(deps, { raw: mail, verdicts: PASS, recipients: ['support@acme.example'], rawRef: 'mem' });
  const comments = async (base: Awaited<ReturnType<typeof setup>>['base'], id = 'TK1') =>
    (await base.tickets.listComments('acme', id, { limit: 50, cursor: null }, true)).items;
  const afterLease = (base: Awaited<ReturnType<typeof setup>>['base']) => base.clock.set(new Date(base.clock.now().getTime() + LEASE_MS + 1000));

  it('died after the comment, before the claim was done: the redelivery finds the comment and completes, adding nothing', async () => {
    const { base, deps, inbound } = await setup();
    base.tickets.seed('acme', aTicket({ status: 'open', category: 'active' }));
    const mail = raw({ From: 'customer@example.test', To: 'support@acme.example', Subject: '[ACME-1] more', 'Message-ID': '<crash-1@x>' }, 'More info.');
    dieAt(inbound, 'complete');
    await expect(deliver(deps, mail)).rejects.toThrow(Crash);
    expect(await comments(base)).toMatchObject([{ body: 'More info.', sourceMessageKey: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    // while the dead delivery's lease runs, a redelivery is told to come back later
    await expect(deliver(deps, mail)).rejects.toThrow(InboundBusy);
    afterLease(base);
    expect(await deliver(deps, mail)).toMatchObject({ outcome: 'accepted', reason: 'reply-by-subject', record: { action: 'comment', ticketId: 'TK1' } });
    expect(await comments(base)).toHaveLength(1);
    expect(await deliver(deps, mail)).toMatchObject({ outcome: 'duplicate' });
    expect(await comments(base)).toHaveLength(1);
  });

  it('died after the claim, before the comment: the redelivery writes it (not dropped as a duplicate)', async () => {
    const { base, deps, inbound } = await setup();
    base.tickets.seed('acme', aTicket({ status: 'open', category: 'active' }));
    const mail = raw({ From: 'customer@example.test', To: 'support@acme.example', Subject: '[ACME-1] more', 'Message-ID': '<crash-2@x>' }, 'Lost reply?');
    base.tickets.beforeUpdate = () => {
      base.tickets.beforeUpdate = undefined;
      throw new Crash('process died');
    };
    dieAt(inbound, 'release');
    await expect(deliver(deps, mail)).rejects.toThrow(Crash);
    expect(await comments(base)).toHaveLength(0);
    afterLease(base);
    expect(await deliver(deps, mail)).toMatchObject({ outcome: 'accepted', reason: 'reply-by-subject' });
    expect((await comments(base)).map((c) => c.body)).toEqual(['Lost reply?']);
  });

  it('died after opening a ticket for a mail with no reference: the redelivery finds that ticket, opens no second one', async () => {
    const { base, deps, inbound } = await setup();
    const mail = raw({ From: 'customer@example.test', To: 'support@acme.example', Subject: 'New problem', 'Message-ID': '<crash-3@x>' }, 'Help.');
    dieAt(inbound, 'complete');
    await expect(deliver(deps, mail)).rejects.toThrow(Crash);
    afterLease(base);
    const out = await deliver(deps, mail);
    expect(out).toMatchObject({ outcome: 'accepted', reason: 'new-ticket', record: { action: 'created' } });
    expect((await base.tickets.list('acme', { limit: 50, cursor: null } as never)).items.map((t) => t.subject)).toEqual(['New problem']);
  });

  it('died between the linked new ticket and the link back: the redelivery links the same ticket, opens no second one', async () => {
    const { base, deps, inbound } = await setup();
    base.tickets.seed(
      'acme',
      aTicket({ key: 'ACME-99', status: 'closed', category: 'closed', resolution: 'fixed', reopenableUntil: '2026-04-01T10:00:00.000Z' }),
    );
    const mail = raw(
      { From: 'customer@example.test', To: 'support@acme.example', Subject: 'Re: [ACME-99] done', 'Message-ID': '<crash-4@x>' },
      'Broken again.',
    );
    // addComment's reopen is refused before any write; the first update is the link back, which dies
    base.tickets.beforeUpdate = () => {
      base.tickets.beforeUpdate = undefined;
      throw new Crash('process died');
    };
    dieAt(inbound, 'release');
    await expect(deliver(deps, mail)).rejects.toThrow(Crash);
    afterLease(base);
    const out = (await deliver(deps, mail)) as { record: InboundRecord };
    expect(out).toMatchObject({ outcome: 'accepted', reason: 'closed-after-reopen-window', record: { action: 'created-linked' } });
    const all = (await base.tickets.list('acme', { limit: 50, cursor: null } as never)).items;
    expect(all).toHaveLength(2);
    expect((await base.tickets.get('acme', 'TK1'))!.links).toEqual([{ type: 'related', ticketId: out.record.ticketId, key: out.record.ticketKey }]);
  });
});

describe('third-party replies by mail', () => {
  it('reads the outcome from the first line or the subject; update by default', () => {
    expect(thirdPartyOutcomeOf('Re: [ACME-1] Request Microsoft SR-1', 'We are looking into it.')).toBe('update');
    expect(thirdPartyOutcomeOf('Re: [ACME-1] Request Microsoft SR-1', 'Solved.\n\nPatch KB123 fixes it.')).toBe('solved');
    expect(thirdPartyOutcomeOf('Re: [ACME-1] Request', '\n  Opgelost! De patch staat klaar.')).toBe('solved');
    expect(thirdPartyOutcomeOf('Re: [ACME-1] Request', 'Résolu : voir KB123')).toBe('solved');
    expect(thirdPartyOutcomeOf('RE: [ACME-1] needs info', 'Which build do you run?')).toBe('needs-info');
    expect(thirdPartyOutcomeOf('Re: [ACME-1] Request', 'Needs-info: the logs please')).toBe('needs-info');
    expect(thirdPartyOutcomeOf('Solved: [ACME-1] Request', 'See attached.')).toBe('solved');
    // a keyword inside a sentence is not an outcome
    expect(thirdPartyOutcomeOf('Re: [ACME-1] Request', 'Not solved yet, we are on it.')).toBe('update');
    expect(thirdPartyOutcomeOf('Re: [ACME-1] Request', 'Solvedness is relative.')).toBe('update');
  });
});
