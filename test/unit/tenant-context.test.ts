import { describe, expect, it } from 'vitest';
import type { StoredSettings } from '../../shared/domain/settings';
import { loadTenant, settingsReadOncePerBatch } from '../../shared/tickets/tenant-context';
import { InMemorySettingsStore } from './fakes';

class CountingSettings extends InMemorySettingsStore {
  gets = 0;
  failNext = false;
  override async get(tenantId: string): Promise<StoredSettings | null> {
    this.gets++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('throttled');
    }
    return super.get(tenantId);
  }
}

describe('settingsReadOncePerBatch', () => {
  it('reads each tenant once for the whole batch, however many records ask', async () => {
    const store = new CountingSettings();
    await store.put('acme', { workflow: 'default', timezone: 'Europe/Amsterdam' } as StoredSettings);
    const batch = settingsReadOncePerBatch(store);

    const tenants = await Promise.all([loadTenant(batch, 'acme'), loadTenant(batch, 'acme'), loadTenant(batch, 'globex'), loadTenant(batch, 'acme')]);

    expect(store.gets).toBe(2);
    expect(tenants.map((t) => t.settings.timezone)).toEqual(['Europe/Amsterdam', 'Europe/Amsterdam', expect.any(String), 'Europe/Amsterdam']);
    // the next batch reads again: a settings change is seen from the next batch on
    await store.put('acme', { workflow: 'default', timezone: 'Asia/Tokyo' } as StoredSettings);
    expect((await loadTenant(settingsReadOncePerBatch(store), 'acme')).settings.timezone).toBe('Asia/Tokyo');
    expect((await loadTenant(batch, 'acme')).settings.timezone).toBe('Europe/Amsterdam');
  });

  it('does not remember a failed read: the next record of the batch reads again', async () => {
    const store = new CountingSettings();
    const batch = settingsReadOncePerBatch(store);
    store.failNext = true;
    await expect(batch.get('acme')).rejects.toThrow('throttled');
    await expect(batch.get('acme')).resolves.toBeNull();
    expect(store.gets).toBe(2);
  });

  it('passes writes through to the store', async () => {
    const store = new CountingSettings();
    const batch = settingsReadOncePerBatch(store);
    await batch.put('acme', { workflow: 'default' } as StoredSettings);
    expect(await store.get('acme')).toEqual({ workflow: 'default' });
    expect((await batch.read('acme')).revision).toBe(1);
  });
});
