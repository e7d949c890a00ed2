import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { LIFECYCLE_ASL, LIFECYCLE_FUNCTIONS, LIFECYCLE_STATE_MACHINE_NAME } from '../../shared/lifecycle/lifecycle-functions';
import { acknowledgeAtSynth, flattenCfnReference, PROJECT_ROOT, TicketFunction } from './ticket-function';
import { lifecycleTaskFunction } from '../../shared/function-manifest';

export interface TicketLifecycleProps {
  /** The single table: the tasks read the ticket and keep the LIFECYCLE item beside it. */
  readonly table: dynamodb.ITable;
}

/** The `${Name}` placeholders of an ASL document. */
export const placeholdersOf = (asl: string): string[] => [...new Set([...asl.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!))];

/**
 * The ticket-lifecycle state machine (statemachines/ticket-lifecycle.asl.json, the same
 * file the local runtime executes) and its Lambda tasks from shared/lifecycle/lifecycle-functions.ts,
 * each a TicketFunction with its table access, STATE_MACHINE_ARN and its own states:* grants.
 */
export class TicketLifecycle extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;
  /** LifecycleFunction id (`ReadTicket`, …) → its function. */
  readonly functions: ReadonlyMap<string, TicketFunction>;

  constructor(scope: Construct, id: string, props: TicketLifecycleProps) {
    super(scope, id);
    const definitionFile = path.join(PROJECT_ROOT, LIFECYCLE_ASL);

    const functions = new Map<string, TicketFunction>();
    for (const task of LIFECYCLE_FUNCTIONS) {
      functions.set(
        task.id,
        // Every task gets the ARN (the handlers wire the lifecycle at cold start and refuse
        // to load without it), but only the states:* actions of its manifest entry.
        new TicketFunction(this, task.id, { spec: lifecycleTaskFunction(task), table: props.table }),
      );
    }
    this.functions = functions;

    // A placeholder without a function would reach CloudFormation as a literal `${…}`
    // and fail the deploy; one without a use would be a task nobody invokes.
    const placeholders = placeholdersOf(readFileSync(definitionFile, 'utf8')).sort();
    const substituted = LIFECYCLE_FUNCTIONS.map((t) => t.placeholder).sort();
    if (placeholders.join() !== substituted.join()) {
      throw new Error(`${LIFECYCLE_ASL} has placeholders [${placeholders.join(', ')}], LIFECYCLE_FUNCTIONS substitutes [${substituted.join(', ')}]`);
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: LIFECYCLE_STATE_MACHINE_NAME,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(definitionFile),
      definitionSubstitutions: Object.fromEntries(LIFECYCLE_FUNCTIONS.map((t) => [t.placeholder, functions.get(t.id)!.function.functionArn])),
      // ALL, not ERROR: with includeExecutionData off, each event is a state name, a type
      // and a timestamp, no input or output (customer data stays out of the logs). A ticket
      // moves through a few states per change, so the volume is small, and ALL gives the
      // path a ticket took (which state, since when) for support, beyond the 90 days Step
      // Functions keeps the history of closed executions. ERROR would log failures only.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    // lambda:InvokeFunction on each task function (and its versions/aliases, `:*`) only.
    for (const fn of functions.values()) fn.function.grantInvoke(this.stateMachine);

    this.acknowledgeFindings();
  }

  private acknowledgeFindings(): void {
    const policy = this.stateMachine.role.node.findChild('DefaultPolicy');
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by StateMachine logs/tracingEnabled: CloudWatch Logs vended log delivery (logs:*LogDelivery*, *ResourcePolicy*, DescribeLogGroups) and X-Ray (PutTraceSegments, PutTelemetryRecords, GetSampling*) do not support resource-level permissions.',
    });
    acknowledgeAtSynth(policy, () =>
      [...this.functions.values()].map((fn) => ({
        id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(policy).resolve(fn.function.functionArn))}:*]`,
        reason:
          'Added by grantInvoke: lambda:InvokeFunction on this one task function and its versions/aliases (`<function ARN>:*`); the ASL invokes the unqualified ARN, the suffix covers nothing else.',
      })),
    );
  }
}
