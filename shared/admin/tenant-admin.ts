import { conflict, forbidden, invalid, StaleWrite, workflowRefused } from '../domain/errors';
import { planMigration, type WorkflowMigration } from '../domain/migration';
import { isStaff, type TenantCaller } from '../domain/identity';
import type { DirectoryUser, Page, PageRequest, SettingsStore, UserDirectory, Clock } from '../domain/ports';
import type { StoredSettings, TenantSettings } from '../domain/settings';
import { validateWorkflowDefinition, type Workflow } from '../domain/workflow';
import type { TicketDeps } from '../tickets/deps';
import { calendarProblems } from '../sla/business-calendar';
import { slaReachProblems } from '../sla/sla-limits';
import { loadTenant, resolveWorkflow, tenantSettings } from '../tickets/tenant-context';
import type { MailboxRegistry } from '../mail/inbound/receive-ports';

const requireAdmin = (caller: TenantCaller) => {
  if (caller.role !== 'admin') throw forbidden('Only a tenant administrator may do this.');
};

export type SettingsDeps = Pick<TicketDeps, 'settings' | 'tickets' | 'clock' | 'ids'> & {
  /** Inbound mail routing (CONTRACT 7): the tenant's `supportAddress` is claimed for it, one tenant per address. */
  readonly mailboxes?: MailboxRegistry;
};

/** The effective settings, and the last workflow migration while there is one to show. */
export type SettingsAnswer = TenantSettings & { migration?: WorkflowMigration };

export async function getSettings(store: SettingsStore, caller: TenantCaller): Promise<SettingsAnswer> {
  requireAdmin(caller);
  const { settings, migration } = await store.read(caller.tenantId);
  return withMigration(tenantSettings(caller.tenantId, settings), migration);
}

/** The migration as the admin sees it: its step counter is bookkeeping. */
const withMigration = (settings: TenantSettings, migration: WorkflowMigration | null): SettingsAnswer => {
  if (!migration) return settings;
  const { round: _steps, ...shown } = migration;
  return { ...settings, migration: shown as WorkflowMigration };
};

export interface SettingsWrite {
  readonly settings: SettingsAnswer;
  /** True when a workflow migration started: the answer is 202, the tickets move in the background. */
  readonly migrating: boolean;
}

/**
 * `PUT /v1/settings`: replaces the stored settings; omitted fields fall back to the
 * defaults. Returns the effective settings. A workflow switch that leaves tickets in
 * statuses the new workflow lacks needs `statusMap` for the open ones and starts a
 * migration in the same write.
 */
export async function putSettings(
  deps: SettingsDeps,
  caller: TenantCaller,
  input: StoredSettings,
  options: { statusMap?: Readonly<Record<string, string>> } = {},
): Promise<SettingsWrite> {
  return writeSettings(deps, caller, () => input, options.statusMap ?? {});
}

/**
 * Every settings write: read, build the new document from what is stored, check it, plan
 * a workflow migration against what is stored, and write conditionally on the revision
 * read. A lost race (another admin's write in between) is read, built and planned again,
 * so concurrent writers never lose one another's change and never fail with a conflict.
 */
async function writeSettings(
  deps: SettingsDeps,
  caller: TenantCaller,
  build: (stored: StoredSettings | null) => StoredSettings,
  statusMap: Readonly<Record<string, string>>,
): Promise<SettingsWrite> {
  requireAdmin(caller);
  for (let attempt = 0; ; attempt++) {
    const current = await deps.settings.read(caller.tenantId);
    const input = build(current.settings);
    const effective = checkedSettings(caller.tenantId, input);
    const before = resolveWorkflow(tenantSettings(caller.tenantId, current.settings).workflow);
    const after = resolveWorkflow(effective.workflow);
    const migration = sameStatuses(before, after) ? null : await planSwitch(deps, caller.tenantId, before, after, statusMap, current.migration);
    const address = { before: current.settings?.supportAddress?.toLowerCase() ?? null, after: effective.supportAddress?.toLowerCase() ?? null };
    // Claimed on every write (idempotent for its holder), so settings stored before routing existed get routed too.
    if (deps.mailboxes && address.after && !(await deps.mailboxes.claim(address.after, caller.tenantId)))
      throw conflict(`The support address ${address.after} is already in use by another tenant.`);
    try {
      await deps.settings.put(caller.tenantId, input, current.revision, migration ?? undefined);
    } catch (error) {
      if (!(error instanceof StaleWrite) || attempt >= 20) throw error;
      continue;
    }
    if (deps.mailboxes && address.before && address.before !== address.after) await deps.mailboxes.release(address.before, caller.tenantId);
    return { settings: withMigration(effective, migration ?? current.migration), migrating: migration !== null };
  }
}

