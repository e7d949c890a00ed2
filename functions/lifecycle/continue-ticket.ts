import { continueAsNew } from '../../shared/lifecycle/ticket-lifecycle';
import { requireLifecycle } from '../../shared/wiring';

const lifecycle = requireLifecycle();

/** ContinueAsNew task: a successor execution takes over before the engine's limits. */
export const handler = async (input: { tenantId: string; ticketId: string; executionArn: string }) => {
  await continueAsNew(lifecycle, input);
  return { continued: true };
};
