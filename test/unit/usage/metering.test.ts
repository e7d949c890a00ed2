import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { capacityKindOf, capacityUnits } from '../../../shared/store/consumed-capacity-meter';
import { LIFECYCLE_ASL } from '../../../shared/lifecycle/lifecycle-functions';
import type { CounterDelta } from '../../../shared/usage/counters';
import { countInvocation, dedupeInvocationAs, inTenant, meteredInvocation, meterTenant, meterUsageInto } from '../../../shared/usage/invocation-meter';
import { tallyFacts } from '../../../shared/usage/ticket-facts';

type Added = { tenant: string; month: string; delta: CounterDelta; dedupeId: string | null };
function recordingSink() {
  const added: Added[] = [];
  meterUsageInto({ add: async (tenant, month, delta, dedupeId) => (added.push({ tenant, month, delta, dedupeId }), true) });
  return added;
}
afterEach(() => meterUsageInto(undefined));

describe('metered invocations', () => {
  it('flush once per tenant at the end: what was counted, the invocation and its GB-seconds at the configured memory', async () => {
    const added = recordingSink();
    const handler = meteredInvocation(async () => {
      meterTenant('acme');
      countInvocation({ apiRequests: 1 });
      countInvocation({ dynamoReadUnits: 0.5 });
      countInvocation({ dynamoReadUnits: 1 });
      return 'ok';
    }, 'asynchronous');
    expect(await handler({}, { awsRequestId: 'req-1', memoryLimitInMB: '1024' })).toBe('ok');
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ tenant: 'acme', dedupeId: 'req:req-1', delta: { apiRequests: 1, dynamoReadUnits: 1.5, lambdaInvocations: 1 } });
    expect(added[0]!.month).toMatch(/^\d{4}-\d{2}$/);
    // 1024 MB: GB-seconds = seconds, at least one millisecond
    expect(added[0]!.delta.lambdaGbSeconds).toBeGreaterThanOrEqual(0.001);
  });

  it('a repeat (Idempotency-Key, schedule firing) flushes under its identity, so it is counted once', async () => {
    const added = recordingSink();
    const handler = meteredInvocation(async () => {
      meterTenant('acme');
      dedupeInvocationAs('idempotency:acme:alice:k1');
    }, 'synchronous');
    await handler({}, { awsRequestId: 'a' });
    await handler({}, { awsRequestId: 'b' });
    expect(added[0]!.dedupeId).toBe(added[1]!.dedupeId);
    expect(added[0]!.dedupeId).not.toContain('alice'); // a hash: no user data in keys
  });

  it('a synchronous invocation (API, task, stream) that repeats nothing adds without a dedupe id; an asynchronous one by its request id', async () => {
    const added = recordingSink();
    const body = async () => meterTenant('acme');
    await meteredInvocation(body, 'synchronous')({}, { awsRequestId: 'r1' });
    await meteredInvocation(body, 'asynchronous')({}, { awsRequestId: 'r2' });
    expect(added.map((a) => a.dedupeId)).toEqual([null, 'req:r2']);
  });

  it('a multi-tenant batch charges each tenant what it measured in its scope and a share of the duration', async () => {
    const added = recordingSink();
    await meteredInvocation(async () => {
      await Promise.all([
        inTenant('a', async () => countInvocation({ dynamoWriteUnits: 2 })),
        inTenant('b', async () => countInvocation({ dynamoWriteUnits: 3 })),
      ]);
    }, 'synchronous')({});
    expect(added.map((a) => [a.tenant, a.delta.dynamoWriteUnits, a.delta.lambdaInvocations]).sort()).toEqual([
      ['a', 2, 1],
      ['b', 3, 1],
    ]);
  });

  it("what was measured before the tenant is named (a public callback checking its token) is that tenant's once named, and nobody's if it never is", async () => {
    const added = recordingSink();
    await meteredInvocation(async () => {
      countInvocation({ dynamoReadUnits: 2 }); // the wait read that proves the token
      meterTenant('acme');
      countInvocation({ apiRequests: 1, dynamoWriteUnits: 4 });
    }, 'synchronous')({});
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ tenant: 'acme', delta: { dynamoReadUnits: 2, apiRequests: 1, dynamoWriteUnits: 4, lambdaInvocations: 1 } });
    // a forged token: the reads happened, no tenant was named, nothing is counted
    await meteredInvocation(async () => countInvocation({ dynamoReadUnits: 2 }), 'synchronous')({});
    expect(added).toHaveLength(1);
  });

  it('nothing is counted without a tenant (finance) or without a sink (metering off), and a failing flush never fails the handler', async () => {
    const added = recordingSink();
    await meteredInvocation(async () => countInvocation({ apiRequests: 1 }), 'synchronous')({});
    expect(added).toEqual([]);
    meterUsageInto(undefined);
    expect(await meteredInvocation(async () => (meterTenant('x'), 7), 'synchronous')({})).toBe(7);
    const errors: unknown[] = [];
    meterUsageInto({ add: async () => Promise.reject(new Error('throttled')) }, (e) => errors.push(e));
    expect(await meteredInvocation(async () => (meterTenant('x'), 8), 'synchronous')({})).toBe(8);
    expect(errors).toHaveLength(1);
  });
});

