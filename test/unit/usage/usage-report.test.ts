import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../shared/domain/identity';
import { DomainError } from '../../../shared/domain/errors';
import { COUNTERS, zeroCounters, type Counters } from '../../../shared/usage/counters';
import { estimateCost, PRICE_TABLE } from '../../../shared/usage/price-table';
import { usageCsv, usageReport } from '../../../shared/usage/usage-report';
import type { UsageTenant } from '../../../shared/usage/usage-ports';

const stored: Record<string, Record<string, Partial<Counters>>> = {
  acme: { '2026-05': { apiRequests: 10, ticketsCreated: 2, dynamoReadUnits: 3.5 } },
  globex: { '2026-05': { apiRequests: 4 } },
  later: { '2026-07': { apiRequests: 1 } },
};
const store = {
  read: async (tenant: string, month: string): Promise<Counters> => ({ ...zeroCounters(), ...stored[tenant]?.[month] }),
  tenants: async (): Promise<UsageTenant[]> => [
    { tenantId: 'later', firstMonth: '2026-07' },
    { tenantId: 'globex', firstMonth: '2026-04' },
    { tenantId: 'acme', firstMonth: '2026-05' },
  ],
};
const clock = { now: () => new Date('2026-05-31T23:59:59.999Z') };
const caller = (role: Caller['role'], tenantId: string | null): Caller => ({ sub: 'u', tenantId, role, org: null, email: null, locale: null });
const finance = caller('finance', null);

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return (error as DomainError).kind;
  }
  return 'answered';
};

describe('usageReport', () => {
  it('finance sees every tenant counted by that month, sorted, with the price table named', async () => {
    const report = await usageReport(store, clock, finance, { month: '2026-05' });
    expect(report.month).toBe('2026-05');
    expect(report.priceTable).toMatchObject({ date: PRICE_TABLE.date, region: PRICE_TABLE.region, currency: 'USD' });
    expect(report.tenants.map((t) => t.tenant)).toEqual(['acme', 'globex']);
    expect(report.tenants[0]!.counters).toMatchObject({ apiRequests: 10, ticketsCreated: 2, dynamoReadUnits: 3.5, comments: 0 });
    expect(report.tenants[0]!.estimatedCostUsd).toEqual(estimateCost(report.tenants[0]!.counters));
  });

  it('?tenant= narrows finance to one tenant; a month without activity is zeros', async () => {
    const report = await usageReport(store, clock, finance, { month: '2026-01', tenant: 'acme' });
    expect(report.tenants).toEqual([{ tenant: 'acme', counters: zeroCounters(), estimatedCostUsd: estimateCost(zeroCounters()) }]);
  });

  it('the month defaults to the current UTC month of the clock', async () => {
    expect((await usageReport(store, clock, finance, {})).month).toBe('2026-05');
  });

  it('an admin sees their own tenant only; another tenant does not exist for them', async () => {
    const admin = caller('admin', 'globex');
    expect((await usageReport(store, clock, admin, { month: '2026-05' })).tenants.map((t) => t.tenant)).toEqual(['globex']);
    expect((await usageReport(store, clock, admin, { month: '2026-05', tenant: 'globex' })).tenants).toHaveLength(1);
    expect(await refusal(usageReport(store, clock, admin, { month: '2026-05', tenant: 'acme' }))).toBe('not-found');
  });

  it.each(['customer', 'agent', 'lead', 'manager'] as const)('%s: 403', async (role) => {
    expect(await refusal(usageReport(store, clock, caller(role, 'acme'), { month: '2026-05' }))).toBe('forbidden');
  });
});

describe('usageCsv', () => {
  it('one header and one row per tenant: counters, costs, the price table date and region', async () => {
    const report = await usageReport(store, clock, finance, { month: '2026-05' });
    const lines = usageCsv(report).split('\r\n');
    expect(lines.at(-1)).toBe('');
    const [header, ...rows] = lines.slice(0, -1).map((l) => l.split(','));
    expect(header).toEqual([
      'month',
      'tenant',
      ...COUNTERS,
      ...['apiGateway', 'lambda', 'stepFunctions', 'dynamodb', 'scheduler', 'ses', 's3', 'total'].map((s) => `estimatedCostUsd.${s}`),
      'priceTableDate',
      'priceTableRegion',
    ]);
    expect(rows).toHaveLength(2);
    const acme = Object.fromEntries(header!.map((h, i) => [h, rows[0]![i]]));
    expect(acme).toMatchObject({
      month: '2026-05',
      tenant: 'acme',
      apiRequests: '10',
      dynamoReadUnits: '3.5',
      priceTableDate: PRICE_TABLE.date,
      priceTableRegion: 'us-east-1',
    });
    expect(Number(acme['estimatedCostUsd.total'])).toBe(report.tenants[0]!.estimatedCostUsd.total);
  });

  it('an answer with no tenants is the header alone', () => {
    expect(usageCsv({ month: '2026-05', priceTable: { ...PRICE_TABLE, currency: 'USD', sources: [] }, tenants: [] }).split('\r\n')).toHaveLength(2);
  });
});
