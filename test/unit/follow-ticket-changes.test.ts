import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TicketChangeRecord } from '../../shared/changes/ticket-change-record';
import { followTicketChanges, type ChangeFollowerDeps } from '../../shared/changes/follow-ticket-changes';
import type { TimerPayload } from '../../shared/domain/ports';
import type { Ticket } from '../../shared/domain/ticket';
import { executionArn, executionName } from '../../shared/lifecycle/execution-names';
import { TIMER_KINDS, type TimerKind } from '../../shared/timers/desired-timers';
import { scheduleName } from '../../shared/timers/sync-timers';
import { aTicket, fakeDeps, fakeFollowers, RecordingScheduler, type FakeDeps } from './fakes';

/**
 * The stream consumer's use case: records are folded per ticket, the ticket is read as it is
 * now, and its execution and schedules are brought in line with it. Redelivered, duplicate,
 * stale and out-of-order records do nothing the latest change would not.
 */
const tenantId = 'acme';
const created = '2026-03-02T09:00:00.000Z'; // a Monday
const settings = {
  workflow: 'jira-partner',
  coverage: '24x7',
  timezone: 'UTC',
  // response 60 min (normal priority), resolution 240 min (medium severity): warnings at 75 %
  sla: { response: { normal: 60 }, resolution: { medium: 240 } },
} as const;

/** What the SLA targets above ask for a ticket submitted at `created` and still running. */
const SLA_TIMERS = {
  'sla-response-warning': '2026-03-02T09:45:00.000Z',
  'sla-response-breach': '2026-03-02T10:00:00.000Z',
  'sla-resolution-warning': '2026-03-02T12:00:00.000Z',
  'sla-resolution-breach': '2026-03-02T13:00:00.000Z',
};

let deps: FakeDeps;
let followers: ReturnType<typeof fakeFollowers>;
let follower: ChangeFollowerDeps;

beforeEach(async () => {
  deps = fakeDeps('2026-03-02T09:00:30.000Z');
  followers = fakeFollowers(deps);
  follower = { lifecycle: followers.lifecycle, timers: followers.timers };
  await deps.settings.put(tenantId, settings);
});

const submitted = (id: string, overrides: Partial<Ticket> = {}): Ticket =>
  aTicket({
    id,
    key: `ACME-${id}`,
    status: 'soumise',
    category: 'new',
    createdAt: created,
    updatedAt: created,
    submittedAt: created,
    statusSince: created,
    lastTouchedAt: created,
    categoryLog: [{ at: created, category: 'new' }],
    ...overrides,
  });

/** The ticket a customer-wait later: SLA response stopped, resolution paused; reminders and auto-close instead. */
const waitingOnCustomer = (id: string): Ticket => {
  const at = '2026-03-02T09:30:00.000Z';
  return submitted(id, {
    status: 'en-attente-client',
    category: 'waiting_customer',
    version: 2,
    updatedAt: at,
    statusSince: at,
    lastTouchedAt: at,
    categoryLog: [
      { at: created, category: 'new' },
      { at, category: 'waiting_customer' },
    ],
  });
};
const afterTheWait = '2026-03-02T09:31:00.000Z';
const WAITING_TIMERS = { reminder: '2026-03-05T09:30:00.000Z', 'auto-close': '2026-03-14T09:30:00.000Z' };

const change = (ticketId: string, recordId: string, kind: TicketChangeRecord['kind'], version: number | null): TicketChangeRecord => ({
  recordId,
  tenantId,
  ticketId,
  kind,
  version,
});

/** The schedules the scheduler holds for one ticket, kind → due instant. */
function schedulesOf(ticketId: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { at, payload } of followers.scheduler.schedules.values()) if (payload.ticketId === ticketId) out[payload.kind] = at;
  return out;
}

const firstExecution = (ticketId: string) => executionName(tenantId, { id: ticketId, key: `ACME-${ticketId}` }, 1);

