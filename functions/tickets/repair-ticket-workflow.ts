import { forbidden } from '../../shared/domain/errors';
import { httpRoute } from '../../shared/http/handler-kit';
import { EmptyBody, IdParam } from '../../shared/http/schemas';
import { repairWorkflow } from '../../shared/lifecycle/ticket-lifecycle';
import { recordRepair } from '../../shared/tickets/ticket-commands';
import { getTicket } from '../../shared/tickets/ticket-queries';
import { syncTimers } from '../../shared/timers/sync-timers';
import { deps, idempotency } from '../../shared/wiring';
import { requireLifecycle } from '../../shared/wiring/lifecycle';
import { requireTimers } from '../../shared/wiring/timers';

const lifecycle = requireLifecycle();
const timers = requireTimers();

export const handler = httpRoute({ params: { id: IdParam }, body: EmptyBody, idempotency }, async ({ caller, params }) => {
  if (caller.role !== 'lead' && caller.role !== 'admin') throw forbidden('Only a team lead or an administrator may repair a workflow.');
  const ticket = await getTicket(deps, caller, params.id!);
  const { action, view } = await repairWorkflow(lifecycle, caller.tenantId, ticket);
  // Schedules lost or left behind (e.g. a failed sync) are brought back in line as well.
  await syncTimers(timers, caller.tenantId, ticket);
  if (action !== 'in-line') await recordRepair(deps, caller, ticket.id, action);
  return { body: { action, ...view } };
});