/** The checks every stored settings document passes, whether it came by PUT or by PATCH. */
function checkedSettings(tenantId: string, input: StoredSettings): TenantSettings {
  if (input.workflow !== undefined) {
    if (typeof input.workflow === 'string') resolveWorkflow(input.workflow);
    else {
      const problems = validateWorkflowDefinition(input.workflow);
      if (problems.length > 0)
        throw invalid(
          'The workflow definition is invalid.',
          problems.map((p) => ({ ...p, path: `workflow.${p.path}` })),
        );
    }
  }
  const effective = tenantSettings(tenantId, input);
  // A calendar with no working time, overlapping ranges or an unknown zone could never give an SLA figure.
  const calendar = calendarProblems({
    timezone: effective.timezone,
    coverage: effective.coverage,
    businessHours: effective.businessHours,
    holidays: effective.holidays,
  });
  if (calendar.length > 0) throw invalid('The business calendar is invalid.', calendar);
  // A target the calendar would reach only after years could not be scheduled or computed in time.
  const reach = slaReachProblems(effective);
  if (reach.length > 0) throw invalid('An SLA target is out of reach of the business calendar.', reach);
  return effective;
}

const sameStatuses = (a: Workflow, b: Workflow) =>
  a.definition.statuses.length === b.definition.statuses.length && a.definition.statuses.every((s) => b.has(s.id) && b.categoryOf(s.id) === s.category);

/**
 * CONTRACT section 3: switching workflows never strands a ticket. Counts the tickets in
 * each status the new workflow lacks; open ones must be mapped (422 listing each status
 * with its count); the answer is a migration to run, or null when nothing has to move.
 */
async function planSwitch(
  deps: SettingsDeps,
  tenantId: string,
  before: Workflow,
  after: Workflow,
  statusMap: Readonly<Record<string, string>>,
  running: WorkflowMigration | null,
): Promise<WorkflowMigration | null> {
  if (running?.state === 'running')
    throw conflict(`A workflow migration is still moving tickets (${running.moved} of ${running.total}); change the workflow again once it is done.`);
  const lacking = before.definition.statuses.filter((s) => !after.has(s.id));
  const occupied = await Promise.all(
    lacking.map(async (s) => ({ status: s.id, category: s.category, tickets: await deps.tickets.countInStatus(tenantId, s.id) })),
  );
  const plan = planMigration(occupied, after, statusMap);
  if (plan.problems.length > 0) throw workflowRefused('Tickets are in statuses the new workflow lacks: give a statusMap for each of them.', plan.problems);
  if (plan.total === 0) return null;
  return {
    id: deps.ids.next(),
    state: 'running',
    total: plan.total,
    moved: 0,
    statusMap: plan.statusMap,
    startedAt: deps.clock.now().toISOString(),
    finishedAt: null,
    round: 0,
  };
}

/**
 * `PATCH /v1/settings`: a JSON merge patch (RFC 7396) of what the tenant stored: it
 * changes only what it names (`null` removes a field, which then takes its default),
 * and the result is checked exactly like a PUT. Two concurrent patches never lose
 * either: the write is conditional on the revision read, and a lost race is merged again.
 */
export async function patchSettings(
  deps: SettingsDeps,
  caller: TenantCaller,
  patch: Readonly<Record<string, unknown>>,
  validate: (merged: unknown) => StoredSettings,
  statusMap?: Readonly<Record<string, string>>,
): Promise<SettingsWrite> {
  return writeSettings(deps, caller, (stored) => validate(mergePatch(stored ?? {}, patch)), statusMap ?? {});
}

/** RFC 7396: objects merge key by key, `null` deletes, anything else (arrays too) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function getWorkflow(store: SettingsStore, caller: TenantCaller) {
  if (!isStaff(caller.role) && caller.role !== 'customer') throw forbidden();
  return (await loadTenant(store, caller.tenantId)).workflow.definition;
}

export async function putUser(
  users: UserDirectory,
  clock: Clock,
  caller: TenantCaller,
  id: string,
  input: Omit<DirectoryUser, 'id' | 'updatedAt' | 'org' | 'locale'> & { org?: string | null; locale?: DirectoryUser['locale'] },
): Promise<DirectoryUser> {
  requireAdmin(caller);
  const user: DirectoryUser = {
    id,
    email: input.email.toLowerCase(),
    name: input.name,
    role: input.role,
    org: input.org ?? null,
    locale: input.locale ?? null,
    updatedAt: clock.now().toISOString(),
  };
  await users.put(caller.tenantId, user);
  return user;
}

export async function listUsers(users: UserDirectory, caller: TenantCaller, page: PageRequest): Promise<Page<DirectoryUser>> {
  if (!isStaff(caller.role)) throw forbidden('Only support staff may read the user directory.');
  return users.list(caller.tenantId, page);
}
