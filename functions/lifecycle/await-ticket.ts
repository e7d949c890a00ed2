import { awaitTicket, type AwaitInput } from '../../shared/lifecycle/ticket-lifecycle';
import { requireLifecycle } from '../../shared/wiring';

const lifecycle = requireLifecycle();

/** Every callback state of the lifecycle: registers its task token beside the ticket. */
export const handler = async (input: AwaitInput): Promise<{ registered: true }> => {
  await awaitTicket(lifecycle, input);
  return { registered: true };
};
