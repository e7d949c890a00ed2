/**
 * A local AWS Step Functions (Standard) service: the product's ASL runs in-process on
 * aws-local-stepfunctions@3, executions are checkpointed under `dataDir` and resumed after a
 * restart, callback (`.waitForTaskToken`) tasks and their timeouts follow an injected clock, and
 * the AWS JSON 1.0 protocol is served on 127.0.0.1 for `@aws-sdk/client-sfn` and the AWS CLI.
 *
 * Nothing here logs customer data: the optional `log` receives operation names, counts and
 * error codes only.
 */
import { runInLanes } from '../common/run-concurrently';
import './polyfill';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { closeServer, listenLoopback } from '../common/loopback-server';
import { offsetPage, type PageRules } from '../common/offset-pages';
import { CheckpointStore } from './checkpoint-store';
import { type Json, type JsonObject, type PreparedDefinition, prepareDefinition, replaceSentinel, startingAt, type TaskSpec } from './definition';
import { apiErrors, RunInterrupted, SfnApiError, TaskFailure } from './errors';
import { EXECUTION_STATUSES, type ExecutionRecord, type ExecutionStatus, type Position, type StoredHistoryEvent } from './model';
import { createProtocolServer } from './server';

export type { ExecutionStatus } from './model';

export interface Clock {
  now(): Date;
}

export type LambdaHandler = (payload: unknown) => Promise<unknown>;

export interface StateMachineConfig {
  readonly arn: string;
  readonly name: string;
  /** ASL (JSONPath), placeholders already substituted. */
  readonly definition: object;
}

export interface LocalStepFunctionsOptions {
  /** Where executions are checkpointed (created if missing). */
  readonly dataDir: string;
  /** The local clock; may run ahead of real time and jump forward. Default: system time. */
  readonly clock?: Clock;
  readonly stateMachines: readonly StateMachineConfig[];
  /** Keyed by the exact `FunctionName` in the ASL Parameters (or a Task's Lambda ARN Resource). */
  readonly lambdas: Readonly<Record<string, LambdaHandler>>;
  readonly region?: string;
  readonly accountId?: string;
  /** Operational messages (never customer data). Default: silent. */
  readonly log?: (message: string) => void;
  /** How often the real-time timer looks for due timeouts on the clock. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Replaces every Retry pause (real time, ms); for tests. Default: the ASL's intervals. */
  readonly retryIntervalMs?: number;
  /** How many executions fireDue() moves on at once (each one's due items stay in order). Default 8. */
  readonly concurrency?: number;
}

export interface ExecutionStateInfo {
  readonly executionArn: string;
  readonly status: ExecutionStatus;
  /** The top-level state the execution is in (null once finished). */
  readonly currentState: string | null;
  readonly stateType: string | null;
  /** When it entered that state (injected clock). */
  readonly enteredAt: Date | null;
  /** What it waits for there: a task token, a Wait state, or nothing (mid-step / finished). */
  readonly waitingFor: 'callback' | 'wait' | null;
  /** Since when it waits (the callback was handed out / the Wait began); survives resumes. */
  readonly waitingSince: Date | null;
  /** When the wait ends on its own: TimeoutSeconds of the callback, or the end of the Wait. */
  readonly deadline: Date | null;
}

export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: Date;
  readonly type: string;
  readonly [details: string]: unknown;
}

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  inputDetails: { included: boolean };
  output?: string;
  outputDetails?: { included: boolean };
  error?: string;
  cause?: string;
  redriveCount: number;
}

export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
}

type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type RunInput = Parameters<StateMachine['run']>[0];

interface Compiled {
  readonly prepared: PreparedDefinition;
  /** One library StateMachine per start state (the definition's StartAt, or a resume point). */
  readonly machines: Map<string, StateMachine>;
}

interface MachineEntry {
  readonly config: StateMachineConfig;
  prepared?: PreparedDefinition;
  compiled?: Compiled;
}

/**
 * Validated definitions, shared by every instance in the process (validation costs 0.1–0.6 s;
 * library StateMachines hold no per-run state, so they are shared too).
 */
const compiledCache = new Map<string, Compiled>();

/** One library run of an execution (a resume starts a new one). */
interface RunState {
  readonly seq: number;
  abort: () => void;
  /** Lambda invocations in progress. */
  active: number;
  /** Tasks/waits of this run that have not settled yet. */
  readonly pendings: Set<Pending>;
}

interface Runtime {
  readonly rec: ExecutionRecord;
  readonly machine: MachineEntry | undefined;
  readonly order: number;
  run?: RunState;
  /** After a restart: the first task of this state keeps the checkpointed deadline and wait start. */
  resume?: { stateName: string; deadline?: number; since?: number };
  executionDue?: DueItem;
  settleWaiters: Array<() => void>;
}

interface DueItem {
  readonly dueAt: number;
  readonly seq: number;
  readonly rt: Runtime;
  readonly fire: () => void;
}

type PendingKind = 'task' | 'callback' | 'wait';

interface Pending {
  readonly rt: Runtime;
  readonly run: RunState;
  readonly stateName: string;
  readonly kind: PendingKind;
  readonly resourceType: string;
  readonly resource: string;
  readonly token?: string;
  readonly promise: Promise<Json>;
  resolve: (value: Json) => void;
  reject: (error: Error) => void;
  settled: boolean;
  due?: DueItem;
  heartbeatDue?: DueItem;
  heartbeatMs?: number;
  waitOutput?: Json;
}

type Outcome =
  | { kind: 'success'; output: Json }
  | { kind: 'failure'; error: string; cause: string }
  | { kind: 'timeout'; error: 'States.Timeout' | 'States.HeartbeatTimeout' }
  | { kind: 'interrupt'; reason: string };

const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;
const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;
const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:stateMachine:[\w-]+$/;
const EXECUTION_ARN = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:execution:[\w-]+:[^:]+$/;
const MAX_PAGE = 1000;
const DEFAULT_PAGE = 100;
const PAGES: PageRules = {
  defaultSize: DEFAULT_PAGE,
  maxSize: MAX_PAGE,
  zeroMeansDefault: true,
  invalidSize: () => apiErrors.validation(`maxResults must be between 0 and ${MAX_PAGE}`),
  invalidToken: () => apiErrors.invalidToken('Invalid nextToken'),
};

