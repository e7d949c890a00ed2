/**
 * The ports the use cases need. Adapters (DynamoDB, the clock, id generation)
 * implement them at the edges; the domain imports no SDK.
 */
import type { WorkflowMigration } from './migration';
import type { Comment, HistoryEvent, Ticket } from './ticket';
import type { Locale, Role } from './identity';
import type { StoredSettings } from './settings';
import type { ThirdPartyWait } from './third-party';

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor: string | null;
}

export type TicketListIndex = 'all' | 'status' | 'category' | 'assignee' | 'org' | 'requester';

export interface TicketQuery extends PageRequest {
  /** The index that serves the query (one Query on its partition). */
  readonly index: TicketListIndex;
  readonly value: string;
  /** Further equality filters on ticket fields, applied to what the index returns. */
  readonly filters: Partial<Record<'status' | 'category' | 'assignee' | 'org' | 'requesterId', string>>;
}

/** One atomic change to a ticket: the ticket at its new version, and what is appended with it. */
export interface TicketChange {
  readonly ticket: Ticket;
  readonly events: readonly HistoryEvent[];
  readonly comments: readonly Comment[];
  /** Third-party waits created or changed with the ticket (same transaction). */
  readonly waits?: readonly ThirdPartyWait[];
}

export interface TicketStore {
  /** Next number of the tenant's key sequence (gaps allowed: a failed create burns one). */
  nextTicketNumber(tenantId: string): Promise<number>;
  /** Writes a new ticket, its key mapping and its first events in one transaction. */
  create(tenantId: string, change: TicketChange): Promise<void>;
  /** Writes `change.ticket` only if the stored version is `expectedVersion`; else throws StaleWrite. */
  update(tenantId: string, expectedVersion: number, change: TicketChange): Promise<void>;
  get(tenantId: string, ticketId: string): Promise<Ticket | null>;
  getByKey(tenantId: string, key: string): Promise<Ticket | null>;
  list(tenantId: string, query: TicketQuery): Promise<Page<Ticket>>;
  /** How many tickets are in a status (an admin's question: its cost grows with the answer). */
  countInStatus(tenantId: string, status: string): Promise<number>;
  listComments(tenantId: string, ticketId: string, page: PageRequest, includeInternal: boolean): Promise<Page<Comment>>;
  listHistory(tenantId: string, ticketId: string, page: PageRequest, includeInternal: boolean): Promise<Page<HistoryEvent>>;
  /** The ticket's third-party waits, oldest first. */
  listWaits(tenantId: string, ticketId: string): Promise<ThirdPartyWait[]>;
  getWait(tenantId: string, ticketId: string, waitId: string): Promise<ThirdPartyWait | null>;
}

export interface DirectoryUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: Exclude<Role, 'finance'>;
  readonly org: string | null;
  readonly locale: Locale | null;
  readonly updatedAt: string;
}

export interface UserDirectory {
  put(tenantId: string, user: DirectoryUser): Promise<void>;
  get(tenantId: string, userId: string): Promise<DirectoryUser | null>;
  /** The user holding an e-mail address (mail is matched on it), if any. */
  findByEmail(tenantId: string, email: string): Promise<DirectoryUser | null>;
  list(tenantId: string, page: PageRequest): Promise<Page<DirectoryUser>>;
}

export interface SettingsStore {
  get(tenantId: string): Promise<StoredSettings | null>;
  /** The stored settings, their revision (0 when none yet) and the last workflow migration: the start of a read-modify-write. */
  read(tenantId: string): Promise<{ settings: StoredSettings | null; revision: number; migration: WorkflowMigration | null }>;
  /**
   * Replaces them; with `expectedRevision`, only if nobody wrote since (else StaleWrite).
   * With `migration`, the workflow switch's migration starts in the same write.
   */
  put(tenantId: string, settings: StoredSettings, expectedRevision?: number, migration?: WorkflowMigration): Promise<void>;
  /** Records a migration step, only if it is still at `expectedRound` (else false: another step got there first). */
  stepMigration(tenantId: string, migration: WorkflowMigration, expectedRound: number): Promise<boolean>;
}

export interface StoredResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export type IdempotencyClaim =
  | { readonly state: 'claimed' }
  | { readonly state: 'replay'; readonly response: StoredResponse }
  | { readonly state: 'mismatch' }
  | { readonly state: 'in-progress' };

export interface IdempotencyScope {
  readonly tenantId: string;
  readonly sub: string;
  readonly key: string;
}

