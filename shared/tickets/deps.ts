import type { Clock, IdGenerator, SettingsStore, TicketStore, UserDirectory } from '../domain/ports';
import type { Ticket } from '../domain/ticket';
import type { Workflow } from '../domain/workflow';
import type { TenantContext } from './tenant-context';

/** What the ticket use cases tell the lifecycle after a change has committed. */
export interface LifecycleHooks {
  started(tenantId: string, ticket: Ticket): Promise<void>;
  changed(tenantId: string, before: Ticket, after: Ticket, workflow: Workflow): Promise<void>;
  /** Wakes the waiting state to re-read the ticket although it did not change (a window ended). */
  nudge(tenantId: string, ticketId: string): Promise<void>;
}

/** Keeps the ticket's schedules (SLA, reminders, auto-close) in line after a change. */
export interface TimerHooks {
  /** `tenant` when the caller has it already (saves reading the settings again). */
  sync(tenantId: string, ticket: Ticket, tenant?: TenantContext): Promise<void>;
}

/** Everything the ticket use cases need, wired once per process. */
export interface TicketDeps {
  readonly tickets: TicketStore;
  readonly settings: SettingsStore;
  readonly users: UserDirectory;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** Absent where no workflow engine is configured (handler unit tests). */
  readonly lifecycle?: LifecycleHooks;
  /** Absent where no scheduler is configured. */
  readonly timers?: TimerHooks;
}
