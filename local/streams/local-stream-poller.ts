/**
 * The local stand-in for a Lambda event source mapping on a DynamoDB stream: it reads
 * DynamoDB Local's stream over the Streams API (DescribeStream, GetShardIterator,
 * GetRecords), applies the same filter pattern, and invokes the same consumer handler
 * with the same event shape AWS delivers. Like AWS it is at least once: its position per
 * shard is checkpointed in `dataDir` only after the handler succeeded, so after a kill -9
 * it resumes where it stopped and redelivers at most the batch in flight (the effects are
 * idempotent). Partial batch responses are honoured (ReportBatchItemFailures); a record
 * that keeps failing is retried a bounded number of times, then written to a dead-letter
 * file (metadata only, as AWS's on-failure destination does) and skipped, so it never
 * blocks the records after it.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record as StreamRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { StreamFilter } from '../../shared/store/table-design';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local-aws';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

export interface LocalStreamPollerOptions {
  readonly dynamo: DynamoDBClient;
  readonly endpoint: string;
  readonly tableName: string;
  /** Checkpoint and dead letters live here. */
  readonly dataDir: string;
  /** Lambda's event filters: a record passes when any one matches. */
  readonly filters: readonly StreamFilter[];
  readonly handler: StreamHandler;
  /** Records per invocation (AWS BatchSize). */
  readonly batchSize?: number;
  /** Attempts of a failing record before it is dead-lettered (AWS MaximumRetryAttempts + 1). */
  readonly maxAttempts?: number;
  /** How long an idle poller waits before reading again, unless kicked. */
  readonly idleMs?: number;
  /** How old the described shard list may get before a read describes the stream again (default 1 s). */
  readonly shardListMaxAgeMs?: number;
  readonly log?: (message: string) => void;
}

export interface StreamHealth {
  readonly status: 'ok' | 'dead-letters';
  readonly deadLetters: number;
  /** Records delivered to the handler since start. */
  readonly delivered: number;
}

interface Checkpoint {
  streamArn: string;
  /** shard id → last sequence number handled, or 'END' when the shard is closed and read. */
  shards: Record<string, string>;
}

interface PollOutcome {
  /** Records read from the stream (filtered ones included). */
  readonly read: number;
  /** Records handed to the handler. */
  readonly delivered: number;
  /** A failed record waits for its next attempt. */
  readonly retrying: boolean;
}

export class LocalStreamPoller {
  private readonly streams: DynamoDBStreamsClient;
  private readonly checkpointFile: string;
  private readonly deadLetterFile: string;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly idleMs: number;
  private readonly shardListMaxAgeMs: number;
  private readonly log: (message: string) => void;
  private checkpoint: Checkpoint = { streamArn: '', shards: {} };
  private readonly iterators = new Map<string, string>();
  /** `<shard>/<sequence>` → failed attempts so far. */
  private readonly attempts = new Map<string, number>();
  /** Shards whose last read was refused as trimmed, to be resumed from their checkpoint once. */
  private readonly trimmed = new Set<string>();
  private polling: Promise<PollOutcome> | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;
  private stopped = true;
  private loopDone: Promise<void> | undefined;
  private deadLetters = 0;
  private delivered = 0;
  /** The stream's shards as last described (undefined: describe before the next read). */
  private shards: Shard[] | undefined;
  private describedAt = 0;

  constructor(private readonly options: LocalStreamPollerOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    this.checkpointFile = join(options.dataDir, `${options.tableName}.checkpoint.json`);
    this.deadLetterFile = join(options.dataDir, `${options.tableName}.dead-letters.jsonl`);
    this.batchSize = options.batchSize ?? 100;
    this.maxAttempts = options.maxAttempts ?? 4;
    this.idleMs = options.idleMs ?? 100;
    this.shardListMaxAgeMs = options.shardListMaxAgeMs ?? SHARD_LIST_MAX_AGE_MS;
    this.log = options.log ?? (() => undefined);
    if (existsSync(this.deadLetterFile)) this.deadLetters = readFileSync(this.deadLetterFile, 'utf8').split('\n').filter(Boolean).length;
  }

