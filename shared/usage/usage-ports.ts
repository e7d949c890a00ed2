import type { Counters, CounterDelta } from './counters';
import type { UsageSink } from './invocation-meter';
import type { TicketFactCounter } from './ticket-facts';

/** A tenant known to the usage store, and the first month it has counters for. */
export interface UsageTenant {
  readonly tenantId: string;
  readonly firstMonth: string;
}

/** The usage store: counting (once per dedupe id), reading a month, enumerating tenants. */
export interface UsageStore extends UsageSink, TicketFactCounter {
  /**
   * The port for counters measured outside a request (mail sent and received): adds `delta`
   * to the tenant's month once per `idempotencyId` (false: it was counted already).
   */
  countUsage(tenantId: string, month: string, delta: CounterDelta, idempotencyId: string): Promise<boolean>;
  /** A month's counters (zeros when nothing was counted). */
  read(tenantId: string, month: string): Promise<Counters>;
  /** Every tenant that has ever been counted, by id. */
  tenants(): Promise<UsageTenant[]>;
}
