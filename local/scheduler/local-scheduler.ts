/**
 * A local Amazon EventBridge Scheduler for one-time (`at()`) schedules: the restJson1 API on
 * 127.0.0.1 for the unchanged `@aws-sdk/client-scheduler`, schedules persisted under `dataDir`,
 * and firing driven by an injected clock (which may run ahead of real time and jump forward):
 * a 250 ms real-time poll plus `fireDue()` / `nextDueAt()` for a clock controller that steps time.
 *
 * Nothing here logs customer data: the optional `log` receives operation names, counts and
 * error codes only (no schedule names, no inputs).
 */
import { runInLanes } from '../common/run-concurrently';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { closeServer, listenLoopback } from '../common/loopback-server';
import { offsetPage, type PageRules } from '../common/offset-pages';
import type {
  CreateScheduleGroupInput,
  CreateScheduleInput,
  DeleteScheduleGroupInput,
  DeleteScheduleInput,
  GetScheduleGroupInput,
  GetScheduleInput,
  ListScheduleGroupsInput,
  ListSchedulesInput,
  UpdateScheduleInput,
} from '@aws-sdk/client-scheduler';
import { apiErrors } from './errors';
import { DEFAULT_TIMEZONE, dueInstant, isValidTimezone } from './expression';
import {
  type ActionAfterCompletion,
  type Counters,
  type DeadLetter,
  emptyCounters,
  type GroupRecord,
  type LastRun,
  type ScheduleRecord,
  type ScheduleState,
  type StoredTarget,
} from './model';
import { createProtocolServer } from './server';
import { SchedulerStore } from './store';

export interface Clock {
  now(): Date;
}

/** A local stand-in for the target (a Lambda handler): receives `JSON.parse(Target.Input)`. */
export type TargetHandler = (input: unknown) => Promise<unknown>;

export interface LocalSchedulerOptions {
  /** Where schedules, groups, dead letters and counters are kept (created if missing). */
  readonly dataDir: string;
  /** The local clock; may run ahead of real time and jump forward. Default: system time. */
  readonly clock?: Clock;
  /** Keyed by `Target.Arn`. Read at each firing, so handlers may be added after construction. */
  readonly targets: Readonly<Record<string, TargetHandler>>;
  /** Operational messages (never customer data). Default: silent. */
  readonly log?: (message: string) => void;
  readonly region?: string;
  readonly accountId?: string;
  /**
   * Schedule groups that exist from the start, as the deployed stack provides them (`default`
   * always exists). A schedule in any other group needs CreateScheduleGroup first, as in AWS.
   */
  readonly scheduleGroups?: readonly string[];
  /** How often the real-time timer looks for schedules due on the clock. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /**
   * Local cap on retries after a failed target call (AWS: RetryPolicy.MaximumRetryAttempts,
   * default 185, spread over up to 24 h). Default 2: at most 3 quick calls per run.
   */
  readonly maxRetryAttempts?: number;
  /** Real-time pause before each retry. Default 50 ms. */
  readonly retryDelayMs?: number;
  /** The dead-letter list keeps the newest this many entries. Default 1000. */
  readonly maxDeadLetters?: number;
  /** How long close() waits for a target call in progress. Default 5000 ms. */
  readonly closeGraceMs?: number;
  /**
   * Schedules due together fire concurrently, except those with the same ordering key, which
   * fire one after another in due order (AWS gives no order at all; the local runtime keeps
   * one ticket's timers in order, so a clock walk is deterministic per ticket). Default: no
   * key, every firing one after another.
   */
  readonly orderingKey?: (schedule: { readonly name: string; readonly input: string | undefined }) => string;
  /** How many firings run at once when an ordering key allows it. Default 8. */
  readonly concurrency?: number;
}

/** A schedule as the TS API reports it (for tests and health checks). */
export interface ScheduleInfo {
  readonly name: string;
  readonly groupName: string;
  readonly arn: string;
  readonly scheduleExpression: string;
  readonly scheduleExpressionTimezone: string;
  /** The UTC instant the at() expression names. */
  readonly dueAt: Date;
  readonly state: ScheduleState;
  /**
   * SCHEDULED: ENABLED and will fire when the clock reaches `dueAt` (or at once if it already
   * has); RUNNING: its target is being called; COMPLETED: fired, kept (ActionAfterCompletion
   * NONE), never fires again unless updated; DISABLED: State DISABLED.
   */
  readonly status: 'SCHEDULED' | 'RUNNING' | 'COMPLETED' | 'DISABLED';
  readonly actionAfterCompletion: ActionAfterCompletion;
  readonly targetArn: string;
  readonly input: string | undefined;
  readonly deadLetterArn: string | undefined;
  readonly creationDate: Date;
  readonly lastModificationDate: Date;
  readonly completedAt: Date | null;
  readonly lastRun: (Omit<LastRun, 'at'> & { at: Date }) | null;
}

export type SchedulerCounters = Counters;

