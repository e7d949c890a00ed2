/**
 * What one batch of the table's stream reads, read once for the whole batch: a tenant's
 * settings and a ticket, however many of the batch's records (ticket changes and the
 * notification mails they carry) ask. A batch is milliseconds long and its effects are
 * decided "as things are now" anyway: a read shared by the batch's records is as current
 * as one per record. A write during the batch is followed as its own record. Writes and
 * every other read pass through.
 */
import type { SettingsStore, TicketStore } from '../domain/ports';
import type { StoredSettings } from '../domain/settings';
import type { Ticket } from '../domain/ticket';

/** `read(key)` once per key; a failed read is not remembered, so the next record tries again. */
function once<T>(read: (tenantId: string, id: string) => Promise<T>): (tenantId: string, id: string) => Promise<T> {
  const reads = new Map<string, Promise<T>>();
  return (tenantId, id) => {
    const key = `${tenantId}\u0000${id}`;
    let found = reads.get(key);
    if (!found) {
      found = read(tenantId, id);
      reads.set(key, found);
      found.catch(() => reads.delete(key));
    }
    return found;
  };
}

export function settingsReadOncePerBatch(store: SettingsStore): SettingsStore {
  const get = once<StoredSettings | null>((tenantId) => store.get(tenantId));
  return {
    get: (tenantId) => get(tenantId, ''),
    read: (tenantId) => store.read(tenantId),
    put: (tenantId, settings, expectedRevision, migration) => store.put(tenantId, settings, expectedRevision, migration),
    stepMigration: (tenantId, migration, expectedRound) => store.stepMigration(tenantId, migration, expectedRound),
  };
}

export function ticketsReadOncePerBatch(store: TicketStore): TicketStore {
  const get = once<Ticket | null>((tenantId, ticketId) => store.get(tenantId, ticketId));
  return {
    get,
    nextTicketNumber: (tenantId) => store.nextTicketNumber(tenantId),
    create: (tenantId, change) => store.create(tenantId, change),
    update: (tenantId, expectedVersion, change) => store.update(tenantId, expectedVersion, change),
    getByKey: (tenantId, key) => store.getByKey(tenantId, key),
    list: (tenantId, query) => store.list(tenantId, query),
    countInStatus: (tenantId, status) => store.countInStatus(tenantId, status),
    listComments: (tenantId, ticketId, page, includeInternal) => store.listComments(tenantId, ticketId, page, includeInternal),
    listHistory: (tenantId, ticketId, page, includeInternal) => store.listHistory(tenantId, ticketId, page, includeInternal),
    listWaits: (tenantId, ticketId) => store.listWaits(tenantId, ticketId),
    getWait: (tenantId, ticketId, waitId) => store.getWait(tenantId, ticketId, waitId),
  };
}
