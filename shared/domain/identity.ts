export const ROLES = ['customer', 'agent', 'lead', 'manager', 'admin', 'finance'] as const;
export type Role = (typeof ROLES)[number];

export const STAFF_ROLES = ['agent', 'lead', 'manager', 'admin'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

export const LOCALES = ['en', 'nl', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

/** Who is calling, taken from the verified token only. */
export interface Caller {
  readonly sub: string;
  /** Absent only for the platform's `finance` role. */
  readonly tenantId: string | null;
  readonly role: Role;
  readonly org: string | null;
  readonly email: string | null;
  readonly locale: Locale | null;
}

/** A caller that belongs to a tenant: every ticket use case needs one. */
export interface TenantCaller extends Caller {
  readonly tenantId: string;
}

export const isStaff = (role: Role): role is StaffRole => (STAFF_ROLES as readonly Role[]).includes(role);

/** Automations (the lifecycle, timers) act as this caller; history shows them as role `system`. */
export const SYSTEM_SUB = 'system';

export const systemCaller = (tenantId: string): TenantCaller => ({
  sub: SYSTEM_SUB,
  tenantId,
  role: 'admin',
  org: null,
  email: null,
  locale: null,
});
