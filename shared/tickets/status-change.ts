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
  const terminal = category === 'resolved' || category === 'closed';
  // null while not closed, and for a closed ticket whose workflow sets no reopen limit.
  const windowDays = tenant.workflow.definition.rules.onCustomerReopen.windowDays;
  const reopenableUntil = category === 'closed' && windowDays !== null ? new Date(now.getTime() + windowDays * DAY_MS).toISOString() : null;
  const resolution = terminal ? (extra.resolution ?? ticket.resolution) : null;
  return {
    patch: { status: to, category, reopenableUntil, resolution },
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

/** Two decisions as one atomic change (e.g. a comment and the status move it triggers). */
export function combine(a: Decision, b: Decision): Decision {
  return {
    patch: { ...a.patch, ...b.patch },
    events: [...a.events, ...b.events],
    comments: [...(a.comments ?? []), ...(b.comments ?? [])],
  };
}
