import { describe, expect, it } from 'vitest';
import { zeroCounters, type Counters } from '../../../shared/usage/counters';
import { COST_SERVICES, estimateCost, PRICE_TABLE } from '../../../shared/usage/price-table';

const counters = (overrides: Partial<Counters>): Counters => ({ ...zeroCounters(), ...overrides });

describe('the price table', () => {
  it('is dated, names one region and its sources, and prices the arm64 Lambda the stacks deploy', () => {
    expect(PRICE_TABLE.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_TABLE.region).toBe('us-east-1');
    expect(PRICE_TABLE.lambdaArchitecture).toBe('arm64');
    expect(PRICE_TABLE.sources.length).toBeGreaterThanOrEqual(7);
    for (const url of PRICE_TABLE.sources) expect(url).toMatch(/^https:\/\/aws\.amazon\.com\//);
  });
});

describe('estimateCost', () => {
  it('a month with no activity costs nothing, in every service', () => {
    expect(estimateCost(zeroCounters())).toEqual({ apiGateway: 0, lambda: 0, stepFunctions: 0, dynamodb: 0, scheduler: 0, ses: 0, s3: 0, total: 0 });
  });

  it('prices each service from its own counters (list prices, no free tier)', () => {
    const cost = estimateCost(
      counters({
        apiRequests: 1_000_000,
        lambdaInvocations: 1_000_000,
        lambdaGbSeconds: 100_000,
        stateTransitions: 1_000,
        dynamoWriteUnits: 2_000_000,
        dynamoReadUnits: 4_000_000,
        scheduleInvocations: 3_000_000,
        emailsSent: 1_000,
        emailsReceived: 2_000,
      }),
    );
    expect(cost.apiGateway).toBe(1.0);
    expect(cost.lambda).toBeCloseTo(0.2 + 100_000 * 0.0000133334, 6);
    expect(cost.stepFunctions).toBe(0.025);
    expect(cost.dynamodb).toBe(2 * 0.625 + 4 * 0.125);
    expect(cost.scheduler).toBe(3.0);
    // 1,000 out; 2,000 in, each one 256 KB chunk
    expect(cost.ses).toBeCloseTo(0.1 + 2 * 0.1 + 2 * 0.09, 6);
    // inbound mail: one S3 PUT by SES, one GET by the mail function
    expect(cost.s3).toBeCloseTo(2 * 0.005 + 2 * 0.0004, 6);
  });

  it('the total is the sum of the services, rounded to a millionth of a dollar', () => {
    const cost = estimateCost(
      counters({ apiRequests: 7, transitions: 3, dynamoReadUnits: 12.5, dynamoWriteUnits: 31, lambdaInvocations: 9, lambdaGbSeconds: 0.734 }),
    );
    const sum = COST_SERVICES.reduce((s, k) => s + cost[k], 0);
    expect(cost.total).toBeCloseTo(sum, 9);
    for (const value of Object.values(cost)) expect(Math.round(value * 1e6) / 1e6).toBe(value);
    expect(cost.total).toBeGreaterThan(0);
  });

  it('counters that are not billed by AWS (tickets, transitions, comments) cost nothing by themselves', () => {
    expect(estimateCost(counters({ ticketsCreated: 1e6, transitions: 1e6, comments: 1e6 })).total).toBe(0);
  });

  it('is pure: the same counters and table give the same answer', () => {
    const c = counters({ apiRequests: 123, stateTransitions: 45 });
    expect(estimateCost(c)).toEqual(estimateCost({ ...c }));
  });
});
