import { beforeEach, describe, expect, it } from 'vitest';
import { firstLifecycleRecord, type ExecutionStatus, type LifecycleRecord, type LifecycleRegistry, type WorkflowEngine } from '../../shared/domain/ports';
import { executionArn, executionName } from '../../shared/lifecycle/execution-names';
import { afterTicketChange, awaitTicket, continueAsNew, startLifecycle, syncTicket, type LifecycleDeps } from '../../shared/lifecycle/ticket-lifecycle';
import { Workflow } from '../../shared/domain/workflow';
import { DEFAULT_WORKFLOW } from '../../shared/workflows/default';
import { aTicket, fakeDeps, type FakeDeps } from './fakes';

/** The registry with DynamoDB's conditional semantics, in memory. */
class InMemoryRegistry implements LifecycleRegistry {
  readonly records = new Map<string, LifecycleRecord>();
  private key = (t: string, id: string) => `${t}/${id}`;
  async get(t: string, id: string) {
    return this.records.get(this.key(t, id)) ?? null;
  }
  async create(t: string, id: string, executionArn: string) {
    if (this.records.has(this.key(t, id))) return false;
    this.records.set(this.key(t, id), firstLifecycleRecord(executionArn));
    return true;
  }
  private change(t: string, id: string, when: (r: LifecycleRecord) => boolean, patch: (r: LifecycleRecord) => Partial<LifecycleRecord>) {
    const r = this.records.get(this.key(t, id));
    if (!r || !when(r)) return Promise.resolve(false);
    this.records.set(this.key(t, id), { ...r, ...patch(r) });
    return Promise.resolve(true);
  }
  registerWait(t: string, id: string, arn: string, w: { state: string; category: string; token: string; since: string }) {
    return this.change(
      t,
      id,
      (r) => r.executionArn === arn,
      () => ({ state: w.state, waitingCategory: w.category, taskToken: w.token, waitingSince: w.since }),
    );
  }
  takeToken(t: string, id: string, token: string) {
    return this.change(
      t,
      id,
      (r) => r.taskToken === token,
      () => ({ taskToken: null }),
    );
  }
  markEnded(t: string, id: string, arn: string, state: string) {
    return this.change(
      t,
      id,
      (r) => r.executionArn === arn,
      () => ({ ended: true, state, taskToken: null, waitingCategory: null }),
    );
  }
  unmarkEnded(t: string, id: string, arn: string) {
    return this.change(
      t,
      id,
      (r) => r.executionArn === arn && r.ended,
      () => ({ ended: false }),
    );
  }
  handOver(t: string, id: string, from: string, to: string, generation: number) {
    return this.change(
      t,
      id,
      (r) => r.executionArn === from,
      (r) => ({ executionArn: to, generation, ended: false, taskToken: null, state: null, previousExecutions: [...r.previousExecutions, from] }),
    );
  }
}

/** Records what the engine was asked; tokens are live until used once. */
class RecordingEngine implements WorkflowEngine {
  readonly stateMachineArn = 'arn:aws:states:eu-west-1:000000000000:stateMachine:ticketflow-ticket-lifecycle';
  readonly started: string[] = [];
  readonly sent: string[] = [];
  readonly live = new Set<string>();
  async start(name: string) {
    if (!this.started.includes(name)) this.started.push(name);
  }
  async sendSuccess(token: string) {
    if (!this.live.delete(token)) return false;
    this.sent.push(token);
    return true;
  }
  async describe() {
    return { status: 'RUNNING' as ExecutionStatus, startDate: new Date(0).toISOString() };
  }
  async stop() {}
  consoleUrl(arn: string) {
    return arn;
  }
}

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

const firstArn = (id: string) => executionArn(engine.stateMachineArn, executionName(tenant, id, 1));

