import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalRuntime } from '../support/api-client';
import { eventually, tenantOnPreset, type TenantFixture } from '../support/tenant-fixture';

/**
 * Named scenarios per seed preset, over HTTP on the local runtime: each walks the
 * seed's paths and its refusals, asserting the statuses the ticket passed through.
 */
const local = useLocalRuntime();

type Who = Parameters<TenantFixture['as']>[0];

function walker(t: TenantFixture, id: string) {
  return {
    go: async (to: string, who: Who = 'agent', extra: Record<string, unknown> = {}) => {
      const r = await t.as(who).post(`/v1/tickets/${id}/transitions`, { to, ...extra });
      expect(r.status, `→ ${to}: ${JSON.stringify(r.body)}`).toBe(200);
      return r.body;
    },
    refused: async (to: string, who: Who = 'agent', status = 422) => {
      const r = await t.as(who).post(`/v1/tickets/${id}/transitions`, { to });
      expect(r.status, `→ ${to} should be refused`).toBe(status);
      expect(r.headers.get('content-type')).toBe('application/problem+json');
    },
    reply: async (body: string, who: Who = 'alice') => expect((await t.as(who).post(`/v1/tickets/${id}/comments`, { body })).status).toBe(201),
    status: async () => (await t.as('agent').get(`/v1/tickets/${id}`)).body.status as string,
    path: async () => {
      const items = (await t.as('agent').get(`/v1/tickets/${id}/history?limit=100`)).body.items;
      return items.filter((e: any) => e.changes?.status).map((e: any) => e.changes.status.to);
    },
    notices: async () => (await t.as('agent').get(`/v1/tickets/${id}/history?limit=100`)).body.items.filter((e: any) => e.type === 'notification'),
  };
}

describe('boltrics (seed 000)', () => {
  let t: TenantFixture;
  beforeAll(async () => (t = await tenantOnPreset(local.api, 'bolt', 'boltrics')));

  it('HappyPath: wizard → submitted → moves on its own to new with a confirmation → intake → review → ready → analysis → test → closed', async () => {
    const draft = (await t.as('alice').post('/v1/tickets', { subject: 'Posting fails', draft: true, channel: 'portal' })).body;
    expect(draft.status).toBe('005-WIZARD');
    const submitted = await t.as('alice').post(`/v1/tickets/${draft.id}/submit`);
    expect(submitted.body.status).toBe('010-SUBMITTED');
    const w = walker(t, draft.id);
    // "A task queue automatically transitions the ticket to 012-NEW": the lifecycle execution does it.
    await eventually(w.status, (s) => s === '012-NEW');
    const confirmation = (await w.notices()).find((n: any) => n.reason === 'created');
    expect(confirmation.recipients).toEqual(['alice@acme.example']);

    await w.go('013-INTAKE');
    await w.reply('Here is the missing company name.');
    expect(await w.status()).toBe('014-INTAKEREVIEW');
    await w.go('016-READY');
    // "Assigned to resource" needs the resource: 422 naming the field, then fine once assigned
    const unassigned = await t.as('agent').post(`/v1/tickets/${draft.id}/transitions`, { to: '020-ASSIGNED' });
    expect(unassigned.status).toBe(422);
    expect(unassigned.body.errors).toEqual([{ path: 'assignee', message: 'required by status 020-ASSIGNED' }]);
    expect((await t.as('agent').patch(`/v1/tickets/${draft.id}`, { assignee: 'agent' })).status).toBe(200);
    await w.go('020-ASSIGNED');
    await w.go('030-ANALYSIS');
    await w.go('035-INFO-NEEDED');
    await w.reply('The journal batch is GENERAL.');
    expect(await w.status()).toBe('017-REOPENED');
    await w.go('030-ANALYSIS');
    await w.go('099-MICROSOFT');
    await w.go('040-SOLUTION');
    await w.go('045-TEST-CUSTOMER');
    // reopenable from 045: until the feedback period closes it, plus the 30-day window
    const testing = (await t.as('agent').get(`/v1/tickets/${draft.id}`)).body;
    expect(Date.parse(testing.reopenableUntil) - Date.parse(testing.statusSince)).toBe((10 + 30) * 86_400_000);
    expect((await t.as('alice').post(`/v1/tickets/${draft.id}/close`)).body.status).toBe('050-CLOSED');
    expect(await w.path()).toEqual([
      '005-WIZARD',
      '010-SUBMITTED',
      '012-NEW',
      '013-INTAKE',
      '014-INTAKEREVIEW',
      '016-READY',
      '020-ASSIGNED',
      '030-ANALYSIS',
      '035-INFO-NEEDED',
      '017-REOPENED',
      '030-ANALYSIS',
      '099-MICROSOFT',
      '040-SOLUTION',
      '045-TEST-CUSTOMER',
      '050-CLOSED',
    ]);
  });

  it('CustomerAnswersTest: a reply in 045 reopens to 017; a closed ticket is reopened to 017 within 30 days', async () => {
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Label printing' })).body;
    const w = walker(t, tk.id);
    await eventually(w.status, (s) => s === '012-NEW');
    await w.go('016-READY');
    await w.go('030-ANALYSIS');
    await w.go('045-TEST-CUSTOMER');
    await w.reply('Still broken for pallets.');
    expect(await w.status()).toBe('017-REOPENED');
    await w.go('050-CLOSED');
    const closed = (await t.as('alice').get(`/v1/tickets/${tk.id}`)).body;
    expect(Date.parse(closed.reopenableUntil) - Date.parse(closed.updatedAt)).toBe(30 * 86_400_000);
    const reopened = await t.as('alice').post(`/v1/tickets/${tk.id}/reopen`, { comment: 'It came back.' });
    expect(reopened.body.status).toBe('017-REOPENED');
    const staffNotice = (await w.notices()).find((n: any) => n.reason === 'reopened');
    expect(staffNotice.recipients).toEqual(['support@bolt.example', 'lead@bolt.example']);
  });

  it('Refusals: customers cannot move tickets, no skipping intake to the test, the wizard keeps drafts', async () => {
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'x' })).body;
    const w = walker(t, tk.id);
    await eventually(w.status, (s) => s === '012-NEW');
    await w.refused('016-READY', 'alice');
    await w.refused('045-TEST-CUSTOMER');
    await w.refused('099-MICROSOFT');
    expect((await t.as('alice').post(`/v1/tickets/${tk.id}/close`)).status).toBe(422);
  });
});