describe('followTicketChanges', () => {
  it('starts the execution of a created ticket and creates its schedules', async () => {
    deps.tickets.seed(tenantId, submitted('TK1'));

    const result = await followTicketChanges(follower, [change('TK1', '100', 'created', 1)]);

    expect(result).toEqual({ failures: [], tickets: 1 });
    expect(followers.engine.started).toEqual([firstExecution('TK1')]);
    expect((await followers.registry.get(tenantId, 'TK1'))!.executionArn).toBe(executionArn(followers.engine.stateMachineArn, firstExecution('TK1')));
    expect(schedulesOf('TK1')).toEqual(SLA_TIMERS);
    // each under its own name, with the payload the timer re-checks
    for (const [kind, at] of Object.entries(SLA_TIMERS))
      expect(followers.scheduler.schedules.get(scheduleName(tenantId, { id: 'TK1', key: 'ACME-TK1' }, kind as TimerKind))).toEqual({
        at,
        payload: { tenantId, ticketId: 'TK1', kind, dueAt: at },
      });
    expect(await followers.timerRegistry.get(tenantId, 'TK1')).toEqual(SLA_TIMERS);
  });

  it('folds several records of one ticket into one pass over its current state', async () => {
    deps.tickets.seed(tenantId, submitted('TK1', { priority: 'high', version: 3 }));
    const reads = vi.spyOn(deps.tickets, 'get');

    const result = await followTicketChanges(follower, [
      change('TK1', '100', 'created', 1),
      change('TK1', '101', 'changed', 2),
      change('TK1', '102', 'changed', 3),
    ]);

    expect(result).toEqual({ failures: [], tickets: 1 });
    expect(reads).toHaveBeenCalledTimes(1);
    expect(followers.engine.started).toEqual([firstExecution('TK1')]);
    // one set of schedules (high priority: the default 120-minute response target), not one per record
    expect(followers.scheduler.calls).toHaveLength(4);
    expect(schedulesOf('TK1')).toEqual({
      ...SLA_TIMERS,
      'sla-response-warning': '2026-03-02T10:30:00.000Z',
      'sla-response-breach': '2026-03-02T11:00:00.000Z',
    });
  });

  it('a redelivered batch starts, schedules and wakes nothing more', async () => {
    deps.tickets.seed(tenantId, submitted('TK1'));
    const createdBatch = [change('TK1', '100', 'created', 1)];
    await followTicketChanges(follower, createdBatch);
    const callsAfterCreate = [...followers.scheduler.calls];

    // the execution now waits in New with a live token
    const arn = executionArn(followers.engine.stateMachineArn, firstExecution('TK1'));
    followers.engine.live.add('tok-1');
    await followers.registry.registerWait(tenantId, 'TK1', arn, {
      state: 'New',
      category: 'new',
      token: 'tok-1',
      since: created,
      cycle: 1,
      executionStartTime: created,
    });

    expect(await followTicketChanges(follower, createdBatch)).toEqual({ failures: [], tickets: 1 });
    expect(followers.engine.started).toEqual([firstExecution('TK1')]);
    expect(followers.scheduler.calls).toEqual(callsAfterCreate);
    expect(followers.engine.sent).toEqual([]);
    expect((await followers.registry.get(tenantId, 'TK1'))!.taskToken).toBe('tok-1');

    // the ticket moves on: its waiting state is woken once and the schedules follow
    deps.clock.set(afterTheWait);
    deps.tickets.seed(tenantId, waitingOnCustomer('TK1'));
    const movedBatch = [change('TK1', '101', 'changed', 2)];
    await followTicketChanges(follower, movedBatch);
    expect(followers.engine.sent).toEqual(['tok-1']);
    expect(schedulesOf('TK1')).toEqual(WAITING_TIMERS);
    const callsAfterMove = [...followers.scheduler.calls];

    // redelivered while the execution is between states (its token taken)…
    await followTicketChanges(follower, movedBatch);
    // …and again once it waits where the ticket is
    followers.engine.live.add('tok-2');
    await followers.registry.registerWait(tenantId, 'TK1', arn, {
      state: 'WaitingOnCustomer',
      category: 'waiting_customer',
      token: 'tok-2',
      since: created,
      cycle: 1,
      executionStartTime: created,
    });
    await followTicketChanges(follower, [...createdBatch, ...movedBatch]);

    expect(followers.engine.sent).toEqual(['tok-1']);
    expect(followers.engine.started).toEqual([firstExecution('TK1')]);
    expect(followers.scheduler.calls).toEqual(callsAfterMove);
    expect((await followers.registry.get(tenantId, 'TK1'))!.taskToken).toBe('tok-2');
    expect(schedulesOf('TK1')).toEqual(WAITING_TIMERS);
  });

  it('a stale or out-of-order record acts on the ticket as it is now, and the later one then does nothing', async () => {
    // the ticket is already at version 2 (waiting on the customer) when its creation record arrives
    deps.clock.set(afterTheWait);
    deps.tickets.seed(tenantId, waitingOnCustomer('TK1'));

    await followTicketChanges(follower, [change('TK1', '100', 'created', 1)]);

    expect(followers.engine.started).toEqual([firstExecution('TK1')]);
    // no SLA schedules of the submitted ticket it no longer is
    expect(schedulesOf('TK1')).toEqual(WAITING_TIMERS);
    const calls = [...followers.scheduler.calls];

    // the newer record, then the stale one once more (out of order, redelivered)
    await followTicketChanges(follower, [change('TK1', '101', 'changed', 2)]);
    await followTicketChanges(follower, [change('TK1', '100', 'created', 1)]);

    expect(followers.scheduler.calls).toEqual(calls);
    expect(followers.engine.started).toEqual([firstExecution('TK1')]);
    expect(schedulesOf('TK1')).toEqual(WAITING_TIMERS);
    expect(await followers.timerRegistry.get(tenantId, 'TK1')).toEqual(WAITING_TIMERS);
  });

  it("reports a ticket whose effects failed by its first record, and still brings the batch's other tickets in line", async () => {
    class FailingFor extends RecordingScheduler {
      broken = true;
      constructor(private readonly ticketId: string) {
        super();
      }
      override async upsert(name: string, at: Date, payload: TimerPayload) {
        if (this.broken && payload.ticketId === this.ticketId) throw new Error('ThrottlingException');
        return super.upsert(name, at, payload);
      }
    }
    const scheduler = new FailingFor('TK2');
    follower = { lifecycle: followers.lifecycle, timers: { ...followers.timers, scheduler } };
    for (const id of ['TK1', 'TK2', 'TK3']) deps.tickets.seed(tenantId, submitted(id));
    const batch = [
      change('TK1', '100', 'created', 1),
      change('TK2', '101', 'created', 1),
      change('TK1', '102', 'changed', 2),
      change('TK2', '103', 'changed', 2),
      change('TK3', '104', 'created', 1),
    ];

    const result = await followTicketChanges(follower, batch);

    expect(result.tickets).toBe(3);
    expect(result.failures.map((f) => ({ recordId: f.recordId, ticket: f.ticket, error: f.error.message }))).toEqual([
      { recordId: '101', ticket: { tenantId, ticketId: 'TK2' }, error: 'ThrottlingException' },
    ]);
    expect(followers.engine.started).toEqual(expect.arrayContaining([firstExecution('TK1'), firstExecution('TK3')]));
    const schedules = (id: string) =>
      Object.fromEntries([...scheduler.schedules.values()].filter((s) => s.payload.ticketId === id).map((s) => [s.payload.kind, s.at]));
    expect(schedules('TK1')).toEqual(SLA_TIMERS);
    expect(schedules('TK3')).toEqual(SLA_TIMERS);
    expect(schedules('TK2')).toEqual({});
    expect(await followers.timerRegistry.get(tenantId, 'TK2')).toEqual({});

    // Lambda redelivers from the reported record on: only TK2 is caught up, nothing repeats for the others
    scheduler.broken = false;
    const callsBefore = scheduler.calls.length;
    const again = await followTicketChanges(follower, batch.slice(1));
    expect(again).toEqual({ failures: [], tickets: 3 });
    expect(schedules('TK2')).toEqual(SLA_TIMERS);
    expect(scheduler.calls.slice(callsBefore).sort()).toEqual(
      Object.keys(SLA_TIMERS)
        .map((k) => `upsert ${scheduleName(tenantId, { id: 'TK2', key: 'ACME-TK2' }, k as TimerKind)}`)
        .sort(),
    );
    expect(followers.engine.started.filter((n) => n === firstExecution('TK2'))).toHaveLength(1);
    expect(followers.engine.started).toHaveLength(3);
  });

  it('skips a ticket that has been deleted, and follows the others of the batch', async () => {
    deps.tickets.seed(tenantId, submitted('TK1'));

    const result = await followTicketChanges(follower, [
      change('GONE', '100', 'changed', 2),
      change('GONE', '101', 'removed', null),
      change('TK1', '102', 'created', 1),
    ]);

    expect(result.failures).toEqual([]);
    expect(followers.engine.started).toEqual([firstExecution('TK1')]);
    expect(await followers.registry.get(tenantId, 'GONE')).toBeNull();
    expect(schedulesOf('GONE')).toEqual({});
    const gone = new Set(TIMER_KINDS.map((k) => scheduleName(tenantId, { id: 'GONE', key: 'ACME-GONE' }, k)));
    expect(followers.scheduler.calls.filter((c) => gone.has(c.split(' ')[1]!))).toEqual([]);
    expect(followers.scheduler.calls).toHaveLength(4);
    expect(await followers.timerRegistry.get(tenantId, 'GONE')).toEqual({});
  });
});
