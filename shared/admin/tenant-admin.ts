import { forbidden, invalid } from '../domain/errors';
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
export async function putSettings(store: SettingsStore, caller: TenantCaller, input: StoredSettings): Promise<TenantSettings> {
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
  await store.put(caller.tenantId, input);
  return effective;
}

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
