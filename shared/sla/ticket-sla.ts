import type { TenantSettings } from '../domain/settings';
import type { Ticket } from '../domain/ticket';
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

/** Targets from the tenant's policy: response by priority, resolution by severity. */
function slaInput(ticket: Ticket, settings: TenantSettings, now: Date): SlaInput | null {
  const log = ticket.categoryLog ?? [];
  if (log.length === 0) return null; // a draft: no clock has started
  return {
    events: log.map((e) => ({ at: new Date(e.at), category: e.category })),
    now,
    targets: { response: settings.sla.response[ticket.priority], resolution: settings.sla.resolution[ticket.severity] },
    calendar: calendarOf(settings),
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
    return {
      ...ticket,
      sla: {
        response: { targetMinutes: settings.sla.response[ticket.priority], elapsedMinutes: 0, state: 'none', dueAt: null, breachedAt: null },
        resolution: { targetMinutes: settings.sla.resolution[ticket.severity], elapsedMinutes: 0, state: 'none', dueAt: null, breachedAt: null },
      },
    };
  }
  const evaluation = evaluateSla(input);
  return { ...ticket, sla: { response: toSlaClock(evaluation.response), resolution: toSlaClock(evaluation.resolution) } };
}