describe('consumed capacity', () => {
  it('classifies reads and writes by the command and sums every table entry', () => {
    expect(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand', 'ScanCommand'].map(capacityKindOf)).toEqual(
      Array(5).fill('read'),
    );
    expect(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'TransactWriteItemsCommand', 'BatchWriteItemCommand'].map(capacityKindOf)).toEqual(
      Array(5).fill('write'),
    );
    expect(capacityKindOf('DescribeTableCommand')).toBeNull();
    expect(
      capacityUnits([
        { TableName: 't', CapacityUnits: 4 },
        { TableName: 'u', CapacityUnits: 2.5 },
      ]),
    ).toBe(6.5);
    expect(capacityUnits({ TableName: 't', ReadCapacityUnits: 1, WriteCapacityUnits: 0 })).toBe(1);
    expect(capacityUnits(undefined)).toBe(0);
  });
});

describe('ticket facts', () => {
  const events = [
    { type: 'comment-added', at: '2026-06-01T00:00:00.000Z', version: 5 },
    { type: 'status-changed', at: '2026-05-31T23:59:59.999Z', version: 4 },
    { type: 'notification', at: '2026-05-31T23:00:00.000Z', version: 4 },
    { type: 'comment-added', at: '2026-05-31T22:00:00.000Z', version: 3 },
    { type: 'created', at: '2026-05-30T10:00:00.000Z', version: 1 },
  ];
  it('counts created tickets, status changes and comments per UTC month of each event', () => {
    expect(Object.fromEntries(tallyFacts(events, 0, 5))).toEqual({
      '2026-05': { ticketsCreated: 1, transitions: 1, comments: 1 },
      '2026-06': { comments: 1 },
    });
  });
  it('only the versions after the watermark and up to the ticket read', () => {
    expect(Object.fromEntries(tallyFacts(events, 3, 4))).toEqual({ '2026-05': { transitions: 1 } });
    expect(tallyFacts(events, 5, 5).size).toBe(0);
  });
});

describe('state transitions per lifecycle task', () => {
  // The figures in shared/usage/state-transitions.ts hold only for this shape of the ASL.
  const asl = JSON.parse(readFileSync(new URL(`../../../${LIFECYCLE_ASL}`, import.meta.url), 'utf8')) as {
    States: Record<
      string,
      { Type: string; Next?: string; Choices?: { Next: string }[]; Default?: string; Resource?: string; Parameters?: { FunctionName?: string } }
    >;
  };
  const states = asl.States;
  const fn = (name: string) => states[name]?.Parameters?.FunctionName;
  it('ReadTicket is followed by the Route choice, whose targets are tasks or terminal states', () => {
    expect(states.ReadTicket!.Next).toBe('Route');
    expect(states.Route!.Type).toBe('Choice');
    const targets = new Set([...(states.Route!.Choices ?? []).map((c) => c.Next), states.Route!.Default].filter(Boolean) as string[]);
    for (const t of targets) expect(['Task', 'Succeed', 'Fail'], t).toContain(states[t]!.Type);
    expect(states.Ended!.Type).toBe('Succeed');
  });
  it('every Task is one of the four lifecycle functions; ContinueAsNew ends in one Succeed', () => {
    const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');
    for (const [name] of tasks)
      expect(['${SyncTicketFunctionArn}', '${AwaitTicketFunctionArn}', '${AdvanceTicketFunctionArn}', '${ContinueTicketFunctionArn}']).toContain(fn(name));
    expect(states[states.ContinueAsNew!.Next!]!.Type).toBe('Succeed');
    expect(states.AdvanceTicket!.Next).toBe('ReadTicket');
    // No Pass, Wait, Map or Parallel state that no task would count.
    expect(Object.values(states).filter((s) => !['Task', 'Choice', 'Succeed', 'Fail'].includes(s.Type))).toEqual([]);
  });
});
