import { describe, expect, it } from 'vitest';
import { useLocalRuntime } from '../support/api-client';
import { tenantOnPreset } from '../support/tenant-fixture';

/** The directory is what inbound mail is matched on: one address, one user (CONTRACT section 3). */
const local = useLocalRuntime();

describe('the user directory', () => {
  it('an e-mail already used by another user of the tenant is a 409; a user may keep or change their own', async () => {
    const t = await tenantOnPreset(local.api, 'dir-unique', 'default');
    const admin = t.as('admin');
    const taken = await admin.put('/v1/users/alice2', { email: 'Alice@Acme.example', name: 'Alice two', role: 'customer', org: 'acme' });
    expect(taken.status).toBe(409);
    expect(taken.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(taken.body.detail).toMatch(/already used by another user/);
    // re-saving alice with her own address is fine; moving her to a new one frees the old
    expect((await admin.put('/v1/users/alice', { email: 'alice@acme.example', name: 'Alice', role: 'customer', org: 'acme' })).status).toBe(200);
    expect((await admin.put('/v1/users/alice', { email: 'alice@new.example', name: 'Alice', role: 'customer', org: 'acme' })).status).toBe(200);
    expect((await admin.put('/v1/users/alice2', { email: 'alice@acme.example', name: 'Alice two', role: 'customer', org: 'acme' })).status).toBe(200);
    // another tenant may use the same address
    const other = await tenantOnPreset(local.api, 'dir-other', 'default');
    expect((await other.as('admin').put('/v1/users/x', { email: 'alice@new.example', name: 'X', role: 'customer', org: 'acme' })).status).toBe(200);
  });

  it('two admins racing to give one address to two users: exactly one wins', async () => {
    const t = await tenantOnPreset(local.api, 'dir-race', 'default');
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        t.as('admin').put(`/v1/users/racer${i}`, { email: 'shared@acme.example', name: `R${i}`, role: 'customer', org: 'acme' }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
  });
});

describe('PATCH /v1/settings (JSON merge patch)', () => {
  it('changes only what it names; null resets a field to its default; the result is checked like a PUT', async () => {
    const t = await tenantOnPreset(local.api, 'patch-one', 'jira-partner', { name: 'Acme Support', timezone: 'Europe/Paris', feedbackDays: 5 });
    const admin = t.as('admin');
    const before = (await admin.get('/v1/settings')).body;
    const patched = await admin.patch('/v1/settings', { contacts: { teamLead: 'newlead@patch-one.example' }, sla: { response: { urgent: 30 } } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toEqual({
      ...before,
      contacts: { ...before.contacts, teamLead: 'newlead@patch-one.example' },
      sla: { ...before.sla, response: { ...before.sla.response, urgent: 30 } },
    });
    expect((await admin.get('/v1/settings')).body).toEqual(patched.body);
    // null: back to the preset's default
    const reset = await admin.patch('/v1/settings', { feedbackDays: null });
    expect(reset.body.feedbackDays).not.toBe(5);
    expect(reset.body.name).toBe('Acme Support');
    // a bad merged result names the field, and changes nothing
    const bad = await admin.patch('/v1/settings', { timezone: 'Mars/Olympus', keyPrefix: 'lower' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['keyPrefix', 'timezone']);
    expect((await admin.get('/v1/settings')).body).toEqual(reset.body);
    expect((await t.as('agent').patch('/v1/settings', { name: 'x' })).status).toBe(403);
  });

  it('concurrent patches of different fields both land', async () => {
    const t = await tenantOnPreset(local.api, 'patch-race', 'default');
    const admin = t.as('admin');
    const patches = [
      { name: 'Racing Support' },
      { feedbackDays: 9 },
      { monitoringDays: 3 },
      { contacts: { offeringManager: 'om@patch-race.example' } },
      { orgVisibility: false },
    ];
    const answers = await Promise.all(patches.map((p) => admin.patch('/v1/settings', p)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await admin.get('/v1/settings')).body).toMatchObject({
      name: 'Racing Support',
      feedbackDays: 9,
      monitoringDays: 3,
      contacts: { offeringManager: 'om@patch-race.example', teamLead: 'lead@patch-race.example' },
      orgVisibility: false,
    });
  });
});
