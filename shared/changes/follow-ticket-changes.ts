/**
 * Everything a committed ticket change causes, done after the fact by the table's
 * stream (DynamoDB Streams → this use case), never on the request path:
 *  - the ticket's lifecycle execution is started, woken or handed over;
 *  - its schedules (SLA, reminders, auto-close, windows) are brought in line.
 *  - a workflow migration takes its next step when the tenant's settings change.
 * (Notifications and usage counters hang here next.)
 *
 * Every effect compares the stored state with the ticket as it is *now*, not with the
 * change record, so it is idempotent: a redelivered batch, a replayed record or a stale
 * one (older than the ticket) does nothing the latest change would not. At least once
 * delivery plus idempotent effects is exactly once in effect.
 */
import { bringLifecycleInLine, type LifecycleDeps } from '../lifecycle/ticket-lifecycle';
import { loadTenant } from '../tickets/tenant-context';
import { syncTimers, type TimerDeps } from '../timers/sync-timers';
import { inTenant } from '../usage/invocation-meter';
import type { TicketFactCounter } from '../usage/ticket-facts';
import { continueMigration, type MigrationDeps } from './migrate-tickets';
import type { SettingsChangeRecord, TicketChangeRecord } from './ticket-change-record';

export interface ChangeFollowerDeps {
  readonly lifecycle: LifecycleDeps;
  readonly timers: TimerDeps;
  /** Usage counters of the ticket's committed facts (CONTRACT 8), where metering is on. */
  readonly usage?: TicketFactCounter;
}

export interface FollowFailure {
  /** The ticket's first record in the batch (its stream sequence number). */
  readonly recordId: string;
  readonly ticket: { readonly tenantId: string; readonly ticketId: string };
  readonly error: Error;
}

export interface FollowResult {
  /** One per ticket whose effects failed. */
  readonly failures: readonly FollowFailure[];
  /** Tickets whose effects were brought in line. */
  readonly tickets: number;
}

/**
 * Follows a batch of change records. Records of one ticket are folded into one pass
 * over its current state (a burst of changes costs one set of effects); tickets are
 * independent and go in parallel. A ticket whose effects fail reports its first record
 * of the batch, so a redelivery from there repeats nothing that matters.
 */
export async function followTicketChanges(deps: ChangeFollowerDeps, records: readonly TicketChangeRecord[]): Promise<FollowResult> {
  const byTicket = new Map<string, { tenantId: string; ticketId: string; first: string }>();
  for (const r of records) {
    const id = `${r.tenantId}/${r.ticketId}`;
    if (!byTicket.has(id)) byTicket.set(id, { tenantId: r.tenantId, ticketId: r.ticketId, first: r.recordId });
  }
  const outcomes: (FollowFailure | null)[] = await Promise.all(
    [...byTicket.values()].map(async (t) => {
      try {
        // What the effects consume (capacity units) is metered as the ticket's tenant's.
        await inTenant(t.tenantId, () => followTicket(deps, t.tenantId, t.ticketId));
        return null;
      } catch (error) {
        return { recordId: t.first, ticket: { tenantId: t.tenantId, ticketId: t.ticketId }, error: error as Error };
      }
    }),
  );
  return { failures: outcomes.filter((o): o is FollowFailure => o !== null), tickets: byTicket.size };
}

/** One ticket: read it as it is now and bring its execution and schedules in line. */
export async function followTicket(deps: ChangeFollowerDeps, tenantId: string, ticketId: string): Promise<void> {
  const [ticket, tenant] = await Promise.all([deps.lifecycle.tickets.get(tenantId, ticketId), loadTenant(deps.lifecycle.settings, tenantId)]);
  if (!ticket) return; // deleted since: nothing left to follow
  await Promise.all([
    bringLifecycleInLine(deps.lifecycle, tenantId, ticket, tenant.workflow),
    syncTimers(deps.timers, tenantId, ticket, tenant),
    deps.usage?.countTicketFacts(tenantId, ticketId, ticket.version),
  ]);
}

/**
 * Settings changes of a batch: each tenant's migration (if one runs) takes one step. A
 * tenant whose step fails reports its first record, so the redelivery takes it again.
 */
export async function followSettingsChanges(
  deps: MigrationDeps,
  records: readonly SettingsChangeRecord[],
): Promise<{ failures: { recordId: string; tenantId: string; error: Error }[] }> {
  const firstByTenant = new Map<string, string>();
  for (const r of records) if (!firstByTenant.has(r.tenantId)) firstByTenant.set(r.tenantId, r.recordId);
  const failures = await Promise.all(
    [...firstByTenant].map(async ([tenantId, recordId]) => {
      try {
        await inTenant(tenantId, () => continueMigration(deps, tenantId));
        return null;
      } catch (error) {
        return { recordId, tenantId, error: error as Error };
      }
    }),
  );
  return { failures: failures.filter((f) => f !== null) };
}
