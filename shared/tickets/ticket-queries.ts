import { forbidden } from '../domain/errors';
import { isStaff, type TenantCaller } from '../domain/identity';
import type { Page, PageRequest, TicketListIndex, TicketQuery } from '../domain/ports';
import type { Comment, HistoryEvent, Ticket } from '../domain/ticket';
import type { TicketDeps } from './deps';
import { findVisibleTicket } from './find-visible-ticket';
import { withLiveSla } from '../sla/ticket-sla';
import { loadTenant } from './tenant-context';

export async function getTicket(deps: TicketDeps, caller: TenantCaller, idOrKey: string): Promise<Ticket> {
  const tenant = loadTenant(deps.settings, caller.tenantId);
  const [{ settings }, ticket] = await Promise.all([
    tenant,
    findVisibleTicket(
      deps.tickets,
      caller,
      idOrKey,
      tenant.then((t) => t.settings.orgVisibility),
    ),
  ]);
  return withLiveSla(ticket, settings, deps.clock.now());
}

export interface ListFilters {
  readonly status?: string;
  readonly category?: string;
  readonly assignee?: string;
  readonly org?: string;
  readonly requester?: string;
}

const EMPTY: Page<never> = { items: [], nextCursor: null };

/**
 * One Query on the index that matches the most selective filter; the other
 * filters narrow what it returns. Customers are pinned to their own tickets, or
 * to their company's when the tenant allows it, before any filter applies.
 */
export async function listTickets(deps: TicketDeps, caller: TenantCaller, filters: ListFilters, page: PageRequest): Promise<Page<Ticket>> {
  if (!isStaff(caller.role) && caller.role !== 'customer') throw forbidden();
  const { settings } = await loadTenant(deps.settings, caller.tenantId);
  const wanted: Record<string, string | undefined> = { ...filters };
  if (caller.role === 'customer') {
    const companyWide = settings.orgVisibility && caller.org !== null;
    if (companyWide) {
      if (filters.org !== undefined && filters.org !== caller.org) return EMPTY;
      wanted.org = caller.org!;
    } else {
      if (filters.requester !== undefined && filters.requester !== caller.sub) return EMPTY;
      wanted.requester = caller.sub;
    }
  }
  const order: [TicketListIndex, string | undefined][] = [
    ['requester', wanted.requester],
    ['assignee', wanted.assignee],
    ['status', wanted.status],
    ['org', wanted.org],
    ['category', wanted.category],
  ];
  const [index, value] = order.find(([, v]) => v !== undefined) ?? ['all', caller.tenantId];
  const rest: TicketQuery['filters'] = {
    ...(wanted.status !== undefined && index !== 'status' ? { status: wanted.status } : {}),
    ...(wanted.category !== undefined && index !== 'category' ? { category: wanted.category } : {}),
    ...(wanted.assignee !== undefined && index !== 'assignee' ? { assignee: wanted.assignee } : {}),
    ...(wanted.org !== undefined && index !== 'org' ? { org: wanted.org } : {}),
    ...(wanted.requester !== undefined && index !== 'requester' ? { requesterId: wanted.requester } : {}),
  };
  const found = await deps.tickets.list(caller.tenantId, { index, value: value!, filters: rest, ...page });
  const now = deps.clock.now();
  return { ...found, items: found.items.map((t) => withLiveSla(t, settings, now)) };
}

export async function listComments(deps: TicketDeps, caller: TenantCaller, idOrKey: string, page: PageRequest): Promise<Page<Comment>> {
  const ticket = await getTicket(deps, caller, idOrKey);
  const out = await deps.tickets.listComments(caller.tenantId, ticket.id, page, isStaff(caller.role));
  // The Message-ID hash of a reply by mail is bookkeeping for staff, not shown to customers.
  return isStaff(caller.role) ? out : { ...out, items: out.items.map(({ sourceMessageKey: _s, ...c }) => c) };
}

export async function listHistory(deps: TicketDeps, caller: TenantCaller, idOrKey: string, page: PageRequest): Promise<Page<HistoryEvent>> {
  const ticket = await getTicket(deps, caller, idOrKey);
  return deps.tickets.listHistory(caller.tenantId, ticket.id, page, isStaff(caller.role));
}
