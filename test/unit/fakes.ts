/**
 * In-memory adapters for the ports in shared/domain/ports.ts, and small builders
 * for callers and tickets. They keep the contract of the DynamoDB adapters that
 * matters to the use cases (conditional write on `version` → StaleWrite) and
 * nothing more.
 */
import { conflict, StaleWrite } from '../../shared/domain/errors';
import type { WorkflowMigration } from '../../shared/domain/migration';
import type { Role, TenantCaller } from '../../shared/domain/identity';
import {
  firstLifecycleRecord,
  type Clock,
  type DirectoryUser,
  type ExecutionStatus,
  type IdGenerator,
  type LifecycleRecord,
  type LifecycleRegistry,
  type Page,
  type PageRequest,
  type SettingsStore,
  type TicketChange,
  type TicketQuery,
  type TicketStore,
  type TimerPayload,
  type TimerRegistry,
  type TimerScheduler,
  type UserDirectory,
  type WaitRegistration,
  type WorkflowEngine,
} from '../../shared/domain/ports';
import type { StoredSettings } from '../../shared/domain/settings';
import type { ThirdPartyWait } from '../../shared/domain/third-party';
import type { Comment, HistoryEvent, Ticket } from '../../shared/domain/ticket';
import { aTicket } from '../support/ticket-builder';

export { aTicket };
import type { TicketDeps } from '../../shared/tickets/deps';

const at = (tenantId: string, id: string) => `${tenantId}/${id}`;

/** Pages an in-memory array with a numeric offset cursor. */
function pageOf<T>(all: readonly T[], page: PageRequest): Page<T> {
  const start = page.cursor === null ? 0 : Number(page.cursor);
  const items = all.slice(start, start + page.limit);
  const end = start + items.length;
  return { items, nextCursor: end < all.length ? String(end) : null };
}

export class InMemoryTicketStore implements TicketStore {
  private readonly tickets = new Map<string, Ticket>();
  private readonly keys = new Map<string, string>();
  private readonly events = new Map<string, HistoryEvent[]>();
  private readonly comments = new Map<string, Comment[]>();
  private readonly counters = new Map<string, number>();
  /** Every `update` call, whether it was written or refused. */
  readonly updateCalls: { tenantId: string; expectedVersion: number; change: TicketChange }[] = [];
  /** Runs at the start of `update`, before the version check: tests simulate a concurrent writer or a failure here. */
  beforeUpdate: ((tenantId: string, expectedVersion: number, change: TicketChange) => void) | undefined;

  async countInStatus(tenantId: string, status: string): Promise<number> {
    return [...this.tickets.entries()].filter(([k, t]) => k.startsWith(`${tenantId}/`) && t.status === status).length;
  }

  async nextTicketNumber(tenantId: string): Promise<number> {
    const next = (this.counters.get(tenantId) ?? 0) + 1;
    this.counters.set(tenantId, next);
    return next;
  }

  async create(tenantId: string, change: TicketChange): Promise<void> {
    const id = at(tenantId, change.ticket.id);
    if (this.tickets.has(id) || this.keys.has(at(tenantId, change.ticket.key))) throw new StaleWrite();
    this.tickets.set(id, structuredClone(change.ticket));
    this.keys.set(at(tenantId, change.ticket.key), change.ticket.id);
    this.append(id, change);
  }

  async update(tenantId: string, expectedVersion: number, change: TicketChange): Promise<void> {
    this.updateCalls.push({ tenantId, expectedVersion, change });
    this.beforeUpdate?.(tenantId, expectedVersion, change);
    const id = at(tenantId, change.ticket.id);
    const stored = this.tickets.get(id);
    // As DynamoDB does with ReturnValuesOnConditionCheckFailure: the loser gets the winner's ticket back.
    if (!stored || stored.version !== expectedVersion) throw new StaleWrite(stored ? structuredClone(stored) : undefined);
    this.tickets.set(id, structuredClone(change.ticket));
    this.append(id, change);
  }

