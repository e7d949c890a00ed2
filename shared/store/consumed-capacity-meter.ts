import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';

export type CapacityKind = 'read' | 'write';

/** Which kind of request unit a DynamoDB operation consumes (by the low-level command's name). */
export function capacityKindOf(commandName: string | undefined): CapacityKind | null {
  if (!commandName) return null;
  if (/^(Get|BatchGet|Query|Scan|TransactGet)/.test(commandName)) return 'read';
  if (/^(Put|Update|Delete|BatchWrite|TransactWrite)/.test(commandName)) return 'write';
  return null;
}

/** Total units of a ConsumedCapacity answer (one entry or one per table; DynamoDB Local sets only CapacityUnits). */
export function capacityUnits(consumed: ConsumedCapacity[] | ConsumedCapacity | undefined): number {
  const items = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
  return items.reduce((sum, c) => sum + (c.CapacityUnits ?? (c.ReadCapacityUnits ?? 0) + (c.WriteCapacityUnits ?? 0)), 0);
}

/**
 * A middleware on the DynamoDB client (shared by the document client built on it): every
 * read or write asks for `ReturnConsumedCapacity: TOTAL` (unless the caller asked for more)
 * and the units DynamoDB answers are handed to `record` — measured, not estimated. A
 * request that fails (a cancelled transaction, a failed condition) reports none, so such
 * units are not counted.
 */
export function meterConsumedCapacity(client: Pick<DynamoDBClient, 'middlewareStack'>, record: (kind: CapacityKind, units: number) => void): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const kind = capacityKindOf(context.commandName);
      if (!kind) return next(args);
      const input = args.input as { ReturnConsumedCapacity?: string };
      const result = await next(input.ReturnConsumedCapacity ? args : { ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } });
      const units = capacityUnits((result.output as { ConsumedCapacity?: ConsumedCapacity[] | ConsumedCapacity }).ConsumedCapacity);
      if (units > 0) record(kind, units);
      return result;
    },
    { step: 'initialize', name: 'ticketflowConsumedCapacityMeter', override: true },
  );
}