const systemClock: Clock = { now: () => new Date() };
const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const jsonText = (value: unknown): string => JSON.stringify(value === undefined ? null : value);

function toJson(value: unknown): Json {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json);
}

// The library treats its own StatesTimeoutError specially (States.TaskFailed does not match it).
// It is not exported: capture the class once from a 1 ms task timeout so callback timeouts behave
// exactly like the library's (and AWS's) States.Timeout.
let timeoutErrorClass: Promise<(new () => Error) | undefined> | undefined;
function captureTimeoutErrorClass(): Promise<(new () => Error) | undefined> {
  timeoutErrorClass ??= (async () => {
    try {
      const probe = new StateMachine(
        { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::local:probe', TimeoutSeconds: 0.001, End: true } } },
        { validationOptions: { noValidate: true } },
      );
      await probe.run({}, { overrides: { taskResourceLocalHandlers: { T: () => new Promise((resolve) => setTimeout(() => resolve(null), 20)) } } }).result;
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof Error && cause.name === 'States.Timeout') return cause.constructor as new () => Error;
    }
    return undefined;
  })();
  return timeoutErrorClass;
}

export class LocalStepFunctions {
  /** Resolves when checkpointed executions are loaded and the RUNNING ones resumed. */
  readonly ready: Promise<void>;

  private readonly clock: Clock;
  private readonly region: string;
  private readonly accountId: string;
  private readonly log: (message: string) => void;
  private readonly lambdas: Readonly<Record<string, LambdaHandler>>;
  private readonly machines = new Map<string, MachineEntry>();
  private readonly runtimes = new Map<string, Runtime>();
  private readonly tokens = new Map<string, Pending>();
  private readonly due = new Set<DueItem>();
  /** Executions with a library run in progress (waiting ones included). */
  private readonly live = new Set<Runtime>();
  /** Executions someone waits to settle (fireDue). */
  private readonly watched = new Set<Runtime>();
  private readonly store: CheckpointStore;
  private readonly sentinel = `__local_sfn_task_token_${randomBytes(12).toString('hex')}__`;
  private readonly retryIntervalMs: number | undefined;
  private readonly concurrency: number;
  private readonly pollTimer: NodeJS.Timeout;
  private idleWaiters: Array<() => void> = [];
  private checkScheduled = false;
  private closed = false;
  private server: Server | undefined;
  private runSeq = 0;
  private dueSeq = 0;
  private orderSeq = 0;
  private TimeoutError: (new () => Error) | undefined;

  /** State machines are (re)registered when the service starts: that is their creation date here. */
  private readonly registeredAt = new Date();

  constructor(options: LocalStepFunctionsOptions) {
    this.clock = options.clock ?? systemClock;
    this.region = options.region ?? 'eu-west-1';
    this.accountId = options.accountId ?? '000000000000';
    this.log = options.log ?? (() => undefined);
    this.lambdas = options.lambdas;
    this.retryIntervalMs = options.retryIntervalMs;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
    for (const config of options.stateMachines) {
      if (!STATE_MACHINE_ARN.test(config.arn)) throw new Error(`invalid state machine ARN: ${config.arn}`);
      this.machines.set(config.arn, { config });
    }
    this.store = new CheckpointStore(options.dataDir, this.log);
    this.pollTimer = setInterval(() => this.fireDueNow(), options.pollIntervalMs ?? 250);
    this.pollTimer.unref();
    this.loadCheckpoints();
    this.ready = this.init().catch((error: unknown) => {
      this.log(`resume failed: ${(error as Error)?.name ?? 'error'}`);
    });
  }

  /** Convenience: construct and wait until checkpointed executions are resumed. */
  static async create(options: LocalStepFunctionsOptions): Promise<LocalStepFunctions> {
    const service = new LocalStepFunctions(options);
    await service.ready;
    return service;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Serves the AWS JSON 1.0 protocol on loopback; resolves with the bound port and endpoint. */
  async listen(port: number, host = '127.0.0.1'): Promise<{ port: number; endpoint: string }> {
    if (this.closed) throw new Error('closed');
    if (this.server) throw new Error('already listening');
    await this.ready;
    const server = createProtocolServer(async (operation, input) => {
      const answer = await this.handle(operation, input);
      // Acknowledge only what is on disk: a kill -9 right after the answer loses nothing.
      await this.store.flush();
      return answer;
    }, this.log);
    this.server = server;
    return listenLoopback(server, port, host, 'Step Functions');
  }

  /** Stops the server and every timer; running executions stay checkpointed for the next start. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.ready;
    this.closed = true;
    clearInterval(this.pollTimer);
    this.due.clear();
    for (const rt of this.runtimes.values()) {
      const run = rt.run;
      if (!run) continue;
      this.setRun(rt, undefined);
      for (const pending of [...run.pendings]) this.settle(pending, { kind: 'interrupt', reason: 'service closed' });
      run.abort();
    }
    if (this.server) await closeServer(this.server);
    this.server = undefined;
    await this.store.stop();
    this.releaseWaiters();
  }

  /**
   * Fires every timeout (callback TimeoutSeconds/HeartbeatSeconds, Wait end, execution
   * TimeoutSeconds) due at `clock.now()`, in due-time order, each after the previous one's
   * execution has settled; resolves when those executions are waiting again or finished.
   */
  /** The earliest pending callback timeout or Wait, for a clock that steps from one due instant to the next. */
  nextDueAt(): Date | null {
    let earliest: number | undefined;
    for (const item of this.due) if (earliest === undefined || item.dueAt < earliest) earliest = item.dueAt;
    return earliest === undefined ? null : new Date(earliest);
  }

  /** The latest pending callback timeout or Wait end at or before `limit`, or null. */
  latestDueAtOrBefore(limit: Date): Date | null {
    let latest: number | undefined;
    for (const item of this.due) if (item.dueAt <= limit.getTime() && (latest === undefined || item.dueAt > latest)) latest = item.dueAt;
    return latest === undefined ? null : new Date(latest);
  }

  async fireDue(): Promise<void> {
    await this.ready;
    for (;;) {
      if (this.closed) return;
      const now = this.nowMs();
      const due = [...this.due].filter((item) => item.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
      if (due.length === 0) break;
      // Executions are independent: each fires its due items in order, several executions at once.
      await runInLanes(
        due,
        (item) => item.rt,
        this.concurrency,
        async (item) => {
          if (this.closed || !this.due.delete(item)) return;
          item.fire();
          await this.settledOf(item.rt);
        },
      );
    }
    await this.store.flush();
  }

  /** Resolves when no execution is mid-step (each waits on a callback/Wait or is finished) and checkpoints are written. */
  async idle(): Promise<void> {
    await this.ready;
    if (!this.closed) {
      await new Promise<void>((resolve) => {
        this.idleWaiters.push(resolve);
        this.notify();
      });
    }
    await this.store.flush();
  }

  /** Where an execution is: for `GET /v1/tickets/{id}/workflow` (currentState, waitingSince). */
  getExecutionState(executionArn: string): ExecutionStateInfo | undefined {
    const rt = this.runtimes.get(executionArn);
    if (!rt) return undefined;
    const pos = rt.rec.status === 'RUNNING' ? rt.rec.position : undefined;
    const date = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));
    return {
      executionArn,
      status: rt.rec.status,
      currentState: pos?.stateName ?? null,
      stateType: pos?.stateType ?? null,
      enteredAt: date(pos?.enteredAt),
      waitingFor: pos?.waiting?.kind ?? null,
      waitingSince: date(pos?.waiting?.since),
      deadline: date(pos?.waiting?.deadline),
    };
  }