  async get(tenantId: string, ticketId: string): Promise<Ticket | null> {
    const t = this.tickets.get(at(tenantId, ticketId));
    return t ? structuredClone(t) : null;
  }

  async getByKey(tenantId: string, key: string): Promise<Ticket | null> {
    const id = this.keys.get(at(tenantId, key));
    return id === undefined ? null : this.get(tenantId, id);
  }

  /** Newest first per tenant; ignores index and filters (the DynamoDB adapter's are covered by test/integration). */
  async list(tenantId: string, query: TicketQuery): Promise<Page<Ticket>> {
    const prefix = `${tenantId}/`;
    const all = [...this.tickets.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .map(([, t]) => t)
      .filter((t) => (query.index === 'status' ? t.status === query.value : query.index === 'category' ? t.category === query.value : true))
      .sort((a, b) => `${b.createdAt}#${b.id}`.localeCompare(`${a.createdAt}#${a.id}`));
    return pageOf(all, query);
  }

  async listComments(tenantId: string, ticketId: string, page: PageRequest, includeInternal: boolean): Promise<Page<Comment>> {
    const all = this.comments.get(at(tenantId, ticketId)) ?? [];
    return pageOf(includeInternal ? all : all.filter((c) => c.visibility === 'public'), page);
  }

  async listHistory(tenantId: string, ticketId: string, page: PageRequest, includeInternal: boolean): Promise<Page<HistoryEvent>> {
    const all = this.events.get(at(tenantId, ticketId)) ?? [];
    return pageOf(includeInternal ? all : all.filter((e) => e.visibility === 'public'), page);
  }

  /** Test helper: put a ticket as if it had been created earlier (no history). */
  readonly waits = new Map<string, ThirdPartyWait>();

  async listWaits(tenantId: string, ticketId: string): Promise<ThirdPartyWait[]> {
    return [...this.waits.entries()].filter(([k]) => k.startsWith(`${at(tenantId, ticketId)}/`)).map(([, w]) => structuredClone(w));
  }

  async getWait(tenantId: string, ticketId: string, waitId: string): Promise<ThirdPartyWait | null> {
    const w = this.waits.get(`${at(tenantId, ticketId)}/${waitId}`);
    return w ? structuredClone(w) : null;
  }

  seed(tenantId: string, ticket: Ticket): void {
    this.tickets.set(at(tenantId, ticket.id), structuredClone(ticket));
    this.keys.set(at(tenantId, ticket.key), ticket.id);
  }

  /** Test helper: the stored ticket, synchronously (for `beforeUpdate`). */
  peek(tenantId: string, ticketId: string): Ticket {
    const t = this.tickets.get(at(tenantId, ticketId));
    if (!t) throw new Error(`no ticket ${ticketId} in ${tenantId}`);
    return structuredClone(t);
  }

  /** Test helper: what a concurrent writer does, bypassing the use cases. */
  overwrite(tenantId: string, ticket: Ticket): void {
    this.tickets.set(at(tenantId, ticket.id), structuredClone(ticket));
  }

  private append(id: string, change: TicketChange) {
    this.events.set(id, [...(this.events.get(id) ?? []), ...structuredClone(change.events)]);
    this.comments.set(id, [...(this.comments.get(id) ?? []), ...structuredClone(change.comments)]);
    for (const w of change.waits ?? []) this.waits.set(`${id}/${w.id}`, structuredClone(w));
  }
}

export class InMemorySettingsStore implements SettingsStore {
  private readonly byTenant = new Map<string, { settings: StoredSettings; revision: number; migration: WorkflowMigration | null }>();

  async get(tenantId: string): Promise<StoredSettings | null> {
    return (await this.read(tenantId)).settings;
  }

  async read(tenantId: string): Promise<{ settings: StoredSettings | null; revision: number; migration: WorkflowMigration | null }> {
    const s = this.byTenant.get(tenantId);
    return s ? structuredClone(s) : { settings: null, revision: 0, migration: null };
  }

