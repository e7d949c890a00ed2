import { syncTicket, type SyncInput } from '../../shared/lifecycle/ticket-lifecycle';
import { instrumented } from '../../shared/observability/instrumented';
import { logger } from '../../shared/observability/logger';
import { requireLifecycle } from '../../shared/wiring/lifecycle';
import { LIFECYCLE_TASK_TRANSITIONS, meterLifecycleTask } from '../../shared/usage/state-transitions';

const lifecycle = requireLifecycle();

/**
 * What the state machine hands ReadTicket: the ticket named by the execution's input, and the
 * state as it stands (`state`, whatever a wake-up left there). An execution started under
 * the previous definition still sends its `cycle` at the top.
 */
type ReadTicketEvent = Omit<SyncInput, 'cycle'> & { readonly cycle?: unknown; readonly state?: { readonly cycle?: unknown } | null };

const cycleOf = (event: ReadTicketEvent): number | undefined =>
  [event.cycle, event.state?.cycle].find((c): c is number => typeof c === 'number' && Number.isInteger(c) && c >= 0);

/** ReadTicket task of the lifecycle state machine. */
export const handler = instrumented(async (event: ReadTicketEvent) => {
  logger.appendKeys({ tenantId: event.tenantId, ticketKey: event.ticketId });
  const input: SyncInput = {
    tenantId: event.tenantId,
    ticketId: event.ticketId,
    executionArn: event.executionArn,
    executionStartTime: event.executionStartTime,
    cycle: cycleOf(event),
  };
  const output = await syncTicket(lifecycle, input);
  meterLifecycleTask(input.tenantId, LIFECYCLE_TASK_TRANSITIONS.ReadTicket(output.next));
  return output;
}, 'synchronous');
