/**
 * A ticket's life as a durable workflow execution. The ticket in DynamoDB is the
 * truth; the execution follows it:
 *
 *   ReadTicket → Route (by category) → a callback state that registers its task
 *   token beside the ticket → woken by the next change → Route …
 *
 * Whoever wakes a callback state decides for it what ReadTicket would (`decide`, from
 * the ticket as it is then) and hands the decision over as the state's output, so a
 * wake-up is two state transitions (the callback state and Route), not three, and no
 * ReadTicket invocation. ReadTicket remains the start, the way back after AdvanceTicket
 * and a timeout, and the path of a wake-up that carries no decision.
 *
 * No lost wake-up. A waiting state first stores its token, then re-reads the
 * ticket; a change first commits the ticket, then reads the token. Whichever of
 * the two comes second sees the other, so at least one of them wakes the
 * execution, and `takeToken` (a conditional delete) lets exactly one use it.
 * A stale or duplicate callback is refused by the engine and ignored here.
 */

import type { Clock, LifecycleRecord, LifecycleRegistry, TicketStore, WorkflowEngine, SettingsStore } from '../domain/ports';
import { meterRouteEntered } from '../usage/state-transitions';
import type { Ticket } from '../domain/ticket';
import type { Workflow } from '../domain/workflow';
import { loadTenant } from '../tickets/tenant-context';
import { executionArn, executionName, executionNameOf, successorName } from './execution-names';

export interface LifecycleDeps {
  readonly tickets: TicketStore;
  readonly settings: SettingsStore;
  readonly registry: LifecycleRegistry;
  readonly engine: WorkflowEngine;
  readonly clock: Clock;
}

/** Before the 25,000-event history limit (≈8 events a cycle, 14 through ReadTicket) a successor takes over… */
const MAX_CYCLES = 1500;
/** …and before the one-year execution limit. */
const MAX_AGE_MS = 300 * 86_400_000;

/** An execution's input that carries no decision: Route sends it to ReadTicket first. */
const inputFor = (tenantId: string, ticketId: string) => ({ tenantId, ticketId, cycle: 0 });

// ---------- change side: called by the table's stream after a ticket change has committed ----------

/**
 * Records the ticket's first execution and starts it. Whoever recorded it starts it with the
 * decision ReadTicket would make (the execution begins at Route: one state transition and one
 * invocation less); a retry after a crash between the two calls, which finds the record,
 * starts with a bare input instead, and Standard executions are idempotent by name.
 */
export async function startLifecycle(deps: LifecycleDeps, tenantId: string, ticket: Ticket, workflow?: Workflow): Promise<void> {
  const name = executionName(tenantId, ticket, 1);
  const arn = executionArn(deps.engine.stateMachineArn, name);
  const recorded = await deps.registry.create(tenantId, ticket.id, arn);
  const known = recorded ? knownExecution(tenantId, ticket.id, arn, 0, deps.clock.now().toISOString()) : null;
  const input = known ? await decide(deps, known, { ticket, workflow }, false) : inputFor(tenantId, ticket.id);
  if (await deps.engine.start(name, input)) meterRouteEntered(nextOf(input));
}

/**
 * Must an execution that waits for `waitingCategory` move on? Its states follow
 * categories; a status the workflow leaves on its own (auto-advance) acts at once.
 */
export const executionMustMove = (waitingCategory: string, ticket: Ticket, workflow: Workflow): boolean =>
  ticket.category !== waitingCategory || workflow.definition.rules.autoAdvance?.[ticket.status] !== undefined;

/**
 * Brings the ticket's execution in line with the ticket as it is now: starts it when
 * none is recorded (or re-sends the start of the recorded one, which is a no-op when it
 * runs), wakes it when it waits for a category the ticket has left, starts a successor
 * when it ended and the ticket came back to life. It compares the registry with the
 * current ticket, never with the change that prompted it, so a redelivered, replayed or
 * stale change record does nothing more than the latest one (the table's stream calls it).
 */
