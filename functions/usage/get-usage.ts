import { callerRoute } from '../../shared/http/handler-kit';
import { UsageQuery } from '../../shared/http/usage-schemas';
import { usageCsv, usageReport } from '../../shared/usage/usage-report';
import { deps, usage } from '../../shared/wiring';
import type { UsageStore } from '../../shared/usage/usage-ports';
import { zeroCounters } from '../../shared/usage/counters';

/** Without metering (handler tests) there is nothing counted: every month reads as zeros. */
const NO_USAGE: Pick<UsageStore, 'read' | 'tenants'> = {
  read: async () => zeroCounters(),
  tenants: async () => [],
};
const store = usage ?? NO_USAGE;

/** GET /v1/usage?month=YYYY-MM[&tenant=]: finance (every tenant) and admins (their own); `Accept: text/csv` for CSV. */
export const handler = callerRoute({ query: UsageQuery }, async ({ caller, query, accept }) => {
  const report = await usageReport(store, deps.clock, caller, query);
  return /\btext\/csv\b/i.test(accept) ? { body: usageCsv(report), contentType: 'text/csv; charset=utf-8' } : { body: report };
});
