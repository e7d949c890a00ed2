import { httpRoute } from '../../shared/http/handler-kit';
import { CommentBody, IdParam } from '../../shared/http/schemas';
import { addComment } from '../../shared/tickets/ticket-commands';
import { deps, idempotency } from '../../shared/wiring';

export const handler = httpRoute({ params: { id: IdParam }, body: CommentBody, idempotency }, async ({ caller, params, body, expectedVersion }) => {
  const { comments } = await addComment(deps, { caller, idOrKey: params.id!, expectedVersion }, body);
  return { status: 201, body: comments[0] };
});