  async put(tenantId: string, settings: StoredSettings, expectedRevision?: number, migration?: WorkflowMigration): Promise<void> {
    const stored = this.byTenant.get(tenantId);
    const revision = stored?.revision ?? 0;
    if (expectedRevision !== undefined && expectedRevision !== revision) throw new StaleWrite();
    this.byTenant.set(tenantId, { settings: structuredClone(settings), revision: revision + 1, migration: migration ?? stored?.migration ?? null });
  }

  async stepMigration(tenantId: string, migration: WorkflowMigration, expectedRound: number): Promise<boolean> {
    const stored = this.byTenant.get(tenantId);
    if (!stored?.migration || stored.migration.id !== migration.id || stored.migration.round !== expectedRound) return false;
    stored.migration = structuredClone(migration);
    return true;
  }
}

export class InMemoryUserDirectory implements UserDirectory {
  private readonly users = new Map<string, DirectoryUser>();

  async put(tenantId: string, user: DirectoryUser): Promise<void> {
    const holder = [...this.users.entries()].find(
      ([k, u]) => k.startsWith(`${tenantId}/`) && u.id !== user.id && u.email.toLowerCase() === user.email.toLowerCase(),
    );
    if (holder) throw conflict(`The e-mail address ${user.email} is already used by another user of this tenant.`);
    this.users.set(at(tenantId, user.id), structuredClone(user));
  }

  async findByEmail(tenantId: string, email: string): Promise<DirectoryUser | null> {
    const found = [...this.users.entries()].find(([k, u]) => k.startsWith(`${tenantId}/`) && u.email.toLowerCase() === email.toLowerCase());
    return found ? structuredClone(found[1]) : null;
  }

  async get(tenantId: string, userId: string): Promise<DirectoryUser | null> {
    const u = this.users.get(at(tenantId, userId));
    return u ? structuredClone(u) : null;
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<DirectoryUser>> {
    return pageOf(
      [...this.users.entries()].filter(([k]) => k.startsWith(`${tenantId}/`)).map(([, u]) => u),
      page,
    );
  }
}

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string): void {
    this.current = new Date(to);
  }
}

/** Ids `id-1`, `id-2`, … in call order, so a test can tell which id went where. */
export class SequentialIds implements IdGenerator {
  private n = 0;
  readonly issued: string[] = [];
  next(): string {
    const id = `id-${++this.n}`;
    this.issued.push(id);
    return id;
  }
}

export interface FakeDeps extends TicketDeps {
  readonly tickets: InMemoryTicketStore;
  readonly settings: InMemorySettingsStore;
  readonly users: InMemoryUserDirectory;
  readonly clock: ManualClock;
  readonly ids: SequentialIds;
}

export function fakeDeps(now = '2026-03-02T10:00:00.000Z'): FakeDeps {
  return {
    tickets: new InMemoryTicketStore(),
    settings: new InMemorySettingsStore(),
    users: new InMemoryUserDirectory(),
    clock: new ManualClock(new Date(now)),
    ids: new SequentialIds(),
  };
}

export function caller(role: Role, overrides: Partial<TenantCaller> = {}): TenantCaller {
  return { sub: `${role}-1`, tenantId: 'acme', role, org: null, email: `${role}@example.test`, locale: null, ...overrides };
}

