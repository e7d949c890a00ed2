import { STAFF_ROLES, type Role } from '../domain/identity';
import type { Category, TicketType, WorkflowStatus, WorkflowTransition } from '../domain/workflow';

export const STAFF: readonly Role[] = [...STAFF_ROLES];
export const EVERYONE: readonly Role[] = [...STAFF_ROLES, 'customer'];

export const status = (id: string, category: Category, en: string, nl: string, fr: string): WorkflowStatus => ({
  id,
  category,
  labels: { en, nl, fr },
});

/** Staff transitions from each `from` to each `to` (a compact way to write a seed's flow). */
export function moves(
  from: string | readonly string[],
  to: string | readonly string[],
  roles: readonly Role[] = STAFF,
  types?: readonly TicketType[],
): WorkflowTransition[] {
  const froms = typeof from === 'string' ? [from] : from;
  const tos = typeof to === 'string' ? [to] : to;
  return froms.flatMap((f) => tos.filter((t) => t !== f).map((t) => ({ from: f, to: t, roles, ...(types ? { types } : {}) })));
}
