import { describe, expect, it } from 'vitest';
import { systemCaller } from '../../../shared/domain/identity';
import { updateCycleStart, withLiveSla } from '../../../shared/sla/ticket-sla';
import { mutateTicket } from '../../../shared/tickets/mutate-ticket';
import { addComment } from '../../../shared/tickets/ticket-commands';
import { loadTenant } from '../../../shared/tickets/tenant-context';
import { aTicket, caller, fakeDeps } from '../fakes';

/**
 * Seed 001's status-update clock: which cycle an urgent ticket is in. Its start is
 * recorded by the bookkeeping every change carries (mutateTicket): when the ticket
 * became urgent and its last public staff comment.
 */
const submitted = '2026-03-02T09:00:00.000Z';

describe('updateCycleStart', () => {
  it('is null for a ticket that is not urgent, or not submitted', () => {
    expect(updateCycleStart(aTicket({ priority: 'high', lastPublicStaffCommentAt: submitted }))).toBeNull();
    expect(updateCycleStart(aTicket({ priority: 'urgent', status: 'draft', category: 'draft', categoryLog: [] }))).toBeNull();
  });

  it('is the latest of the submission, when it became urgent and the last public staff comment', () => {
    const log = [{ at: submitted, category: 'new' as const }];
    // urgent from its creation: the submission
    expect(updateCycleStart(aTicket({ priority: 'urgent', categoryLog: log }))).toBe(submitted);
    expect(updateCycleStart(aTicket({ priority: 'urgent', categoryLog: log, urgentSince: '2026-03-02T10:00:00.000Z' }))).toBe('2026-03-02T10:00:00.000Z');
    // a comment from before it became urgent does not count; one after it starts the cycle
    const urgentAt10 = { priority: 'urgent' as const, categoryLog: log, urgentSince: '2026-03-02T10:00:00.000Z' };
    expect(updateCycleStart(aTicket({ ...urgentAt10, lastPublicStaffCommentAt: '2026-03-02T09:30:00.000Z' }))).toBe('2026-03-02T10:00:00.000Z');
    expect(updateCycleStart(aTicket({ ...urgentAt10, lastPublicStaffCommentAt: '2026-03-02T11:00:00.000Z' }))).toBe('2026-03-02T11:00:00.000Z');
    // a draft made urgent before it was submitted counts from the submission
    expect(updateCycleStart(aTicket({ priority: 'urgent', categoryLog: log, urgentSince: '2026-03-01T08:00:00.000Z' }))).toBe(submitted);
  });
});

describe('bookkeeping of the status-update cycle', () => {
  async function setup() {
    const deps = fakeDeps(submitted);
    await deps.settings.put('acme', { coverage: '24x7', timezone: 'UTC' });
    deps.tickets.seed('acme', aTicket({ priority: 'urgent', status: 'open', category: 'active', categoryLog: [{ at: submitted, category: 'active' }] }));
    return deps;
  }
  const req = (role: 'agent' | 'customer') => ({
    caller: caller(role, role === 'customer' ? { sub: 'customer-1' } : {}),
    idOrKey: 'TK1',
    expectedVersion: null,
  });

  it('a ticket urgent from its creation counts from the submission against sla.update.urgent', async () => {
    const deps = await setup();
    const tenant = await loadTenant(deps.settings, 'acme');
    const ticket = (await deps.tickets.get('acme', 'TK1'))!;
    expect(withLiveSla(ticket, tenant.settings, new Date('2026-03-02T12:00:00.000Z')).sla.update).toEqual({
      targetMinutes: 240,
      elapsedMinutes: 180,
      state: 'running',
      dueAt: '2026-03-02T13:00:00.000Z',
      breachedAt: null,
    });
  });

  it('only a public comment by staff starts a new cycle: not a customer’s, an internal note or an automation’s', async () => {
    const deps = await setup();
    deps.clock.set('2026-03-02T10:00:00.000Z');
    await addComment(deps, req('customer'), { body: 'any news?' });
    await addComment(deps, req('agent'), { body: 'checking the logs', visibility: 'internal' });
    await mutateTicket(deps, { caller: systemCaller('acme'), idOrKey: 'TK1', expectedVersion: null }, () => ({
      patch: {},
      events: [{ type: 'comment-added', actor: { id: 'system', role: 'system' }, visibility: 'public' }],
      comments: [{ body: 'Reminder', visibility: 'public', author: { id: 'system', role: 'system', email: null }, channel: 'api', attachments: [] }],
    }));
    let stored = (await deps.tickets.get('acme', 'TK1'))!;
    expect(stored.lastPublicStaffCommentAt).toBeUndefined();
    expect(updateCycleStart(stored)).toBe(submitted);

    deps.clock.set('2026-03-02T11:00:00.000Z');
    const { ticket } = await addComment(deps, req('agent'), { body: 'We restore the backup; next update by 15:00.' });
    stored = (await deps.tickets.get('acme', 'TK1'))!;
    expect(stored.lastPublicStaffCommentAt).toBe('2026-03-02T11:00:00.000Z');
    expect(updateCycleStart(stored)).toBe('2026-03-02T11:00:00.000Z');
    expect(ticket.sla.update).toMatchObject({ elapsedMinutes: 0, state: 'running', dueAt: '2026-03-02T15:00:00.000Z' });
  });
});
