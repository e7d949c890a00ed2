/**
 * The one dated price table: AWS list prices (on-demand, first pricing tier, no free tier,
 * no taxes) for ONE region, and the pure function that turns a month's counters into an
 * estimated cost per service. Change the figures, the date and the sources together.
 *
 * Where a counter stands for work that is billed per unit we do not measure, the mapping
 * says so (SES inbound chunks, the S3 objects of inbound mail): those lines are estimates
 * from measured counters, not measurements.
 */
import type { Counters } from './counters';

export const PRICE_TABLE = {
  /** When these figures were taken from the pages below. */
  date: '2026-12-05',
  region: 'us-east-1',
  currency: 'USD',
  /** Lambda architecture the prices are for: the one infra/constructs/ticket-function.ts deploys. */
  lambdaArchitecture: 'arm64',
  prices: {
    /** HTTP API, first 300 million requests a month. */
    apiGatewayHttpPerMillionRequests: 1.0,
    lambdaPerMillionRequests: 0.2,
    /** arm64, first 7.5 billion GB-seconds a month. */
    lambdaArmPerGbSecond: 0.0000133334,
    /** Standard workflows. */
    stepFunctionsStandardPerThousandTransitions: 0.025,
    /** On-demand, Standard table class (prices since 2024-11-01). */
    dynamodbPerMillionWriteRequestUnits: 0.625,
    dynamodbPerMillionReadRequestUnits: 0.125,
    eventBridgeSchedulerPerMillionInvocations: 1.0,
    sesPerThousandOutbound: 0.1,
    sesPerThousandInbound: 0.1,
    /** Each incoming message is at least one 256 KB chunk; we count messages, so one chunk each (an estimate). */
    sesPerThousandInboundChunks: 0.09,
    s3StandardPerThousandPut: 0.005,
    s3StandardPerThousandGet: 0.0004,
  },
  sources: [
    'https://aws.amazon.com/api-gateway/pricing/',
    'https://aws.amazon.com/lambda/pricing/',
    'https://aws.amazon.com/step-functions/pricing/',
    'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    'https://aws.amazon.com/eventbridge/pricing/',
    'https://aws.amazon.com/ses/pricing/',
    'https://aws.amazon.com/s3/pricing/',
  ],
} as const;

export const COST_SERVICES = ['apiGateway', 'lambda', 'stepFunctions', 'dynamodb', 'scheduler', 'ses', 's3'] as const;
export type CostService = (typeof COST_SERVICES)[number];
export type EstimatedCost = Readonly<Record<CostService | 'total', number>>;

/** Money rounded to 1/1,000,000 USD: a tenant's month is often a fraction of a cent. */
const usd = (value: number) => Math.round(value * 1e6) / 1e6;

/**
 * Counters → estimated USD per service and the total (the sum of the rounded figures).
 * Pure: the same counters and table always give the same answer.
 */
export function estimateCost(c: Counters, table: typeof PRICE_TABLE = PRICE_TABLE): EstimatedCost {
  const p = table.prices;
  const perMillion = (n: number, price: number) => (n / 1e6) * price;
  const perThousand = (n: number, price: number) => (n / 1e3) * price;
  const services: Record<CostService, number> = {
    apiGateway: usd(perMillion(c.apiRequests, p.apiGatewayHttpPerMillionRequests)),
    lambda: usd(perMillion(c.lambdaInvocations, p.lambdaPerMillionRequests) + c.lambdaGbSeconds * p.lambdaArmPerGbSecond),
    stepFunctions: usd(perThousand(c.stateTransitions, p.stepFunctionsStandardPerThousandTransitions)),
    dynamodb: usd(perMillion(c.dynamoWriteUnits, p.dynamodbPerMillionWriteRequestUnits) + perMillion(c.dynamoReadUnits, p.dynamodbPerMillionReadRequestUnits)),
    scheduler: usd(perMillion(c.scheduleInvocations, p.eventBridgeSchedulerPerMillionInvocations)),
    ses: usd(
      perThousand(c.emailsSent, p.sesPerThousandOutbound) +
        perThousand(c.emailsReceived, p.sesPerThousandInbound) +
        perThousand(c.emailsReceived, p.sesPerThousandInboundChunks),
    ),
    // Inbound mail: SES stores the raw message in S3 (one PUT) and the mail function reads it (one GET).
    s3: usd(perThousand(c.emailsReceived, p.s3StandardPerThousandPut) + perThousand(c.emailsReceived, p.s3StandardPerThousandGet)),
  };
  return { ...services, total: usd(COST_SERVICES.reduce((sum, s) => sum + services[s], 0)) };
}