describe('jira-partner (seed 004)', () => {
  let t: TenantFixture;
  beforeAll(async () => (t = await tenantOnPreset(local.api, 'jira', 'jira-partner')));

  it('HappyPath: soumise → en cours → waits on the client → the answer resumes work → closed as consulting → reopened', async () => {
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Confluence upgrade', channel: 'api' })).body;
    expect(tk.status).toBe('soumise');
    const w = walker(t, tk.id);
    await w.go('en-cours');
    await w.go('en-attente-client', 'agent', { comment: 'Which version?' });
    await w.reply('8.5');
    expect(await w.status()).toBe('en-cours');
    await w.go('en-attente-tiers');
    await w.go('operation-planifiee');
    await w.go('fermee', 'agent', { resolution: 'consulting' });
    expect((await t.as('alice').get(`/v1/tickets/${tk.id}`)).body).toMatchObject({ resolution: 'consulting', reopenableUntil: null });
    expect((await t.as('alice').post(`/v1/tickets/${tk.id}/reopen`, { comment: 'Not quite.' })).body.status).toBe('en-cours');
    expect(await w.path()).toEqual(['soumise', 'en-cours', 'en-attente-client', 'en-cours', 'en-attente-tiers', 'operation-planifiee', 'fermee', 'en-cours']);
  });

  it('Notifications exactly as the seed lists: creation (not from the portal), en cours, waits, close, staff comments, reopen to the team', async () => {
    const portal = (await t.as('alice').post('/v1/tickets', { subject: 'from the portal', channel: 'portal' })).body;
    expect((await walker(t, portal.id).notices()).map((n: any) => n.reason)).toEqual([]);
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'by api', channel: 'api' })).body;
    const w = walker(t, tk.id);
    await w.go('en-cours');
    await w.go('en-attente-tiers');
    await w.go('en-cours');
    expect((await t.as('agent').post(`/v1/tickets/${tk.id}/comments`, { body: 'Update', visibility: 'public' })).status).toBe(201);
    expect((await t.as('agent').post(`/v1/tickets/${tk.id}/comments`, { body: 'note', visibility: 'internal' })).status).toBe(201);
    await w.reply('thanks'); // the requester's own comment notifies nobody
    await w.go('fermee');
    await t.as('alice').post(`/v1/tickets/${tk.id}/reopen`, { comment: 'again' });
    const notices = await w.notices();
    expect(notices.map((n: any) => n.reason)).toEqual([
      'created',
      'status:en-cours',
      'status:en-attente-tiers',
      'status:en-cours',
      'comment',
      'status:fermee',
      'status:en-cours',
      'reopened',
    ]);
    expect(notices.find((n: any) => n.reason === 'reopened').visibility).toBe('internal');
    expect(notices.filter((n: any) => n.reason !== 'reopened').every((n: any) => n.recipients[0] === 'alice@acme.example')).toBe(true);
  });

  it('Refusals: no drafts in this workflow, no jump from soumise to resolue for customers', async () => {
    expect((await t.as('alice').post('/v1/tickets', { subject: 'd', draft: true })).status).toBe(422);
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'x' })).body;
    await walker(t, tk.id).refused('en-cours', 'alice');
  });
});

