/**
 * Per-invocation usage metering: every handler runs inside one (see
 * observability/instrumented.ts), which carries the tenant(s) the invocation works for in
 * AsyncLocalStorage, collects what it measures (API request, DynamoDB capacity units
 * from the consumed-capacity answers, state transitions, schedule firings), and at the end
 * adds its own Lambda invocation and GB-seconds (duration × configured memory) and
 * flushes everything once per tenant, keyed by a dedupe id.
 *
 * The dedupe id is the Lambda request id where Lambda may retry it (asynchronous invocations;
 * none for synchronous ones, which AWS never repeats), or — for an invocation that repeats an earlier
 * one — the identity of what it repeats: an `Idempotency-Key` replay, the same schedule
 * firing twice, the same stream batch redelivered. Such a repeat is then counted once,
 * including the small real cost of the repeat itself (a deliberate under-count: the
 * contract says a replay is not counted twice).
 *
 * The flush happens before the handler returns (so before the client sees the answer):
 * Lambda may freeze the container right after, and a process killed before the flush
 * never answered. What dies mid-invocation loses that invocation's request-level counters
 * only; counters of committed ticket facts come from the table's stream (durable).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { platformClock } from '../time/platform-clock';
import { addCounters, monthOf, type CounterDelta } from './counters';

/**
 * Where counters go: adds them to the tenant's month once per dedupe id (false: already
 * counted); with no dedupe id (an invocation nothing can repeat) it simply adds.
 */
export interface UsageSink {
  add(tenantId: string, month: string, delta: CounterDelta, dedupeId: string | null): Promise<boolean>;
}

/** The memory every metered function is deployed with (infra/constructs/ticket-function.ts), used where no Lambda context says it. */
export const FUNCTION_MEMORY_MB = 512;

interface Invocation {
  readonly requestId: string;
  dedupeId: string | null;
  tenant: string | null;
  readonly byTenant: Map<string, CounterDelta>;
  /** Measured before the invocation knew its tenant: that tenant's if one is named later, else nobody's. */
  unattributed: CounterDelta;
  open: boolean;
}

const invocations = new AsyncLocalStorage<Invocation>();
const tenantScopes = new AsyncLocalStorage<string>();

let sink: UsageSink | undefined;
let onFlushError: (error: unknown) => void = () => {};

/** Wiring turns metering on (where configured) by giving it a sink; without one every call here does nothing. */
export function meterUsageInto(target: UsageSink | undefined, onError: (error: unknown) => void = () => {}): void {
  sink = target;
  onFlushError = onError;
}

/** For the few Lambda context fields metering reads; locally handlers are called without one. */
export interface MeteredContext {
  readonly awsRequestId?: string;
  readonly memoryLimitInMB?: string | number;
}

/**
 * How the function is invoked. `synchronous` (API Gateway, Step Functions tasks, the stream's
 * event source mapping): AWS never runs the same request id twice, a retry is a new
 * invocation, so a plain invocation needs no dedupe marker (one write less on the request
 * path). `asynchronous` (Scheduler, SES, SNS): Lambda's own retries repeat the request id,
 * so the request id is the dedupe id. Either way `dedupeInvocationAs` names a repeat.
 */
export type InvocationType = 'synchronous' | 'asynchronous';

/** Wraps a handler: one metered invocation around it, flushed before it returns. */
export function meteredInvocation<E, R>(handler: (event: E) => Promise<R>, invocationType: InvocationType) {
  return async (event: E, context?: MeteredContext): Promise<R> => {
    if (!sink) return handler(event);
    const requestId = context?.awsRequestId || randomUUID();
    const dedupeId = invocationType === 'asynchronous' ? `req:${requestId}` : null;
    const invocation: Invocation = { requestId, dedupeId, tenant: null, byTenant: new Map(), unattributed: {}, open: true };
    const month = monthOf(platformClock.now());
    const started = performance.now();
    try {
      return await invocations.run(invocation, () => handler(event));
    } finally {
      const memoryMb = Number(context?.memoryLimitInMB) || FUNCTION_MEMORY_MB;
      await flush(invocation, month, performance.now() - started, memoryMb);
    }
  };
}

/** The tenant this invocation works for (HTTP request, timer, lifecycle task). */
export function meterTenant(tenantId: string): void {
  const invocation = invocations.getStore();
  if (invocation) invocation.tenant = tenantId;
}

/** Runs `work` for one tenant of a multi-tenant invocation (a stream batch): what it measures is that tenant's. */
export const inTenant = <T>(tenantId: string, work: () => Promise<T>): Promise<T> => tenantScopes.run(tenantId, work);

/** Adds to the current tenant's counters of this invocation (nothing outside a metered invocation or tenant). */
export function countInvocation(delta: CounterDelta): void {
  const invocation = invocations.getStore();
  if (!invocation?.open) return;
  const tenant = tenantScopes.getStore() ?? invocation.tenant;
  // Not known yet (a public callback before its token is checked): kept aside, and dropped at the
  // flush unless a tenant is named by then (a finance request, a forged token: platform overhead).
  if (tenant === null) invocation.unattributed = addCounters(invocation.unattributed, delta);
  else invocation.byTenant.set(tenant, addCounters(invocation.byTenant.get(tenant) ?? {}, delta));
}

/**
 * This invocation repeats an earlier one named `identity` (an Idempotency-Key, a schedule
 * firing, a stream batch): it is counted once with it.
 */
export function dedupeInvocationAs(identity: string): void {
  const invocation = invocations.getStore();
  if (invocation) invocation.dedupeId = `dup:${createHash('sha256').update(identity).digest('base64url')}`;
}

async function flush(invocation: Invocation, month: string, durationMs: number, memoryMb: number): Promise<void> {
  invocation.open = false; // the flush's own writes are not metered
  const current = sink;
  if (!current) return;
  if (invocation.tenant !== null)
    invocation.byTenant.set(invocation.tenant, addCounters(invocation.byTenant.get(invocation.tenant) ?? {}, invocation.unattributed));
  const tenants = [...invocation.byTenant.keys()];
  if (invocation.tenant !== null && !tenants.includes(invocation.tenant)) tenants.push(invocation.tenant);
  if (tenants.length === 0) return;
  // A batch that served several tenants: each is charged the invocation, and an equal share of its duration.
  const gbSeconds = ((Math.ceil(durationMs) / 1000) * (memoryMb / 1024)) / tenants.length;
  await Promise.all(
    tenants.map(async (tenant) => {
      const delta = addCounters(invocation.byTenant.get(tenant) ?? {}, { lambdaInvocations: 1, lambdaGbSeconds: gbSeconds });
      try {
        await current.add(tenant, month, delta, invocation.dedupeId);
      } catch (error) {
        // Never fail the request for its meter; the error is logged (no customer data) and alarmed on.
        onFlushError(error);
      }
    }),
  );
}