export async function bringLifecycleInLine(deps: LifecycleDeps, tenantId: string, ticket: Ticket, workflow: Workflow): Promise<void> {
  const record = await deps.registry.get(tenantId, ticket.id);
  if (!record) return startLifecycle(deps, tenantId, ticket, workflow);
  if (record.ended) {
    if (!isFinal(ticket, deps.clock.now())) await startSuccessor(deps, tenantId, ticket.id, record);
    return;
  }
  if (record.taskToken) {
    if (record.waitingCategory === null || executionMustMove(record.waitingCategory, ticket, workflow))
      await wake(deps, waitingStateOf(record, tenantId, ticket.id), 'ticket-changed', { ticket, workflow });
    return;
  }
  // No token: the execution is between states and its next waiting state re-reads the
  // ticket. Unless it never started (a crash between recording and starting it): the
  // start is idempotent by name, so sending it again is a no-op for a running one.
  await deps.engine.start(executionNameOf(record.executionArn), inputFor(tenantId, ticket.id));
}

/** Wakes the waiting state so that it decides again on `ticket` as it is now (e.g. its reopen window ended). */
export async function nudgeLifecycle(deps: LifecycleDeps, tenantId: string, ticket: Ticket): Promise<void> {
  const record = await deps.registry.get(tenantId, ticket.id);
  if (record?.taskToken) await wake(deps, waitingStateOf(record, tenantId, ticket.id), 'timer', { ticket });
}

/** An execution whose cycle is known: what a decision on its behalf needs. */
type KnownExecution = SyncInput & { readonly cycle: number };

/** The execution, known when its cycle and start are (a record or a callback of the previous definition may lack them). */
const knownExecution = (
  tenantId: string,
  ticketId: string,
  executionArn: string,
  cycle?: number | null,
  executionStartTime?: string | null,
): KnownExecution | null => (typeof cycle === 'number' && executionStartTime ? { tenantId, ticketId, cycle, executionArn, executionStartTime } : null);

/** What a decision is made on: the ticket as read (null: deleted) and, when the caller already has it, the tenant's workflow. */
interface Facts {
  readonly ticket: Ticket | null;
  readonly workflow?: Workflow;
}

const nextOf = (output: object): SyncOutput['next'] | null => ('next' in output ? (output as SyncOutput).next : null);

/** A callback state's token and, when its record says them, the execution waiting on it (as ReadTicket's input). */
interface WaitingState {
  readonly tenantId: string;
  readonly ticketId: string;
  readonly token: string;
  readonly resume: KnownExecution | null;
}

/** The waiting state a record with a token names; `resume` is null on a record that does not say its execution's cycle. */
function waitingStateOf(record: LifecycleRecord, tenantId: string, ticketId: string): WaitingState {
  return {
    tenantId,
    ticketId,
    token: record.taskToken!,
    resume: knownExecution(tenantId, ticketId, record.executionArn, record.cycle, record.executionStartTime),
  };
}

/**
 * Takes the waiting state's token (only one waker gets it) and sends the state on. The
 * token was ours to take, so the execution is still the ticket's: no successor took over.
 */
async function wake(deps: LifecycleDeps, waiting: WaitingState, reason: string, facts: Facts): Promise<boolean> {
  const { tenantId, ticketId, token, resume } = waiting;
  if (!(await deps.registry.takeToken(tenantId, ticketId, token))) return false;
  return sendOn(deps, token, resume, reason, async () => facts, false);
}

/**
 * Completes a callback state with the decision ReadTicket would make on the facts (read
 * only then), or with a bare wake-up that Route sends through ReadTicket when the
 * execution is not known; counts the Route it enters when the engine took it.
 */
async function sendOn(
  deps: LifecycleDeps,
  token: string,
  resume: KnownExecution | null,
  reason: string,
  facts: () => Promise<Facts>,
  successorTookOver: boolean,
): Promise<boolean> {
  const output = resume ? await decide(deps, resume, await facts(), successorTookOver) : { wokenBy: reason };
  const sent = await deps.engine.sendSuccess(token, output);
  if (sent) meterRouteEntered(nextOf(output));
  return sent;
}

async function startSuccessor(deps: LifecycleDeps, tenantId: string, ticketId: string, record: LifecycleRecord): Promise<string | null> {
  const generation = record.generation + 1;
  const name = successorName(executionNameOf(record.executionArn), generation);
  const arn = executionArn(deps.engine.stateMachineArn, name);
  // Only one successor per execution, however many callers race here.
  if (!(await deps.registry.handOver(tenantId, ticketId, record.executionArn, arn, generation))) return null;
  await deps.engine.start(name, inputFor(tenantId, ticketId));
  return arn;
}

// ---------- execution side: the Lambda tasks of statemachines/ticket-lifecycle.asl.json ----------

