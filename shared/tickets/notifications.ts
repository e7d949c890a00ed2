import type { TenantCaller } from '../domain/identity';
import { isStaff } from '../domain/identity';
import type { Comment, HistoryEvent, Ticket } from '../domain/ticket';
import type { Category } from '../domain/workflow';
import type { TenantContext } from './tenant-context';

export type NotificationDraft = Omit<HistoryEvent, 'id' | 'at' | 'version'>;

/** Seed 004: the requester hears when the ticket enters these categories. */
const REQUESTER_CATEGORIES: readonly Category[] = ['active', 'waiting_customer', 'waiting_third_party', 'scheduled', 'closed'];

const SYSTEM_ACTOR = { id: 'system', role: 'system' };

const notice = (recipients: (string | null | undefined)[], reason: string, audience: 'requester' | 'staff'): NotificationDraft[] => {
  const to = [...new Set(recipients.filter((r): r is string => !!r))];
  return to.length === 0
    ? []
    : [{ type: 'notification', actor: SYSTEM_ACTOR, visibility: audience === 'requester' ? 'public' : 'internal', recipients: to, reason }];
};

/** Notifications on creation: to the requester, except portal tickets unless the workflow confirms every submission. */
export function notificationsOnCreate(ticket: Ticket, tenant: TenantContext): NotificationDraft[] {
  const always = tenant.workflow.definition.rules.notifications?.onCreate === 'always';
  if (ticket.category === 'draft' || (ticket.channel === 'portal' && !always)) return [];
  return notice([ticket.requester.email], 'created', 'requester');
}

/**
 * The notifications one change causes (CONTRACT section 7 / seed 004), recorded
 * as history events in the same transaction as the change: an outbox that the
 * mailer sends from, so a notice is never lost nor sent for a change that failed.
 */
export function notificationsOnChange(
  before: Ticket,
  after: Ticket,
  caller: TenantCaller,
  tenant: TenantContext,
  events: readonly Pick<HistoryEvent, 'type'>[],
  comments: readonly Pick<Comment, 'visibility' | 'author'>[],
): NotificationDraft[] {
  const out: NotificationDraft[] = [];
  if (before.category === 'draft' && after.category !== 'draft') out.push(...notificationsOnCreate(after, tenant));
  else if (after.category !== before.category && REQUESTER_CATEGORIES.includes(after.category))
    out.push(...notice([after.requester.email], `status:${after.status}`, 'requester'));
  // Public comments by staff, and by automations (reminders, notices), reach the requester.
  const fromSupport = (role: string) => role === 'system' || isStaff(role as never);
  // One notification per action: a status change that carries a comment tells the requester once.
  const toldOfStatus = out.some((n) => n.reason?.startsWith('status:'));
  if (!toldOfStatus && comments.some((c) => c.visibility === 'public' && fromSupport(c.author.role)) && caller.sub !== after.requester.id)
    out.push(...notice([after.requester.email], 'comment', 'requester'));
  if (events.some((e) => e.type === 'reopened')) out.push(...notice([tenant.settings.supportAddress, tenant.settings.contacts.teamLead], 'reopened', 'staff'));
  if (events.some((e) => e.type === 'escalated'))
    out.push(...notice([tenant.settings.contacts.teamLead, tenant.settings.contacts.offeringManager], 'escalated', 'staff'));
  return out;
}
