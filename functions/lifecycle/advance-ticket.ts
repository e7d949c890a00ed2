import { advanceTicket } from '../../shared/lifecycle/advance-ticket';
import { instrumented } from '../../shared/observability/instrumented';
import { logger } from '../../shared/observability/logger';
import { deps } from '../../shared/wiring';

/** AdvanceTicket task: a status the workflow leaves on its own. */
export const handler = instrumented(async (input: { tenantId: string; ticketId: string; status: string }) => {
  logger.appendKeys({ tenantId: input.tenantId, ticketKey: input.ticketId });
  return { advanced: await advanceTicket(deps, input) };
});