const DEFAULT_GROUP = 'default';
const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SQS_ARN = /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9\-_]+$/;
/** Templated targets whose Input must be well-formed JSON (Lambda, Step Functions, EventBridge). */
const JSON_INPUT_TARGET = /^arn:aws[\w-]*:(lambda|states|events):/;
const STATES: readonly ScheduleState[] = ['ENABLED', 'DISABLED'];
const ACTIONS: readonly ActionAfterCompletion[] = ['NONE', 'DELETE'];
const MAX_PAGE = 100;
const PAGES: PageRules = {
  defaultSize: MAX_PAGE,
  maxSize: MAX_PAGE,
  invalidSize: (maxResults) => apiErrors.constraint('MaxResults', maxResults, `Member must have value between 1 and ${MAX_PAGE}`),
  invalidToken: () => apiErrors.validation('Invalid NextToken.'),
};
const DEFAULT_RETRY_ATTEMPTS = 185;

const systemClock: Clock = { now: () => new Date() };
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const keyOf = (groupName: string, name: string) => `${groupName}\u0000${name}`;
const INTERRUPTED = Symbol('interrupted');

interface ParsedSchedule {
  name: string;
  groupName: string;
  scheduleExpression: string;
  scheduleExpressionTimezone?: string;
  dueAt: number;
  state: ScheduleState;
  actionAfterCompletion: ActionAfterCompletion;
  flexibleTimeWindow: ScheduleRecord['flexibleTimeWindow'];
  target: StoredTarget;
  startDate?: number;
  endDate?: number;
  description?: string;
  kmsKeyArn?: string;
  clientToken?: string;
}

export class LocalScheduler {
  private readonly clock: Clock;
  private readonly region: string;
  private readonly accountId: string;
  private readonly log: (message: string) => void;
  private readonly targets: Readonly<Record<string, TargetHandler>>;
  private readonly maxRetryAttempts: number;
  private readonly retryDelayMs: number;
  private readonly maxDeadLetters: number;
  private readonly closeGraceMs: number;
  private readonly orderingKey: LocalSchedulerOptions['orderingKey'];
  private readonly concurrency: number;
  private readonly store: SchedulerStore;
  private readonly schedules = new Map<string, ScheduleRecord>();
  private readonly groups = new Map<string, GroupRecord>();
  private readonly inFlight = new Set<string>();
  /** Retry pauses in progress (close() ends them). */
  private readonly wakers = new Set<() => void>();
  private readonly pollTimer: NodeJS.Timeout;
  private deadLetterList: DeadLetter[] = [];
  private counters: Counters = emptyCounters();
  private seq = 0;
  /** Firing runs (fireDue / poll) go one at a time, in order. */
  private chain: Promise<void> = Promise.resolve();
  private queuedRuns = 0;
  private closed = false;
  private server: Server | undefined;

  constructor(options: LocalSchedulerOptions) {
    this.clock = options.clock ?? systemClock;
    this.region = options.region ?? 'eu-west-1';
    this.accountId = options.accountId ?? '000000000000';
    this.log = options.log ?? (() => undefined);
    this.targets = options.targets;
    this.maxRetryAttempts = Math.max(0, Math.floor(options.maxRetryAttempts ?? 2));
    this.retryDelayMs = Math.max(0, options.retryDelayMs ?? 50);
    this.maxDeadLetters = Math.max(1, Math.floor(options.maxDeadLetters ?? 1000));
    this.closeGraceMs = Math.max(0, options.closeGraceMs ?? 5000);
    this.orderingKey = options.orderingKey;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
    this.store = new SchedulerStore(options.dataDir, this.log);
    this.load(options.scheduleGroups ?? []);
    this.pollTimer = setInterval(() => this.poll(), options.pollIntervalMs ?? 250);
    this.pollTimer.unref();
  }

  // ---------------------------------------------------------------- lifecycle

  /** Serves the Scheduler API (restJson1) on loopback; resolves with the bound port and endpoint. */
  async listen(port: number, host = '127.0.0.1'): Promise<{ port: number; endpoint: string }> {
    if (this.closed) throw new Error('closed');
    if (this.server) throw new Error('already listening');
    const server = createProtocolServer(async (operation, input) => {
      const answer = await this.handle(operation, input);
      // Acknowledge only what is on disk: a kill -9 right after the answer loses nothing.
      await this.store.flush();
      return answer;
    }, this.log);
    this.server = server;
    return listenLoopback(server, port, host, 'EventBridge Scheduler');
  }

  /**
   * Stops the server and the timer. A target call in progress may finish (up to `closeGraceMs`)
   * and is then recorded; a run cut short stays pending on disk and fires at the next start.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pollTimer);
    for (const wake of [...this.wakers]) wake();
    if (this.server) await closeServer(this.server);
    this.server = undefined;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.chain, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.closeGraceMs)))]);
    clearTimeout(timer);
    this.saveMeta();
    await this.store.stop();
  }

  // ---------------------------------------------------------------- clock-driven firing

  /**
   * Fires every ENABLED, not yet completed schedule due at or before `until` (default: the
   * clock's now, read again after each firing), in due-time order (ties: creation order), each
   * target call awaited (with its retries) before the next. Schedules created by a target
   * meanwhile are included when due. Resolves when done and written to disk.
   * Must not be awaited from inside a target handler (it would wait for itself).
   */
  fireDue(until?: Date): Promise<void> {
    const untilMs = until?.getTime();
    this.queuedRuns += 1;
    const run = this.chain.then(() => this.runDue(untilMs)).finally(() => (this.queuedRuns -= 1));
    this.chain = run.catch((error: unknown) => this.log(`firing failed: ${(error as Error)?.name ?? 'error'}`));
    return run;
  }

