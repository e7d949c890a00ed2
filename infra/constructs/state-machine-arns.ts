import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface StateMachineArns {
  /** `arn:…:states:<region>:<account>:stateMachine:<name>`: StartExecution, SendTaskSuccess. */
  readonly stateMachine: string;
  /** `arn:…:states:<region>:<account>:execution:<name>:*`: every execution of it (DescribeExecution, StopExecution). */
  readonly executions: string;
}

/**
 * The ARNs of a state machine with a fixed name, built from that name in the stack's
 * region and account rather than taken from the construct. The state machine refers
 * to its task functions' ARNs; those functions need its ARN (STATE_MACHINE_ARN, grants):
 * taking it from the construct would make a dependency cycle.
 */
export function stateMachineArns(scope: IConstruct, name: string): StateMachineArns {
  const stack = Stack.of(scope);
  const arn = (resource: string, resourceName: string) =>
    stack.formatArn({ service: 'states', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  return { stateMachine: arn('stateMachine', name), executions: arn('execution', `${name}:*`) };
}
