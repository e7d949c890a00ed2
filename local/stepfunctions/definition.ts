/**
 * Rewrites an ASL definition so aws-local-stepfunctions@3 can run it the way Step Functions
 * would, with every Task handled by a local override:
 *
 * - every Task's `Parameters` is wrapped as `{ p: <Parameters> }` (or `{ "p.$": "$" }`) so the
 *   override also receives `TimeoutSecondsPath` / `HeartbeatSecondsPath` values (`t`, `h`);
 * - `TimeoutSeconds`/`HeartbeatSeconds` are taken out (this service enforces them on the
 *   injected clock) and replaced by the largest real-time timeout Node accepts, so the
 *   library's own 60 s default (and its setTimeout overflow above 24.8 days) never fires;
 * - `Wait` states become Tasks on an internal resource, so waits follow the injected clock;
 * - the top-level `TimeoutSeconds` is removed (enforced on the clock too);
 * - `$$.Execution.Input` / `$$.Execution.StartTime` are redirected to context fields this
 *   service fills, because the library overwrites those two with the run's own values, which
 *   are wrong after a resume.
 *
 * `$$.Task.Token` is left as is: the run's context supplies a sentinel for it, which the
 * override replaces with a fresh token.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const LOCAL_WAIT_RESOURCE = 'arn:aws:states:::local:wait';
/** Largest setTimeout delay Node honours (2^31-1 ms), in whole seconds. */
export const LIBRARY_TASK_TIMEOUT_SECONDS = 2_147_483;

export type TaskKind = 'lambda-invoke' | 'lambda-callback' | 'lambda-function' | 'wait' | 'unsupported';

export interface TaskSpec {
  readonly kind: TaskKind;
  readonly resource: string;
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
}

export interface PreparedDefinition {
  /** The rewritten definition (top level). */
  readonly definition: JsonObject;
  /** Every Task (and former Wait) state, at any nesting level, by name. */
  readonly tasks: ReadonlyMap<string, TaskSpec>;
  /** The original `Type` of every state, by name. */
  readonly stateTypes: ReadonlyMap<string, string>;
  /** Names of the top-level states (where an execution can be resumed). */
  readonly topLevel: ReadonlySet<string>;
  /** States with a `Retry` field (for the optional retry-interval override). */
  readonly retryStates: readonly string[];
  /** The top-level `TimeoutSeconds`, if any. */
  readonly executionTimeoutSeconds?: number;
}

const LAMBDA_INVOKE = /^arn:aws[\w-]*:states:[\w-]*:\d*:lambda:invoke$/;
const LAMBDA_CALLBACK = /^arn:aws[\w-]*:states:[\w-]*:\d*:lambda:invoke\.waitForTaskToken$/;
const LAMBDA_FUNCTION = /^arn:aws[\w-]*:lambda:[\w-]+:\d+:function:[\w-]+(?::[\w$-]+)?$/;

function classify(resource: string): TaskKind {
  if (LAMBDA_INVOKE.test(resource)) return 'lambda-invoke';
  if (LAMBDA_CALLBACK.test(resource)) return 'lambda-callback';
  if (LAMBDA_FUNCTION.test(resource)) return 'lambda-function';
  return 'unsupported';
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Redirects context paths the library overwrites; leaves `Result` literals alone. */
function redirectContextPaths(value: Json, key?: string): Json {
  if (key === 'Result') return value;
  if (typeof value === 'string') {
    return value.replace(/\$\$\.Execution\.(Input|StartTime)\b/g, (_m, field: string) => '$$.Execution.Local' + field);
  }
  if (Array.isArray(value)) return value.map((item) => redirectContextPaths(item));
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = redirectContextPaths(v, k);
    return out;
  }
  return value;
}

interface Collector {
  tasks: Map<string, TaskSpec>;
  stateTypes: Map<string, string>;
  retryStates: string[];
}

