import { advanceTicket } from '../../shared/lifecycle/advance-ticket';
import { deps } from '../../shared/wiring';

/** AdvanceTicket task: a status the workflow leaves on its own. */
export const handler = async (input: { tenantId: string; ticketId: string; status: string }) => ({ advanced: await advanceTicket(deps, input) });
