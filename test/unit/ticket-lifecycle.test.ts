import { beforeEach, describe, expect, it, vi } from 'vitest';
import { executionArn, executionName } from '../../shared/lifecycle/execution-names';
import {
  awaitTicket,
  bringLifecycleInLine,
  continueAsNew,
  nudgeLifecycle,
  startLifecycle,
  syncTicket,
  type LifecycleDeps,
} from '../../shared/lifecycle/ticket-lifecycle';
import { Workflow } from '../../shared/domain/workflow';
import { DEFAULT_WORKFLOW } from '../../shared/workflows/default';
import { aTicket, fakeDeps, InMemoryRegistry, RecordingEngine, type FakeDeps } from './fakes';

let deps: FakeDeps;
let registry: InMemoryRegistry;
let engine: RecordingEngine;
let life: LifecycleDeps;
const tenant = 'acme';
const workflow = new Workflow(DEFAULT_WORKFLOW);

beforeEach(() => {
  deps = fakeDeps('2026-03-02T10:00:00.000Z');
  registry = new InMemoryRegistry();
  engine = new RecordingEngine();
  life = { tickets: deps.tickets, settings: deps.settings, registry, engine, clock: deps.clock };
});

const firstArn = (id: string) => executionArn(engine.stateMachineArn, executionName(tenant, { id, key: 'ACME-1' }, 1));
/** What a callback state reports about its execution (ReadTicket's cycle, the execution's start). */
const execution = { cycle: 3, executionStartTime: '2026-03-01T09:00:00.000Z' };
/** The InProgress callback state of the ticket's first execution, waiting at version 1 with `token`. */
const inProgress = (ticketId: string, token: string) => ({
  tenantId: tenant,
  ticketId,
  state: 'InProgress',
  category: 'active',
  version: 1,
  executionArn: firstArn(ticketId),
  taskToken: token,
  ...execution,
});

