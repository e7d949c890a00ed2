import { advanceTicket } from '../../shared/lifecycle/advance-ticket';
import { instrumented } from '../../shared/observability/instrumented';
import { logger } from '../../shared/observability/logger';
import { deps } from '../../shared/wiring';
import { LIFECYCLE_TASK_TRANSITIONS, meterLifecycleTask } from '../../shared/usage/state-transitions';

/** AdvanceTicket task: a status the workflow leaves on its own. */
export const handler = instrumented(async (input: { tenantId: string; ticketId: string; status: string }) => {
  logger.appendKeys({ tenantId: input.tenantId, ticketKey: input.ticketId });
  meterLifecycleTask(input.tenantId, LIFECYCLE_TASK_TRANSITIONS.AdvanceTicket);
  return { advanced: await advanceTicket(deps, input) };
}, 'synchronous');
