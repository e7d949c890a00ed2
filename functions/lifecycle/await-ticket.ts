import { awaitTicket, type AwaitInput } from '../../shared/lifecycle/ticket-lifecycle';
import { instrumented } from '../../shared/observability/instrumented';
import { logger } from '../../shared/observability/logger';
import { requireLifecycle } from '../../shared/wiring';

const lifecycle = requireLifecycle();

/** Every callback state of the lifecycle: registers its task token beside the ticket. */
export const handler = instrumented(async (input: AwaitInput): Promise<{ registered: true }> => {
  logger.appendKeys({ tenantId: input.tenantId, ticketKey: input.ticketId });
  await awaitTicket(lifecycle, input);
  return { registered: true };
});
