import type { TenantSettings } from '../domain/settings';
import type { SlaClock, Ticket } from '../domain/ticket';
import { BusinessCalendar } from './business-calendar';
import { evaluateSla, nextSlaInstants, toSlaClock, type SlaEvaluation, type SlaInput, type SlaWakeUps } from './sla-clock';

const calendars = new WeakMap<TenantSettings, BusinessCalendar>();

/** The tenant's business calendar (built once per settings object: it validates on construction). */
export function calendarOf(settings: TenantSettings): BusinessCalendar {
  let calendar = calendars.get(settings);
  if (!calendar) {
    calendar = new BusinessCalendar({
      timezone: settings.timezone,
      coverage: settings.coverage,
      businessHours: settings.businessHours,
      holidays: settings.holidays,
    });
    calendars.set(settings, calendar);
  }
  return calendar;
}

/**
 * Seed 001: the start of an urgent ticket's current status-update cycle, as an ISO instant
 * (it also names the cycle, so each cycle's reminder and breach happen once); null when the
 * ticket is not urgent or not submitted. The latest of: the submission, when it became
 * urgent (absent when urgent from its creation), its last public staff comment.
 */
export function updateCycleStart(ticket: Ticket): string | null {
  const submitted = ticket.categoryLog?.[0]?.at;
  if (ticket.priority !== 'urgent' || submitted === undefined) return null;
  const starts = [submitted, ticket.urgentSince, ticket.lastPublicStaffCommentAt].filter((t): t is string => typeof t === 'string').map(Date.parse);
  return new Date(Math.max(...starts)).toISOString();
}

/** Targets from the tenant's policy: response by priority, resolution by severity, update for urgent tickets. */
function slaInput(ticket: Ticket, settings: TenantSettings, now: Date): SlaInput | null {
  const log = ticket.categoryLog ?? [];
  if (log.length === 0) return null; // a draft: no clock has started
  const cycle = updateCycleStart(ticket);
  return {
    events: log.map((e) => ({ at: new Date(e.at), category: e.category })),
    now,
    targets: { response: settings.sla.response[ticket.priority], resolution: settings.sla.resolution[ticket.severity] },
    calendar: calendarOf(settings),
    update: cycle === null ? null : { since: new Date(cycle), target: settings.sla.update.urgent },
  };
}

export function evaluateTicketSla(ticket: Ticket, settings: TenantSettings, now: Date): { evaluation: SlaEvaluation; wakeUps: SlaWakeUps } | null {
  const input = slaInput(ticket, settings, now);
  if (!input) return null;
  const evaluation = evaluateSla(input);
  return { evaluation, wakeUps: nextSlaInstants(input, evaluation) };
}

/** The ticket as the API shows it: SLA figures as of now, exact to the minute on the tenant's calendar. */
export function withLiveSla(ticket: Ticket, settings: TenantSettings, now: Date): Ticket {
  const input = slaInput(ticket, settings, now);
  if (!input) {
    const idle = (targetMinutes: number | null): SlaClock => ({ targetMinutes, elapsedMinutes: 0, state: 'none', dueAt: null, breachedAt: null });
    return {
      ...ticket,
      sla: {
        response: idle(settings.sla.response[ticket.priority]),
        resolution: idle(settings.sla.resolution[ticket.severity]),
        update: idle(ticket.priority === 'urgent' ? settings.sla.update.urgent : null),
      },
    };
  }
  const evaluation = evaluateSla(input);
  return {
    ...ticket,
    sla: { response: toSlaClock(evaluation.response), resolution: toSlaClock(evaluation.resolution), update: toSlaClock(evaluation.update) },
  };
}
