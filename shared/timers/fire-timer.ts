import { systemCaller, type TenantCaller } from '../domain/identity';
import type { TimerPayload } from '../domain/ports';
import type { Ticket } from '../domain/ticket';
import { nudgeLifecycle, type LifecycleDeps } from '../lifecycle/ticket-lifecycle';
import type { TicketDeps } from '../tickets/deps';
import { mutateTicket, type Decision } from '../tickets/mutate-ticket';
import { combine, enterStatus } from '../tickets/status-change';
import type { TenantContext } from '../tickets/tenant-context';
import { updateCycleStart } from '../sla/ticket-sla';
import { desiredTimers, TIMER_KINDS, type TimerKind } from './desired-timers';
import { syncTimers, type TimerDeps } from './sync-timers';
import { textsFor } from '../i18n/system-texts';

/** The timer function changes tickets like a route, and also wakes executions and repairs its own schedules. */
export interface FireTimerDeps extends TicketDeps {
  readonly lifecycle: LifecycleDeps;
  readonly timers: TimerDeps;
}

export type FireOutcome = 'acted' | 'not-due' | 'gone';

class NotDue extends Error {}

const SYSTEM_AUTHOR = { id: 'system', role: 'system', email: null };
const systemActor = { id: 'system', role: 'system' };

const notice = (recipients: (string | null)[], reason: string): Decision['events'][number][] => {
  const to = [...new Set(recipients.filter((r): r is string => !!r))];
  return to.length ? [{ type: 'notification', actor: systemActor, visibility: 'internal', recipients: to, reason }] : [];
};

/**
 * A schedule fired. The ticket is read again and the timer acts only if it is
 * still due by the same rules that scheduled it: a late, early, duplicate or
 * stale firing does nothing. The check is repeated inside the conditional write,
 * so two firings racing each other act once.
 */
export async function fireTimer(deps: FireTimerDeps, payload: TimerPayload): Promise<FireOutcome> {
  if (!(TIMER_KINDS as readonly string[]).includes(payload.kind)) return 'gone';
  const kind = payload.kind as TimerKind;
  const caller = systemCaller(payload.tenantId);
  const ticket = await deps.tickets.get(payload.tenantId, payload.ticketId);
  if (!ticket) return 'gone';
  if (kind === 'reopen-window-end') return endReopenWindow(deps, caller, ticket);
  // The assignee's e-mail from the directory (null: not in it), looked up before deciding: a decision does no I/O.
  const emails = new Map<string, string | null>();
  const lookUp = async (userId: string) => emails.set(userId, (await deps.users.get(payload.tenantId, userId))?.email ?? null);
  if (ticket.assignee && (kind === 'sla-update-warning' || kind === 'sla-update-breach')) await lookUp(ticket.assignee);
  for (let attempt = 0; ; attempt++) {
    try {
      await mutateTicket(deps, { caller, idOrKey: ticket.id, expectedVersion: null, known: ticket }, (current, tenant, now) => {
        const due = desiredTimers(current, tenant, now)[kind];
        if (!due || due.getTime() > now.getTime()) throw new NotDue();
        return act(kind, current, tenant, caller, now, emails);
      });
      return 'acted';
    } catch (error) {
      // The ticket was assigned to someone else meanwhile: look them up, then decide again.
      if (error instanceof UnknownAssignee && attempt < 5) {
        await lookUp(error.userId);
        continue;
      }
      if (!(error instanceof NotDue)) throw error;
      // A stale schedule (the ticket moved on): bring the ticket's schedules in line again.
      await syncTimers(deps.timers, payload.tenantId, ticket);
      return 'not-due';
    }
  }
}

class UnknownAssignee extends Error {
  constructor(readonly userId: string) {
    super(`assignee ${userId} not looked up yet`);
  }
}

/** The assignee's e-mail, null when unassigned or not in the directory. */
function assigneeEmail(ticket: Ticket, emails: ReadonlyMap<string, string | null>): string | null {
  if (!ticket.assignee) return null;
  const email = emails.get(ticket.assignee);
  if (email === undefined) throw new UnknownAssignee(ticket.assignee);
  return email;
}

