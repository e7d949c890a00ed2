/**
 * Counters derived from committed ticket facts: the history events a ticket change wrote in
 * the same transaction as the ticket. The table's stream consumer counts them, once per
 * ticket version (a per-ticket watermark), so a redelivered or replayed batch counts
 * nothing twice and a process that dies before counting loses nothing (the stream still
 * holds the change).
 */
import { addCounters, monthOf, type CounterDelta } from './counters';

/** What the counter needs of a history event (never its text). */
export interface FactEvent {
  readonly type: string;
  readonly at: string;
  readonly version: number;
}

/** Which history events are billable actions, and as what. */
const FACTS: Readonly<Record<string, CounterDelta>> = {
  created: { ticketsCreated: 1 },
  // Every committed status change: by a person, the lifecycle's auto-advance, a timer or a migration.
  'status-changed': { transitions: 1 },
  // Every stored comment: by a person, by mail, by a third party or an automation (reminders).
  'comment-added': { comments: 1 },
};

/** Counter deltas per UTC month (of each event's own time) for the events in (fromVersion, toVersion]. */
export function tallyFacts(events: readonly FactEvent[], fromVersion: number, toVersion: number): Map<string, CounterDelta> {
  const byMonth = new Map<string, CounterDelta>();
  for (const e of events) {
    const delta = FACTS[e.type];
    if (!delta || e.version <= fromVersion || e.version > toVersion) continue;
    const month = monthOf(e.at);
    byMonth.set(month, addCounters(byMonth.get(month) ?? {}, delta));
  }
  return byMonth;
}

/** The port the change follower counts through. */
export interface TicketFactCounter {
  /** Counts the ticket's facts up to `version` that were not counted yet. */
  countTicketFacts(tenantId: string, ticketId: string, version: number): Promise<void>;
}
