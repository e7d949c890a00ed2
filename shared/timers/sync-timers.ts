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

/** Schedule names: at most 64 characters, one per ticket and kind, so a retry can only move it. */
export function scheduleName(tenantId: string, ticketId: string, kind: TimerKind): string {
  return `tf-${createHash('sha256').update(`${tenantId}/${ticketId}`).digest('hex').slice(0, 32)}-${kind}`;
}

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
    const name = scheduleName(tenantId, ticket.id, kind);
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