describe('the ticket lifecycle service', () => {
  it('names the execution from tenant and ticket and starts it once, however often asked', async () => {
    const t = aTicket();
    deps.tickets.seed(tenant, t);
    await startLifecycle(life, tenant, t);
    await startLifecycle(life, tenant, t);
    expect(engine.started).toEqual([`ACME-1--acme--${t.id}`]);
    expect((await registry.get(tenant, t.id))!.executionArn).toBe(firstArn(t.id));
  });

  it('starts with the decision ReadTicket would make (the execution begins at Route); a retry that finds the record starts with none', async () => {
    const t = aTicket({ status: 'new', category: 'new' });
    deps.tickets.seed(tenant, t);
    await startLifecycle(life, tenant, t);
    const name = `ACME-1--acme--${t.id}`;
    expect(engine.inputs.get(name)).toMatchObject({ tenantId: tenant, ticketId: t.id, cycle: 1, next: 'wait', ticket: { category: 'new', version: 1 } });
    // a crash between recording and starting: the retry finds the record and starts with a bare input (Route sends it to ReadTicket)
    const other = aTicket({ id: '01JTICKET0000000000000002', status: 'new', category: 'new' });
    deps.tickets.seed(tenant, other);
    await registry.create(tenant, other.id, firstArn(other.id));
    await startLifecycle(life, tenant, other);
    expect(engine.inputs.get(`ACME-1--acme--${other.id}`)).toEqual({ tenantId: tenant, ticketId: other.id, cycle: 0 });
  });

  it('names carry the ticket key; long names stay within the 80 characters Step Functions allows, still one per tenant and ticket', () => {
    const long = 'a'.repeat(64);
    const ticket = { id: '01JTICKET0000000000000001', key: 'ABCDEFGHIJ-9999999999' };
    const name = executionName(long, ticket, 3);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name.startsWith('ABCDEFGHIJ-9999999999--')).toBe(true);
    expect(name).not.toBe(executionName(`${'a'.repeat(63)}b`, ticket, 3));
  });

  it('continues as new before the event and age limits, and only one successor takes over', async () => {
    const t = aTicket();
    deps.tickets.seed(tenant, t);
    await startLifecycle(life, tenant, t);
    const arn = firstArn(t.id);
    const startTime = deps.clock.now().toISOString();
    const tooMany = await syncTicket(life, { tenantId: tenant, ticketId: t.id, cycle: 1500, executionArn: arn, executionStartTime: startTime });
    expect(tooMany.next).toBe('continue-as-new');
    // A waiting state polls nothing: it times out exactly when the execution is due to hand over.
    const fresh = await syncTicket(life, { tenantId: tenant, ticketId: t.id, cycle: 3, executionArn: arn, executionStartTime: startTime });
    expect(fresh).toMatchObject({ next: 'wait', waitSeconds: 300 * 86_400 });
    deps.clock.set('2026-12-28T10:00:00.000Z'); // 301 days later
    const tooOld = await syncTicket(life, { tenantId: tenant, ticketId: t.id, cycle: 3, executionArn: arn, executionStartTime: startTime });
    expect(tooOld.next).toBe('continue-as-new');

    await Promise.all([
      continueAsNew(life, { tenantId: tenant, ticketId: t.id, executionArn: arn }),
      continueAsNew(life, { tenantId: tenant, ticketId: t.id, executionArn: arn }),
    ]);
    const record = (await registry.get(tenant, t.id))!;
    expect(record).toMatchObject({ generation: 2, previousExecutions: [arn], executionArn: firstArn(t.id) + '--g2' });
    expect(engine.started).toEqual([`ACME-1--acme--${t.id}`, `ACME-1--acme--${t.id}--g2`]);
    // the predecessor, reading the ticket again, bows out
    const old = await syncTicket(life, { tenantId: tenant, ticketId: t.id, cycle: 4, executionArn: arn, executionStartTime: startTime });
    expect(old.next).toBe('end');
  });

  it('wakes a waiting state exactly once when the category changes, and not for a change within it', async () => {
    const t = aTicket({ status: 'open', category: 'active' });
    deps.tickets.seed(tenant, t);
    await startLifecycle(life, tenant, t);
    engine.live.add('tok-1');
    await awaitTicket(life, inProgress(t.id, 'tok-1'));
    expect(engine.sent).toEqual([]);
    await bringLifecycleInLine(life, tenant, { ...t, priority: 'high', version: 2 }, workflow);
    expect(engine.sent).toEqual([]);
    const moved = { ...t, status: 'pending', category: 'waiting_customer' as const, version: 3 };
    deps.tickets.seed(tenant, moved);
    await Promise.all([bringLifecycleInLine(life, tenant, moved, workflow), bringLifecycleInLine(life, tenant, moved, workflow)]);
    expect(engine.sent).toEqual(['tok-1']);
  });

  it('reads the tenant settings at most once per wake-up, and not at all when the caller already has the workflow', async () => {
    const t = aTicket({ status: 'open', category: 'active' });
    deps.tickets.seed(tenant, t);
    await startLifecycle(life, tenant, t, workflow);
    const reads = vi.spyOn(deps.settings, 'get');
    engine.live.add('tok-1');
    await awaitTicket(life, inProgress(t.id, 'tok-1'));
    const moved = { ...t, status: 'pending', category: 'waiting_customer' as const, version: 2 };
    deps.tickets.seed(tenant, moved);
    await bringLifecycleInLine(life, tenant, moved, workflow);
    expect(engine.sent).toEqual(['tok-1']);
    expect(reads).not.toHaveBeenCalled();
    // changed before the state registered: it reads the settings to see that it must move, and decides with them
    engine.live.add('tok-2');
    const again = { ...moved, status: 'open', category: 'active' as const, version: 3 };
    deps.tickets.seed(tenant, again);
    await awaitTicket(life, { ...inProgress(t.id, 'tok-2'), state: 'WaitingOnCustomer', category: 'waiting_customer', version: 2 });
    expect(engine.sent).toEqual(['tok-1', 'tok-2']);
    expect(engine.outputs.get('tok-2')).toMatchObject({ next: 'wait', ticket: { category: 'active', version: 3 } });
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('a redelivered change does not wake the execution again once it waits where the ticket is', async () => {
    const t = aTicket({ status: 'open', category: 'active' });
    const moved = { ...t, status: 'pending', category: 'waiting_customer' as const, version: 2 };
    deps.tickets.seed(tenant, moved);
    await startLifecycle(life, tenant, t);
    engine.live.add('tok-1');
    await registry.registerWait(tenant, t.id, firstArn(t.id), { state: 'InProgress', category: 'active', token: 'tok-1', since: 'x', ...execution });
    await bringLifecycleInLine(life, tenant, moved, workflow);
    expect(engine.sent).toEqual(['tok-1']);
    // the woken execution now waits on the customer; the same change delivered again finds it in line
    engine.live.add('tok-2');
    await registry.registerWait(tenant, t.id, firstArn(t.id), {
      state: 'WaitingOnCustomer',
      category: 'waiting_customer',
      token: 'tok-2',
      since: 'y',
      ...execution,
    });
    await bringLifecycleInLine(life, tenant, moved, workflow);
    expect(engine.sent).toEqual(['tok-1']);
  });

  it('an execution recorded but never started (a crash in between) is started by the next change', async () => {
    const t = aTicket();
    deps.tickets.seed(tenant, t);
    await registry.create(tenant, t.id, firstArn(t.id));
    expect(engine.started).toEqual([]);
    await bringLifecycleInLine(life, tenant, t, workflow);
    expect(engine.started).toEqual([`ACME-1--acme--${t.id}`]);
  });

  it('no lost wake-up: a change committed before the token was stored is seen by the waiting state itself', async () => {
    const t = aTicket({ status: 'new', category: 'new' });
    deps.tickets.seed(tenant, t);
    await startLifecycle(life, tenant, t);
    // the change lands while the execution is between ReadTicket and its wait: nothing to wake yet
    const moved = { ...t, status: 'open', category: 'active' as const, version: 2 };
    deps.tickets.seed(tenant, moved);
    await bringLifecycleInLine(life, tenant, moved, workflow);
    expect(engine.sent).toEqual([]);
    // …then the wait registers with what ReadTicket saw, re-reads, and wakes itself
    engine.live.add('tok-2');
    await awaitTicket(life, {
      tenantId: tenant,
      ticketId: t.id,
      state: 'New',
      category: 'new',
      version: 1,
      executionArn: firstArn(t.id),
      taskToken: 'tok-2',
      ...execution,
    });
    expect(engine.sent).toEqual(['tok-2']);
    // …with the decision on the ticket it found: straight on to InProgress
    expect(engine.outputs.get('tok-2')).toMatchObject({ next: 'wait', ticket: { category: 'active', version: 2 }, cycle: execution.cycle + 1 });
    expect((await registry.get(tenant, t.id))!.taskToken).toBeNull();
  });

  it('a waiting state that finds the version ReadTicket saw stays, without reading the settings; a newer one is decided again', async () => {
    const t = aTicket({ status: 'open', category: 'active' });
    deps.tickets.seed(tenant, t);
    await startLifecycle(life, tenant, t);
    let settingsReads = 0;
    const get = deps.settings.get.bind(deps.settings);
    life = { ...life, settings: Object.assign(Object.create(deps.settings), { get: (id: string) => (settingsReads++, get(id)) }) };
    const wait = { tenantId: tenant, ticketId: t.id, state: 'InProgress', category: 'active', executionArn: firstArn(t.id), ...execution };
    engine.live.add('tok-1');
    await awaitTicket(life, { ...wait, version: 1, taskToken: 'tok-1' });
    expect({ sent: engine.sent, settingsReads }).toEqual({ sent: [], settingsReads: 0 });
    // a change within the category landed before the wait: decided again on the settings, and it stays
    deps.tickets.seed(tenant, { ...t, priority: 'high', version: 2 });
    engine.live.add('tok-2');
    await awaitTicket(life, { ...wait, version: 1, taskToken: 'tok-2' });
    expect({ sent: engine.sent, settingsReads }).toEqual({ sent: [], settingsReads: 1 });
  });

  it('a wake-up carries the decision ReadTicket would make on the ticket as it is, so the execution goes straight to Route', async () => {
    const t = aTicket({ status: 'open', category: 'active' });
    deps.tickets.seed(tenant, t);
    await startLifecycle(life, tenant, t);
    engine.live.add('tok-1');
    await registry.registerWait(tenant, t.id, firstArn(t.id), { state: 'InProgress', category: 'active', token: 'tok-1', since: 'x', ...execution });
    const moved = { ...t, status: 'pending', category: 'waiting_customer' as const, version: 2 };
    deps.tickets.seed(tenant, moved);
    await bringLifecycleInLine(life, tenant, moved, workflow);
    const readTicket = await syncTicket(life, { tenantId: tenant, ticketId: t.id, executionArn: firstArn(t.id), ...execution });
    expect(engine.outputs.get('tok-1')).toEqual(readTicket);
    expect(readTicket).toMatchObject({ next: 'wait', cycle: execution.cycle + 1, ticket: { category: 'waiting_customer', status: 'pending', version: 2 } });
    expect(readTicket.waitSeconds).toBeGreaterThan(0);
  });

  it('a wake-up that ends the execution (reopen window over) marks it ended, as ReadTicket would', async () => {
    const t = aTicket({ status: 'closed', category: 'closed', reopenableUntil: '2026-03-02T09:00:00.000Z' });
    deps.tickets.seed(tenant, t);
    await startLifecycle(life, tenant, t);
    engine.live.add('tok-1');
    await registry.registerWait(tenant, t.id, firstArn(t.id), { state: 'ClosedReopenWindow', category: 'closed', token: 'tok-1', since: 'x', ...execution });
    await nudgeLifecycle(life, tenant, t);
    expect(engine.outputs.get('tok-1')).toMatchObject({ next: 'end', ticket: { category: 'closed' } });
    expect(await registry.get(tenant, t.id)).toMatchObject({ ended: true, state: 'Closed', taskToken: null });
  });

  it('a record that does not say its execution (written before waits reported their cycle) gets a bare wake-up, which Route sends through ReadTicket', async () => {
    const t = aTicket({ status: 'open', category: 'active' });
    deps.tickets.seed(tenant, t);
    await startLifecycle(life, tenant, t);
    engine.live.add('tok-1');
    await registry.registerWait(tenant, t.id, firstArn(t.id), { state: 'InProgress', category: 'active', token: 'tok-1', since: 'x', ...execution });
    const { cycle: _cycle, executionStartTime: _started, ...older } = (await registry.get(tenant, t.id))!;
    registry.records.set(`${tenant}/${t.id}`, older);
    const moved = { ...t, status: 'pending', category: 'waiting_customer' as const, version: 2 };
    await bringLifecycleInLine(life, tenant, moved, workflow);
    expect(engine.outputs.get('tok-1')).toEqual({ wokenBy: 'ticket-changed' });
  });

  it('ReadTicket after a wake-up from outside (the state replaced by any output) takes the cycle the waiting state registered', async () => {
    const t = aTicket({ status: 'open', category: 'active' });
    deps.tickets.seed(tenant, t);
    await startLifecycle(life, tenant, t);
    await registry.registerWait(tenant, t.id, firstArn(t.id), { state: 'InProgress', category: 'active', token: 'tok-1', since: 'x', ...execution });
    const out = await syncTicket(life, { tenantId: tenant, ticketId: t.id, executionArn: firstArn(t.id), executionStartTime: execution.executionStartTime });
    expect(out).toMatchObject({ next: 'wait', cycle: execution.cycle + 1, ticket: { category: 'active' } });
  });

  it('a waiting state superseded by a successor moves on to Ended', async () => {
    const t = aTicket({ status: 'open', category: 'active' });
    deps.tickets.seed(tenant, t);
    await startLifecycle(life, tenant, t);
    await registry.handOver(tenant, t.id, firstArn(t.id), `${firstArn(t.id)}--g2`, 2);
    engine.live.add('tok-old');
    await awaitTicket(life, inProgress(t.id, 'tok-old'));
    expect(engine.outputs.get('tok-old')).toMatchObject({ next: 'end' });
  });

  it('ends for a cancelled ticket, and a later change hands over to a successor', async () => {
    const t = aTicket({ status: 'cancelled', category: 'cancelled' });
    deps.tickets.seed(tenant, t);
    await startLifecycle(life, tenant, t);
    const out = await syncTicket(life, {
      tenantId: tenant,
      ticketId: t.id,
      cycle: 0,
      executionArn: firstArn(t.id),
      executionStartTime: deps.clock.now().toISOString(),
    });
    expect(out.next).toBe('end');
    expect((await registry.get(tenant, t.id))!).toMatchObject({ ended: true, state: 'Cancelled' });
    // the same cancelled ticket again (a redelivered record) starts nothing
    await bringLifecycleInLine(life, tenant, t, workflow);
    expect(engine.started).toEqual([`ACME-1--acme--${t.id}`]);
    const back = { ...t, status: 'open', category: 'active' as const, version: 2 };
    await bringLifecycleInLine(life, tenant, back, workflow);
    expect(engine.started.at(-1)).toBe(`ACME-1--acme--${t.id}--g2`);
  });
});
