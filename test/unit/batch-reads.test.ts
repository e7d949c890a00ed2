import { describe, expect, it } from 'vitest';
import type { StoredSettings } from '../../shared/domain/settings';
import { loadTenant } from '../../shared/tickets/tenant-context';
import { settingsReadOncePerBatch, ticketsReadOncePerBatch } from '../../shared/changes/batch-reads';
import { aTicket, InMemorySettingsStore, InMemoryTicketStore } from './fakes';

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

describe('ticketsReadOncePerBatch', () => {
  it('reads each ticket once for the batch; other reads and writes pass through', async () => {
    const store = new InMemoryTicketStore();
    store.seed('acme', aTicket({ id: 'TK1', version: 1 }));
    store.seed('acme', aTicket({ id: 'TK2', key: 'ACME-2', version: 1 }));
    let gets = 0;
    const get = store.get.bind(store);
    store.get = (tenantId, id) => (gets++, get(tenantId, id));
    const batch = ticketsReadOncePerBatch(store);

    const read = await Promise.all([batch.get('acme', 'TK1'), batch.get('acme', 'TK1'), batch.get('acme', 'TK2'), batch.get('globex', 'TK1')]);

    expect(read.map((t) => t?.id ?? null)).toEqual(['TK1', 'TK1', 'TK2', null]);
    expect(gets).toBe(3);
    // the batch's writes go to the store; the next batch reads the new version
    await batch.update('acme', 1, { ticket: { ...read[0]!, version: 2 }, events: [], comments: [] });
    expect((await ticketsReadOncePerBatch(store).get('acme', 'TK1'))!.version).toBe(2);
  });
});