describe('the ticket lifecycle service', () => {
  it('names the execution from tenant and ticket and starts it once, however often asked', async () => {
    const t = aTicket();
    deps.tickets.seed(tenant, t);
    await startLifecycle(life, tenant, t);
    await startLifecycle(life, tenant, t);
    expect(engine.started).toEqual([`acme--${t.id}`]);
    expect((await registry.get(tenant, t.id))!.executionArn).toBe(firstArn(t.id));
  });

  it('keeps long names within the 80 characters Step Functions allows, still one per tenant and ticket', () => {
    const long = 'a'.repeat(64);
    const name = executionName(long, '01JTICKET0000000000000001', 3);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name).not.toBe(executionName(`${'a'.repeat(63)}b`, '01JTICKET0000000000000001', 3));
  });

  it('continues as new before the event and age limits, and only one successor takes over', async () => {
    const t = aTicket();
    deps.tickets.seed(tenant, t);
    await startLifecycle(life, tenant, t);
    const arn = firstArn(t.id);
    const startTime = deps.clock.now().toISOString();
    const tooMany = await syncTicket(life, { tenantId: tenant, ticketId: t.id, cycle: 1500, executionArn: arn, executionStartTime: startTime });
    expect(tooMany.next).toBe('continue-as-new');
    deps.clock.set('2026-12-28T10:00:00.000Z'); // 301 days later
    const tooOld = await syncTicket(life, { tenantId: tenant, ticketId: t.id, cycle: 3, executionArn: arn, executionStartTime: startTime });
    expect(tooOld.next).toBe('continue-as-new');

    await Promise.all([
      continueAsNew(life, { tenantId: tenant, ticketId: t.id, executionArn: arn }),
      continueAsNew(life, { tenantId: tenant, ticketId: t.id, executionArn: arn }),
    ]);
    const record = (await registry.get(tenant, t.id))!;
    expect(record).toMatchObject({ generation: 2, previousExecutions: [arn], executionArn: firstArn(t.id) + '--g2' });
    expect(engine.started).toEqual([`acme--${t.id}`, `acme--${t.id}--g2`]);
    // the predecessor, reading the ticket again, bows out
    const old = await syncTicket(life, { tenantId: tenant, ticketId: t.id, cycle: 4, executionArn: arn, executionStartTime: startTime });
    expect(old.next).toBe('end');
  });

  it('wakes a waiting state exactly once when the category changes, and not for a change within it', async () => {
    const t = aTicket({ status: 'open', category: 'active' });
    deps.tickets.seed(tenant, t);
    await startLifecycle(life, tenant, t);
    engine.live.add('tok-1');
    await awaitTicket(life, {
      tenantId: tenant,
      ticketId: t.id,
      state: 'InProgress',
      category: 'active',
      version: 1,
      executionArn: firstArn(t.id),
      taskToken: 'tok-1',
    });
    expect(engine.sent).toEqual([]);
    await afterTicketChange(life, tenant, t, { ...t, priority: 'high', version: 2 }, workflow);
    expect(engine.sent).toEqual([]);
    const moved = { ...t, status: 'pending', category: 'waiting_customer' as const, version: 3 };
    deps.tickets.seed(tenant, moved);
    await Promise.all([afterTicketChange(life, tenant, t, moved, workflow), afterTicketChange(life, tenant, t, moved, workflow)]);
    expect(engine.sent).toEqual(['tok-1']);
  });

  it('no lost wake-up: a change committed before the token was stored is seen by the waiting state itself', async () => {
    const t = aTicket({ status: 'new', category: 'new' });
    deps.tickets.seed(tenant, t);
    await startLifecycle(life, tenant, t);
    // the change lands while the execution is between ReadTicket and its wait: nothing to wake yet
    const moved = { ...t, status: 'open', category: 'active' as const, version: 2 };
    deps.tickets.seed(tenant, moved);
    await afterTicketChange(life, tenant, t, moved, workflow);
    expect(engine.sent).toEqual([]);
    // …then the wait registers with what ReadTicket saw, re-reads, and wakes itself
    engine.live.add('tok-2');
    await awaitTicket(life, { tenantId: tenant, ticketId: t.id, state: 'New', category: 'new', version: 1, executionArn: firstArn(t.id), taskToken: 'tok-2' });
    expect(engine.sent).toEqual(['tok-2']);
    expect((await registry.get(tenant, t.id))!.taskToken).toBeNull();
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
    const back = { ...t, status: 'open', category: 'active' as const, version: 2 };
    await afterTicketChange(life, tenant, t, back, workflow);
    expect(engine.started.at(-1)).toBe(`acme--${t.id}--g2`);
  });
});
