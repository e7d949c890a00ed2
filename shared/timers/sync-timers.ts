import { createHash } from 'node:crypto';
import type { Clock, SettingsStore, TicketStore, TimerRegistry, TimerScheduler } from '../domain/ports';
import type { Ticket } from '../domain/ticket';
import { loadTenant, type TenantContext } from '../tickets/tenant-context';
import { desiredTimers, TIMER_KINDS, type TimerKind } from './desired-timers';

export interface TimerDeps {
  readonly tickets: TicketStore;
  readonly settings: SettingsStore;
  readonly scheduler: TimerScheduler;
  readonly registry: TimerRegistry;
  readonly clock: Clock;
}

/** EventBridge Scheduler names: 1–64 characters of [0-9A-Za-z-_.]. */
const MAX_SCHEDULE_NAME = 64;

/**
 * One name per ticket and kind, so a retry can only move a schedule, never add one. It
 * starts with the ticket's key (`DEMO-2.reminder.…`), so support staff find a ticket's
 * schedules at a glance in the console and the CLI (`--name-prefix DEMO-2.`); a digest of
 * tenant and ticket id keeps it unique across tenants that share a key prefix.
 */
export function scheduleName(tenantId: string, ticket: { readonly id: string; readonly key: string }, kind: TimerKind): string {
  const digest = createHash('sha256').update(`${tenantId}/${ticket.id}`).digest('hex').slice(0, NAME_DIGEST);
  const key = ticket.key.replace(/[^0-9A-Za-z_-]/g, '-').slice(0, MAX_SCHEDULE_NAME - NAME_DIGEST - kind.length - 2);
  return `${key}.${kind}.${digest}`;
}

/** 64 bits of digest: unique enough across every tenant's tickets of one key. */
const NAME_DIGEST = 16;

export interface SyncResult {
  readonly created: number;
  readonly moved: number;
  readonly deleted: number;
}

/**
 * Brings the ticket's schedules in line with what it needs now: creates, moves
 * and deletes only what changed. Called after every committed change (and after
 * every firing), it converges; a schedule it misses or leaves behind is harmless,
 * because the timer re-checks its condition when it fires.
 */
export async function syncTimers(deps: TimerDeps, tenantId: string, ticket: Ticket, tenant?: TenantContext): Promise<SyncResult> {
  const context = tenant ?? (await loadTenant(deps.settings, tenantId));
  const desired = desiredTimers(ticket, context, deps.clock.now());
  const current = await deps.registry.get(tenantId, ticket.id);
  const next: Record<string, string> = {};
  const calls: Promise<'created' | 'moved' | 'deleted'>[] = [];
  for (const kind of TIMER_KINDS) {
    const at = desired[kind];
    const name = scheduleName(tenantId, ticket, kind);
    if (at) {
      const iso = at.toISOString();
      next[kind] = iso;
      if (current[kind] !== iso) {
        const verb = current[kind] ? ('moved' as const) : ('created' as const);
        calls.push(deps.scheduler.upsert(name, at, { tenantId, ticketId: ticket.id, kind, dueAt: iso }).then(() => verb));
      }
    } else if (current[kind]) {
      calls.push(deps.scheduler.remove(name).then(() => 'deleted' as const));
    }
  }
  // independent schedules: one round trip's latency instead of one per schedule
  const done = await Promise.all(calls);
  const created = done.filter((d) => d === 'created').length;
  const moved = done.filter((d) => d === 'moved').length;
  const deleted = done.filter((d) => d === 'deleted').length;
  if (created + moved + deleted > 0) await deps.registry.put(tenantId, ticket.id, next);
  return { created, moved, deleted };
}
