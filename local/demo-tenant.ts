import type { TenantCaller } from '../shared/domain/identity';
import type { DirectoryUser } from '../shared/domain/ports';
import type { TicketDeps } from '../shared/tickets/deps';
import type { MailboxRegistry } from '../shared/mail/inbound/receive-ports';
import { putSettings, putUser } from '../shared/admin/tenant-admin';

export const DEMO_TENANT = 'demo';

/** CONTRACT section 9: the users every newcomer gets a ready curl line for. */
export const DEMO_USERS: readonly Pick<DirectoryUser, 'id' | 'email' | 'name' | 'role' | 'org'>[] = [
  { id: 'alice', email: 'alice@acme.example', name: 'Alice (Acme)', role: 'customer', org: 'acme' },
  { id: 'bob', email: 'bob@acme.example', name: 'Bob (Acme)', role: 'customer', org: 'acme' },
  { id: 'carol', email: 'carol@globex.example', name: 'Carol (Globex)', role: 'customer', org: 'globex' },
  { id: 'agent', email: 'agent@demo.example', name: 'Agent', role: 'agent', org: null },
  { id: 'lead', email: 'lead@demo.example', name: 'Team Lead', role: 'lead', org: null },
  { id: 'manager', email: 'manager@demo.example', name: 'Escalation Manager', role: 'manager', org: null },
  { id: 'admin', email: 'admin@demo.example', name: 'Admin', role: 'admin', org: null },
];

/** The platform finance user has no tenant and lives outside any directory. */
export const DEMO_FINANCE = { sub: 'finance', email: 'finance@ticketflow.example', role: 'finance' as const };

/** Creates the demo tenant once; a later start leaves whatever the user changed alone. */
/** With the mailbox registry: the demo's support address receives mail (its replies thread onto tickets). */
export async function ensureDemoTenant(deps: TicketDeps & { readonly mailboxes: MailboxRegistry }): Promise<boolean> {
  if (await deps.settings.get(DEMO_TENANT)) return false;
  const admin: TenantCaller = { sub: 'admin', tenantId: DEMO_TENANT, role: 'admin', org: null, email: 'admin@demo.example', locale: 'en' };
  for (const user of DEMO_USERS) await putUser(deps.users, deps.clock, admin, user.id, user);
  await putSettings(deps, admin, {
    name: 'Demo Support',
    workflow: 'boltrics',
    keyPrefix: 'DEMO',
    timezone: 'Europe/Amsterdam',
    locale: 'en',
    coverage: 'business-hours',
    businessHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['08:30', '17:30']]])),
    holidays: ['2026-12-25', '2026-12-26'],
    supportAddress: 'support@demo.example',
    contacts: { teamLead: 'lead@demo.example', offeringManager: 'manager@demo.example', escalationManager: 'manager@demo.example' },
    orgVisibility: true,
  });
  return true;
}
