import { syncTicket, type SyncInput } from '../../shared/lifecycle/ticket-lifecycle';
import { instrumented } from '../../shared/observability/instrumented';
import { logger } from '../../shared/observability/logger';
import { requireLifecycle } from '../../shared/wiring/lifecycle';
import { LIFECYCLE_TASK_TRANSITIONS, meterLifecycleTask } from '../../shared/usage/state-transitions';

const lifecycle = requireLifecycle();

/** ReadTicket task of the lifecycle state machine. */
export const handler = instrumented(async (input: SyncInput) => {
  logger.appendKeys({ tenantId: input.tenantId, ticketKey: input.ticketId });
  const output = await syncTicket(lifecycle, input);
  meterLifecycleTask(input.tenantId, LIFECYCLE_TASK_TRANSITIONS.ReadTicket(output.next));
  return output;
}, 'synchronous');
