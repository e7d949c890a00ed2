/**
 * The composition root's core: the configuration, the one DynamoDB client and every
 * table adapter, created once per process (Lambda cold start, or once for the whole local
 * runtime). This is all a table-only function loads. Each further capability of the
 * function manifest has its own module beside it, which alone imports that capability's
 * SDK client, so a function loads only what its manifest entry declares:
 * `shared/wiring/lifecycle.ts` (Step Functions), `shared/wiring/timers.ts` (EventBridge
 * Scheduler), `shared/wiring/mail-out.ts` (SES), `shared/wiring/mail-in.ts` (S3, postal-mime).
 * Table adapters only some functions use are beside it too (`mail-ledger.ts`, `mailboxes.ts`),
 * so that the other functions' bundles do not carry them.
 */
import { monotonicFactory } from 'ulid';
import { loadConfig } from './config';
import type { IdGenerator } from './domain/ports';
import { platformClock } from './time/platform-clock';
import { documentClient, type CapacityListener } from './store/dynamo-client';
import { DynamoIdempotencyStore } from './store/dynamo-idempotency-store';
import { DynamoSettingsStore, DynamoUserDirectory } from './store/dynamo-tenant-stores';
import { DynamoTicketStore } from './store/dynamo-ticket-store';
import type { TicketDeps } from './tickets/deps';
import { meterConsumedCapacity } from './store/consumed-capacity-meter';
import { DynamoUsageStore, type GuardedCounter } from './store/dynamo-usage-store';
import { countInvocation, meterUsageInto } from './usage/invocation-meter';
import type { CounterDelta } from './usage/counters';
import type { UsageStore } from './usage/usage-ports';
import { logger } from './observability/logger';

export const config = loadConfig();

const db = documentClient(config.dynamoEndpoint ? { endpoint: config.dynamoEndpoint } : {});

/** Listeners for consumed capacity (usage metering, benchmarks) register here. */
const capacityListeners: CapacityListener[] = [];
export const onConsumedCapacity = (listener: CapacityListener) => capacityListeners.push(listener);
const meter: CapacityListener = (use) => capacityListeners.forEach((l) => l(use));

const systemClock = platformClock;

/**
 * Usage metering (CONTRACT 8), where configured: the DynamoDB client measures every
 * call's consumed capacity for the invocation's tenant, and each invocation's counters
 * are flushed into the usage store (shared/usage/invocation-meter.ts).
 */
const usageStore: DynamoUsageStore | undefined = config.meterUsage ? new DynamoUsageStore(db, config.tableName, systemClock) : undefined;
if (usageStore) {
  meterConsumedCapacity(db, (kind, units) => countInvocation(kind === 'read' ? { dynamoReadUnits: units } : { dynamoWriteUnits: units }));
  meterUsageInto(usageStore, (error) => logger.error('usage not counted', { error: (error as Error).name }));
}
/** The usage store where metering is on (the usage route, the stream consumer). */
export const usage: UsageStore | undefined = usageStore;
/** For a store whose first record of a countable thing counts it in the same transaction (the mail ledger). */
export const guardedUsage: GuardedCounter | undefined = usageStore;

/**
 * The port for counters measured outside a request, e.g. mail:
 * `countUsage(tenant, month, { emailsReceived: 1 }, messageKey)` adds once per id (false: counted before).
 */
export const countUsage = (tenantId: string, month: string, delta: CounterDelta, idempotencyId: string): Promise<boolean> =>
  usageStore ? usageStore.countUsage(tenantId, month, delta, idempotencyId) : Promise.resolve(false);
const nextUlid = monotonicFactory();
const ids: IdGenerator = { next: () => nextUlid() };

const tickets = new DynamoTicketStore(db, config.tableName, meter);
const settings = new DynamoSettingsStore(db, config.tableName, meter);

/** For the capability modules (shared/wiring/*.ts): their table adapters share this client and meter. */
export const table = { db, tableName: config.tableName, meter } as const;

export const deps: TicketDeps = {
  tickets,
  settings,
  users: new DynamoUserDirectory(db, config.tableName, meter),
  clock: systemClock,
  ids,
};

export const idempotency = new DynamoIdempotencyStore(db, config.tableName, meter);
