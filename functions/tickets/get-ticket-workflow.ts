import { forbidden } from '../../shared/domain/errors';
import { isStaff } from '../../shared/domain/identity';
import { httpRoute } from '../../shared/http/handler-kit';
import { IdParam } from '../../shared/http/schemas';
import { describeWorkflow } from '../../shared/lifecycle/ticket-lifecycle';
import { getTicket } from '../../shared/tickets/ticket-queries';
import { deps } from '../../shared/wiring';
import { requireLifecycle } from '../../shared/wiring/lifecycle';

const lifecycle = requireLifecycle();

export const handler = httpRoute({ params: { id: IdParam } }, async ({ caller, params }) => {
  if (!isStaff(caller.role)) throw forbidden('Only support staff see the workflow execution.');
  const ticket = await getTicket(deps, caller, params.id!);
  return { body: await describeWorkflow(lifecycle, caller.tenantId, ticket) };
});
