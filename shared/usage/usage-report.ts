/**
 * `GET /v1/usage` (CONTRACT section 8): the platform's finance team sees every tenant (or
 * one with `?tenant=`), a tenant's admin only their own; nobody else, and no ticket data.
 */
import { forbidden, notFound } from '../domain/errors';
import type { Caller } from '../domain/identity';
import type { Clock } from '../domain/ports';
import { COUNTERS, monthOf, type Counters } from './counters';
import { COST_SERVICES, estimateCost, PRICE_TABLE, type EstimatedCost } from './price-table';
import type { UsageStore } from './usage-ports';

export interface TenantUsage {
  readonly tenant: string;
  readonly counters: Counters;
  readonly estimatedCostUsd: EstimatedCost;
}

export interface UsageReport {
  readonly month: string;
  readonly priceTable: { readonly date: string; readonly region: string; readonly currency: 'USD'; readonly sources: readonly string[] };
  readonly tenants: readonly TenantUsage[];
}

export async function usageReport(
  store: Pick<UsageStore, 'read' | 'tenants'>,
  clock: Clock,
  caller: Caller,
  query: { month?: string; tenant?: string },
): Promise<UsageReport> {
  const month = query.month ?? monthOf(clock.now());
  let tenants: string[];
  if (caller.role === 'finance') {
    // Every tenant counted by then (zeros for a month without activity), or the one asked for.
    tenants = query.tenant
      ? [query.tenant]
      : (await store.tenants())
          .filter((t) => t.firstMonth <= month)
          .map((t) => t.tenantId)
          .sort();
  } else if (caller.role === 'admin' && caller.tenantId !== null) {
    // Another tenant's usage does not exist for this caller.
    if (query.tenant !== undefined && query.tenant !== caller.tenantId) throw notFound('Tenant');
    tenants = [caller.tenantId];
  } else {
    throw forbidden('Usage is for finance and tenant admins.');
  }
  const rows = await Promise.all(
    tenants.map(async (tenant) => {
      const counters = await store.read(tenant, month);
      return { tenant, counters, estimatedCostUsd: estimateCost(counters) };
    }),
  );
  return {
    month,
    priceTable: { date: PRICE_TABLE.date, region: PRICE_TABLE.region, currency: PRICE_TABLE.currency, sources: [...PRICE_TABLE.sources] },
    tenants: rows,
  };
}

const csvField = (value: string | number) => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The same answer as CSV: one row per tenant, the price table's date and region on every row. */
export function usageCsv(report: UsageReport): string {
  const header = ['month', 'tenant', ...COUNTERS, ...[...COST_SERVICES, 'total'].map((s) => `estimatedCostUsd.${s}`), 'priceTableDate', 'priceTableRegion'];
  const rows = report.tenants.map((t) => [
    report.month,
    t.tenant,
    ...COUNTERS.map((c) => t.counters[c]),
    ...[...COST_SERVICES, 'total' as const].map((s) => t.estimatedCostUsd[s]),
    report.priceTable.date,
    report.priceTable.region,
  ]);
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
