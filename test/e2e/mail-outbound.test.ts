import { describe, expect, it } from 'vitest';
import { useLocalRuntime } from '../support/api-client';
import { askMicrosoftByMail, headerOf, readOutbox } from '../support/outbox';
import { tenantOnPreset } from '../support/tenant-fixture';

/**
 * CONTRACT section 7, out: notifications leave through SES v2 (the local emulator is the
 * outbox), in the recipient's language, one thread per ticket, with an unforgeable
 * Reply-To and Auto-Submitted, and each notification event mailed once.
 */
const local = useLocalRuntime();

const outbox = () => readOutbox(local.runtime.sesEndpoint);
const header = headerOf;
const mailsAbout = async (key: string) => (await outbox()).filter((m) => m.subject.includes(`[${key}]`));

describe('notifications by mail', () => {
  it('jira-partner: creation, status change with a comment and escalation each mail once, in the reader language, on one thread', async () => {
    const t = await tenantOnPreset(local.api, 'mail-out', 'jira-partner', { locale: 'fr', name: 'Partenaire Support' });
    // Alice reads Dutch (her token's locale); staff read the tenant's French
    const alice = local.api.as(await local.api.token({ tid: t.tid, sub: 'alice', role: 'customer', org: 'acme', email: 'alice@acme.example', locale: 'nl' }));
    const tk = (await alice.post('/v1/tickets', { subject: 'Licentie verlopen', channel: 'api' })).body;
    await local.runtime.settled();

    let mails = await mailsAbout(tk.key);
    expect(mails).toHaveLength(1);
    const created = mails[0]!;
    expect(created.destination.to).toEqual(['alice@acme.example']);
    expect(created.from).toBe(`support@${t.tid}.example`);
    expect(created.subject).toBe(`[${tk.key}] We hebben uw aanvraag ${tk.key} ontvangen`);
    expect(created.body.text).toContain('Uw ticket "Licentie verlopen" is geregistreerd met status Ingediend.');
    expect(created.body.html).toContain('<html lang="nl">');
    expect(header(created, 'Auto-Submitted')).toBe('auto-generated');
    expect(header(created, 'X-Ticketflow-Ticket')).toBe(tk.key);
    const root = `<ticket.${tk.id.toLowerCase()}@${t.tid}.example>`;
    expect(header(created, 'References')).toBe(root);
    expect(header(created, 'Message-ID')).toMatch(/^<[0-9a-z]+\.[0-9a-f]{12}@mail-out\.example>$/);
    // the reply address names the ticket with an HMAC: unforgeable, on the tenant's own mailbox
    expect(created.replyTo).toHaveLength(1);
    expect(created.replyTo[0]).toMatch(new RegExp(`^support\\+t${tk.id.toLowerCase()}\\.[0-9a-z]{16}@${t.tid}\\.example$`));

    // a status change that carries a public comment is one mail with both, threaded on the first
    const moved = await t.as('agent').post(`/v1/tickets/${tk.id}/transitions`, { to: 'en-cours', comment: 'We bekijken de licentie.' });
    expect(moved.status).toBe(200);
    await local.runtime.settled();
    mails = await mailsAbout(tk.key);
    expect(mails).toHaveLength(2);
    const status = mails[1]!;
    expect(status.subject).toBe(`[${tk.key}] ${tk.key} is nu: In behandeling`);
    expect(status.body.text).toContain('We bekijken de licentie.');
    expect(header(status, 'In-Reply-To')).toBe(header(created, 'Message-ID'));
    expect(header(status, 'References')).toBe(`${root} ${header(created, 'Message-ID')}`);
    expect(status.replyTo).toEqual(created.replyTo);

    // an internal note mails nobody; an escalation tells the team lead, in French
    expect((await t.as('agent').post(`/v1/tickets/${tk.id}/comments`, { body: 'interne notitie', visibility: 'internal' })).status).toBe(201);
    expect((await alice.post(`/v1/tickets/${tk.id}/escalate`, { reason: 'Productie ligt stil' })).status).toBe(200);
    await local.runtime.settled();
    mails = await mailsAbout(tk.key);
    const toLead = mails.filter((m) => m.destination.to.includes(`lead@${t.tid}.example`));
    expect(toLead).toHaveLength(1);
    expect(toLead[0]!.subject).toBe(`[${tk.key}] ${tk.key} a été escaladé`);
    expect(mails.some((m) => (m.body.text ?? '').includes('interne notitie'))).toBe(false);
    // every mail of the ticket is on the one thread
    for (const m of mails) expect(header(m, 'References')!.startsWith(root)).toBe(true);
  });

  it('a portal ticket sends no creation mail (seed 004), and another tenant never gets a thing', async () => {
    const t = await tenantOnPreset(local.api, 'mail-portal', 'jira-partner');
    const tk = (await t.as('bob').post('/v1/tickets', { subject: 'From the portal', channel: 'portal' })).body;
    await local.runtime.settled();
    expect(await mailsAbout(tk.key)).toEqual([]);
    // waiting on the customer is mailed
    expect((await t.as('agent').post(`/v1/tickets/${tk.id}/transitions`, { to: 'en-attente-client' })).status).toBe(200);
    await local.runtime.settled();
    const mails = await mailsAbout(tk.key);
    expect(mails.map((m) => m.destination.to)).toEqual([['bob@acme.example']]);
    expect(mails[0]!.from).toBe('support@mail-portal.example');
  });

  it('a third-party request with an address goes to the vendor on its own thread, with its own reply token', async () => {
    const t = await tenantOnPreset(local.api, 'mail-vendor', 'boltrics');
    const { tk, asked } = await askMicrosoftByMail(t, () => local.runtime.settled());
    const mails = await mailsAbout(tk.key);
    const toVendor = mails.filter((m) => m.destination.to.includes('vendor@partner.example'));
    expect(toVendor).toHaveLength(1);
    const request = toVendor[0]!;
    expect(request.subject).toBe(`[${tk.key}] Request Microsoft SR-0042 from ${t.tid}`);
    expect(header(request, 'References')).toBe(`<wait.${asked.body.id.toLowerCase()}@${t.tid}.example>`);
    expect(request.replyTo[0]).toMatch(new RegExp(`^support\\+w${tk.id.toLowerCase()}\\.${asked.body.id.toLowerCase()}\\.[0-9a-z]{16}@`));
    // the customer's thread is a different one: her status mail never refers to the vendor's
    const toAlice = mails.filter((m) => m.destination.to.includes('alice@acme.example'));
    expect(toAlice.length).toBeGreaterThan(0);
    for (const m of toAlice) expect(header(m, 'References')).not.toContain('<wait.');
    // the callback secret is not in the mail
    expect(request.body.text).not.toContain(asked.body.callbackUrl.split('/').at(-1));
  });
});
