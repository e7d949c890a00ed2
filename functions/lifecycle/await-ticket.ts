import { awaitTicket, type AwaitInput } from '../../shared/lifecycle/ticket-lifecycle';
import { instrumented } from '../../shared/observability/instrumented';
import { logger } from '../../shared/observability/logger';
import { requireLifecycle } from '../../shared/wiring/lifecycle';
import { LIFECYCLE_TASK_TRANSITIONS, meterLifecycleTask } from '../../shared/usage/state-transitions';

const lifecycle = requireLifecycle();

/** Every callback state of the lifecycle: registers its task token beside the ticket. */
export const handler = instrumented(async (input: AwaitInput): Promise<{ registered: true }> => {
  logger.appendKeys({ tenantId: input.tenantId, ticketKey: input.ticketId });
  meterLifecycleTask(input.tenantId, LIFECYCLE_TASK_TRANSITIONS.AwaitTicket);
  await awaitTicket(lifecycle, input);
  return { registered: true };
}, 'synchronous');