  // ---------------------------------------------------------------- API operations

  /** Dispatches one protocol operation (the server's entry point). */
  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'StartExecution':
        return this.startExecution(input as { stateMachineArn: string; name?: string; input?: string });
      case 'DescribeExecution':
        return this.describeExecution(input as { executionArn: string });
      case 'ListExecutions':
        return this.listExecutions(input as { stateMachineArn: string });
      case 'GetExecutionHistory':
        return this.getExecutionHistory(input as { executionArn: string });
      case 'StopExecution':
        return this.stopExecution(input as { executionArn: string });
      case 'SendTaskSuccess':
        return this.sendTaskSuccess(input as { taskToken: string; output: string });
      case 'SendTaskFailure':
        return this.sendTaskFailure(input as { taskToken: string });
      case 'SendTaskHeartbeat':
        return this.sendTaskHeartbeat(input as { taskToken: string });
      case 'DescribeStateMachine':
        return this.describeStateMachine(input as { stateMachineArn: string });
      case 'DescribeStateMachineForExecution':
        return this.describeStateMachineForExecution(input as { executionArn: string });
      case 'ListStateMachines':
        return this.listStateMachines();
      default:
        throw new SfnApiError('UnknownOperationException', `Unknown operation ${operation.slice(0, 64)}`);
    }
  }

  async startExecution(input: {
    stateMachineArn: string;
    name?: string;
    input?: string;
    traceHeader?: string;
  }): Promise<{ executionArn: string; startDate: Date }> {
    await this.ready;
    this.assertOpen();
    const entry = this.machineEntry(input.stateMachineArn);
    const name = input.name ?? randomUUID();
    if (typeof name !== 'string' || name.length < 1 || name.length > 80 || NAME_FORBIDDEN.test(name)) throw apiErrors.invalidName(name);
    const text = input.input ?? '{}';
    let parsed: Json;
    try {
      if (typeof text !== 'string') throw new Error('not a string');
      parsed = JSON.parse(text) as Json;
    } catch {
      throw apiErrors.invalidExecutionInput();
    }
    const executionArn = `${entry.config.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.runtimes.get(executionArn);
    if (existing) {
      if (existing.rec.status === 'RUNNING' && jsonText(JSON.parse(existing.rec.input)) === jsonText(parsed)) {
        return { executionArn, startDate: new Date(existing.rec.startDate) };
      }
      throw apiErrors.executionAlreadyExists(executionArn);
    }
    const prepared = this.prepared(entry);
    const rec: ExecutionRecord = {
      v: 1,
      executionArn,
      stateMachineArn: entry.config.arn,
      name,
      status: 'RUNNING',
      startDate: this.nowMs(),
      input: text,
      history: [],
    };
    const rt: Runtime = { rec, machine: entry, order: ++this.orderSeq, settleWaiters: [] };
    this.runtimes.set(executionArn, rt);
    this.record(rt, 'ExecutionStarted', {
      executionStartedEventDetails: { input: text, inputDetails: { truncated: false }, roleArn: this.roleArn() },
    });
    this.scheduleExecutionTimeout(rt, prepared);
    this.launch(rt, prepared.definition.StartAt as string, parsed, false);
    this.log(`StartExecution ${entry.config.name}`);
    return { executionArn, startDate: new Date(rec.startDate) };
  }

  async describeExecution(input: { executionArn: string }): Promise<ExecutionDescription> {
    await this.ready;
    const { rec } = this.runtime(input.executionArn);
    return {
      executionArn: rec.executionArn,
      stateMachineArn: rec.stateMachineArn,
      name: rec.name,
      status: rec.status,
      startDate: new Date(rec.startDate),
      ...(rec.stopDate !== undefined ? { stopDate: new Date(rec.stopDate) } : {}),
      input: rec.input,
      inputDetails: { included: true },
      ...(rec.output !== undefined ? { output: rec.output, outputDetails: { included: true } } : {}),
      ...(rec.error !== undefined ? { error: rec.error } : {}),
      ...(rec.cause !== undefined ? { cause: rec.cause } : {}),
      redriveCount: 0,
    };
  }

  async listExecutions(input: {
    stateMachineArn: string;
    statusFilter?: string;
    maxResults?: number;
    nextToken?: string;
  }): Promise<{ executions: ExecutionListItem[]; nextToken?: string }> {
    await this.ready;
    const entry = this.machineEntry(input.stateMachineArn);
    if (input.statusFilter !== undefined && !EXECUTION_STATUSES.includes(input.statusFilter as ExecutionStatus)) {
      throw apiErrors.validation(`Invalid statusFilter: ${String(input.statusFilter).slice(0, 32)}`);
    }
    const all = [...this.runtimes.values()]
      .filter((rt) => rt.rec.stateMachineArn === entry.config.arn && (!input.statusFilter || rt.rec.status === input.statusFilter))
      .sort((a, b) => b.rec.startDate - a.rec.startDate || b.order - a.order);
    const { items, nextToken } = offsetPage(all, input.maxResults, input.nextToken, `list:${entry.config.arn}:${input.statusFilter ?? ''}`, PAGES);
    return {
      executions: items.map(({ rec }) => ({
        executionArn: rec.executionArn,
        stateMachineArn: rec.stateMachineArn,
        name: rec.name,
        status: rec.status,
        startDate: new Date(rec.startDate),
        ...(rec.stopDate !== undefined ? { stopDate: new Date(rec.stopDate) } : {}),
      })),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  async getExecutionHistory(input: {
    executionArn: string;
    maxResults?: number;
    nextToken?: string;
    reverseOrder?: boolean;
    includeExecutionData?: boolean;
  }): Promise<{ events: HistoryEvent[]; nextToken?: string }> {
    await this.ready;
    const { rec } = this.runtime(input.executionArn);
    const ordered = input.reverseOrder ? [...rec.history].reverse() : rec.history;
    const { items, nextToken } = offsetPage(ordered, input.maxResults, input.nextToken, `history:${rec.executionArn}:${input.reverseOrder ? 1 : 0}`, PAGES);
    const withData = input.includeExecutionData !== false;
    return {
      events: items.map((event) => {
        const copy = JSON.parse(JSON.stringify(event)) as StoredHistoryEvent;
        if (!withData) {
          for (const [key, value] of Object.entries(copy)) {
            if (key.endsWith('EventDetails') && isObject(value)) {
              delete value.input;
              delete value.output;
            }
          }
        }
        return { ...copy, timestamp: new Date(event.timestamp) };
      }),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  async stopExecution(input: { executionArn: string; error?: string; cause?: string }): Promise<{ stopDate: Date }> {
    await this.ready;
    this.assertOpen();
    const rt = this.runtime(input.executionArn);
    if (rt.rec.status === 'RUNNING') {
      this.finish(rt, 'ABORTED', {
        ...(typeof input.error === 'string' ? { error: input.error } : {}),
        ...(typeof input.cause === 'string' ? { cause: input.cause } : {}),
      });
      this.log('StopExecution');
    }
    return { stopDate: new Date(rt.rec.stopDate ?? this.nowMs()) };
  }

  async sendTaskSuccess(input: { taskToken: string; output: string }): Promise<Record<string, never>> {
    await this.ready;
    this.assertOpen();
    const pending = this.pendingFor(input.taskToken);
    let output: Json;
    try {
      if (typeof input.output !== 'string') throw new Error('missing');
      output = JSON.parse(input.output) as Json;
    } catch {
      throw apiErrors.invalidOutput();
    }
    this.settle(pending, { kind: 'success', output });
    return {};
  }

  async sendTaskFailure(input: { taskToken: string; error?: string; cause?: string }): Promise<Record<string, never>> {
    await this.ready;
    this.assertOpen();
    const pending = this.pendingFor(input.taskToken);
    this.settle(pending, {
      kind: 'failure',
      error: typeof input.error === 'string' ? input.error : '',
      cause: typeof input.cause === 'string' ? input.cause : '',
    });
    return {};
  }

  async sendTaskHeartbeat(input: { taskToken: string }): Promise<Record<string, never>> {
    await this.ready;
    this.assertOpen();
    const pending = this.pendingFor(input.taskToken);
    if (pending.heartbeatMs !== undefined) {
      this.unschedule(pending.heartbeatDue);
      pending.heartbeatDue = this.schedule(pending.rt, this.nowMs() + pending.heartbeatMs, () =>
        this.settle(pending, { kind: 'timeout', error: 'States.HeartbeatTimeout' }),
      );
    }
    return {};
  }

  async describeStateMachine(input: { stateMachineArn: string }): Promise<Record<string, unknown>> {
    const { config } = this.machineEntry(input.stateMachineArn);
    return {
      stateMachineArn: config.arn,
      name: config.name,
      status: 'ACTIVE',
      definition: JSON.stringify(config.definition),
      roleArn: this.roleArn(),
      type: 'STANDARD',
      creationDate: this.registeredAt,
    };
  }

  async describeStateMachineForExecution(input: { executionArn: string }): Promise<Record<string, unknown>> {
    await this.ready;
    const rt = this.runtime(input.executionArn);
    if (!rt.machine) throw apiErrors.stateMachineDoesNotExist(rt.rec.stateMachineArn);
    const { config } = rt.machine;
    return {
      stateMachineArn: config.arn,
      name: config.name,
      definition: JSON.stringify(config.definition),
      roleArn: this.roleArn(),
      updateDate: new Date(0),
    };
  }

  async listStateMachines(): Promise<{ stateMachines: Array<Record<string, unknown>> }> {
    return {
      stateMachines: [...this.machines.values()].map(({ config }) => ({
        stateMachineArn: config.arn,
        name: config.name,
        type: 'STANDARD',
        creationDate: this.registeredAt,
      })),
    };
  }

  // ---------------------------------------------------------------- running executions

  /** Synchronous, so executions are readable (describe, getExecutionState) right after construction. */
  private loadCheckpoints(): void {
    const records = this.store.loadAll().sort((a, b) => a.startDate - b.startDate);
    for (const rec of records) {
      const rt: Runtime = { rec, machine: this.machines.get(rec.stateMachineArn), order: ++this.orderSeq, settleWaiters: [] };
      this.runtimes.set(rec.executionArn, rt);
    }
    if (records.length > 0) this.log(`loaded ${records.length} executions`);
  }

  private async init(): Promise<void> {
    this.TimeoutError = await captureTimeoutErrorClass();
    let resumed = 0;
    for (const rt of this.runtimes.values()) {
      if (rt.rec.status !== 'RUNNING' || this.closed) continue;
      this.resume(rt);
      resumed += 1;
    }
    if (resumed > 0) this.log(`resumed ${resumed} running executions`);
  }

  private resume(rt: Runtime): void {
    if (!rt.machine) {
      this.log('a running execution belongs to an unknown state machine; left as is');
      return;
    }
    let prepared: PreparedDefinition;
    try {
      prepared = this.prepared(rt.machine);
    } catch {
      this.finish(rt, 'FAILED', { error: 'States.Runtime', cause: 'The state machine definition is no longer valid' });
      return;
    }
    this.scheduleExecutionTimeout(rt, prepared);
    const pos = rt.rec.position;
    if (!pos) {
      this.launch(rt, prepared.definition.StartAt as string, JSON.parse(rt.rec.input) as Json, false);
      return;
    }
    if (!prepared.topLevel.has(pos.stateName)) {
      this.finish(rt, 'FAILED', { error: 'States.Runtime', cause: `State ${pos.stateName} is no longer in the definition` });
      return;
    }
    rt.resume = {
      stateName: pos.stateName,
      ...(pos.waiting?.deadline !== undefined ? { deadline: pos.waiting.deadline } : {}),
      ...(pos.waiting ? { since: pos.waiting.since } : {}),
    };
    this.launch(rt, pos.stateName, pos.input, true);
  }

  private launch(rt: Runtime, startAt: string, input: Json, resumed: boolean): void {
    const entry = rt.machine as MachineEntry;
    const prepared = this.prepared(entry);
    const machine = this.machineFor(entry, startAt);
    const run: RunState = { seq: ++this.runSeq, abort: () => undefined, active: 0, pendings: new Set() };
    this.setRun(rt, run);
    const handlers: Record<string, (raw: Json) => Promise<Json>> = {};
    for (const [stateName, spec] of prepared.tasks) handlers[stateName] = (raw) => this.runTask(rt, run, stateName, spec, raw);
    const retryIntervalOverrides: Record<string, number> = {};
    if (this.retryIntervalMs !== undefined) for (const stateName of prepared.retryStates) retryIntervalOverrides[stateName] = this.retryIntervalMs;
    const { rec } = rt;
    const execution = machine.run(input as RunInput, {
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: rec.executionArn,
          Name: rec.name,
          RoleArn: this.roleArn(),
          RedriveCount: 0,
          LocalInput: JSON.parse(rec.input) as Json,
          LocalStartTime: new Date(rec.startDate).toISOString(),
        },
        StateMachine: { Id: rec.stateMachineArn, Name: entry.config.name },
        Task: { Token: this.sentinel },
      },
      overrides: { taskResourceLocalHandlers: handlers as unknown as LocalHandlers, retryIntervalOverrides },
    });
    run.abort = execution.abort;
    let skipEntered = resumed;
    const consumed = (async () => {
      for await (const event of execution.eventLogs) {
        if (!this.isCurrent(rt, run)) continue;
        if (skipEntered && event.type === 'StateEntered' && event.index === undefined && event.state.name === startAt) {
          skipEntered = false; // the resumed state was entered before the restart: its history already says so
          continue;
        }
        try {
          this.onLibraryEvent(rt, event);
        } catch {
          this.log('could not record a history event');
        }
      }
    })();
    void Promise.allSettled([execution.result, consumed]).then(([outcome]) => this.onRunEnd(rt, run, outcome));
  }

  private onLibraryEvent(rt: Runtime, event: EventLog): void {
    switch (event.type) {
      case 'StateEntered': {
        const { name } = event.state;
        const type = this.stateType(rt, name, event.state.type);
        const input = jsonText(event.state.input);
        this.record(rt, `${type}StateEntered`, { stateEnteredEventDetails: { name, input, inputDetails: { truncated: false } } });
        if (event.index === undefined && rt.machine?.prepared?.topLevel.has(name)) {
          rt.rec.position = { stateName: name, stateType: type, input: JSON.parse(input) as Json, enteredAt: this.nowMs() };
        }
        return;
      }
      case 'StateExited': {
        const { name } = event.state;
        const type = this.stateType(rt, name, event.state.type);
        this.record(rt, `${type}StateExited`, {
          stateExitedEventDetails: { name, output: jsonText(event.state.output), outputDetails: { truncated: false } },
        });
        return;
      }
      case 'ExecutionSucceeded':
        this.finish(rt, 'SUCCEEDED', { output: jsonText(event.output) });
        return;
      case 'ExecutionFailed':
        this.finish(rt, 'FAILED', { error: event.Error, cause: typeof event.Cause === 'string' ? event.Cause : jsonText(event.Cause) });
        return;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const key = `${event.type.charAt(0).toLowerCase()}${event.type.slice(1)}EventDetails`;
        this.record(rt, event.type, { [key]: { name: event.parentState.name, index: event.index } });
        return;
      }
      default:
        // ExecutionStarted/Aborted/Timeout are recorded by this service; StateFailed/Retried/Caught
        // and Parallel branch events have no AWS history counterpart.
        return;
    }
  }

  private onRunEnd(rt: Runtime, run: RunState, outcome: PromiseSettledResult<unknown>): void {
    if (!this.isCurrent(rt, run)) return;
    if (rt.rec.status === 'RUNNING') {
      if (outcome.status === 'fulfilled') {
        this.finish(rt, 'SUCCEEDED', { output: jsonText(outcome.value) });
      } else {
        const cause = (outcome.reason as { cause?: Error })?.cause;
        this.finish(rt, 'FAILED', { error: cause?.name ?? 'States.Runtime', cause: cause?.message ?? 'The execution failed' });
      }
    }
    this.setRun(rt, undefined);
    this.notify();
  }

  /** Ends an execution: status, terminal history event, no more steps, tokens dead. */
  private finish(rt: Runtime, status: Exclude<ExecutionStatus, 'RUNNING'>, fields: { output?: string; error?: string; cause?: string }): void {
    const { rec } = rt;
    if (rec.status !== 'RUNNING') return;
    rec.status = status;
    rec.stopDate = this.nowMs();
    if (fields.output !== undefined) rec.output = fields.output;
    if (fields.error !== undefined) rec.error = fields.error;
    if (fields.cause !== undefined) rec.cause = fields.cause;
    delete rec.position;
    const errorFields = { ...(fields.error !== undefined ? { error: fields.error } : {}), ...(fields.cause !== undefined ? { cause: fields.cause } : {}) };
    switch (status) {
      case 'SUCCEEDED':
        this.record(rt, 'ExecutionSucceeded', { executionSucceededEventDetails: { output: fields.output ?? 'null', outputDetails: { truncated: false } } });
        break;
      case 'FAILED':
        this.record(rt, 'ExecutionFailed', { executionFailedEventDetails: errorFields });
        break;
      case 'ABORTED':
        this.record(rt, 'ExecutionAborted', { executionAbortedEventDetails: errorFields });
        break;
      case 'TIMED_OUT':
        this.record(rt, 'ExecutionTimedOut', { executionTimedOutEventDetails: errorFields });
        break;
    }
    this.unschedule(rt.executionDue);
    rt.executionDue = undefined;
    rt.resume = undefined;
    const run = rt.run;
    this.setRun(rt, undefined);
    if (run) {
      for (const pending of [...run.pendings]) this.settle(pending, { kind: 'interrupt', reason: `execution ${status.toLowerCase()}` });
      if (status === 'ABORTED' || status === 'TIMED_OUT') run.abort();
    }
    this.notify();
  }

  private scheduleExecutionTimeout(rt: Runtime, prepared: PreparedDefinition): void {
    if (prepared.executionTimeoutSeconds === undefined) return;
    this.unschedule(rt.executionDue);
    rt.executionDue = this.schedule(rt, rt.rec.startDate + prepared.executionTimeoutSeconds * 1000, () =>
      this.finish(rt, 'TIMED_OUT', { error: 'States.Timeout', cause: 'The execution ran longer than its TimeoutSeconds' }),
    );
  }

  // ---------------------------------------------------------------- tasks

  private async runTask(rt: Runtime, run: RunState, stateName: string, spec: TaskSpec, raw: Json): Promise<Json> {
    // Let the event-log consumer record the StateEntered that precedes this task first.
    await nextMacrotask();
    if (!this.isCurrent(rt, run)) throw new RunInterrupted('the run is no longer current');
    const input: JsonObject = isObject(raw) ? raw : {};
    let resume: Runtime['resume'];
    if (rt.resume?.stateName === stateName) {
      resume = rt.resume;
      rt.resume = undefined;
    }
    switch (spec.kind) {
      case 'wait':
        return this.waitTask(rt, run, stateName, input, resume);
      case 'lambda-invoke':
      case 'lambda-callback':
      case 'lambda-function':
        return this.lambdaTask(rt, run, stateName, spec, input, resume);
      default:
        throw new RunInterrupted(`Resource ${spec.resource} is not supported by the local Step Functions`);
    }
  }

  private lambdaTask(rt: Runtime, run: RunState, stateName: string, spec: TaskSpec, input: JsonObject, resume: Runtime['resume']): Promise<Json> {
    const callback = spec.kind === 'lambda-callback';
    const token = callback ? randomBytes(32).toString('base64url') : undefined;
    const params = replaceSentinel(input.p ?? null, this.sentinel, token ?? '');
    let functionName: string;
    let payload: Json;
    if (spec.kind === 'lambda-function') {
      functionName = spec.resource;
      payload = params;
    } else {
      if (!isObject(params) || typeof params.FunctionName !== 'string') {
        throw new RunInterrupted('lambda:invoke needs Parameters.FunctionName');
      }
      functionName = params.FunctionName;
      payload = params.Payload ?? {};
    }
    const resourceType = 'lambda';
    const resource = callback ? 'invoke.waitForTaskToken' : 'invoke';
    const timeoutSeconds = spec.timeoutSeconds ?? (typeof input.t === 'number' ? input.t : undefined);
    const heartbeatSeconds = spec.heartbeatSeconds ?? (typeof input.h === 'number' ? input.h : undefined);
    const now = this.nowMs();
    const deadline = resume?.deadline ?? (timeoutSeconds ? now + timeoutSeconds * 1000 : undefined);
    this.record(rt, 'TaskScheduled', {
      taskScheduledEventDetails: {
        resourceType,
        resource,
        region: this.region,
        parameters: jsonText(params),
        ...(timeoutSeconds ? { timeoutInSeconds: timeoutSeconds } : {}),
        ...(heartbeatSeconds ? { heartbeatInSeconds: heartbeatSeconds } : {}),
      },
    });
    const pending = this.createPending(rt, run, stateName, callback ? 'callback' : 'task', resourceType, resource, deadline, token, heartbeatSeconds);
    this.record(rt, 'TaskStarted', { taskStartedEventDetails: { resourceType, resource } });
    run.active += 1;
    void (async () => {
      try {
        const result = await this.invokeLambda(functionName, payload);
        if (pending.settled) return;
        const response = spec.kind === 'lambda-function' ? result : this.invokeResponse(result);
        if (!callback) {
          this.settle(pending, { kind: 'success', output: response });
          return;
        }
        this.record(rt, 'TaskSubmitted', {
          taskSubmittedEventDetails: { resourceType, resource, output: jsonText(response), outputDetails: { truncated: false } },
        });
        const pos = rt.rec.position;
        if (pos && pos.stateName === stateName) {
          pos.waiting = { kind: 'callback', since: resume?.since ?? this.nowMs(), ...(deadline !== undefined ? { deadline } : {}) };
          this.store.markDirty(rt.rec);
        }
      } catch (error) {
        this.settle(pending, { kind: 'failure', ...this.lambdaFailure(error) });
      } finally {
        run.active -= 1;
        this.notify();
      }
    })();
    return pending.promise;
  }

  private waitTask(rt: Runtime, run: RunState, stateName: string, input: JsonObject, resume: Runtime['resume']): Promise<Json> | Json {
    const now = this.nowMs();
    const output = input.input ?? null;
    let target = now;
    if ('s' in input) {
      const seconds = input.s;
      if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) throw new RunInterrupted('Wait Seconds must be a non-negative integer');
      target = now + seconds * 1000;
    } else if ('ts' in input) {
      const at = typeof input.ts === 'string' ? Date.parse(input.ts) : Number.NaN;
      if (Number.isNaN(at)) throw new RunInterrupted('Wait Timestamp is not a timestamp');
      target = at;
    }
    const deadline = resume?.deadline ?? target;
    if (deadline <= now) return output;
    const pending = this.createPending(rt, run, stateName, 'wait', 'wait', 'wait', deadline, undefined, undefined);
    pending.waitOutput = output;
    const pos = rt.rec.position;
    if (pos && pos.stateName === stateName) {
      pos.waiting = { kind: 'wait', since: resume?.since ?? now, deadline };
      this.store.markDirty(rt.rec);
    }
    this.notify();
    return pending.promise;
  }

  private createPending(
    rt: Runtime,
    run: RunState,
    stateName: string,
    kind: PendingKind,
    resourceType: string,
    resource: string,
    deadline: number | undefined,
    token: string | undefined,
    heartbeatSeconds: number | undefined,
  ): Pending {
    let resolve!: (value: Json) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<Json>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const pending: Pending = { rt, run, stateName, kind, resourceType, resource, promise, resolve, reject, settled: false, ...(token ? { token } : {}) };
    run.pendings.add(pending);
    if (token) this.tokens.set(token, pending);
    if (deadline !== undefined) {
      pending.due = this.schedule(rt, deadline, () =>
        kind === 'wait'
          ? this.settle(pending, { kind: 'success', output: pending.waitOutput ?? null })
          : this.settle(pending, { kind: 'timeout', error: 'States.Timeout' }),
      );
    }
    if (heartbeatSeconds) {
      pending.heartbeatMs = heartbeatSeconds * 1000;
      pending.heartbeatDue = this.schedule(rt, this.nowMs() + pending.heartbeatMs, () =>
        this.settle(pending, { kind: 'timeout', error: 'States.HeartbeatTimeout' }),
      );
    }
    return pending;
  }

  /** Settles a task/wait once: records the Task event, kills its token, hands the outcome to the library. */
  private settle(pending: Pending, outcome: Outcome): void {
    if (pending.settled) return;
    pending.settled = true;
    pending.run.pendings.delete(pending);
    if (pending.token) this.tokens.delete(pending.token);
    this.unschedule(pending.due);
    this.unschedule(pending.heartbeatDue);
    const { rt } = pending;
    if (outcome.kind === 'interrupt') {
      pending.reject(new RunInterrupted(outcome.reason));
      this.notify();
      return;
    }
    if (this.isCurrent(rt, pending.run)) {
      const pos = rt.rec.position;
      if (pos?.waiting && pos.stateName === pending.stateName) delete pos.waiting;
      if (pending.kind !== 'wait') {
        const base = { resourceType: pending.resourceType, resource: pending.resource };
        if (outcome.kind === 'success') {
          this.record(rt, 'TaskSucceeded', { taskSucceededEventDetails: { ...base, output: jsonText(outcome.output), outputDetails: { truncated: false } } });
        } else if (outcome.kind === 'failure') {
          this.record(rt, 'TaskFailed', { taskFailedEventDetails: { ...base, error: outcome.error, cause: outcome.cause } });
        } else {
          this.record(rt, 'TaskTimedOut', { taskTimedOutEventDetails: { ...base, error: outcome.error } });
        }
      } else {
        this.store.markDirty(rt.rec);
      }
    }
    if (outcome.kind === 'success') pending.resolve(outcome.output);
    else if (outcome.kind === 'failure') pending.reject(new TaskFailure(outcome.error, outcome.cause));
    else pending.reject(this.timeoutError(outcome.error));
    this.notify();
  }

  private timeoutError(name: 'States.Timeout' | 'States.HeartbeatTimeout'): Error {
    if (!this.TimeoutError) return new TaskFailure(name, name);
    const error = new this.TimeoutError();
    error.name = name;
    return error;
  }

  private async invokeLambda(functionName: string, payload: Json): Promise<Json> {
    const handler = this.lookupLambda(functionName);
    if (!handler) {
      const error = new Error(`Function not found: ${functionName}`);
      error.name = 'Lambda.ResourceNotFoundException';
      throw error;
    }
    const result = await handler(JSON.parse(JSON.stringify(payload)));
    try {
      return toJson(result);
    } catch {
      const error = new Error('The function returned a value that is not JSON');
      error.name = 'Lambda.Unknown';
      throw error;
    }
  }

  private lookupLambda(functionName: string): LambdaHandler | undefined {
    const exact = this.lambdas[functionName];
    if (exact) return exact;
    // Accept a qualified ARN (…:function:name:$LATEST) or a bare name for a key given as an ARN.
    const match = /(?:^|:function:)([\w-]+)(?::[\w$-]+)?$/.exec(functionName);
    const bare = match?.[1];
    if (!bare) return undefined;
    for (const [key, handler] of Object.entries(this.lambdas)) {
      if (key === bare || key.endsWith(`:function:${bare}`)) return handler;
    }
    return undefined;
  }

  private lambdaFailure(error: unknown): { error: string; cause: string } {
    if (error instanceof Error) {
      const errorType = error.name || 'Error';
      if (errorType.startsWith('Lambda.')) return { error: errorType, cause: error.message };
      return {
        error: errorType,
        cause: JSON.stringify({ errorType, errorMessage: error.message, trace: (error.stack ?? '').split('\n').slice(0, 10) }),
      };
    }
    return { error: 'Lambda.Unknown', cause: JSON.stringify({ errorMessage: String(error) }) };
  }

  private invokeResponse(payload: Json): Json {
    const requestId = randomUUID();
    return {
      ExecutedVersion: '$LATEST',
      Payload: payload,
      SdkHttpMetadata: {
        AllHttpHeaders: { 'Content-Type': ['application/json'], 'X-Amz-Executed-Version': ['$LATEST'], 'x-amzn-RequestId': [requestId] },
        HttpHeaders: { 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': requestId },
        HttpStatusCode: 200,
      },
      SdkResponseMetadata: { RequestId: requestId },
      StatusCode: 200,
    };
  }

  // ---------------------------------------------------------------- timers & settling

  private schedule(rt: Runtime, dueAt: number, fire: () => void): DueItem {
    const item: DueItem = { dueAt, seq: ++this.dueSeq, rt, fire };
    if (!this.closed) this.due.add(item);
    return item;
  }

  private unschedule(item: DueItem | undefined): void {
    if (item) this.due.delete(item);
  }

  /** The real-time timer's job: fire whatever the clock says is due (without waiting for effects). */
  private fireDueNow(): void {
    if (this.closed || this.due.size === 0) return;
    const now = this.nowMs();
    const dueNow = [...this.due].filter((item) => item.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
    for (const item of dueNow) {
      if (!this.due.delete(item)) continue;
      item.fire();
    }
  }

  private isSettled(rt: Runtime): boolean {
    const { run } = rt;
    if (rt.rec.status !== 'RUNNING' || !run) return true;
    return run.active === 0 && run.pendings.size > 0;
  }

  private settledOf(rt: Runtime): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      rt.settleWaiters.push(resolve);
      this.watched.add(rt);
      this.notify();
    });
  }

  /** Re-checks waiters after the current microtasks (the library advances in microtasks). */
  private notify(): void {
    if (this.checkScheduled) return;
    this.checkScheduled = true;
    setImmediate(() => {
      this.checkScheduled = false;
      for (const rt of this.watched) {
        if (!this.isSettled(rt)) continue;
        this.watched.delete(rt);
        const waiters = rt.settleWaiters;
        rt.settleWaiters = [];
        for (const resolve of waiters) resolve();
      }
      if (this.idleWaiters.length > 0 && [...this.live].every((rt) => this.isSettled(rt))) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    });
  }

  private setRun(rt: Runtime, run: RunState | undefined): void {
    rt.run = run;
    if (run) this.live.add(rt);
    else this.live.delete(rt);
  }

  private releaseWaiters(): void {
    for (const rt of this.watched) {
      for (const resolve of rt.settleWaiters.splice(0)) resolve();
    }
    this.watched.clear();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  // ---------------------------------------------------------------- helpers

  private nowMs(): number {
    return this.clock.now().getTime();
  }

  private roleArn(): string {
    return `arn:aws:iam::${this.accountId}:role/local-stepfunctions`;
  }

  private assertOpen(): void {
    if (this.closed) throw new SfnApiError('ServiceUnavailable', 'The local Step Functions service is closed', 'ServiceUnavailable', 503);
  }

  private isCurrent(rt: Runtime, run: RunState): boolean {
    return !this.closed && rt.run === run;
  }

  private record(rt: Runtime, type: string, details: Record<string, unknown>): void {
    const { history } = rt.rec;
    const id = history.length + 1;
    history.push({ id, previousEventId: id - 1, timestamp: this.nowMs(), type, ...details });
    this.store.markDirty(rt.rec);
  }

  private stateType(rt: Runtime, name: string, libraryType: string): string {
    return rt.machine?.prepared?.stateTypes.get(name) ?? libraryType;
  }

  private machineEntry(arn: unknown): MachineEntry {
    if (typeof arn !== 'string' || !STATE_MACHINE_ARN.test(arn)) throw apiErrors.invalidArn(arn);
    const entry = this.machines.get(arn);
    if (!entry) throw apiErrors.stateMachineDoesNotExist(arn);
    return entry;
  }

  private runtime(arn: unknown): Runtime {
    if (typeof arn !== 'string' || !EXECUTION_ARN.test(arn)) throw apiErrors.invalidArn(arn);
    const rt = this.runtimes.get(arn);
    if (!rt) throw apiErrors.executionDoesNotExist(arn);
    return rt;
  }

  private pendingFor(token: unknown): Pending {
    if (typeof token !== 'string' || !TOKEN_FORMAT.test(token)) throw apiErrors.invalidToken();
    const pending = this.tokens.get(token);
    if (!pending || pending.settled || !this.isCurrent(pending.rt, pending.run)) throw apiErrors.taskTimedOut();
    return pending;
  }

  /** Validates (once) and rewrites a definition; the validation costs 0.1–0.6 s. */
  private prepared(entry: MachineEntry): PreparedDefinition {
    if (entry.prepared) return entry.prepared;
    const key = JSON.stringify(entry.config.definition);
    let compiled = compiledCache.get(key);
    if (!compiled) {
      try {
        const prepared = prepareDefinition(entry.config.definition);
        // Throws when the definition is invalid. Runs use unvalidated copies (see machineFor).
        new StateMachine(prepared.definition as unknown as StateMachineDefinition, { validationOptions: { checkArn: true, checkPaths: true } });
        compiled = { prepared, machines: new Map() };
      } catch (error) {
        throw apiErrors.invalidDefinition(`Invalid State Machine Definition: ${(error as Error).message.slice(0, 2000)}`);
      }
      compiledCache.set(key, compiled);
    }
    entry.compiled = compiled;
    entry.prepared = compiled.prepared;
    return compiled.prepared;
  }

  /**
   * The library machine starting at `startAt`. Built without validation (the definition was
   * validated once), which also keeps Map/Parallel from re-validating their sub-machines per run.
   */
  private machineFor(entry: MachineEntry, startAt: string): StateMachine {
    const prepared = this.prepared(entry);
    const machines = (entry.compiled as Compiled).machines;
    let machine = machines.get(startAt);
    if (!machine) {
      machine = new StateMachine(startingAt(prepared, startAt) as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } });
      machines.set(startAt, machine);
    }
    return machine;
  }
}

export type { Position };
