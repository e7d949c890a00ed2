import { DateTime } from 'luxon';
import type { Ticket } from '../domain/ticket';
import { SLA_WARNING_RATIO, type SlaMetric, type SlaWakeUp } from '../sla/sla-clock';
import { evaluateTicketSla, updateCycleStart } from '../sla/ticket-sla';
import type { TenantContext } from '../tickets/tenant-context';

export const TIMER_KINDS = [
  'sla-response-warning',
  'sla-response-breach',
  'sla-resolution-warning',
  'sla-resolution-breach',
  'sla-update-warning',
  'sla-update-breach',
  'reminder',
  'auto-close',
  'feedback-close',
  'reopen-window-end',
  'monitoring-end',
] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

export type DesiredTimers = Partial<Record<TimerKind, Date>>;

/** Calendar days in the tenant's zone: "3 days later" keeps the local time across a DST change. */
export const plusDays = (from: string | Date, days: number, zone: string): Date => DateTime.fromJSDate(new Date(from), { zone }).plus({ days }).toJSDate();

/**
 * Every timer the ticket should have now, and when it is due. Pure: the same
 * function decides what to schedule and, when a schedule fires, whether its
 * condition still holds, so a late, early, duplicate or stale firing is harmless.
 */
export function desiredTimers(ticket: Ticket, tenant: TenantContext, now: Date): DesiredTimers {
  const out: DesiredTimers = {};
  const { settings } = tenant;
  const rules = tenant.workflow.definition.rules;
  const done = ticket.automation ?? { reminders: 0, slaWarned: {}, slaBreached: {} };

  const sla = evaluateTicketSla(ticket, settings, now);
  if (sla) {
    for (const metric of ['response', 'resolution'] as const) {
      const due = slaTimers(sla.evaluation[metric], sla.wakeUps[metric], !!done.slaWarned[metric], !!done.slaBreached[metric], now);
      if (due.breach) out[`sla-${metric}-breach`] = due.breach;
      if (due.warning) out[`sla-${metric}-warning`] = due.warning;
    }
    // Seed 001 status updates: one reminder and one breach per cycle (a public staff comment starts the next one).
    const cycle = updateCycleStart(ticket);
    if (cycle !== null) {
      const due = slaTimers(sla.evaluation.update, sla.wakeUps.update, done.updateWarned === cycle, done.updateBreached === cycle, now);
      if (due.breach) out['sla-update-breach'] = due.breach;
      if (due.warning) out['sla-update-warning'] = due.warning;
    }
  }

  // Urgent tickets are closed by the escalation manager only: no automation closes them.
  const mayAutoClose = !ticket.escalation.urgent;
  const untouched = rules.untouched;
  if (untouched && untouched.statuses.includes(ticket.status)) {
    const base = ticket.lastTouchedAt ?? ticket.updatedAt;
    const next = untouched.remindAfterDays[done.reminders];
    if (next !== undefined) out.reminder = plusDays(base, next, settings.timezone);
    if (mayAutoClose) out['auto-close'] = plusDays(base, untouched.closeAfterDays, settings.timezone);
  }
  if (mayAutoClose && rules.feedbackTimeout?.from.includes(ticket.status))
    out['feedback-close'] = plusDays(ticket.statusSince ?? ticket.updatedAt, settings.feedbackDays, settings.timezone);
  if (ticket.category === 'closed' && ticket.reopenableUntil && Date.parse(ticket.reopenableUntil) > Date.parse(ticket.statusSince ?? ticket.updatedAt))
    out['reopen-window-end'] = new Date(ticket.reopenableUntil);
  if (ticket.escalation.urgent && ticket.escalation.monitoringUntil && ticket.category === 'resolved' && !done.monitoringEnded)
    out['monitoring-end'] = new Date(ticket.escalation.monitoringUntil);
  return out;
}

/** A metric's warning and breach timers, unless already done; a reached instant that was never acted on is due at once. */
function slaTimers(m: SlaMetric, wake: SlaWakeUp, warned: boolean, breached: boolean, now: Date): { warning?: Date; breach?: Date } {
  const out: { warning?: Date; breach?: Date } = {};
  if (m.targetMinutes === null) return out;
  if (!breached) {
    // a breach that already happened but was never recorded is due at once
    const breach = m.breachedAt ?? wake.breachAt;
    if (breach) out.breach = breach;
  }
  if (!warned && !breached && m.breachedAt === null) {
    const passed = m.counting && m.elapsedMs >= m.targetMinutes * 60_000 * SLA_WARNING_RATIO;
    const warning = wake.warningAt ?? (passed ? now : null);
    if (warning) out.warning = warning;
  }
  return out;
}
