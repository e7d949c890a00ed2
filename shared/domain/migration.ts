import type { Category } from './workflow';

/**
 * A tenant's switch to another workflow while tickets are in statuses the new one lacks
 * (CONTRACT section 3). The settings change answers at once; the tickets move in the
 * background, each as a normal change by the system, and this record shows the progress.
 */
export interface WorkflowMigration {
  readonly id: string;
  readonly state: 'running' | 'done';
  /** Tickets in the mapped statuses when the change was accepted. */
  readonly total: number;
  readonly moved: number;
  /** Old status → new status, for every status of the old workflow the new one lacks that holds tickets. */
  readonly statusMap: Readonly<Record<string, string>>;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  /** Steps taken: each step's write is what wakes the next one (on the table's stream). */
  readonly round: number;
}

/** How many tickets are in one status of the old workflow, and what kind of status it is. */
export interface StatusOccupancy {
  readonly status: string;
  readonly category: Category;
  readonly tickets: number;
}

export interface NewWorkflowShape {
  has(status: string): boolean;
  /** The first status of the category, to carry finished tickets over without asking. */
  firstOfCategory(category: Category): string | null;
  categoryOf(status: string): Category;
}

export interface MigrationPlan {
  readonly statusMap: Record<string, string>;
  readonly total: number;
  readonly problems: { path: string; message: string }[];
}

const FINISHED: readonly Category[] = ['closed', 'cancelled'];

/**
 * Which old status goes where. Open tickets' statuses must be mapped by the admin: only
 * they know whether `012-NEW` is `soumise` or `en-cours`. Closed and cancelled tickets go
 * to the new workflow's status of the same category unless mapped, so no ticket is ever
 * left in a status its workflow lacks. A map to a status the new workflow lacks, or that
 * turns a finished ticket back into an open one, is refused.
 */
export function planMigration(occupied: readonly StatusOccupancy[], next: NewWorkflowShape, requested: Readonly<Record<string, string>>): MigrationPlan {
  const statusMap: Record<string, string> = {};
  const problems: { path: string; message: string }[] = [];
  for (const [from, to] of Object.entries(requested)) {
    if (!next.has(to)) problems.push({ path: `statusMap.${from}`, message: `no status ${to} in the new workflow` });
  }
  let total = 0;
  for (const { status, category, tickets } of occupied) {
    if (tickets === 0 || next.has(status)) continue;
    const mapped = requested[status];
    const finished = FINISHED.includes(category);
    if (mapped !== undefined) {
      if (next.has(mapped) && finished && !FINISHED.includes(next.categoryOf(mapped)))
        problems.push({ path: `statusMap.${status}`, message: `${tickets} finished ticket(s) in ${status} cannot move to the open status ${mapped}` });
      statusMap[status] = mapped;
    } else if (finished && next.firstOfCategory(category)) statusMap[status] = next.firstOfCategory(category)!;
    else {
      problems.push({
        path: `statusMap.${status}`,
        message: `${tickets} open ticket(s) are in ${status}, which the new workflow lacks: map it to one of its statuses`,
      });
      continue;
    }
    total += tickets;
  }
  return { statusMap, total, problems };
}