function act(kind: TimerKind, ticket: Ticket, tenant: TenantContext, caller: TenantCaller, now: Date, emails: ReadonlyMap<string, string | null>): Decision {
  const at = now.toISOString();
  const done = ticket.automation ?? { reminders: 0, slaWarned: {}, slaBreached: {} };
  const rules = tenant.workflow.definition.rules;
  const { contacts } = tenant.settings;
  const texts = textsFor(ticket, tenant.settings.locale);
  switch (kind) {
    case 'sla-response-warning':
    case 'sla-resolution-warning': {
      const metric = kind === 'sla-response-warning' ? 'response' : 'resolution';
      return {
        patch: { automation: { ...done, slaWarned: { ...done.slaWarned, [metric]: at } } },
        events: [{ type: 'sla-warning', actor: systemActor, visibility: 'internal', reason: metric }, ...notice([contacts.teamLead], `sla-warning:${metric}`)],
      };
    }
    case 'sla-response-breach':
    case 'sla-resolution-breach': {
      // Recorded once: raises the escalation level, tells the team lead, applies the preset's breach rule.
      const metric = kind === 'sla-response-breach' ? 'response' : 'resolution';
      const recorded: Decision = {
        patch: {
          automation: { ...done, slaBreached: { ...done.slaBreached, [metric]: at } },
          escalation: { ...ticket.escalation, level: ticket.escalation.level + 1, escalatedAt: at },
        },
        events: [{ type: 'sla-breached', actor: systemActor, visibility: 'internal', reason: metric }, ...notice([contacts.teamLead], `sla-breach:${metric}`)],
      };
      const target = metric === 'resolution' ? rules.onResolutionBreach : undefined;
      const open = !['resolved', 'closed', 'cancelled'].includes(ticket.category);
      return target && open && ticket.status !== target
        ? combine(recorded, enterStatus(ticket, target, tenant, caller, now, { reason: 'resolution-sla-breached' }))
        : recorded;
    }
    case 'sla-update-warning':
    case 'sla-update-breach': {
      // Seed 001: an urgent ticket owes a status update. Once per cycle (named by its start):
      // at 75 % the assignee is reminded (else the team lead); the breach tells both and is recorded.
      const cycle = updateCycleStart(ticket);
      if (cycle === null) throw new NotDue();
      const assignee = assigneeEmail(ticket, emails);
      if (kind === 'sla-update-warning') {
        return {
          patch: { automation: { ...done, updateWarned: cycle } },
          events: [
            { type: 'sla-warning', actor: systemActor, visibility: 'internal', reason: 'update' },
            ...notice([assignee ?? contacts.teamLead], 'sla-warning:update'),
          ],
        };
      }
      return {
        patch: { automation: { ...done, updateBreached: cycle } },
        events: [
          { type: 'sla-breached', actor: systemActor, visibility: 'internal', reason: 'update' },
          ...notice([assignee, contacts.teamLead], 'sla-breach:update'),
        ],
      };
    }
    case 'reminder': {
      const days = rules.untouched!.remindAfterDays[done.reminders]!;
      return {
        patch: { automation: { ...done, reminders: done.reminders + 1 } },
        events: [
          { type: 'reminder', actor: systemActor, visibility: 'public', reason: `untouched-${days}d` },
          { type: 'comment-added', actor: systemActor, visibility: 'public' },
        ],
        comments: [{ body: texts.reminder(days), visibility: 'public', author: SYSTEM_AUTHOR, channel: 'api', attachments: [] }],
      };
    }
    case 'auto-close': {
      const days = rules.untouched!.closeAfterDays;
      return combine(
        {
          patch: {},
          events: [{ type: 'comment-added', actor: systemActor, visibility: 'public' }],
          comments: [{ body: texts.autoClosed(days), visibility: 'public', author: SYSTEM_AUTHOR, channel: 'api', attachments: [] }],
        },
        enterStatus(ticket, rules.untouched!.to, tenant, caller, now, { reason: `untouched-${days}d` }),
      );
    }
    case 'feedback-close':
      return enterStatus(ticket, rules.feedbackTimeout!.to, tenant, caller, now, { reason: 'feedback-period-ended' });
    case 'monitoring-end':
      return {
        patch: { automation: { ...done, monitoringEnded: true } },
        events: [
          { type: 'automation', actor: systemActor, visibility: 'internal', reason: 'monitoring-ended' },
          ...notice([contacts.escalationManager], 'monitoring-ended'),
        ],
      };
    case 'reopen-window-end':
      throw new Error('handled without a ticket change');
  }
}

/** The reopen window ended: nothing changes on the ticket, but its execution may now end. */
async function endReopenWindow(deps: FireTimerDeps, caller: TenantCaller, ticket: Ticket): Promise<FireOutcome> {
  const due = ticket.category === 'closed' && ticket.reopenableUntil !== null && Date.parse(ticket.reopenableUntil) <= deps.clock.now().getTime();
  if (!due) return 'not-due';
  // Nothing on the ticket changes, so the stream has nothing to follow: wake the execution here.
  await nudgeLifecycle(deps.lifecycle, caller.tenantId, ticket);
  await syncTimers(deps.timers, caller.tenantId, ticket);
  return 'acted';
}