describe('assu (seed 003)', () => {
  let t: TenantFixture;
  beforeAll(async () => (t = await tenantOnPreset(local.api, 'assu', 'assu')));

  it('HappyPath: wachtend op ondersteuning → in behandeling → opgelost → "terug naar actief" → opgelost komende update → gesloten by the customer', async () => {
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Polis export' })).body;
    expect(tk.status).toBe('wachtend-op-ondersteuning');
    const w = walker(t, tk.id);
    await w.go('in-behandeling');
    await w.go('wachtend-op-klant');
    await w.reply('Bijlage toegevoegd.');
    expect(await w.status()).toBe('in-behandeling');
    await w.go('applicatiebeheer');
    await w.go('opgelost');
    expect((await t.as('alice').post(`/v1/tickets/${tk.id}/reopen`, { comment: 'Toch niet opgelost.' })).body.status).toBe('actief');
    await w.go('opgelost-komende-update');
    expect((await t.as('alice').post(`/v1/tickets/${tk.id}/close`)).body.status).toBe('gesloten');
    // closing means really solved: no reopen after gesloten
    const again = await t.as('alice').post(`/v1/tickets/${tk.id}/reopen`, { comment: 'nog een probleem' });
    expect(again.status).toBe(422);
    expect(again.body.detail).toMatch(/new ticket|nothing to reopen/);
  });

  it('Cancelled in consultation with the customer, and a third party wait', async () => {
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Koppeling APLAZA' })).body;
    const w = walker(t, tk.id);
    await w.go('in-behandeling');
    await w.go('externe-partij');
    expect((await t.as('alice').get(`/v1/tickets/${tk.id}`)).body.category).toBe('waiting_third_party');
    await w.go('geannuleerd');
    await w.refused('in-behandeling');
  });
});

describe('provider (seed 002)', () => {
  let t: TenantFixture;
  beforeAll(async () => (t = await tenantOnPreset(local.api, 'prov', 'provider')));

  it('BugPath: open → pending evaluation → evaluated → scheduled → testing & staging → QA → release → monitor → closed', async () => {
    const bug = (await t.as('alice').post('/v1/tickets', { subject: 'Crash on login', type: 'bug', severity: 'severe' })).body;
    expect(bug).toMatchObject({ status: 'open', sla: { resolution: { targetMinutes: 1440 } } });
    const w = walker(t, bug.id);
    await w.refused('scoping');
    for (const s of ['pending-evaluation', 'evaluated', 'scheduled', 'testing-staging', 'qa-testing', 'release', 'monitor', 'closed']) await w.go(s);
    expect(await w.path()).toEqual(['open', 'pending-evaluation', 'evaluated', 'scheduled', 'testing-staging', 'qa-testing', 'release', 'monitor', 'closed']);
  });

  it('RequestPath: evaluation → scoping → development scheduled → testing → QA → release → monitor; bugs-only steps refused', async () => {
    const feature = (await t.as('alice').post('/v1/tickets', { subject: 'SSO', type: 'feature', severity: 'enhancement' })).body;
    expect(feature).toMatchObject({ status: 'evaluation', sla: { resolution: { targetMinutes: null } } });
    const w = walker(t, feature.id);
    await w.refused('pending-evaluation');
    for (const s of ['scoping', 'development-scheduled', 'testing-staging', 'qa-testing', 'release', 'monitor']) await w.go(s);
    expect((await t.as('alice').post(`/v1/tickets/${feature.id}/close`)).body.status).toBe('closed');
  });

  it('Severity sets the resolution target: high 3 days, medium 4, low 10', async () => {
    for (const [severity, minutes] of [
      ['high', 4320],
      ['medium', 5760],
      ['low', 14400],
    ] as const) {
      const tk = (await t.as('alice').post('/v1/tickets', { subject: severity, type: 'bug', severity })).body;
      expect(tk.sla.resolution.targetMinutes).toBe(minutes);
    }
  });
});

