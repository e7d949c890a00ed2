import { describe, expect, it } from 'vitest';
import { fireTimer } from '../../shared/timers/fire-timer';
import { desiredTimers } from '../../shared/timers/desired-timers';
import { loadTenant } from '../../shared/tickets/tenant-context';
import { aTicket, fakeDeps, fakeFollowers } from './fakes';

/**
 * Schedules are hints: the timer re-reads the ticket and acts only if its
 * condition still holds. Early, duplicate and stale firings do nothing.
 */
const tenantId = 'acme';
const created = '2026-03-02T09:00:00.000Z'; // a Monday

async function setup() {
  const base = fakeDeps(created);
  const { lifecycle, timers } = fakeFollowers(base);
  const deps = { ...base, lifecycle, timers };
  await deps.settings.put(tenantId, {
    workflow: 'assu',
    coverage: '24x7',
    timezone: 'UTC',
    sla: { resolution: { medium: 60 } },
    contacts: { teamLead: 'lead@acme.example' },
  });
  deps.tickets.seed(
    tenantId,
    aTicket({ status: 'in-behandeling', category: 'active', createdAt: created, categoryLog: [{ at: created, category: 'active' }] }),
  );
  return deps;
}

describe('fireTimer', () => {
  it('does nothing when it fires early, acts once when due, and a duplicate firing changes nothing', async () => {
    const deps = await setup();
    const payload = { tenantId, ticketId: 'TK1', kind: 'sla-resolution-breach', dueAt: '2026-03-02T10:00:00.000Z' };
    deps.clock.set('2026-03-02T09:59:00.000Z');
    expect(await fireTimer(deps, payload)).toBe('not-due');
    expect((await deps.tickets.get(tenantId, 'TK1'))!.version).toBe(1);

    deps.clock.set('2026-03-02T10:00:01.000Z');
    expect(await fireTimer(deps, payload)).toBe('acted');
    const breached = (await deps.tickets.get(tenantId, 'TK1'))!;
    expect(breached).toMatchObject({
      status: 'geescaleerd',
      escalation: { level: 1 },
      automation: { slaBreached: { resolution: '2026-03-02T10:00:01.000Z' } },
    });

    deps.clock.set('2026-03-02T10:05:00.000Z');
    expect(await fireTimer(deps, payload)).toBe('not-due');
    expect((await deps.tickets.get(tenantId, 'TK1'))!.version).toBe(breached.version);
  });

  it('a stale firing (the condition no longer holds) does nothing', async () => {
    const deps = await setup();
    const ticket = (await deps.tickets.get(tenantId, 'TK1'))!;
    // the ticket was resolved in time: the breach schedule left behind fires anyway
    deps.tickets.seed(tenantId, {
      ...ticket,
      status: 'opgelost',
      category: 'resolved',
      categoryLog: [...ticket.categoryLog!, { at: '2026-03-02T09:30:00.000Z', category: 'resolved' }],
    });
    deps.clock.set('2026-03-02T10:00:01.000Z');
    const tenant = await loadTenant(deps.settings, tenantId);
    expect(desiredTimers((await deps.tickets.get(tenantId, 'TK1'))!, tenant, deps.clock.now())['sla-resolution-breach']).toBeUndefined();
    expect(await fireTimer(deps, { tenantId, ticketId: 'TK1', kind: 'sla-resolution-breach', dueAt: '2026-03-02T10:00:00.000Z' })).toBe('not-due');
    expect((await deps.tickets.get(tenantId, 'TK1'))!.escalation.level).toBe(0);
  });

  it('ignores unknown kinds and tickets that are gone', async () => {
    const deps = await setup();
    expect(await fireTimer(deps, { tenantId, ticketId: 'TK1', kind: 'format-disk', dueAt: created })).toBe('gone');
    expect(await fireTimer(deps, { tenantId, ticketId: 'NOPE', kind: 'reminder', dueAt: created })).toBe('gone');
  });
});