/** The registry with DynamoDB's conditional semantics, in memory. */
export class InMemoryRegistry implements LifecycleRegistry {
  readonly records = new Map<string, LifecycleRecord>();
  private key = (t: string, id: string) => `${t}/${id}`;
  async get(t: string, id: string) {
    return this.records.get(this.key(t, id)) ?? null;
  }
  async create(t: string, id: string, executionArn: string) {
    if (this.records.has(this.key(t, id))) return false;
    this.records.set(this.key(t, id), firstLifecycleRecord(executionArn));
    return true;
  }
  private change(t: string, id: string, when: (r: LifecycleRecord) => boolean, patch: (r: LifecycleRecord) => Partial<LifecycleRecord>) {
    const r = this.records.get(this.key(t, id));
    if (!r || !when(r)) return Promise.resolve(false);
    this.records.set(this.key(t, id), { ...r, ...patch(r) });
    return Promise.resolve(true);
  }
  registerWait(t: string, id: string, arn: string, w: WaitRegistration) {
    return this.change(
      t,
      id,
      (r) => r.executionArn === arn,
      () => ({
        state: w.state,
        waitingCategory: w.category,
        taskToken: w.token,
        waitingSince: w.since,
        cycle: w.cycle ?? null,
        executionStartTime: w.executionStartTime ?? null,
      }),
    );
  }
  takeToken(t: string, id: string, token: string) {
    return this.change(
      t,
      id,
      (r) => r.taskToken === token,
      () => ({ taskToken: null }),
    );
  }
  markEnded(t: string, id: string, arn: string, state: string) {
    return this.change(
      t,
      id,
      (r) => r.executionArn === arn,
      () => ({ ended: true, state, taskToken: null, waitingCategory: null }),
    );
  }
  unmarkEnded(t: string, id: string, arn: string) {
    return this.change(
      t,
      id,
      (r) => r.executionArn === arn && r.ended,
      () => ({ ended: false }),
    );
  }
  handOver(t: string, id: string, from: string, to: string, generation: number) {
    return this.change(
      t,
      id,
      (r) => r.executionArn === from,
      (r) => ({ executionArn: to, generation, ended: false, taskToken: null, state: null, previousExecutions: [...r.previousExecutions, from] }),
    );
  }
}

/** Records what the engine was asked; tokens are live until used once. */
export class RecordingEngine implements WorkflowEngine {
  readonly stateMachineArn = 'arn:aws:states:eu-west-1:000000000000:stateMachine:ticketflow-ticket-lifecycle';
  readonly started: string[] = [];
  readonly sent: string[] = [];
  /** What each token was woken with. */
  readonly outputs = new Map<string, object>();
  readonly live = new Set<string>();
  /** What each execution was started with. */
  readonly inputs = new Map<string, object>();
  async start(name: string, input: object) {
    if (this.started.includes(name)) return false;
    this.started.push(name);
    this.inputs.set(name, input);
    return true;
  }
  async sendSuccess(token: string, output: object) {
    if (!this.live.delete(token)) return false;
    this.sent.push(token);
    this.outputs.set(token, output);
    return true;
  }
  async describe() {
    return { status: 'RUNNING' as ExecutionStatus, startDate: new Date(0).toISOString() };
  }
  async stop() {}
  consoleUrl(arn: string) {
    return arn;
  }
}

/** The TIMERS item beside each ticket, in memory. */
export class InMemoryTimerRegistry implements TimerRegistry {
  readonly timers = new Map<string, Readonly<Record<string, string>>>();
  async get(t: string, id: string) {
    return this.timers.get(`${t}/${id}`) ?? {};
  }
  async put(t: string, id: string, timers: Readonly<Record<string, string>>) {
    this.timers.set(`${t}/${id}`, timers);
  }
}

/** Records the schedules it was asked to create, move and delete. */
export class RecordingScheduler implements TimerScheduler {
  readonly schedules = new Map<string, { at: string; payload: TimerPayload }>();
  readonly calls: string[] = [];
  async upsert(name: string, at: Date, payload: TimerPayload) {
    this.calls.push(`upsert ${name}`);
    this.schedules.set(name, { at: at.toISOString(), payload });
  }
  async remove(name: string) {
    this.calls.push(`remove ${name}`);
    this.schedules.delete(name);
  }
}

/** The lifecycle and timer dependencies over the same fake ticket store, settings and clock. */
export function fakeFollowers(deps: FakeDeps) {
  const registry = new InMemoryRegistry();
  const engine = new RecordingEngine();
  const scheduler = new RecordingScheduler();
  const timerRegistry = new InMemoryTimerRegistry();
  const lifecycle = { tickets: deps.tickets, settings: deps.settings, registry, engine, clock: deps.clock };
  const timers = { tickets: deps.tickets, settings: deps.settings, scheduler, registry: timerRegistry, clock: deps.clock };
  return { registry, engine, scheduler, timerRegistry, lifecycle, timers };
}
