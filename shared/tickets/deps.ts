import type { Clock, IdGenerator, SettingsStore, TicketStore, UserDirectory } from '../domain/ports';

/** Everything the ticket use cases need, wired once per process. */
export interface TicketDeps {
  readonly tickets: TicketStore;
  readonly settings: SettingsStore;
  readonly users: UserDirectory;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}
