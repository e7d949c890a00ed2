/** The usage route's query and answer (CONTRACT section 8); the OpenAPI document is generated from them. */
import * as z from 'zod';
import { COUNTERS, MONTH } from '../usage/counters';
import { COST_SERVICES } from '../usage/price-table';
import { TenantId } from './claims';

export const UsageQuery = z
  .strictObject({
    month: z.string().regex(MONTH, 'a UTC calendar month as YYYY-MM, e.g. 2026-05 (months 01–12)').optional().describe('Default: the current UTC month'),
    tenant: TenantId.optional().describe('finance: only this tenant; admin: only their own'),
  })
  .meta({ id: 'UsageQuery' });

const counters = z.object(Object.fromEntries(COUNTERS.map((c) => [c, z.number().nonnegative()])) as Record<(typeof COUNTERS)[number], z.ZodNumber>);
const costs = z.object(
  Object.fromEntries([...COST_SERVICES, 'total'].map((s) => [s, z.number().nonnegative()])) as Record<(typeof COST_SERVICES)[number] | 'total', z.ZodNumber>,
);

export const UsageSchema = z
  .object({
    month: z.string().regex(MONTH),
    priceTable: z.object({ date: z.string(), region: z.string(), currency: z.literal('USD'), sources: z.array(z.url()) }),
    tenants: z.array(
      z.object({
        tenant: z.string(),
        counters: counters.meta({ id: 'UsageCounters' }),
        estimatedCostUsd: costs.meta({ id: 'UsageCost' }),
      }),
    ),
  })
  .meta({ id: 'Usage', description: 'Measured counters and estimated cost per tenant for one UTC month; `Accept: text/csv` gives the same as CSV' });
