import { syncTicket, type SyncInput } from '../../shared/lifecycle/ticket-lifecycle';
import { instrumented } from '../../shared/observability/instrumented';
import { logger } from '../../shared/observability/logger';
import { requireLifecycle } from '../../shared/wiring';

const lifecycle = requireLifecycle();

/** ReadTicket task of the lifecycle state machine. */
export const handler = instrumented(async (input: SyncInput) => {
  logger.appendKeys({ tenantId: input.tenantId, ticketKey: input.ticketId });
  return syncTicket(lifecycle, input);
});
