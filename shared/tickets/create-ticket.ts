import { forbidden, invalid, workflowRefused } from '../domain/errors';
import { isStaff, type TenantCaller } from '../domain/identity';
import type { Priority, Severity } from '../domain/settings';
import { actorOf, NO_AUTOMATION, slaClock, type Channel, type Requester, type Ticket } from '../domain/ticket';
import type { TicketType } from '../domain/workflow';
import type { TicketDeps } from './deps';
import { withLiveSla } from '../sla/ticket-sla';
import { notificationsOnCreate, type NotificationDraft } from './notifications';
import { loadTenant } from './tenant-context';

export interface CreateTicketInput {
  readonly subject: string;
  readonly description: string;
  readonly type?: TicketType;
  readonly severity?: Severity;
  readonly priority?: Priority;
  readonly draft?: boolean;
  readonly channel?: Channel;
  /** Staff only: the directory user (id or e-mail) the ticket is opened for. */
  readonly requester?: string;
}

/** Inbound mail: the id fixed by the message's claim (a redelivery finds it), and a notice instead of the `created` one. */
export interface CreateTicketOptions {
  readonly id?: string;
  readonly notices?: (ticket: Ticket) => NotificationDraft[];
}

export async function createTicket(
  deps: TicketDeps,
  caller: TenantCaller,
  input: CreateTicketInput,
  links: Ticket['links'] = [],
  options: CreateTicketOptions = {},
): Promise<Ticket> {
  if (caller.role !== 'customer' && !isStaff(caller.role)) throw forbidden();
  const tenant = await loadTenant(deps.settings, caller.tenantId);
  const requester = await resolveRequester(deps, caller, input.requester);
  const { draftStatus } = tenant.workflow.definition.rules;
  if (input.draft && draftStatus === null) throw workflowRefused(`Workflow ${tenant.workflow.id} keeps no drafts; submit the ticket directly.`);
  const type = input.type ?? 'question';
  const status = input.draft ? draftStatus! : tenant.workflow.submitTarget(type);
  const number = await deps.tickets.nextTicketNumber(caller.tenantId);
  const now = deps.clock.now().toISOString();
  const severity = input.severity ?? 'medium';
  const priority = input.priority ?? 'normal';
  const ticket: Ticket = {
    id: options.id ?? deps.ids.next(),
    key: `${tenant.settings.keyPrefix}-${number}`,
    subject: input.subject,
    description: input.description,
    type,
    severity,
    priority,
    status,
    category: tenant.workflow.categoryOf(status),
    requester,
    assignee: null,
    team: null,
    channel: input.channel ?? 'api',
    createdAt: now,
    updatedAt: now,
    submittedAt: input.draft ? null : now,
    version: 1,
    sla: {
      response: slaClock(tenant.settings.sla.response[priority]),
      resolution: slaClock(tenant.settings.sla.resolution[severity]),
    },
    escalation: { level: 0, escalatedAt: null, urgent: false },
    resolution: null,
    reopenableUntil: null,
    links,
    statusSince: now,
    lastTouchedAt: now,
    categoryLog: input.draft ? [] : [{ at: now, category: tenant.workflow.categoryOf(status) }],
    automation: NO_AUTOMATION,
  };
  const actor = actorOf(caller);
  const notices = (options.notices ?? ((t: Ticket) => notificationsOnCreate(t, tenant)))(ticket).map((n) => ({
    ...n,
    id: deps.ids.next(),
    at: now,
    version: 1,
  }));
  await deps.tickets.create(caller.tenantId, {
    ticket,
    events: [
      { id: deps.ids.next(), type: 'created', at: now, actor, visibility: 'public', version: 1, changes: { status: { from: null, to: status } } },
      ...notices,
    ],
    comments: [],
  });
  return withLiveSla(ticket, tenant.settings, new Date(now));
}

async function resolveRequester(deps: TicketDeps, caller: TenantCaller, requested: string | undefined): Promise<Requester> {
  if (requested === undefined || (requested === caller.sub && caller.role === 'customer'))
    return { id: caller.sub, email: caller.email, org: caller.org, ...(caller.locale ? { locale: caller.locale } : {}) };
  if (!isStaff(caller.role)) throw forbidden('Only staff may open a ticket on behalf of someone else.');
  const user = await deps.users.get(caller.tenantId, requested);
  if (!user) throw invalid('Unknown requester.', [{ path: 'requester', message: 'no user with this id in the directory' }]);
  return { id: user.id, email: user.email, org: user.org, ...(user.locale ? { locale: user.locale } : {}) };
}
