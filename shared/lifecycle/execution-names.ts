import { createHash } from 'node:crypto';

/** Step Functions execution names: at most 80 characters of [A-Za-z0-9-_]. */
const MAX_NAME = 80;

/**
 * Named from the ticket's key, tenant and id (`DEMO-2--demo--01J…`), so a retried start
 * can never create a second execution and a ticket is found at a glance in the AWS CLI
 * and console; successors (generation 2, 3, …) get a suffix. A long tenant id is cut and
 * completed by a digest so the name stays within 80 characters and unique.
 */
export function executionName(tenantId: string, ticket: { readonly id: string; readonly key: string }, generation: number): string {
  const suffix = generation > 1 ? `--g${generation}` : '';
  const key = ticket.key.replace(/[^A-Za-z0-9_-]/g, '-');
  const plain = `${key}--${tenantId}--${ticket.id}${suffix}`;
  if (plain.length <= MAX_NAME) return plain;
  const digest = createHash('sha256').update(tenantId).digest('hex').slice(0, 10);
  const room = Math.max(0, MAX_NAME - key.length - ticket.id.length - suffix.length - 15);
  return `${key}--${tenantId.slice(0, room)}-${digest}--${ticket.id}${suffix}`;
}

/** The next generation of a ticket's execution: its first name with a `--g<n>` suffix. */
export function successorName(currentName: string, generation: number): string {
  return `${currentName.replace(/--g\d+$/, '')}--g${generation}`;
}

/** arn:aws:states:r:a:stateMachine:NAME → arn:aws:states:r:a:execution:NAME:EXEC */
export function executionArn(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

export const executionNameOf = (arn: string): string => arn.slice(arn.lastIndexOf(':') + 1);
