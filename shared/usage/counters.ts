/**
 * What is metered per tenant and UTC calendar month (CONTRACT section 8). Counters are
 * measured where the work happens, never guessed; money is estimated from them by the one
 * price table (price-table.ts).
 */
export const COUNTERS = [
  'apiRequests',
  'ticketsCreated',
  'transitions',
  'comments',
  'emailsSent',
  'emailsReceived',
  'stateTransitions',
  'scheduleInvocations',
  'lambdaInvocations',
  /** An extension of the contract's list: Lambda is billed per GB-second too (duration × configured memory). */
  'lambdaGbSeconds',
  'dynamoReadUnits',
  'dynamoWriteUnits',
] as const;

export type CounterName = (typeof COUNTERS)[number];
export type Counters = Readonly<Record<CounterName, number>>;
export type CounterDelta = Partial<Record<CounterName, number>>;

export const zeroCounters = (): Record<CounterName, number> => Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<CounterName, number>;

/** Sums deltas into one; zero and absent entries are left out. */
export function addCounters(into: CounterDelta, delta: CounterDelta): CounterDelta {
  const out: Record<string, number> = { ...into };
  for (const [name, value] of Object.entries(delta)) if (value) out[name] = (out[name] ?? 0) + value;
  return out as CounterDelta;
}

/** Decimal noise from summing floats (0.1 + 0.2) must not reach a stored counter. */
export const roundCounter = (name: CounterName, value: number): number =>
  name === 'lambdaGbSeconds' ? Math.round(value * 1e6) / 1e6 : Math.round(value * 100) / 100;

/** `YYYY-MM`, months 01–12. */
export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The UTC calendar month of an instant. */
export const monthOf = (at: Date | string): string => new Date(at).toISOString().slice(0, 7);