export interface SyncInput {
  readonly tenantId: string;
  readonly ticketId: string;
  /**
   * How many times the execution has decided where to go (it continues as new before the
   * history limit). Unknown when a wake-up from outside replaced the state: then the
   * cycle its last callback state registered.
   */
  readonly cycle?: number;
  readonly executionArn: string;
  readonly executionStartTime: string;
}

export type SyncOutput = {
  readonly tenantId: string;
  readonly ticketId: string;
  readonly cycle: number;
  readonly next: 'wait' | 'advance' | 'end' | 'continue-as-new';
  readonly ticket: { readonly category: string; readonly status: string; readonly version: number };
  /**
   * With `wait`: the callback state's TimeoutSecondsPath. A waiting state is woken by the
   * ticket's changes (the stream) and its schedules (the timer), never by polling; it
   * times out only when the execution is due to hand over to a successor (MAX_AGE_MS).
   */
  readonly waitSeconds?: number;
};

/** ReadTicket: where should the execution be now? */
export async function syncTicket(deps: LifecycleDeps, input: SyncInput): Promise<SyncOutput> {
  const [ticket, record] = await Promise.all([deps.tickets.get(input.tenantId, input.ticketId), deps.registry.get(input.tenantId, input.ticketId)]);
  const cycle = input.cycle ?? record?.cycle ?? 0;
  return decide(deps, { ...input, cycle }, { ticket }, !!record && record.executionArn !== input.executionArn);
}

/** ReadTicket's decision on the ticket as read, for the execution `input` names. */
async function decide(deps: LifecycleDeps, input: KnownExecution, { ticket, workflow }: Facts, successorTookOver: boolean): Promise<SyncOutput> {
  const base = { tenantId: input.tenantId, ticketId: input.ticketId, cycle: input.cycle + 1 };
  const gone = { ...base, next: 'end' as const, ticket: { category: 'cancelled', status: 'deleted', version: 0 } };
  if (!ticket) return gone;
  const summary = { category: ticket.category, status: ticket.status, version: ticket.version };
  // A successor has taken over (repair, continue-as-new): this one bows out.
  if (successorTookOver) return { ...base, next: 'end', ticket: summary };
  const rules = (workflow ?? (await loadTenant(deps.settings, input.tenantId)).workflow).definition.rules;
  const now = deps.clock.now();
  if (base.cycle > MAX_CYCLES || now.getTime() - Date.parse(input.executionStartTime) > MAX_AGE_MS)
    return { ...base, next: 'continue-as-new', ticket: summary };
  if (rules.autoAdvance?.[ticket.status]) return { ...base, next: 'advance', ticket: summary };
  if (isFinal(ticket, now)) {
    if (!(await deps.registry.markEnded(input.tenantId, input.ticketId, input.executionArn, ticket.category === 'closed' ? 'Closed' : 'Cancelled')))
      return { ...base, next: 'end', ticket: summary };
    // Ending is announced first, then the ticket read again: a change in between either
    // sees `ended` (and starts a successor) or is seen here (and this execution carries on).
    const again = await deps.tickets.get(input.tenantId, input.ticketId);
    if (again && !isFinal(again, now) && (await deps.registry.unmarkEnded(input.tenantId, input.ticketId, input.executionArn))) return syncTicket(deps, input);
    return { ...base, next: 'end', ticket: summary };
  }
  const untilSuccessor = MAX_AGE_MS - (now.getTime() - Date.parse(input.executionStartTime));
  return { ...base, next: 'wait', ticket: summary, waitSeconds: Math.max(60, Math.ceil(untilSuccessor / 1000)) };
}

/** Cancelled, or closed with no reopen window left (or none at all): nothing more can happen without a new start. */
function isFinal(ticket: Ticket, now: Date): boolean {
  if (ticket.category === 'cancelled') return true;
  if (ticket.category !== 'closed') return false;
  return ticket.reopenableUntil === null || now.getTime() >= Date.parse(ticket.reopenableUntil);
}

export interface AwaitInput {
  readonly tenantId: string;
  readonly ticketId: string;
  readonly state: string;
  readonly category: string;
  readonly version: number;
  /** Absent from a callback state of the previous definition (its executions still run after a deploy). */
  readonly cycle?: number;
  readonly executionArn: string;
  readonly executionStartTime?: string;
  readonly taskToken: string;
}