describe('escalation and the urgent procedure (seed 001), in every preset', () => {
  const presets = ['boltrics', 'jira-partner', 'assu', 'provider'] as const;
  const urgentAnswers = {
    workaround: false,
    coreBusinessAffected: true,
    financialImpact: '20k EUR a day',
    usersAffected: 120,
    goLiveDate: null,
    contact: { name: 'Alice', phone: '+31 20 000 0000', email: 'alice@acme.example', availability: '08:00-18:00 CET' },
  };

  for (const preset of presets) {
    it(`${preset}: the requester escalates; team lead and offering manager are notified; level rises`, async () => {
      const t = await tenantOnPreset(local.api, `esc-${preset}`, preset);
      const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Too slow', type: 'bug' })).body;
      const r = await t.as('alice').post(`/v1/tickets/${tk.id}/escalate`, { reason: 'No answer for a week' });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.escalation).toMatchObject({ level: 1, urgent: false });
      const notices = (await t.as('agent').get(`/v1/tickets/${tk.id}/history?limit=100`)).body.items.filter(
        (e: any) => e.type === 'notification' && e.reason === 'escalated',
      );
      expect(notices[0].recipients).toEqual([`lead@esc-${preset}.example`, `offer@esc-${preset}.example`]);
      expect((await t.as('bob').post(`/v1/tickets/${tk.id}/escalate`, { reason: 'me too' })).status).toBe(403);
      expect((await t.as('carol').post(`/v1/tickets/${tk.id}/escalate`, { reason: 'x' })).status).toBe(404);
      expect((await t.as('agent').post(`/v1/tickets/${tk.id}/escalate`, { reason: 'staff may too' })).body.escalation.level).toBe(2);
    });
  }

  it('urgent: an incomplete questionnaire is 422 naming what is missing', async () => {
    const t = await tenantOnPreset(local.api, 'urg1', 'jira-partner');
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Down' })).body;
    const r = await t.as('alice').post(`/v1/tickets/${tk.id}/escalate`, { reason: 'down', urgent: { workaround: false, contact: { name: 'A' } } });
    expect(r.status).toBe(422);
    expect(r.body.errors.map((e: any) => e.path)).toEqual(
      expect.arrayContaining(['urgent.coreBusinessAffected', 'urgent.financialImpact', 'urgent.usersAffected', 'urgent.goLiveDate', 'urgent.contact.phone']),
    );
    expect((await t.as('alice').get(`/v1/tickets/${tk.id}`)).body.escalation.level).toBe(0);
  });

  it('urgent: criteria met → priority urgent; not met → processed as high with a public comment saying so', async () => {
    const t = await tenantOnPreset(local.api, 'urg2', 'assu');
    const down = (await t.as('alice').post('/v1/tickets', { subject: 'Production down' })).body;
    const urgent = await t.as('alice').post(`/v1/tickets/${down.id}/escalate`, { reason: 'stand still', urgent: urgentAnswers });
    expect(urgent.body).toMatchObject({ priority: 'urgent', escalation: { urgent: true, level: 1 }, sla: { response: { targetMinutes: 60 } } });

    const slow = (await t.as('alice').post('/v1/tickets', { subject: 'Report slow' })).body;
    const high = await t
      .as('alice')
      .post(`/v1/tickets/${slow.id}/escalate`, { reason: 'annoying', urgent: { ...urgentAnswers, workaround: true, coreBusinessAffected: false } });
    expect(high.body).toMatchObject({ priority: 'high', escalation: { urgent: false } });
    const comments = (await t.as('alice').get(`/v1/tickets/${slow.id}/comments`)).body.items;
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ visibility: 'public', author: { role: 'system' } });
    expect(comments[0].body).toMatch(/High priority/);
    // the questionnaire (personal contact data) is in the staff history only
    const customerHistory = (await t.as('alice').get(`/v1/tickets/${slow.id}/history?limit=100`)).body.items;
    expect(customerHistory.some((e: any) => e.details)).toBe(false);
    const staffHistory = (await t.as('agent').get(`/v1/tickets/${slow.id}/history?limit=100`)).body.items;
    expect(staffHistory.find((e: any) => e.details).details).toMatchObject({ criteriaMet: false, usersAffected: 120 });
  });

  it('urgent: a go-live tomorrow makes it urgent even with a workaround', async () => {
    const t = await tenantOnPreset(local.api, 'urg3', 'provider', { timezone: 'Europe/Amsterdam' });
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Upgrade blocked', type: 'bug' })).body;
    // tomorrow by the local clock (the one the urgency rule reads), in the tenant's zone
    const now = Date.parse((await local.api.request('GET', '/_local/clock')).body.now);
    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date(now + 86_400_000));
    const r = await t.as('alice').post(`/v1/tickets/${tk.id}/escalate`, {
      reason: 'go-live',
      urgent: { ...urgentAnswers, workaround: true, coreBusinessAffected: false, goLiveDate: tomorrow },
    });
    expect(r.body.priority).toBe('urgent');
  });

  it('monitoring period: nobody closes a resolved urgent ticket before it ends (422); after it only a manager (403 for others)', async () => {
    const monitored = await tenantOnPreset(local.api, 'mon1', 'jira-partner', { monitoringDays: 7 });
    const tk = (await monitored.as('alice').post('/v1/tickets', { subject: 'Down' })).body;
    await monitored.as('alice').post(`/v1/tickets/${tk.id}/escalate`, { reason: 'down', urgent: urgentAnswers });
    const w = walker(monitored, tk.id);
    await w.go('en-cours');
    const resolved = await w.go('resolue');
    expect(Date.parse(resolved.escalation.monitoringUntil) - Date.parse(resolved.updatedAt)).toBe(7 * 86_400_000);
    await w.refused('fermee', 'manager', 422);
    expect((await monitored.as('alice').post(`/v1/tickets/${tk.id}/close`)).status).toBe(422);

    const ended = await tenantOnPreset(local.api, 'mon2', 'jira-partner', { monitoringDays: 0 });
    const tk2 = (await ended.as('alice').post('/v1/tickets', { subject: 'Down' })).body;
    await ended.as('alice').post(`/v1/tickets/${tk2.id}/escalate`, { reason: 'down', urgent: urgentAnswers });
    const w2 = walker(ended, tk2.id);
    await w2.go('en-cours');
    await w2.go('resolue');
    await w2.refused('fermee', 'agent', 403);
    expect((await ended.as('alice').post(`/v1/tickets/${tk2.id}/close`)).status).toBe(403);
    await w2.go('fermee', 'manager');
  });

  it('split: staff split a multi-problem ticket into a linked one; customers may not', async () => {
    const t = await tenantOnPreset(local.api, 'split', 'boltrics');
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Two problems', priority: 'high' })).body;
    expect((await t.as('alice').post(`/v1/tickets/${tk.id}/split`, { subject: 'x' })).status).toBe(403);
    const r = await t.as('agent').post(`/v1/tickets/${tk.id}/split`, { subject: 'Printing is down', description: 'urgent part' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      subject: 'Printing is down',
      priority: 'high',
      requester: { id: 'alice' },
      links: [{ type: 'split-from', ticketId: tk.id, key: tk.key }],
    });
    const original = (await t.as('agent').get(`/v1/tickets/${tk.id}`)).body;
    expect(original.links).toEqual([{ type: 'split-to', ticketId: r.body.id, key: r.body.key }]);
    expect((await t.as('alice').get(`/v1/tickets/${r.body.id}`)).status).toBe(200);
  });
});
