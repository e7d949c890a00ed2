/**
 * Usage counters in the one table (CONTRACT section 8).
 *
 * Counting once: every addition is one TransactWriteItems of a dedupe marker
 * (`attribute_not_exists`) and an `ADD` on the tenant's month; a repeat finds the marker
 * and cancels, so nothing is added twice and nothing is half-added. Ticket facts use a
 * watermark beside the ticket instead of a marker per fact (one item, conditional on the
 * version it was read at), and a sent mail is counted by the ledger write that first
 * records it as sent (`countWith`), so neither needs a marker.
 *
 * Hot item: every request of a tenant adds to its month. A transaction that meets another
 * one on the same item fails with TransactionConflict, so the month is split into
 * SHARDS items (picked by the dedupe id) and a conflict is retried with jitter; reading a
 * month is still one Query over its shards. Trade-off: one extra write per invocation (a
 * transaction of 2 items, 4 write units, where it can repeat) written before the answer, and one
 * per followed ticket change that has a billable fact.
 */
import { ConditionalCheckFailedException, TransactionCanceledException, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import type { Clock } from '../domain/ports';
import { COUNTERS, roundCounter, zeroCounters, type CounterDelta, type CounterName, type Counters } from '../usage/counters';
import { tallyFacts, type FactEvent } from '../usage/ticket-facts';
import type { UsageStore, UsageTenant } from '../usage/usage-ports';
import { keys, TTL_ATTRIBUTE, USAGE_TENANTS_PARTITION } from './table-design';

/** A conditional write of a transaction (a Put or an Update with a ConditionExpression). */
export type GuardWrite = { readonly Put: object } | { readonly Update: object };

export interface CountOutcome {
  readonly counted: boolean;
  readonly consumed: ConsumedCapacity[] | undefined;
}

/** What a store that records a countable thing needs: its first record and the count in one transaction. */
export type GuardedCounter = Pick<DynamoUsageStore, 'countWith'>;

const SHARDS = 8;
/** Markers outlive every repeat they guard against: Idempotency-Key (24 h), stream retention (24 h), schedule retries. */
const MARK_TTL_SECONDS = 40 * 86_400;
const MAX_CONFLICT_RETRIES = 8;
/** How many versions without a billable fact the ticket-facts watermark may lag behind (what a count reads again). */
export const WATERMARK_STRIDE = 20;

const hash = (value: string) => createHash('sha256').update(value).digest();
const shardOf = (value: string) => hash(value).readUInt32BE(0) % SHARDS;

export class DynamoUsageStore implements UsageStore {
  /** Tenants this process has already put in the registry (for the month given or earlier). */
  private readonly registered = new Map<string, string>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async add(tenantId: string, month: string, delta: CounterDelta, dedupeId: string | null): Promise<boolean> {
    if (dedupeId !== null) return this.countUsage(tenantId, month, delta, dedupeId);
    // Nothing can repeat this addition: no marker, one plain ADD on a random shard.
    const update = this.addTo(tenantId, month, delta, Math.floor(Math.random() * SHARDS));
    if (update) await this.db.send(new UpdateCommand(update.Update));
    await this.register(tenantId, month);
    return true;
  }

  async countUsage(tenantId: string, month: string, delta: CounterDelta, idempotencyId: string): Promise<boolean> {
    const mark = {
      Put: {
        TableName: this.tableName,
        Item: {
          ...keys.usageMark(tenantId, hash(idempotencyId).toString('base64url')),
          entity: 'usageMark',
          [TTL_ATTRIBUTE]: Math.floor(this.clock.now().getTime() / 1000) + MARK_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    return (await this.countWith(tenantId, month, delta, idempotencyId, mark)).counted;
  }

  /**
   * Adds `delta` in one transaction with `guard`, a conditional write that succeeds exactly
   * once for the thing counted (a dedupe marker, or the write that first records a sent
   * mail): `counted` false when the guard's condition failed, i.e. it was counted before.
   * `consumed` is what the transaction cost (for the guard's owner to meter).
   */
  async countWith(tenantId: string, month: string, delta: CounterDelta, shardKey: string, guard: GuardWrite): Promise<CountOutcome> {
    const update = this.addTo(tenantId, month, delta, shardOf(shardKey));
    const outcome = await this.transact(update ? [guard, update] : [guard], (reasons) => reasons[0] === 'ConditionalCheckFailed');
    if (outcome.counted && update) await this.register(tenantId, month);
    return outcome;
  }

  async countTicketFacts(tenantId: string, ticketId: string, version: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const mark = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.usageWatermark(tenantId, ticketId), ConsistentRead: true }));
      const from = Number(mark.Item?.countedVersion ?? 0);
      if (from >= version) return; // a redelivered or stale record: counted already
      const byMonth = tallyFacts(await this.eventsAfter(tenantId, ticketId, from), from, version);
      // Nothing billable since the watermark (an SLA warning, a notification, a field edit): the
      // watermark stays where it is, so the next count reads these events again and finds nothing
      // in them. That saves a write per such change; it moves anyway every WATERMARK_STRIDE
      // versions, so what is read again stays short.
      if (byMonth.size === 0 && version - from < WATERMARK_STRIDE) return;
      const shard = shardOf(ticketId);
      const updates = [...byMonth].map(([month, delta]) => this.addTo(tenantId, month, delta, shard)).filter((u) => u !== null);
      const watermark = {
        TableName: this.tableName,
        Key: keys.usageWatermark(tenantId, ticketId),
        UpdateExpression: 'SET countedVersion = :to, entity = :entity',
        ConditionExpression: from === 0 ? 'attribute_not_exists(countedVersion)' : 'countedVersion = :from',
        ExpressionAttributeValues: { ':to': version, ':entity': 'usageWatermark', ...(from === 0 ? {} : { ':from': from }) },
      };
      // Another follower of the same ticket moved the watermark first: read it again.
      const done =
        updates.length === 0
          ? await this.conditionalUpdate(watermark) // the watermark alone: one plain write, not a transaction of one
          : (await this.transact([{ Update: watermark }, ...updates], (reasons) => reasons[0] === 'ConditionalCheckFailed')).counted;
      if (done || attempt >= 3) {
        for (const month of byMonth.keys()) await this.register(tenantId, month);
        if (done) return;
        throw new Error('usage watermark kept moving');
      }
    }
  }

  async read(tenantId: string, month: string): Promise<Counters> {
    const counters = zeroCounters();
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :month)',
          ExpressionAttributeValues: { ':pk': keys.usagePartition(tenantId), ':month': `${month}#` },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) for (const name of COUNTERS) counters[name] += Number(item[name] ?? 0);
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    for (const name of COUNTERS) counters[name] = roundCounter(name, counters[name]);
    return counters;
  }

  async tenants(): Promise<UsageTenant[]> {
    const found: UsageTenant[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': USAGE_TENANTS_PARTITION },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) found.push({ tenantId: String(item.tenantId), firstMonth: String(item.firstMonth) });
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return found;
  }

  /** The history events of the ticket newer than `fromVersion`, newest first, read back to one version before it. */
  private async eventsAfter(tenantId: string, ticketId: string, fromVersion: number): Promise<FactEvent[]> {
    const events: FactEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (;;) {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.ticketPartition(tenantId, ticketId), ':prefix': 'H#' },
          ExpressionAttributeNames: { '#type': 'type', '#at': 'at', '#version': 'version' },
          ProjectionExpression: '#type, #at, #version',
          ScanIndexForward: false,
          ConsistentRead: true,
          Limit: 50,
          ExclusiveStartKey: startKey,
        }),
      );
      const page = (out.Items ?? []).map((i) => ({ type: String(i.type), at: String(i.at), version: Number(i.version) }));
      events.push(...page);
      startKey = out.LastEvaluatedKey;
      // History ids are time-ordered; reading one version further back absorbs clock skew between writers.
      if (!startKey || page.some((e) => e.version < fromVersion)) return events;
    }
  }

  /** A conditional UpdateItem: false when its condition failed. */
  private async conditionalUpdate(update: ConstructorParameters<typeof UpdateCommand>[0]): Promise<boolean> {
    try {
      await this.db.send(new UpdateCommand(update));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private addTo(tenantId: string, month: string, delta: CounterDelta, shard: number) {
    const entries = Object.entries(delta).filter(([, v]) => v) as [CounterName, number][];
    if (entries.length === 0) return null;
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.usageCounter(tenantId, month, shard),
        UpdateExpression: `SET entity = :entity ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])),
        ExpressionAttributeValues: { ':entity': 'usage', ...Object.fromEntries(entries.map(([name, v], i) => [`:c${i}`, roundCounter(name, v)])) },
      },
    };
  }

  /** Counted when written; not when `isRepeat` says a cancellation means "counted already". Conflicts are retried. */
  private async transact(items: object[], isRepeat: (reasons: (string | undefined)[]) => boolean): Promise<CountOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        const out = await this.db.send(new TransactWriteCommand({ TransactItems: items as never, ReturnConsumedCapacity: 'TOTAL' }));
        return { counted: true, consumed: out.ConsumedCapacity };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = (error.CancellationReasons ?? []).map((r) => r.Code);
        if (isRepeat(reasons)) return { counted: false, consumed: undefined };
        if (!reasons.includes('TransactionConflict') || attempt >= MAX_CONFLICT_RETRIES) throw error;
        await new Promise((ok) => setTimeout(ok, Math.random() * 10 * 2 ** attempt));
      }
    }
  }

  /** Finance lists the registry: each tenant once per process, its first month kept the earliest. */
  private async register(tenantId: string, month: string): Promise<void> {
    const known = this.registered.get(tenantId);
    if (known !== undefined && known <= month) return;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.usageTenant(tenantId),
          UpdateExpression: 'SET tenantId = :tid, firstMonth = :month, entity = :entity',
          ConditionExpression: 'attribute_not_exists(firstMonth) OR firstMonth > :month',
          ExpressionAttributeValues: { ':tid': tenantId, ':month': month, ':entity': 'usageTenant' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    this.registered.set(tenantId, month);
  }
}
