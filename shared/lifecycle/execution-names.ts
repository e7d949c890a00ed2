import { createHash } from 'node:crypto';

/** Step Functions execution names: at most 80 characters of [A-Za-z0-9-_]. */
const MAX_NAME = 80;

/**
 * Named from tenant and ticket, so a retried start can never create a second
 * execution; successors (generation 2, 3, …) get a suffix.
 */
export function executionName(tenantId: string, ticketId: string, generation: number): string {
  const suffix = generation > 1 ? `--g${generation}` : '';
  const plain = `${tenantId}--${ticketId}${suffix}`;
  if (plain.length <= MAX_NAME) return plain;
  const digest = createHash('sha256').update(tenantId).digest('hex').slice(0, 10);
  return `${tenantId.slice(0, MAX_NAME - ticketId.length - suffix.length - 14)}-${digest}--${ticketId}${suffix}`;
}

/** arn:aws:states:r:a:stateMachine:NAME → arn:aws:states:r:a:execution:NAME:EXEC */
export function executionArn(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

export const executionNameOf = (arn: string): string => arn.slice(arn.lastIndexOf(':') + 1);
