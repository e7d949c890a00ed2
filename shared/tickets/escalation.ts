import { textsFor } from '../i18n/system-texts';
import { DomainError, forbidden, workflowRefused, type FieldError } from '../domain/errors';
import { isStaff, type TenantCaller } from '../domain/identity';
import { actorOf, type Ticket } from '../domain/ticket';
import type { TicketDeps } from './deps';
import { mutateTicket, type Decision, type MutationRequest } from './mutate-ticket';
import type { TenantContext } from './tenant-context';

/** Seed 001's questionnaire, asked of every urgent escalation. */
export interface UrgentQuestionnaire {
  readonly workaround?: boolean;
  readonly coreBusinessAffected?: boolean;
  readonly financialImpact?: string;
  readonly usersAffected?: number;
  readonly goLiveDate?: string | null;
  readonly contact?: { name?: string; phone?: string; email?: string; availability?: string };
}

export interface EscalateInput {
  readonly reason: string;
  readonly urgent?: UrgentQuestionnaire;
}

const REQUIRED: (keyof UrgentQuestionnaire)[] = ['workaround', 'coreBusinessAffected', 'financialImpact', 'usersAffected', 'goLiveDate', 'contact'];
const CONTACT: (keyof NonNullable<UrgentQuestionnaire['contact']>)[] = ['name', 'phone', 'email', 'availability'];

/** Every question must be answered (goLiveDate may be answered with null: no go-live). */
export function missingAnswers(q: UrgentQuestionnaire): FieldError[] {
  const missing: FieldError[] = REQUIRED.filter((k) => q[k] === undefined).map((k) => ({ path: `urgent.${k}`, message: 'required for an urgent escalation' }));
  if (q.contact)
    missing.push(...CONTACT.filter((k) => !q.contact![k]).map((k) => ({ path: `urgent.contact.${k}`, message: 'required for an urgent escalation' })));
  return missing;
}

/** The calendar date of `at` in the tenant's time zone, as YYYY-MM-DD. */
const localDate = (at: Date, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

/**
 * Seed 001: urgent when a productive system is down or core business is seriously
 * affected with no workaround, or a go-live is today or tomorrow.
 */
export function meetsUrgentCriteria(q: Required<UrgentQuestionnaire>, now: Date, timeZone: string): boolean {
  const today = localDate(now, timeZone);
  const tomorrow = localDate(new Date(now.getTime() + 86_400_000), timeZone);
  const goLiveImminent = q.goLiveDate !== null && (q.goLiveDate === today || q.goLiveDate === tomorrow);
  return goLiveImminent || (q.coreBusinessAffected === true && q.workaround === false);
}

const SYSTEM = { id: 'system', role: 'system', email: null };

export function escalateTicket(deps: TicketDeps, req: MutationRequest, input: EscalateInput) {
  if (input.urgent) {
    const missing = missingAnswers(input.urgent);
    if (missing.length) throw new DomainError('workflow-refused', 'An urgent escalation needs every question of the questionnaire answered.', missing);
  }
  return mutateTicket(deps, req, (ticket, tenant, now) => {
    if (!isStaff(req.caller.role) && ticket.requester.id !== req.caller.sub) throw forbidden('Only the requester or support staff may escalate a ticket.');
    if (ticket.category === 'closed' || ticket.category === 'cancelled' || ticket.category === 'draft')
      throw workflowRefused(`Ticket ${ticket.key} is ${ticket.category}; reopen or submit it before escalating.`);
    const escalated: Decision = {
      patch: { escalation: { ...ticket.escalation, level: ticket.escalation.level + 1, escalatedAt: now.toISOString() } },
      events: [{ type: 'escalated', actor: actorOf(req.caller), visibility: 'public', reason: input.reason }],
    };
    return input.urgent ? urgentProcedure(ticket, escalated, input.urgent as Required<UrgentQuestionnaire>, tenant, now, req.caller) : escalated;
  });
}

function urgentProcedure(
  ticket: Ticket,
  escalated: Decision,
  q: Required<UrgentQuestionnaire>,
  tenant: TenantContext,
  now: Date,
  caller: TenantCaller,
): Decision {
  const urgent = meetsUrgentCriteria(q, now, tenant.settings.timezone);
  const priority = urgent ? 'urgent' : ticket.priority === 'urgent' ? 'urgent' : 'high';
  const escalation = { ...escalated.patch.escalation!, urgent: urgent || ticket.escalation.urgent };
  const questionnaire = {
    type: 'fields-changed' as const,
    actor: actorOf(caller),
    // contact details are personal data: staff only
    visibility: 'internal' as const,
    reason: 'urgent-questionnaire',
    details: { ...q, criteriaMet: urgent },
    changes: priority !== ticket.priority ? { priority: { from: ticket.priority, to: priority } } : undefined,
  };
  const downgradeNotice = urgent
    ? []
    : [
        {
          body: textsFor(ticket, tenant.settings.locale).urgentDowngraded,
          visibility: 'public' as const,
          author: SYSTEM,
          channel: 'api' as const,
          attachments: [],
        },
      ];
  return {
    patch: {
      ...escalated.patch,
      priority,
      escalation,
      sla: { ...ticket.sla, response: { ...ticket.sla.response, targetMinutes: tenant.settings.sla.response[priority] } },
    },
    events: [...escalated.events, questionnaire, ...(urgent ? [] : [{ type: 'comment-added' as const, actor: SYSTEM, visibility: 'public' as const }])],
    comments: downgradeNotice,
  };
}
