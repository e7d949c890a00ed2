/**
 * The background half of a workflow switch (CONTRACT section 3). The settings write that
 * accepted the switch carries the migration; its stream record wakes this step, which
 * moves a handful of tickets, each as a normal change by the system (history, execution
 * woken and schedules re-synced by their own stream records, SLA time kept by the
 * category log), and records its progress. That progress write is itself a change of the
 * settings item, so it wakes the next step: a migration of any size runs in short steps,
 * none of which can outlive a Lambda, and a crash resumes from the stream.
 *
 * Idempotent: a ticket already moved is no longer in its old status and is skipped; a
 * step is recorded only if nobody recorded it first (the round number).
 */
import { systemCaller } from '../domain/identity';
import { actorOf, type Ticket } from '../domain/ticket';
import type { WorkflowMigration } from '../domain/migration';
import type { TicketDeps } from '../tickets/deps';
import { mutateTicket, type Decision } from '../tickets/mutate-ticket';
import { loadTenant, type TenantContext } from '../tickets/tenant-context';

export type MigrationDeps = Pick<TicketDeps, 'tickets' | 'settings' | 'users' | 'clock' | 'ids'>;

/** Tickets per step: small enough to finish well inside a Lambda's time, large enough to be quick. */
const STEP = 25;

export async function continueMigration(deps: MigrationDeps, tenantId: string): Promise<void> {
  const { migration } = await deps.settings.read(tenantId);
  if (!migration || migration.state !== 'running') return;
  const tenant = await loadTenant(deps.settings, tenantId);
  const found: { ticket: Ticket; from: string; to: string }[] = [];
  for (const [from, to] of Object.entries(migration.statusMap)) {
    if (found.length >= STEP) break;
    const page = await deps.tickets.list(tenantId, { index: 'status', value: from, filters: {}, limit: STEP - found.length, cursor: null });
    found.push(...page.items.map((ticket) => ({ ticket, from, to })));
  }
  const moves = await Promise.all(found.map(({ ticket, from, to }) => moveTicket(deps, tenant, ticket.id, from, to)));
  const moved = moves.filter(Boolean).length;
  // Nothing left in any old status: done. (A list index that still shows moved tickets only costs another round.)
  const done = found.length === 0;
  const next: WorkflowMigration = done
    ? { ...migration, state: 'done', moved: migration.total, finishedAt: deps.clock.now().toISOString(), round: migration.round + 1 }
    : { ...migration, moved: Math.min(migration.total, migration.moved + moved), round: migration.round + 1 };
  await deps.settings.stepMigration(tenantId, next, migration.round);
}

class AlreadyMoved extends Error {}

/** One ticket to its mapped status, unless something moved it first. Returns whether it moved. */
async function moveTicket(deps: MigrationDeps, tenant: TenantContext, ticketId: string, from: string, to: string): Promise<boolean> {
  const caller = systemCaller(tenant.tenantId);
  try {
    await mutateTicket(deps, { caller, idOrKey: ticketId, expectedVersion: null }, (ticket): Decision => {
      if (ticket.status !== from) throw new AlreadyMoved();
      const category = tenant.workflow.categoryOf(to);
      return {
        patch: { status: to, category },
        events: [
          {
            type: 'status-changed',
            actor: actorOf(caller),
            visibility: 'internal',
            changes: { status: { from, to }, category: { from: ticket.category, to: category } },
            reason: 'workflow-migration',
          },
        ],
        // The tenant changed its workflow, not the ticket's state: nobody is mailed about it.
        quiet: true,
      };
    });
    return true;
  } catch (error) {
    if (error instanceof AlreadyMoved) return false;
    throw error;
  }
}
