import type { Clock, IdGenerator, SettingsStore, TicketStore, UserDirectory } from '../domain/ports';

/**
 * Everything the ticket use cases need, wired once per process. Nothing here reaches
 * Step Functions or the Scheduler: what a committed change causes is done by the
 * table's stream (shared/changes/follow-ticket-changes.ts), not by the request.
 */
export interface TicketDeps {
  readonly tickets: TicketStore;
  readonly settings: SettingsStore;
  readonly users: UserDirectory;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}
