import { continueAsNew } from '../../shared/lifecycle/ticket-lifecycle';
import { instrumented } from '../../shared/observability/instrumented';
import { logger } from '../../shared/observability/logger';
import { requireLifecycle } from '../../shared/wiring/lifecycle';
import { LIFECYCLE_TASK_TRANSITIONS, meterLifecycleTask } from '../../shared/usage/state-transitions';

const lifecycle = requireLifecycle();

/** ContinueAsNew task: a successor execution takes over before the engine's limits. */
export const handler = instrumented(async (input: { tenantId: string; ticketId: string; executionArn: string }) => {
  logger.appendKeys({ tenantId: input.tenantId, ticketKey: input.ticketId });
  meterLifecycleTask(input.tenantId, LIFECYCLE_TASK_TRANSITIONS.ContinueTicket);
  await continueAsNew(lifecycle, input);
  return { continued: true };
}, 'synchronous');
