/**
 * The lifecycle capability (manifest `lifecycle`): the Step Functions client and engine,
 * loaded only by the functions that declare it (its own tasks, the change follower, the
 * timer, the workflow routes).
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { ENV } from '../config-names';
import { SfnWorkflowEngine } from '../lifecycle/sfn-workflow-engine';
import type { LifecycleDeps } from '../lifecycle/ticket-lifecycle';
import { DynamoLifecycleRegistry } from '../store/dynamo-lifecycle-registry';
import { config, deps, table } from '../wiring';

/** The lifecycle exists where a state machine is configured (always in AWS and in `npm start`). */
const lifecycleDeps: LifecycleDeps | undefined = config.stateMachineArn
  ? {
      tickets: deps.tickets,
      settings: deps.settings,
      registry: new DynamoLifecycleRegistry(table.db, table.tableName, table.meter),
      engine: new SfnWorkflowEngine(new SFNClient(config.sfnEndpoint ? { endpoint: config.sfnEndpoint } : {}), config.stateMachineArn),
      clock: deps.clock,
    }
  : undefined;

/**
 * For functions that drive the lifecycle: called at module scope, so a function deployed
 * without the state machine fails its cold start instead of silently doing nothing.
 */
export function requireLifecycle(): LifecycleDeps {
  if (!lifecycleDeps) throw new Error(`${ENV.stateMachineArn} is not configured`);
  return lifecycleDeps;
}