  /**
   * The earliest due instant among schedules that will still fire (ENABLED, not completed, not
   * running), or null. It may lie before `clock.now()` (a schedule that is late). A controller
   * steps time with it: set the clock to max(now, nextDueAt()), `await fireDue()`, repeat.
   */
  nextDueAt(): Date | null {
    let min: number | undefined;
    for (const rec of this.schedules.values()) {
      if (this.isPending(rec) && (min === undefined || rec.dueAt < min)) min = rec.dueAt;
    }
    return min === undefined ? null : new Date(min);
  }

  /** The latest due instant at or before `limit` among schedules that will still fire, or null. */
  latestDueAtOrBefore(limit: Date): Date | null {
    let max: number | undefined;
    for (const rec of this.schedules.values()) {
      if (rec.dueAt <= limit.getTime() && this.isPending(rec) && (max === undefined || rec.dueAt > max)) max = rec.dueAt;
    }
    return max === undefined ? null : new Date(max);
  }

  // ---------------------------------------------------------------- TS inspection API

  /** Every schedule, in firing order (due time, then creation). */
  list(filter: { groupName?: string } = {}): ScheduleInfo[] {
    return [...this.schedules.values()]
      .filter((rec) => filter.groupName === undefined || rec.groupName === filter.groupName)
      .sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq)
      .map((rec) => this.info(rec));
  }

  get(name: string, groupName = DEFAULT_GROUP): ScheduleInfo | undefined {
    const rec = this.schedules.get(keyOf(groupName, name));
    return rec ? this.info(rec) : undefined;
  }

  /** Failed runs of schedules with a DeadLetterConfig, oldest first (persisted). */
  deadLetters(): DeadLetter[] {
    return this.deadLetterList.map((entry) => ({ ...entry }));
  }

  /** Empties the dead-letter list (as SQS PurgeQueue); returns how many entries it held. */
  purgeDeadLetters(): number {
    const count = this.deadLetterList.length;
    this.deadLetterList = [];
    this.saveMeta();
    return count;
  }

  /** Counters since the dataDir was first used (persisted): `scheduleInvocations` is what AWS bills. */
  metrics(): SchedulerCounters {
    return { ...this.counters };
  }

  /** Resolves when every change so far is on disk. */
  async flush(): Promise<void> {
    await this.store.flush();
  }

  // ---------------------------------------------------------------- API operations

  /** Dispatches one protocol operation (the server's entry point); wire timestamps are epoch seconds. */
  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'CreateSchedule':
        return this.createSchedule(this.fromWire(input) as unknown as CreateScheduleInput);
      case 'UpdateSchedule':
        return this.updateSchedule(this.fromWire(input) as unknown as UpdateScheduleInput);
      case 'GetSchedule':
        return this.getSchedule(input as unknown as GetScheduleInput);
      case 'DeleteSchedule':
        return this.deleteSchedule(input as unknown as DeleteScheduleInput);
      case 'ListSchedules':
        return this.listSchedules(input as ListSchedulesInput);
      case 'CreateScheduleGroup':
        return this.createScheduleGroup(input as unknown as CreateScheduleGroupInput);
      case 'GetScheduleGroup':
        return this.getScheduleGroup(input as unknown as GetScheduleGroupInput);
      case 'DeleteScheduleGroup':
        return this.deleteScheduleGroup(input as unknown as DeleteScheduleGroupInput);
      case 'ListScheduleGroups':
        return this.listScheduleGroups(input as ListScheduleGroupsInput);
      default:
        throw apiErrors.unknownOperation(operation);
    }
  }

  async createSchedule(input: CreateScheduleInput): Promise<{ ScheduleArn: string }> {
    this.assertOpen();
    const parsed = this.parseSchedule(input);
    const key = keyOf(parsed.groupName, parsed.name);
    const existing = this.schedules.get(key);
    if (existing) {
      // The SDK sends the same ClientToken when it retries a call: answer the repeat, as AWS does.
      if (parsed.clientToken !== undefined && existing.clientToken === parsed.clientToken) return { ScheduleArn: existing.arn };
      throw apiErrors.conflict(`Schedule ${parsed.name} already exists.`);
    }
    const now = this.nowMs();
    const rec: ScheduleRecord = {
      v: 1,
      ...this.recordFields(parsed),
      arn: this.scheduleArn(parsed.groupName, parsed.name),
      creationDate: now,
      lastModificationDate: now,
      ...(parsed.clientToken !== undefined ? { clientToken: parsed.clientToken } : {}),
      seq: ++this.seq,
      revision: 1,
    };
    this.schedules.set(key, rec);
    this.store.putSchedule(rec);
    if (rec.state === 'ENABLED' && rec.dueAt <= now) this.log('CreateSchedule: due time already passed on the local clock; fires at the next poll');
    else this.log('CreateSchedule');
    return { ScheduleArn: rec.arn };
  }

  /** Replaces the whole schedule (omitted optional members return to their defaults), as AWS does. */
  async updateSchedule(input: UpdateScheduleInput): Promise<{ ScheduleArn: string }> {
    this.assertOpen();
    const parsed = this.parseSchedule(input);
    const key = keyOf(parsed.groupName, parsed.name);
    const existing = this.schedules.get(key);
    if (!existing) throw apiErrors.scheduleNotFound(parsed.name);
    const rec: ScheduleRecord = {
      v: 1,
      ...this.recordFields(parsed),
      arn: existing.arn,
      creationDate: existing.creationDate,
      lastModificationDate: this.nowMs(),
      ...(existing.clientToken !== undefined ? { clientToken: existing.clientToken } : {}),
      seq: existing.seq,
      revision: existing.revision + 1,
      ...(existing.lastRun ? { lastRun: existing.lastRun } : {}),
    };
    this.schedules.set(key, rec);
    this.store.putSchedule(rec);
    this.log('UpdateSchedule');
    return { ScheduleArn: rec.arn };
  }

  async getSchedule(input: GetScheduleInput): Promise<Record<string, unknown>> {
    const rec = this.existing(input.Name, input.GroupName);
    return {
      Arn: rec.arn,
      GroupName: rec.groupName,
      Name: rec.name,
      ScheduleExpression: rec.scheduleExpression,
      ScheduleExpressionTimezone: rec.scheduleExpressionTimezone,
      StartDate: rec.startDate === undefined ? undefined : new Date(rec.startDate),
      EndDate: rec.endDate === undefined ? undefined : new Date(rec.endDate),
      Description: rec.description,
      State: rec.state,
      CreationDate: new Date(rec.creationDate),
      LastModificationDate: new Date(rec.lastModificationDate),
      KmsKeyArn: rec.kmsKeyArn,
      Target: structuredClone(rec.target),
      FlexibleTimeWindow: { ...rec.flexibleTimeWindow },
      ActionAfterCompletion: rec.actionAfterCompletion,
    };
  }

  async deleteSchedule(input: DeleteScheduleInput): Promise<Record<string, never>> {
    this.assertOpen();
    const rec = this.existing(input.Name, input.GroupName);
    this.remove(rec);
    this.log('DeleteSchedule');
    return {};
  }

  async listSchedules(input: ListSchedulesInput): Promise<{ Schedules: Array<Record<string, unknown>>; NextToken?: string }> {
    const groupName = this.optionalName(input.GroupName, 'ScheduleGroup');
    const prefix = this.optionalName(input.NamePrefix, 'NamePrefix');
    if (input.State !== undefined && !STATES.includes(input.State as ScheduleState))
      throw apiErrors.constraint('State', input.State, 'Member must satisfy enum value set: [ENABLED, DISABLED]');
    const all = [...this.schedules.values()]
      .filter((rec) => (groupName === undefined || rec.groupName === groupName) && (prefix === undefined || rec.name.startsWith(prefix)))
      .filter((rec) => input.State === undefined || rec.state === input.State)
      .sort((a, b) => (a.groupName < b.groupName ? -1 : a.groupName > b.groupName ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const { items, nextToken } = offsetPage(all, input.MaxResults, input.NextToken, `schedules:${groupName ?? ''}:${prefix ?? ''}:${input.State ?? ''}`, PAGES);
    return {
      Schedules: items.map((rec) => ({
        Arn: rec.arn,
        Name: rec.name,
        GroupName: rec.groupName,
        State: rec.state,
        CreationDate: new Date(rec.creationDate),
        LastModificationDate: new Date(rec.lastModificationDate),
        Target: { Arn: rec.target.Arn },
      })),
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
  }

  async createScheduleGroup(input: CreateScheduleGroupInput): Promise<{ ScheduleGroupArn: string }> {
    this.assertOpen();
    const name = this.requiredName(input.Name, 'Name');
    if (this.groups.has(name)) throw apiErrors.conflict(`Schedule group ${name} already exists.`);
    const group = this.newGroup(name);
    this.groups.set(name, group);
    this.saveMeta();
    this.log('CreateScheduleGroup');
    return { ScheduleGroupArn: group.arn };
  }

  async getScheduleGroup(input: GetScheduleGroupInput): Promise<Record<string, unknown>> {
    const name = this.requiredName(input.Name, 'Name');
    const group = this.groups.get(name);
    if (!group) throw apiErrors.groupNotFound(name);
    return this.groupOutput(group);
  }

  /** Deletes the group and every schedule in it (AWS does so asynchronously; here at once). */
  async deleteScheduleGroup(input: DeleteScheduleGroupInput): Promise<Record<string, never>> {
    this.assertOpen();
    const name = this.requiredName(input.Name, 'Name');
    if (name === DEFAULT_GROUP) throw apiErrors.validation('The default schedule group cannot be deleted.');
    if (!this.groups.has(name)) throw apiErrors.groupNotFound(name);
    for (const rec of [...this.schedules.values()]) if (rec.groupName === name) this.remove(rec);
    this.groups.delete(name);
    this.saveMeta();
    this.log('DeleteScheduleGroup');
    return {};
  }

  async listScheduleGroups(input: ListScheduleGroupsInput): Promise<{ ScheduleGroups: Array<Record<string, unknown>>; NextToken?: string }> {
    const prefix = this.optionalName(input.NamePrefix, 'NamePrefix');
    const all = [...this.groups.values()]
      .filter((g) => prefix === undefined || g.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const { items, nextToken } = offsetPage(all, input.MaxResults, input.NextToken, `groups:${prefix ?? ''}`, PAGES);
    return { ScheduleGroups: items.map((g) => this.groupOutput(g)), ...(nextToken ? { NextToken: nextToken } : {}) };
  }

  // ---------------------------------------------------------------- firing internals

  private poll(): void {
    if (this.closed || this.queuedRuns > 0 || !this.nextPending(this.nowMs())) return;
    void this.fireDue().catch(() => undefined);
  }

  private async runDue(untilMs: number | undefined): Promise<void> {
    for (;;) {
      if (this.closed) break;
      const due = this.pendingUntil(untilMs ?? this.nowMs());
      if (due.length === 0) break;
      if (!this.orderingKey) {
        await this.fire(due[0]!);
        continue;
      }
      // Lanes of one ordering key each, in due order; the lanes run side by side.
      const orderingKey = this.orderingKey;
      await runInLanes(
        due,
        (rec) => orderingKey({ name: rec.name, input: rec.target.Input }),
        this.concurrency,
        async (rec) => {
          // An earlier firing in the lane may have updated or deleted it: fire what stands now.
          const current = this.schedules.get(keyOf(rec.groupName, rec.name));
          if (!this.closed && current && current.dueAt <= (untilMs ?? this.nowMs()) && this.isPending(current)) await this.fire(current);
        },
      );
    }
    await this.store.flush();
  }

  /** Every schedule due at or before `limitMs` that will fire, in due order (ties: creation order). */
  private pendingUntil(limitMs: number): ScheduleRecord[] {
    return [...this.schedules.values()].filter((rec) => rec.dueAt <= limitMs && this.isPending(rec)).sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
  }

  private isPending(rec: ScheduleRecord): boolean {
    return rec.state === 'ENABLED' && rec.completedAt === undefined && !this.inFlight.has(keyOf(rec.groupName, rec.name));
  }

  /** The next schedule to fire among those due at or before `limitMs`. */
  private nextPending(limitMs: number): ScheduleRecord | undefined {
    let next: ScheduleRecord | undefined;
    for (const rec of this.schedules.values()) {
      if (rec.dueAt > limitMs || !this.isPending(rec)) continue;
      if (!next || rec.dueAt < next.dueAt || (rec.dueAt === next.dueAt && rec.seq < next.seq)) next = rec;
    }
    return next;
  }

  /** One run: the target call with its retries, then dead letter and ActionAfterCompletion. */
  private async fire(rec: ScheduleRecord): Promise<void> {
    const key = keyOf(rec.groupName, rec.name);
    const firedAt = this.nowMs();
    this.inFlight.add(key);
    this.counters.scheduleInvocations += 1;
    let run: LastRun | typeof INTERRUPTED;
    try {
      run = await this.invoke(rec, firedAt);
    } finally {
      this.inFlight.delete(key);
    }
    if (run === INTERRUPTED) {
      this.log('a run was cut short by close(); the schedule fires again at the next start');
      return;
    }
    const current = this.schedules.get(key);
    // Deleted meanwhile: nothing to do. Updated meanwhile: the new revision fires on its own terms.
    if (current && current.revision === rec.revision) {
      if (current.actionAfterCompletion === 'DELETE') {
        this.remove(current);
      } else {
        const done: ScheduleRecord = { ...current, completedAt: this.nowMs(), lastRun: run };
        this.schedules.set(key, done);
        this.store.putSchedule(done);
      }
    }
    this.saveMeta();
  }

  private async invoke(rec: ScheduleRecord, firedAt: number): Promise<LastRun | typeof INTERRUPTED> {
    const { target } = rec;
    const handler = this.targets[target.Arn];
    if (typeof handler !== 'function') {
      this.counters.targetErrors += 1;
      return this.failRun(rec, firedAt, 0, 'ResourceNotFoundException', 'No local target is registered for this Arn', false);
    }
    const retries = Math.min(target.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_RETRY_ATTEMPTS, this.maxRetryAttempts);
    let attempts = 0;
    for (;;) {
      attempts += 1;
      this.counters.targetAttempts += 1;
      try {
        await handler(this.targetInput(target.Input));
        return { at: firedAt, outcome: 'SUCCEEDED', attempts };
      } catch (error) {
        this.counters.targetErrors += 1;
        const name = error instanceof Error ? error.name : 'Error';
        this.log(`target call failed (${name}), attempt ${attempts} of ${retries + 1}`);
        if (attempts > retries) {
          const message = error instanceof Error ? error.message : String(error);
          return this.failRun(rec, firedAt, attempts - 1, name, message, true);
        }
      }
      if (this.closed) return INTERRUPTED;
      await this.pause(this.retryDelayMs * attempts);
      if (this.closed) return INTERRUPTED;
    }
  }

  /** Waits `ms` of real time before a retry; close() cuts the wait short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      this.wakers.add(wake);
    });
  }

  private failRun(rec: ScheduleRecord, firedAt: number, retryAttempts: number, errorCode: string, errorMessage: string, retried: boolean): LastRun {
    const queueArn = rec.target.DeadLetterConfig?.Arn;
    const attempts = retried ? retryAttempts + 1 : 0;
    if (!queueArn) {
      this.counters.dropped += 1;
      this.log(`a failed run was dropped (no DeadLetterConfig): ${errorCode}`);
      return { at: firedAt, outcome: 'DROPPED', attempts, errorCode };
    }
    this.counters.deadLettered += 1;
    this.deadLetterList.push({
      id: randomUUID(),
      queueArn,
      scheduleArn: rec.arn,
      scheduleName: rec.name,
      groupName: rec.groupName,
      targetArn: rec.target.Arn,
      ...(rec.target.Input !== undefined ? { body: rec.target.Input } : {}),
      errorCode: errorCode.slice(0, 256),
      errorMessage: errorMessage.slice(0, 1000),
      ...(retried ? { exhaustedRetryCondition: 'MaximumRetryAttempts' as const } : {}),
      retryAttempts,
      dueAt: rec.dueAt,
      at: this.nowMs(),
    });
    const excess = this.deadLetterList.length - this.maxDeadLetters;
    if (excess > 0) {
      this.deadLetterList.splice(0, excess);
      this.log(`dead-letter list full: dropped the ${excess} oldest`);
    }
    this.log(`a failed run was dead-lettered: ${errorCode}`);
    return { at: firedAt, outcome: 'DEAD_LETTERED', attempts, errorCode };
  }

  /** Target.Input as the Lambda receives it: parsed JSON (a fresh copy per call), the raw text if not JSON, `{}` if absent. */
  private targetInput(input: string | undefined): unknown {
    if (input === undefined) return {};
    try {
      return JSON.parse(input) as unknown;
    } catch {
      return input;
    }
  }

  // ---------------------------------------------------------------- validation

  private parseSchedule(input: CreateScheduleInput | UpdateScheduleInput): ParsedSchedule {
    const raw = input as unknown as Record<string, unknown>;
    const name = this.requiredName(raw.Name, 'Name');
    const groupName = this.optionalName(raw.GroupName, 'GroupName') ?? DEFAULT_GROUP;
    if (!this.groups.has(groupName)) throw apiErrors.groupNotFound(groupName);

    const expression = raw.ScheduleExpression;
    if (typeof expression !== 'string' || expression.length < 1 || expression.length > 256) {
      throw apiErrors.constraint('ScheduleExpression', expression, 'Member must have length between 1 and 256');
    }
    const timezone = raw.ScheduleExpressionTimezone;
    if (timezone !== undefined && (typeof timezone !== 'string' || !isValidTimezone(timezone))) {
      throw apiErrors.validation(`Invalid Schedule Expression Timezone ${String(timezone).slice(0, 64)}.`);
    }
    const dueAt = dueInstant(expression, (timezone as string | undefined) ?? DEFAULT_TIMEZONE);

    const state = raw.State ?? 'ENABLED';
    if (!STATES.includes(state as ScheduleState)) throw apiErrors.constraint('State', state, 'Member must satisfy enum value set: [ENABLED, DISABLED]');
    const action = raw.ActionAfterCompletion ?? 'NONE';
    if (!ACTIONS.includes(action as ActionAfterCompletion))
      throw apiErrors.constraint('ActionAfterCompletion', action, 'Member must satisfy enum value set: [NONE, DELETE]');

    const window = raw.FlexibleTimeWindow;
    if (!isObject(window)) throw apiErrors.constraint('FlexibleTimeWindow', undefined, 'Member must not be null');
    if (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE')
      throw apiErrors.constraint('FlexibleTimeWindow.Mode', window.Mode, 'Member must satisfy enum value set: [OFF, FLEXIBLE]');
    const minutes = window.MaximumWindowInMinutes;
    if (window.Mode === 'FLEXIBLE' && (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1 || minutes > 1440)) {
      throw apiErrors.validation('MaximumWindowInMinutes must be between 1 and 1440 when Mode is FLEXIBLE.');
    }

    const target = this.parseTarget(raw.Target);
    const description = raw.Description;
    if (description !== undefined && (typeof description !== 'string' || description.length > 512))
      throw apiErrors.constraint('Description', description, 'Member must have length less than or equal to 512');
    const kmsKeyArn = raw.KmsKeyArn;
    if (kmsKeyArn !== undefined && (typeof kmsKeyArn !== 'string' || kmsKeyArn.length < 1 || kmsKeyArn.length > 2048))
      throw apiErrors.constraint('KmsKeyArn', kmsKeyArn, 'Member must have length between 1 and 2048');
    const clientToken = raw.ClientToken;
    if (clientToken !== undefined && (typeof clientToken !== 'string' || clientToken.length < 1 || clientToken.length > 64))
      throw apiErrors.constraint('ClientToken', clientToken, 'Member must have length between 1 and 64');
    const startDate = this.optionalDate(raw.StartDate, 'StartDate');
    const endDate = this.optionalDate(raw.EndDate, 'EndDate');

    return {
      name,
      groupName,
      scheduleExpression: expression,
      ...(timezone !== undefined ? { scheduleExpressionTimezone: timezone as string } : {}),
      dueAt,
      state: state as ScheduleState,
      actionAfterCompletion: action as ActionAfterCompletion,
      flexibleTimeWindow: { Mode: window.Mode, ...(minutes !== undefined ? { MaximumWindowInMinutes: minutes as number } : {}) },
      target,
      ...(startDate !== undefined ? { startDate } : {}),
      ...(endDate !== undefined ? { endDate } : {}),
      ...(description !== undefined ? { description: description as string } : {}),
      ...(kmsKeyArn !== undefined ? { kmsKeyArn: kmsKeyArn as string } : {}),
      ...(clientToken !== undefined ? { clientToken: clientToken as string } : {}),
    };
  }

  private parseTarget(value: unknown): StoredTarget {
    if (!isObject(value)) throw apiErrors.constraint('Target', undefined, 'Member must not be null');
    const { Arn, RoleArn, Input, DeadLetterConfig, RetryPolicy } = value;
    if (typeof Arn !== 'string' || Arn.length < 1 || Arn.length > 1600)
      throw apiErrors.constraint('Target.Arn', Arn, 'Member must have length between 1 and 1600');
    if (typeof RoleArn !== 'string' || !ROLE_ARN.test(RoleArn))
      throw apiErrors.constraint('Target.RoleArn', RoleArn, `Member must satisfy regular expression pattern: ${ROLE_ARN.source}`);
    if (Input !== undefined) {
      if (typeof Input !== 'string' || Input.length < 1)
        throw apiErrors.constraint('Target.Input', Input, 'Member must have length greater than or equal to 1');
      if (JSON_INPUT_TARGET.test(Arn)) {
        try {
          JSON.parse(Input);
        } catch {
          throw apiErrors.validation('Target.Input must be well-formed JSON for this target.');
        }
      }
    }
    if (DeadLetterConfig !== undefined) {
      if (!isObject(DeadLetterConfig)) throw apiErrors.constraint('Target.DeadLetterConfig', DeadLetterConfig, 'Member must be a structure');
      const dlq = DeadLetterConfig.Arn;
      if (dlq !== undefined && (typeof dlq !== 'string' || !SQS_ARN.test(dlq)))
        throw apiErrors.constraint('Target.DeadLetterConfig.Arn', dlq, `Member must satisfy regular expression pattern: ${SQS_ARN.source}`);
    }
    if (RetryPolicy !== undefined) {
      if (!isObject(RetryPolicy)) throw apiErrors.constraint('Target.RetryPolicy', RetryPolicy, 'Member must be a structure');
      const attempts = RetryPolicy.MaximumRetryAttempts;
      if (attempts !== undefined && (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 0 || attempts > 185)) {
        throw apiErrors.constraint('Target.RetryPolicy.MaximumRetryAttempts', attempts, 'Member must have value between 0 and 185');
      }
      const age = RetryPolicy.MaximumEventAgeInSeconds;
      if (age !== undefined && (typeof age !== 'number' || !Number.isInteger(age) || age < 60 || age > 86400)) {
        throw apiErrors.constraint('Target.RetryPolicy.MaximumEventAgeInSeconds', age, 'Member must have value between 60 and 86400');
      }
    }
    return structuredClone(value) as StoredTarget;
  }

  private requiredName(value: unknown, member: string): string {
    if (typeof value !== 'string' || !NAME.test(value)) {
      throw apiErrors.constraint(member, value, 'Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$ and have length between 1 and 64');
    }
    return value;
  }

  private optionalName(value: unknown, member: string): string | undefined {
    return value === undefined || value === null ? undefined : this.requiredName(value, member);
  }

  private optionalDate(value: unknown, member: string): number | undefined {
    if (value === undefined || value === null) return undefined;
    const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(ms)) throw apiErrors.constraint(member, value, 'Member must be a timestamp');
    return ms;
  }

  /** Wire timestamps (epoch seconds, or ISO strings from other clients) become Dates. */
  private fromWire(input: Record<string, unknown>): Record<string, unknown> {
    const out = { ...input };
    for (const member of ['StartDate', 'EndDate']) {
      const value = out[member];
      if (typeof value === 'number') out[member] = new Date(value * 1000);
    }
    return out;
  }

  // ---------------------------------------------------------------- state & persistence

  private load(configuredGroups: readonly string[]): void {
    const meta = this.store.loadMeta();
    const now = this.nowMs();
    this.groups.set(DEFAULT_GROUP, { name: DEFAULT_GROUP, arn: this.groupArn(DEFAULT_GROUP), creationDate: 0, lastModificationDate: 0 });
    for (const group of meta?.groups ?? []) if (group.name !== DEFAULT_GROUP) this.groups.set(group.name, group);
    let added = false;
    for (const name of configuredGroups) {
      if (!NAME.test(name)) throw new Error(`invalid schedule group name: ${name}`);
      if (this.groups.has(name)) continue;
      this.groups.set(name, this.newGroup(name, now));
      added = true;
    }
    this.deadLetterList = meta?.deadLetters ?? [];
    this.counters = { ...emptyCounters(), ...(meta?.counters ?? {}) };
    const records = this.store.loadSchedules().sort((a, b) => a.seq - b.seq);
    for (const rec of records) {
      this.schedules.set(keyOf(rec.groupName, rec.name), rec);
      this.seq = Math.max(this.seq, rec.seq);
      if (!this.groups.has(rec.groupName)) {
        // Its group is gone from meta.json (lost or edited): keep the schedule reachable.
        this.groups.set(rec.groupName, this.newGroup(rec.groupName, now));
        added = true;
      }
    }
    if (added) this.saveMeta();
    if (records.length > 0) this.log(`loaded ${records.length} schedules`);
  }

  private remove(rec: ScheduleRecord): void {
    this.schedules.delete(keyOf(rec.groupName, rec.name));
    this.store.removeSchedule(rec.groupName, rec.name);
  }

  private saveMeta(): void {
    this.store.putMeta({
      v: 1,
      groups: [...this.groups.values()].filter((g) => g.name !== DEFAULT_GROUP),
      deadLetters: this.deadLetterList,
      counters: this.counters,
    });
  }

  private recordFields(
    parsed: ParsedSchedule,
  ): Omit<ScheduleRecord, 'v' | 'arn' | 'creationDate' | 'lastModificationDate' | 'clientToken' | 'seq' | 'revision'> {
    const { clientToken: _token, ...fields } = parsed;
    return fields;
  }

  private existing(name: unknown, group: unknown): ScheduleRecord {
    const scheduleName = this.requiredName(name, 'Name');
    const groupName = this.optionalName(group, 'GroupName') ?? DEFAULT_GROUP;
    if (!this.groups.has(groupName)) throw apiErrors.groupNotFound(groupName);
    const rec = this.schedules.get(keyOf(groupName, scheduleName));
    if (!rec) throw apiErrors.scheduleNotFound(scheduleName);
    return rec;
  }

  private info(rec: ScheduleRecord): ScheduleInfo {
    const running = this.inFlight.has(keyOf(rec.groupName, rec.name));
    const status = running ? 'RUNNING' : rec.completedAt !== undefined ? 'COMPLETED' : rec.state === 'DISABLED' ? 'DISABLED' : 'SCHEDULED';
    return {
      name: rec.name,
      groupName: rec.groupName,
      arn: rec.arn,
      scheduleExpression: rec.scheduleExpression,
      scheduleExpressionTimezone: rec.scheduleExpressionTimezone ?? DEFAULT_TIMEZONE,
      dueAt: new Date(rec.dueAt),
      state: rec.state,
      status,
      actionAfterCompletion: rec.actionAfterCompletion,
      targetArn: rec.target.Arn,
      input: rec.target.Input,
      deadLetterArn: rec.target.DeadLetterConfig?.Arn,
      creationDate: new Date(rec.creationDate),
      lastModificationDate: new Date(rec.lastModificationDate),
      completedAt: rec.completedAt === undefined ? null : new Date(rec.completedAt),
      lastRun: rec.lastRun ? { ...rec.lastRun, at: new Date(rec.lastRun.at) } : null,
    };
  }

  private newGroup(name: string, now = this.nowMs()): GroupRecord {
    return { name, arn: this.groupArn(name), creationDate: now, lastModificationDate: now };
  }

  private groupOutput(group: GroupRecord): Record<string, unknown> {
    return {
      Arn: group.arn,
      Name: group.name,
      State: 'ACTIVE',
      CreationDate: new Date(group.creationDate),
      LastModificationDate: new Date(group.lastModificationDate),
    };
  }

  // ---------------------------------------------------------------- helpers

  private nowMs(): number {
    return this.clock.now().getTime();
  }

  private scheduleArn(groupName: string, name: string): string {
    return `arn:aws:scheduler:${this.region}:${this.accountId}:schedule/${groupName}/${name}`;
  }

  private groupArn(name: string): string {
    return `arn:aws:scheduler:${this.region}:${this.accountId}:schedule-group/${name}`;
  }

  private assertOpen(): void {
    if (this.closed) throw apiErrors.closed();
  }
}
