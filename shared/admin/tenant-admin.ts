import { forbidden, invalid, StaleWrite } from '../domain/errors';
import { isStaff, type TenantCaller } from '../domain/identity';
import type { DirectoryUser, Page, PageRequest, SettingsStore, UserDirectory, Clock } from '../domain/ports';
import type { StoredSettings, TenantSettings } from '../domain/settings';
import { validateWorkflowDefinition } from '../domain/workflow';
import { calendarProblems } from '../sla/business-calendar';
import { slaReachProblems } from '../sla/sla-limits';
import { loadTenant, resolveWorkflow, tenantSettings } from '../tickets/tenant-context';

const requireAdmin = (caller: TenantCaller) => {
  if (caller.role !== 'admin') throw forbidden('Only a tenant administrator may do this.');
};

export async function getSettings(store: SettingsStore, caller: TenantCaller): Promise<TenantSettings> {
  requireAdmin(caller);
  return tenantSettings(caller.tenantId, await store.get(caller.tenantId));
}

/** Replaces the stored settings; omitted fields fall back to the defaults. Returns the effective settings. */
export async function putSettings(store: SettingsStore, caller: TenantCaller, input: StoredSettings, expectedRevision?: number): Promise<TenantSettings> {
  requireAdmin(caller);
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
  const effective = tenantSettings(caller.tenantId, input);
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
  await store.put(caller.tenantId, input, expectedRevision);
  return effective;
}

/**
 * `PATCH /v1/settings`: a JSON merge patch (RFC 7396) of what the tenant stored: it
 * changes only what it names (`null` removes a field, which then takes its default),
 * and the result is checked exactly like a PUT. Two concurrent patches never lose
 * either: the write is conditional on the revision read, and a lost race is merged again.
 */
export async function patchSettings(
  store: SettingsStore,
  caller: TenantCaller,
  patch: Readonly<Record<string, unknown>>,
  validate: (merged: unknown) => StoredSettings,
): Promise<TenantSettings> {
  requireAdmin(caller);
  for (let attempt = 0; ; attempt++) {
    const { settings, revision } = await store.read(caller.tenantId);
    const merged = validate(mergePatch(settings ?? {}, patch));
    try {
      return await putSettings(store, caller, merged, revision);
    } catch (error) {
      if (!(error instanceof StaleWrite) || attempt >= 20) throw error;
    }
  }
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
