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