function rewriteStates(states: JsonObject, collect: Collector): JsonObject {
  const out: JsonObject = {};
  for (const [name, raw] of Object.entries(states)) {
    if (!isObject(raw)) throw new Error(`state ${name} is not an object`);
    const state: JsonObject = { ...raw };
    const type = String(state.Type);
    collect.stateTypes.set(name, type);
    if ('Retry' in state) collect.retryStates.push(name);

    if (type === 'Task') {
      const resource = String(state.Resource);
      const spec: { -readonly [K in keyof TaskSpec]: TaskSpec[K] } = { kind: classify(resource), resource };
      const params: JsonObject = 'Parameters' in state ? { p: state.Parameters ?? null } : { 'p.$': '$' };
      if (typeof state.TimeoutSeconds === 'number') spec.timeoutSeconds = state.TimeoutSeconds;
      if (typeof state.TimeoutSecondsPath === 'string') params['t.$'] = state.TimeoutSecondsPath;
      if (typeof state.HeartbeatSeconds === 'number') spec.heartbeatSeconds = state.HeartbeatSeconds;
      if (typeof state.HeartbeatSecondsPath === 'string') params['h.$'] = state.HeartbeatSecondsPath;
      delete state.TimeoutSecondsPath;
      delete state.HeartbeatSeconds;
      delete state.HeartbeatSecondsPath;
      state.Parameters = params;
      state.TimeoutSeconds = LIBRARY_TASK_TIMEOUT_SECONDS;
      collect.tasks.set(name, spec);
    } else if (type === 'Wait') {
      const params: JsonObject = { 'input.$': '$' };
      if (typeof state.Seconds === 'number') params.s = state.Seconds;
      else if (typeof state.SecondsPath === 'string') params['s.$'] = state.SecondsPath;
      else if (typeof state.Timestamp === 'string') params.ts = state.Timestamp;
      else if (typeof state.TimestampPath === 'string') params['ts.$'] = state.TimestampPath;
      delete state.Seconds;
      delete state.SecondsPath;
      delete state.Timestamp;
      delete state.TimestampPath;
      state.Type = 'Task';
      state.Resource = LOCAL_WAIT_RESOURCE;
      state.Parameters = params;
      state.TimeoutSeconds = LIBRARY_TASK_TIMEOUT_SECONDS;
      collect.tasks.set(name, { kind: 'wait', resource: LOCAL_WAIT_RESOURCE });
    } else if (type === 'Map') {
      for (const field of ['ItemProcessor', 'Iterator'] as const) {
        const sub = state[field];
        if (isObject(sub) && isObject(sub.States)) state[field] = { ...sub, States: rewriteStates(sub.States, collect) };
      }
    } else if (type === 'Parallel') {
      if (Array.isArray(state.Branches)) {
        state.Branches = state.Branches.map((branch) =>
          isObject(branch) && isObject(branch.States) ? { ...branch, States: rewriteStates(branch.States, collect) } : branch,
        );
      }
    }
    out[name] = state;
  }
  return out;
}

export function prepareDefinition(original: object): PreparedDefinition {
  const source = redirectContextPaths(JSON.parse(JSON.stringify(original)) as Json);
  if (!isObject(source) || !isObject(source.States) || typeof source.StartAt !== 'string') {
    throw new Error('definition needs StartAt and States');
  }
  if ('QueryLanguage' in source && source.QueryLanguage === 'JSONata') {
    throw new Error('JSONata definitions are not supported locally (aws-local-stepfunctions ignores JSONata)');
  }
  const collect: Collector = { tasks: new Map(), stateTypes: new Map(), retryStates: [] };
  const definition: JsonObject = { ...source, States: rewriteStates(source.States, collect) };
  const executionTimeoutSeconds = typeof source.TimeoutSeconds === 'number' ? source.TimeoutSeconds : undefined;
  delete definition.TimeoutSeconds;
  return {
    definition,
    tasks: collect.tasks,
    stateTypes: collect.stateTypes,
    topLevel: new Set(Object.keys(source.States)),
    retryStates: collect.retryStates,
    ...(executionTimeoutSeconds !== undefined ? { executionTimeoutSeconds } : {}),
  };
}

/** A copy of the prepared definition that starts at `stateName` (used to resume). */
export function startingAt(prepared: PreparedDefinition, stateName: string): JsonObject {
  return { ...prepared.definition, StartAt: stateName };
}

/** Replaces every occurrence of `sentinel` inside strings of `value` by `token`. */
export function replaceSentinel(value: Json, sentinel: string, token: string): Json {
  if (typeof value === 'string') return value.includes(sentinel) ? value.split(sentinel).join(token) : value;
  if (Array.isArray(value)) return value.map((item) => replaceSentinel(item, sentinel, token));
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = replaceSentinel(v, sentinel, token);
    return out;
  }
  return value;
}
