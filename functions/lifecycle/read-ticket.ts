import { syncTicket, type SyncInput } from '../../shared/lifecycle/ticket-lifecycle';
import { requireLifecycle } from '../../shared/wiring';

const lifecycle = requireLifecycle();

/** ReadTicket task of the lifecycle state machine. */
export const handler = (input: SyncInput) => syncTicket(lifecycle, input);