export interface IdempotencyStore {
  /** Claims the key for this request fingerprint, or says why it cannot. */
  claim(scope: IdempotencyScope, fingerprint: string, now: Date, ttlSeconds: number): Promise<IdempotencyClaim>;
  complete(scope: IdempotencyScope, response: StoredResponse): Promise<void>;
  /** Frees the key after a failure that must not be replayed (a 5xx). */
  release(scope: IdempotencyScope): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** Sortable, unique ids (ULIDs): comments and events sort by creation. */
  next(): string;
}

/** Where a ticket's execution is, kept beside the ticket (the ticket itself stays the truth). */
export interface LifecycleRecord {
  readonly executionArn: string;
  /** 1 for the first execution; each successor (continue-as-new, reopen after the end, repair) adds one. */
  readonly generation: number;
  readonly previousExecutions: readonly string[];
  /** The callback state the execution waits in, its token, and since when. */
  readonly state: string | null;
  readonly waitingCategory: string | null;
  readonly waitingSince: string | null;
  readonly taskToken: string | null;
  /**
   * The waiting execution's cycle and start, as its callback state reported them: with them
   * a waker decides what the execution does next (as ReadTicket would) and hands that over
   * with the wake-up. Absent on records written before the callback states reported them.
   */
  readonly cycle?: number | null;
  readonly executionStartTime?: string | null;
  /** The execution decided to end (closed for good, cancelled); a later change starts a successor. */
  readonly ended: boolean;
}

/** The record of a ticket's first execution, before it waits anywhere. */
export const firstLifecycleRecord = (executionArn: string): LifecycleRecord => ({
  executionArn,
  generation: 1,
  previousExecutions: [],
  state: null,
  waitingCategory: null,
  waitingSince: null,
  taskToken: null,
  ended: false,
});

/** What a callback state records beside the ticket while it waits. */
export interface WaitRegistration {
  readonly state: string;
  readonly category: string;
  readonly token: string;
  readonly since: string;
  /** Absent when the callback state does not report them (the previous definition's). */
  readonly cycle?: number;
  readonly executionStartTime?: string;
}

export interface LifecycleRegistry {
  get(tenantId: string, ticketId: string): Promise<LifecycleRecord | null>;
  /** Records the first execution; false when one is already recorded. */
  create(tenantId: string, ticketId: string, executionArn: string): Promise<boolean>;
  /** Stores the waiting state's token, only while `executionArn` is still the ticket's execution. */
  registerWait(tenantId: string, ticketId: string, executionArn: string, wait: WaitRegistration): Promise<boolean>;
  /** Removes the token if it is still `token`: whoever succeeds is the one who may use it. */
  takeToken(tenantId: string, ticketId: string, token: string): Promise<boolean>;
  markEnded(tenantId: string, ticketId: string, executionArn: string, state: string): Promise<boolean>;
  /** Undoes markEnded, if no successor took over in between. */
  unmarkEnded(tenantId: string, ticketId: string, executionArn: string): Promise<boolean>;
  /** Hands the ticket to a successor execution, only if `fromArn` is still the current one. */
  handOver(tenantId: string, ticketId: string, fromArn: string, toArn: string, generation: number): Promise<boolean>;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

/** The workflow engine (Step Functions, or the local one speaking its protocol). */
export interface WorkflowEngine {
  readonly stateMachineArn: string;
  /** Starts an execution by name; false when one of that name exists already (starting it again is a no-op). */
  start(name: string, input: object): Promise<boolean>;
  /** Completes a callback; false when the token is stale or already used (harmless). */
  sendSuccess(token: string, output: object): Promise<boolean>;
  describe(executionArn: string): Promise<{ status: ExecutionStatus; startDate: string } | null>;
  stop(executionArn: string, cause: string): Promise<void>;
  consoleUrl(executionArn: string): string;
}

/** What a fired schedule hands the timer function. */
export interface TimerPayload {
  readonly tenantId: string;
  readonly ticketId: string;
  readonly kind: string;
  readonly dueAt: string;
}

/** One-time schedules (EventBridge Scheduler, or the local one speaking its API). */
export interface TimerScheduler {
  /** Creates or moves the schedule `name` to fire at `at`. */
  upsert(name: string, at: Date, payload: TimerPayload): Promise<void>;
  /** Deletes it; a schedule that is already gone is fine. */
  remove(name: string): Promise<void>;
}

/** The schedules a ticket has (kind → ISO instant), kept beside the ticket. */
export interface TimerRegistry {
  get(tenantId: string, ticketId: string): Promise<Readonly<Record<string, string>>>;
  put(tenantId: string, ticketId: string, timers: Readonly<Record<string, string>>): Promise<void>;
}
