import { forbidden, workflowRefused } from '../domain/errors';
import type { TenantCaller } from '../domain/identity';
import type { Ticket } from '../domain/ticket';
import { actorOf } from '../domain/ticket';
import type { Decision } from './mutate-ticket';
import type { TenantContext } from './tenant-context';

const DAY_MS = 86_400_000;

/**
 * The effect of entering a status, whoever caused it (a staff transition, a
 * customer reply, confirm or reopen): category follows status, a closed ticket
 * gets its reopen deadline, leaving resolved/closed clears the resolution.
 */
export function enterStatus(
  ticket: Ticket,
  to: string,
  tenant: TenantContext,
  caller: TenantCaller,
  now: Date,
  extra: { resolution?: string | null; reason?: string } = {},
): Decision {
  const category = tenant.workflow.categoryOf(to);
  if (category === 'closed') guardUrgentClose(ticket, caller, now);
  const terminal = category === 'resolved' || category === 'closed';
  const reopenableUntil = reopenDeadline(to, category, tenant, now);
  const resolution = terminal ? (extra.resolution ?? ticket.resolution) : null;
  // Seed 001: a resolved urgent ticket is monitored for the tenant's monitoring period.
  const monitoring =
    ticket.escalation.urgent && category === 'resolved' && ticket.category !== 'resolved'
      ? { escalation: { ...ticket.escalation, monitoringUntil: new Date(now.getTime() + tenant.settings.monitoringDays * DAY_MS).toISOString() } }
      : {};
  return {
    patch: { status: to, category, reopenableUntil, resolution, ...monitoring },
    events: [
      {
        type: 'status-changed',
        actor: actorOf(caller),
        visibility: 'public',
        changes: {
          status: { from: ticket.status, to },
          category: { from: ticket.category, to: category },
          ...(resolution !== ticket.resolution ? { resolution: { from: ticket.resolution, to: resolution } } : {}),
        },
        ...(extra.reason ? { reason: extra.reason } : {}),
      },
    ],
  };
}

/**
 * Until when the customer may reopen a ticket entering `to`: a closed one for the
 * workflow's window; a resolved one the workflow closes on its own after the feedback
 * period (boltrics 045) until that close plus the window, unless something happens first.
 * Null where no reopen is possible, or where the workflow sets no limit.
 */
function reopenDeadline(to: string, category: string, tenant: TenantContext, now: Date): string | null {
  const { onCustomerReopen, feedbackTimeout } = tenant.workflow.definition.rules;
  if (onCustomerReopen.windowDays === null || !onCustomerReopen.from.includes(to)) return null;
  const window = onCustomerReopen.windowDays * DAY_MS;
  if (category === 'closed') return new Date(now.getTime() + window).toISOString();
  if (category === 'resolved' && feedbackTimeout?.from.includes(to))
    return new Date(now.getTime() + tenant.settings.feedbackDays * DAY_MS + window).toISOString();
  return null;
}

/**
 * Seed 001 / CONTRACT 5: an urgent ticket stays open through its monitoring
 * period (nobody closes it: 422), and after it only a manager may (403).
 */
function guardUrgentClose(ticket: Ticket, caller: TenantCaller, now: Date): void {
  if (!ticket.escalation.urgent) return;
  const until = ticket.escalation.monitoringUntil;
  if (!until) throw workflowRefused(`Urgent ticket ${ticket.key} is closed only after its resolution and monitoring period.`);
  if (now.getTime() < Date.parse(until)) throw workflowRefused(`Urgent ticket ${ticket.key} is monitored until ${until}; it cannot be closed before.`);
  if (caller.role !== 'manager') throw forbidden('After the monitoring period only the escalation manager closes an urgent ticket.');
}

/** Two decisions as one atomic change (e.g. a comment and the status move it triggers). */
export function combine(a: Decision, b: Decision): Decision {
  return {
    patch: { ...a.patch, ...b.patch },
    events: [...a.events, ...b.events],
    comments: [...(a.comments ?? []), ...(b.comments ?? [])],
    waits: [...(a.waits ?? []), ...(b.waits ?? [])],
  };
}