/** A callback state: store the token, then look again (see the comment at the top). */
export async function awaitTicket(deps: LifecycleDeps, input: AwaitInput): Promise<void> {
  const { tenantId, ticketId, executionArn, cycle, executionStartTime } = input;
  const wait = { state: input.state, category: input.category, token: input.taskToken, since: deps.clock.now().toISOString(), cycle, executionStartTime };
  const registered = await deps.registry.registerWait(tenantId, ticketId, executionArn, wait);
  const resume = knownExecution(tenantId, ticketId, executionArn, cycle, executionStartTime);
  if (!registered) {
    // Superseded by a successor: this one moves on to Ended (through ReadTicket when its cycle is unknown).
    await sendOn(deps, input.taskToken, resume, 'superseded', async () => ({ ticket: await deps.tickets.get(tenantId, ticketId) }), true);
    return;
  }
  const ticket = await deps.tickets.get(tenantId, ticketId);
  // Still the version ReadTicket chose to wait at: nothing to re-decide (and no settings to read).
  if (ticket?.version === input.version) return;
  const workflow = ticket ? (await loadTenant(deps.settings, tenantId)).workflow : undefined;
  const moved = !ticket || executionMustMove(input.category, ticket, workflow!);
  if (moved) await wake(deps, { tenantId, ticketId, token: input.taskToken, resume }, 'changed-before-wait', { ticket, workflow });
}

/** ContinueAsNew: hand the ticket to a fresh execution before the engine's limits. */
export async function continueAsNew(deps: LifecycleDeps, input: { tenantId: string; ticketId: string; executionArn: string }): Promise<void> {
  const record = await deps.registry.get(input.tenantId, input.ticketId);
  if (record && record.executionArn === input.executionArn) await startSuccessor(deps, input.tenantId, input.ticketId, record);
}

// ---------- GET /v1/tickets/{id}/workflow and POST …/workflow/repair ----------

export interface WorkflowView {
  readonly executionArn: string | null;
  readonly status: string;
  readonly currentState: string | null;
  readonly waitingSince: string | null;
  readonly consoleUrl: string | null;
  readonly generation: number;
  readonly previousExecutions: readonly string[];
}

export async function describeWorkflow(deps: LifecycleDeps, tenantId: string, ticket: Ticket): Promise<WorkflowView> {
  const record = await deps.registry.get(tenantId, ticket.id);
  if (!record)
    return { executionArn: null, status: 'NOT_STARTED', currentState: null, waitingSince: null, consoleUrl: null, generation: 0, previousExecutions: [] };
  const execution = await deps.engine.describe(record.executionArn);
  return {
    executionArn: record.executionArn,
    status: execution?.status ?? 'NOT_STARTED',
    currentState: record.state,
    waitingSince: record.taskToken ? record.waitingSince : null,
    consoleUrl: deps.engine.consoleUrl(record.executionArn),
    generation: record.generation,
    previousExecutions: record.previousExecutions,
  };
}

/**
 * Brings a stopped, failed or diverged execution back in line with the ticket.
 * The execution sends no notifications itself (they are written with the ticket
 * changes), so a repair can never send one twice.
 */
export async function repairWorkflow(deps: LifecycleDeps, tenantId: string, ticket: Ticket): Promise<{ action: string; view: WorkflowView }> {
  const action = await repair(deps, tenantId, ticket);
  return { action, view: await describeWorkflow(deps, tenantId, ticket) };
}

async function repair(deps: LifecycleDeps, tenantId: string, ticket: Ticket): Promise<string> {
  const record = await deps.registry.get(tenantId, ticket.id);
  if (!record) {
    await startLifecycle(deps, tenantId, ticket);
    return 'started';
  }
  const execution = await deps.engine.describe(record.executionArn);
  if (!execution) {
    // Recorded but never started (the start call failed): start it under its own name.
    await deps.engine.start(executionNameOf(record.executionArn), inputFor(tenantId, ticket.id));
    return 'started';
  }
  if (execution.status !== 'RUNNING') {
    if (record.ended && isFinal(ticket, deps.clock.now())) return 'in-line';
    return (await startSuccessor(deps, tenantId, ticket.id, record)) ? 'restarted' : 'in-line';
  }
  if (record.taskToken && record.waitingCategory !== ticket.category) {
    if (await wake(deps, waitingStateOf(record, tenantId, ticket.id), 'repair', { ticket })) return 'woken';
    // The token was dead: the execution is not where it claims to be. Replace it.
    await deps.engine.stop(record.executionArn, 'Replaced by repair: it diverged from the ticket.');
    return (await startSuccessor(deps, tenantId, ticket.id, record)) ? 'restarted' : 'in-line';
  }
  return 'in-line';
}
