import { describe, expect, it } from 'vitest';
import { withLiveSla } from '../../shared/sla/ticket-sla';
import { fireTimer } from '../../shared/timers/fire-timer';
import { desiredTimers } from '../../shared/timers/desired-timers';
import { addComment, patchTicket } from '../../shared/tickets/ticket-commands';
import { loadTenant } from '../../shared/tickets/tenant-context';
import { aTicket, caller, fakeDeps, fakeFollowers } from './fakes';

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

/**
 * Seed 001: an urgent ticket owes a status update (a public staff comment) every
 * `sla.update.urgent` working minutes. 24x7 here, so the figures are plain hours:
 * urgent since 09:00, the 75 % reminder is due at 12:00 and the breach at 13:00.
 */
describe('fireTimer: status updates of urgent tickets', () => {
  const since = '2026-03-02T09:00:00.000Z';
  const payload = (kind: 'sla-update-warning' | 'sla-update-breach', dueAt: string) => ({ tenantId, ticketId: 'TK1', kind, dueAt });
  const agent = caller('agent');
  const req = { caller: agent, idOrKey: 'TK1', expectedVersion: null };

  async function urgentTicket(assignee: string | null = 'agent-7') {
    const base = fakeDeps(since);
    const { lifecycle, timers } = fakeFollowers(base);
    const deps = { ...base, lifecycle, timers };
    await deps.settings.put(tenantId, {
      workflow: 'default',
      coverage: '24x7',
      timezone: 'UTC',
      sla: { response: { urgent: null }, resolution: { medium: null }, update: { urgent: 240 } },
      contacts: { teamLead: 'lead@acme.example' },
    });
    for (const id of ['agent-7', 'agent-8'])
      await deps.users.put(tenantId, { id, email: `${id.replace('-', '')}@acme.example`, name: id, role: 'agent', org: null, locale: null, updatedAt: since });
    deps.tickets.seed(
      tenantId,
      aTicket({
        status: 'open',
        category: 'active',
        priority: 'urgent',
        assignee,
        createdAt: '2026-03-02T08:00:00.000Z',
        categoryLog: [{ at: '2026-03-02T08:00:00.000Z', category: 'active' }],
        urgentSince: since,
      }),
    );
    return deps;
  }
  type Deps = Awaited<ReturnType<typeof urgentTicket>>;
  const history = async (deps: Deps) => (await deps.tickets.listHistory(tenantId, 'TK1', { limit: 100, cursor: null }, true)).items;
  const updateEvents = async (deps: Deps) =>
    (await history(deps))
      .filter((e) => e.reason === 'update' || e.reason?.endsWith(':update'))
      .map((e) => ({ type: e.type, reason: e.reason, recipients: e.recipients, at: e.at }));

  it('schedules the reminder at 75 % and the breach at 100 % of the target, counted from when it became urgent', async () => {
    const deps = await urgentTicket();
    const tenant = await loadTenant(deps.settings, tenantId);
    const ticket = (await deps.tickets.get(tenantId, 'TK1'))!;
    const desired = desiredTimers(ticket, tenant, deps.clock.now());
    expect(desired['sla-update-warning']?.toISOString()).toBe('2026-03-02T12:00:00.000Z');
    expect(desired['sla-update-breach']?.toISOString()).toBe('2026-03-02T13:00:00.000Z');
    // not urgent, or no longer open: nothing to schedule
    expect(desiredTimers({ ...ticket, priority: 'high', urgentSince: null }, tenant, deps.clock.now())['sla-update-breach']).toBeUndefined();
    const resolved = {
      ...ticket,
      status: 'solved',
      category: 'resolved' as const,
      categoryLog: [...ticket.categoryLog!, { at: since, category: 'resolved' as const }],
    };
    expect(desiredTimers(resolved, tenant, deps.clock.now())['sla-update-warning']).toBeUndefined();
  });

  it('reminds the assignee at 75 %, once per cycle; an early firing does nothing', async () => {
    const deps = await urgentTicket();
    deps.clock.set('2026-03-02T11:59:00.000Z');
    expect(await fireTimer(deps, payload('sla-update-warning', '2026-03-02T12:00:00.000Z'))).toBe('not-due');
    expect((await deps.tickets.get(tenantId, 'TK1'))!.version).toBe(1);

    deps.clock.set('2026-03-02T12:00:01.000Z');
    expect(await fireTimer(deps, payload('sla-update-warning', '2026-03-02T12:00:00.000Z'))).toBe('acted');
    expect(await updateEvents(deps)).toEqual([
      { type: 'sla-warning', reason: 'update', recipients: undefined, at: '2026-03-02T12:00:01.000Z' },
      { type: 'notification', reason: 'sla-warning:update', recipients: ['agent7@acme.example'], at: '2026-03-02T12:00:01.000Z' },
    ]);
    const warned = (await deps.tickets.get(tenantId, 'TK1'))!;
    expect(warned.automation).toMatchObject({ updateWarned: since });
    // a duplicate (or late) firing of the same cycle's reminder changes nothing
    deps.clock.set('2026-03-02T12:30:00.000Z');
    expect(await fireTimer(deps, payload('sla-update-warning', '2026-03-02T12:00:00.000Z'))).toBe('not-due');
    expect((await deps.tickets.get(tenantId, 'TK1'))!.version).toBe(warned.version);
  });

  it('without an assignee the team lead is reminded', async () => {
    const deps = await urgentTicket(null);
    deps.clock.set('2026-03-02T12:00:00.000Z');
    expect(await fireTimer(deps, payload('sla-update-warning', '2026-03-02T12:00:00.000Z'))).toBe('acted');
    expect((await updateEvents(deps)).find((e) => e.type === 'notification')?.recipients).toEqual(['lead@acme.example']);
  });

  it('reminds whoever is assigned when it acts, even if the ticket was reassigned while it looked the assignee up', async () => {
    const deps = await urgentTicket('agent-7');
    const directory = deps.users.get.bind(deps.users);
    deps.users.get = async (t, id) => {
      // a lead reassigns the ticket at that very moment
      if (id === 'agent-7') deps.tickets.overwrite(tenantId, { ...deps.tickets.peek(tenantId, 'TK1'), assignee: 'agent-8', version: 2 });
      return directory(t, id);
    };
    deps.clock.set('2026-03-02T12:00:00.000Z');
    expect(await fireTimer(deps, payload('sla-update-warning', '2026-03-02T12:00:00.000Z'))).toBe('acted');
    expect((await updateEvents(deps)).find((e) => e.type === 'notification')?.recipients).toEqual(['agent8@acme.example']);
  });

  it('a breach tells the assignee and the team lead and is recorded once per cycle; a public staff comment starts the next cycle', async () => {
    const deps = await urgentTicket();
    deps.clock.set('2026-03-02T13:00:00.500Z');
    expect(await fireTimer(deps, payload('sla-update-breach', '2026-03-02T13:00:00.000Z'))).toBe('acted');
    // the warning that never fired is not sent after the breach
    const tenant = await loadTenant(deps.settings, tenantId);
    const breached = (await deps.tickets.get(tenantId, 'TK1'))!;
    expect(desiredTimers(breached, tenant, deps.clock.now())).toEqual({});
    expect(breached).toMatchObject({ escalation: { level: 0 }, automation: { updateBreached: since } });
    expect(withLiveSla(breached, tenant.settings, deps.clock.now()).sla.update).toEqual({
      targetMinutes: 240,
      elapsedMinutes: 240,
      state: 'breached',
      dueAt: '2026-03-02T13:00:00.000Z',
      breachedAt: '2026-03-02T13:00:00.000Z',
    });
    // a duplicate firing of the same cycle's breach changes nothing
    deps.clock.set('2026-03-02T13:10:00.000Z');
    expect(await fireTimer(deps, payload('sla-update-breach', '2026-03-02T13:00:00.000Z'))).toBe('not-due');
    expect((await deps.tickets.get(tenantId, 'TK1'))!.version).toBe(breached.version);

    // 13:30: the agent posts the status update; an internal note or a customer's comment would not count
    deps.clock.set('2026-03-02T13:20:00.000Z');
    await addComment(deps, req, { body: 'note to self', visibility: 'internal' });
    expect((await deps.tickets.get(tenantId, 'TK1'))!.lastPublicStaffCommentAt).toBeUndefined();
    deps.clock.set('2026-03-02T13:30:00.000Z');
    const { ticket: updated } = await addComment(deps, req, { body: 'Plan of action: restore from backup.', visibility: 'public' });
    expect(updated.lastPublicStaffCommentAt).toBe('2026-03-02T13:30:00.000Z');
    expect(updated.sla.update).toMatchObject({ elapsedMinutes: 0, state: 'running', dueAt: '2026-03-02T17:30:00.000Z', breachedAt: null });
    // the old cycle's schedules are stale now: firing them does nothing
    deps.clock.set('2026-03-02T13:31:00.000Z');
    expect(await fireTimer(deps, payload('sla-update-breach', '2026-03-02T13:00:00.000Z'))).toBe('not-due');
    expect(await fireTimer(deps, payload('sla-update-warning', '2026-03-02T12:00:00.000Z'))).toBe('not-due');
    expect((await deps.tickets.get(tenantId, 'TK1'))!.version).toBe(updated.version);
    expect(desiredTimers((await deps.tickets.get(tenantId, 'TK1'))!, tenant, deps.clock.now())).toEqual({
      'sla-update-warning': new Date('2026-03-02T16:30:00.000Z'),
      'sla-update-breach': new Date('2026-03-02T17:30:00.000Z'),
    });

    // the next cycle breaches in turn: recorded again, once
    deps.clock.set('2026-03-02T17:30:00.000Z');
    expect(await fireTimer(deps, payload('sla-update-breach', '2026-03-02T17:30:00.000Z'))).toBe('acted');
    expect(await fireTimer(deps, payload('sla-update-breach', '2026-03-02T17:30:00.000Z'))).toBe('not-due');
    expect((await updateEvents(deps)).filter((e) => e.type !== 'sla-warning')).toEqual([
      { type: 'sla-breached', reason: 'update', recipients: undefined, at: '2026-03-02T13:00:00.500Z' },
      { type: 'notification', reason: 'sla-breach:update', recipients: ['agent7@acme.example', 'lead@acme.example'], at: '2026-03-02T13:00:00.500Z' },
      { type: 'sla-breached', reason: 'update', recipients: undefined, at: '2026-03-02T17:30:00.000Z' },
      { type: 'notification', reason: 'sla-breach:update', recipients: ['agent7@acme.example', 'lead@acme.example'], at: '2026-03-02T17:30:00.000Z' },
    ]);
    expect((await deps.tickets.get(tenantId, 'TK1'))!.automation).toMatchObject({ updateBreached: '2026-03-02T13:30:00.000Z' });
  });

  it('a ticket that stopped being urgent (or was resolved) before the breach: the firing does nothing', async () => {
    const deps = await urgentTicket();
    deps.clock.set('2026-03-02T10:00:00.000Z');
    const { ticket } = await patchTicket(deps, req, { priority: 'high' });
    expect(ticket.urgentSince).toBeNull();
    expect(ticket.sla.update).toEqual({ targetMinutes: null, elapsedMinutes: 0, state: 'none', dueAt: null, breachedAt: null });
    deps.clock.set('2026-03-02T13:00:01.000Z');
    expect(await fireTimer(deps, payload('sla-update-breach', '2026-03-02T13:00:00.000Z'))).toBe('not-due');
    expect((await history(deps)).some((e) => e.type === 'sla-breached')).toBe(false);
    // urgent again: a new cycle from that moment, not from the first time
    const { ticket: again } = await patchTicket(deps, req, { priority: 'urgent' });
    expect(again.urgentSince).toBe('2026-03-02T13:00:01.000Z');
    expect(again.sla.update).toMatchObject({ elapsedMinutes: 0, state: 'running', dueAt: '2026-03-02T17:00:01.000Z' });
  });
});
