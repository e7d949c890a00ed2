/**
 * The composition root: clients, adapters and use-case dependencies are created
 * once per process (Lambda cold start, or once for the whole local runtime).
 */
import { monotonicFactory } from 'ulid';
import { loadConfig } from './config';
import type { Clock, IdGenerator } from './domain/ports';
import { documentClient, type CapacityListener } from './store/dynamo-client';
import { DynamoIdempotencyStore } from './store/dynamo-idempotency-store';
import { DynamoSettingsStore, DynamoUserDirectory } from './store/dynamo-tenant-stores';
import { DynamoTicketStore } from './store/dynamo-ticket-store';
import type { TicketDeps } from './tickets/deps';

export const config = loadConfig();

const db = documentClient(config.dynamoEndpoint ? { endpoint: config.dynamoEndpoint } : {});

/** Listeners for consumed capacity (usage metering, benchmarks) register here. */
const capacityListeners: CapacityListener[] = [];
export const onConsumedCapacity = (listener: CapacityListener) => capacityListeners.push(listener);
const meter: CapacityListener = (use) => capacityListeners.forEach((l) => l(use));

const systemClock: Clock = { now: () => new Date() };
const nextUlid = monotonicFactory();
const ids: IdGenerator = { next: () => nextUlid() };

export const deps: TicketDeps = {
  tickets: new DynamoTicketStore(db, config.tableName, meter),
  settings: new DynamoSettingsStore(db, config.tableName, meter),
  users: new DynamoUserDirectory(db, config.tableName, meter),
  clock: systemClock,
  ids,
};

export const idempotency = new DynamoIdempotencyStore(db, config.tableName, meter);