  /** Reads the checkpoint and starts polling in the background. */
  async start(): Promise<void> {
    const table = await this.options.dynamo.send(new DescribeTableCommand({ TableName: this.options.tableName }));
    const streamArn = table.Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`table ${this.options.tableName} has no stream`);
    const saved = existsSync(this.checkpointFile) ? (JSON.parse(readFileSync(this.checkpointFile, 'utf8')) as Checkpoint) : undefined;
    // A recreated table has a new stream: its old positions mean nothing.
    this.checkpoint = saved?.streamArn === streamArn ? saved : { streamArn, shards: {} };
    this.stopped = false;
    this.loopDone = this.loop();
  }

  /** Something was written: read now instead of after the idle pause. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Reads and delivers until the stream has nothing new; resolves with the records delivered meanwhile. */
  async drain(): Promise<number> {
    let delivered = 0;
    // A shard opened since the last description may hold what was committed before this call.
    this.shards = undefined;
    for (;;) {
      const outcome = await this.pollOnce();
      delivered += outcome.delivered;
      if (outcome.read === 0 && !outcome.retrying) return delivered;
      if (outcome.retrying) await pause(this.retryDelayMs());
    }
  }

  health(): StreamHealth {
    return { status: this.deadLetters > 0 ? 'dead-letters' : 'ok', deadLetters: this.deadLetters, delivered: this.delivered };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loopDone;
    this.streams.destroy();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let outcome: PollOutcome = { read: 0, delivered: 0, retrying: false };
      try {
        outcome = await this.pollOnce();
      } catch (error) {
        this.log(`stream poll failed: ${(error as Error).name}`);
      }
      if (this.stopped) break;
      if (outcome.read > 0 && !outcome.retrying) continue;
      if (!this.kicked || outcome.retrying) await this.idle(outcome.retrying ? this.retryDelayMs() : this.idleMs);
      this.kicked = false;
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  /** A failed record is tried again after a short pause (a few attempts, then the dead letters). */
  private retryDelayMs(): number {
    return 100;
  }

  /** One pass over the open shards, one at a time (the background loop and drain() share it). */
  private pollOnce(): Promise<PollOutcome> {
    const run = (this.polling ?? Promise.resolve({ read: 0, delivered: 0, retrying: false })).catch(() => undefined).then(() => this.pollShards());
    this.polling = run;
    return run;
  }

  private async pollShards(): Promise<PollOutcome> {
    const shards = await this.currentShards();
    const known = new Set(shards.map((s) => s.ShardId!));
    let read = 0;
    let delivered = 0;
    let retrying = false;
    for (const shard of shards) {
      const id = shard.ShardId!;
      if (this.checkpoint.shards[id] === 'END') continue;
      // Parents first: a child shard holds later changes of the same items.
      if (shard.ParentShardId && known.has(shard.ParentShardId) && this.checkpoint.shards[shard.ParentShardId] !== 'END') continue;
      const outcome = await this.pollShard(shard);
      read += outcome.read;
      delivered += outcome.delivered;
      retrying ||= outcome.retrying;
    }
    return { read, delivered, retrying };
  }

  /**
   * The shard list changes only when a shard closes (its children appear) or a new one
   * opens, so it is described again after a shard ended, at the start of every drain()
   * and at least every `shardListMaxAgeMs`, not before every read: the background loop
   * reads the open shard over and over and would otherwise describe the stream each time.
   */
  private async currentShards(): Promise<Shard[]> {
    if (this.shards === undefined || Date.now() - this.describedAt >= this.shardListMaxAgeMs) {
      const description = await this.streams.send(new DescribeStreamCommand({ StreamArn: this.checkpoint.streamArn }));
      this.shards = description.StreamDescription?.Shards ?? [];
      this.describedAt = Date.now();
    }
    return this.shards;
  }

  private async pollShard(shard: Shard): Promise<PollOutcome> {
    const id = shard.ShardId!;
    let page;
    try {
      const iterator = this.iterators.get(id) ?? (await this.iteratorFor(id));
      page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: this.batchSize }));
    } catch (error) {
      this.iterators.delete(id);
      if (error instanceof ExpiredIteratorException) return { read: 0, delivered: 0, retrying: true };
      if (error instanceof TrimmedDataAccessException) {
        // DynamoDB Local raises this now and then for records that are still there
        // (aws/aws-sdk-java#2923): resume from the checkpoint first. Only when that is
        // refused as well are the records behind it gone: start at the oldest one kept.
        if (this.checkpoint.shards[id] && !this.trimmed.has(id)) {
          this.trimmed.add(id);
          return { read: 0, delivered: 0, retrying: true };
        }
        this.trimmed.delete(id);
        this.log(`stream: records of shard ${id} past retention were skipped`);
        delete this.checkpoint.shards[id];
        return { read: 0, delivered: 0, retrying: true };
      }
      throw error;
    }
    this.trimmed.delete(id);
    const records = page.Records ?? [];
    if (records.length === 0) {
      if (page.NextShardIterator) this.iterators.set(id, page.NextShardIterator);
      else this.saveCheckpoint(id, 'END');
      return { read: 0, delivered: 0, retrying: false };
    }
    const matching = records.filter((r) => this.matches(r));
    const failedAt = matching.length ? await this.deliver(matching) : null;
    if (failedAt === null) {
      this.saveCheckpoint(id, records.at(-1)!.dynamodb!.SequenceNumber!);
      if (page.NextShardIterator) this.iterators.set(id, page.NextShardIterator);
      else this.saveCheckpoint(id, 'END');
      return { read: records.length, delivered: matching.length, retrying: false };
    }
    // Everything before the failed record is done; resume from it next time.
    const index = records.findIndex((r) => r.dynamodb!.SequenceNumber === failedAt.sequence);
    if (index > 0) this.saveCheckpoint(id, records[index - 1]!.dynamodb!.SequenceNumber!);
    this.iterators.delete(id);
    const key = `${id}/${failedAt.sequence}`;
    const attempts = (this.attempts.get(key) ?? 0) + 1;
    if (attempts < this.maxAttempts) {
      this.attempts.set(key, attempts);
      return { read: records.length, delivered: matching.length, retrying: true };
    }
    this.attempts.delete(key);
    this.deadLetter(id, records[index]!, attempts, failedAt.reason);
    this.saveCheckpoint(id, failedAt.sequence);
    return { read: records.length, delivered: matching.length, retrying: false };
  }

  private async iteratorFor(shardId: string): Promise<string> {
    const after = this.checkpoint.shards[shardId];
    const out = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.checkpoint.streamArn,
        ShardId: shardId,
        ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return out.ShardIterator!;
  }

  /** Invokes the handler; the first record it could not handle, or null. */
  private async deliver(records: StreamRecord[]): Promise<{ sequence: string; reason: string } | null> {
    const event: DynamoDBStreamEvent = { Records: records.map((r) => this.lambdaRecord(r)) };
    this.delivered += records.length;
    try {
      const response = await this.options.handler(event);
      const failed = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
      if (failed.length === 0) return null;
      const sequences = records.map((r) => r.dynamodb!.SequenceNumber!);
      // Like Lambda: an empty, null or unknown identifier fails the whole batch…
      if (failed.some((s) => !s || !sequences.includes(s))) return { sequence: sequences[0]!, reason: 'invalid batch item failure' };
      // …otherwise resume from the lowest reported sequence number.
      return { sequence: sequences.find((s) => failed.includes(s))!, reason: 'reported as failed' };
    } catch (error) {
      // A handler error fails the whole batch.
      return { sequence: records[0]!.dynamodb!.SequenceNumber!, reason: (error as Error).name ?? 'Error' };
    }
  }

  /** The exact shape Lambda delivers: epoch seconds, the stream ARN as event source. */
  private lambdaRecord(r: StreamRecord): DynamoDBRecord {
    const d = r.dynamodb!;
    return {
      eventID: r.eventID,
      eventName: r.eventName,
      eventVersion: r.eventVersion,
      eventSource: r.eventSource,
      awsRegion: r.awsRegion,
      eventSourceARN: this.checkpoint.streamArn,
      dynamodb: {
        ApproximateCreationDateTime: d.ApproximateCreationDateTime ? Math.floor(d.ApproximateCreationDateTime.getTime() / 1000) : undefined,
        Keys: d.Keys as never,
        NewImage: d.NewImage as never,
        OldImage: d.OldImage as never,
        SequenceNumber: d.SequenceNumber,
        SizeBytes: d.SizeBytes,
        StreamViewType: d.StreamViewType,
      },
    };
  }

  private matches(r: StreamRecord): boolean {
    const exact = (image: Record<string, { S?: string }> | undefined, rules: StreamFilter['dynamodb']['Keys']) =>
      Object.entries(rules ?? {}).every(([name, rule]) => {
        const value = image?.[name]?.S;
        return value !== undefined && rule.S.includes(value);
      });
    return this.options.filters.some(
      (f) =>
        (!f.eventName || f.eventName.includes(r.eventName ?? '')) &&
        exact(r.dynamodb?.Keys as Record<string, { S?: string }>, f.dynamodb.Keys) &&
        exact(r.dynamodb?.NewImage as Record<string, { S?: string }>, f.dynamodb.NewImage),
    );
  }

  /** Metadata only (shard, sequence, keys, event, reason): no item images, no customer text. */
  private deadLetter(shardId: string, record: StreamRecord, attempts: number, reason: string): void {
    const line = {
      at: new Date().toISOString(),
      streamArn: this.checkpoint.streamArn,
      shardId,
      sequenceNumber: record.dynamodb!.SequenceNumber,
      eventName: record.eventName,
      keys: { pk: record.dynamodb?.Keys?.pk?.S, sk: record.dynamodb?.Keys?.sk?.S },
      attempts,
      reason,
    };
    appendFileSync(this.deadLetterFile, `${JSON.stringify(line)}\n`);
    this.deadLetters++;
    this.log(`stream: record ${line.sequenceNumber} dead-lettered after ${attempts} attempts`);
  }

  /** Atomic replace: a kill -9 leaves the old position or the new one, never half a file. */
  private saveCheckpoint(shardId: string, position: string): void {
    this.checkpoint.shards[shardId] = position;
    if (position === 'END') this.shards = undefined; // its children are next
    const temp = `${this.checkpointFile}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.checkpoint));
    renameSync(temp, this.checkpointFile);
  }
}

/** How stale the background loop's shard list may get: a new shard's first records wait at most this long. */
const SHARD_LIST_MAX_AGE_MS = 1_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
