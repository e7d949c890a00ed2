import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, type AppProps, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TicketflowStatefulStack } from './stateful-stack';
import { TicketflowStatelessStack } from './stateless-stack';

/** Tags on every resource of the app, for AWS cost allocation (Cost Explorer, CUR). */
export const COST_ALLOCATION_TAGS = { 'ticketflow:service': 'ticketflow', 'ticketflow:cost-center': 'ticketflow-platform' } as const;

export interface BuildAppProps {
  /** Extra context, e.g. `{'aws:cdk:bundling-stacks': []}` to skip bundling in tests. */
  readonly context?: Record<string, unknown>;
  /** Output directory of the cloud assembly (default: a temp dir, or the CLI's). */
  readonly outdir?: string;
  /** Run the cdk-nag AwsSolutions checks at synth (default true). */
  readonly nag?: boolean;
  /**
   * aws-cdk-lib's built-in CloudFormation template validation at synth (default true;
   * ~2 s). Assertion-only tests may turn it off; the cdk-nag test and `cdk synth` keep it.
   */
  readonly builtinCloudFormationValidation?: boolean;
  /** Stack name prefix (default `Ticketflow`): `<prefix>Stateful`, `<prefix>Stateless`. */
  readonly stackPrefix?: string;
}

export interface TicketflowApp {
  readonly app: App;
  readonly stateful: TicketflowStatefulStack;
  readonly stateless: TicketflowStatelessStack;
}

/** The context of cdk.json, so an app built in-process behaves like `npx cdk synth`. */
function cdkJsonContext(): Record<string, unknown> {
  const file = fileURLToPath(new URL('../cdk.json', import.meta.url));
  const json = JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> };
  return json.context ?? {};
}

/**
 * Both stacks, environment-agnostic (no account/region lookups: synth works offline
 * without credentials; `cdk deploy` uses the CLI's credentials and region).
 */
export function buildApp(props: BuildAppProps = {}): TicketflowApp {
  // Context given here is the default; context from the CLI (cdk.json, -c) overrides it.
  const appProps: AppProps = {
    context: { ...cdkJsonContext(), ...props.context },
    ...(props.outdir ? { outdir: props.outdir } : {}),
    builtinCloudFormationValidation: props.builtinCloudFormationValidation ?? true,
  };
  const app = new App(appProps);
  if (props.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  }

  const prefix = props.stackPrefix ?? 'Ticketflow';
  // The user pool (with its client and trigger) used to be in the stateless stack; it has the
  // same logical ids here. An app deployed with the pool over there keeps its users only if the
  // deployed pool is moved into this stack (CloudFormation stack refactoring, `cdk refactor
  // --unstable=refactor`, or retain-and-`cdk import`): a plain `cdk deploy --all` would create
  // a new, empty pool here and leave the old one, retained, outside both stacks.
  const stateful = new TicketflowStatefulStack(app, `${prefix}Stateful`, {
    description:
      'Ticketflow data: the DynamoDB table and its KMS key, the ticket-timer schedule group and dead-letter queue, the Cognito user pool (retained), its app client and pre token generation trigger',
  });
  const stateless = new TicketflowStatelessStack(app, `${prefix}Stateless`, {
    description: 'Ticketflow API: HTTP API, JWT authorizer, Lambda functions, ticket lifecycle state machine, ticket timers',
    table: stateful.table,
    timers: { scheduleGroupName: stateful.scheduleGroupName, deadLetterQueue: stateful.timerDeadLetterQueue },
    changes: { deadLetterQueue: stateful.changeDeadLetterQueue },
    mail: { inboundMailBucket: stateful.inboundMailBucket },
    identity: { userPool: stateful.userPool, userPoolClient: stateful.userPoolClient, issuerUrl: stateful.jwtIssuer },
  });
  stateless.addStackDependency(
    stateful,
    "functions read and write the table and schedule timers in its group; the JWT authorizer checks its user pool's tokens",
  );
  Tags.of(app).add('app', 'ticketflow');
  // Cost-allocation tags (activate them in Billing → Cost allocation tags): every resource is
  // Ticketflow's, split by the stack it belongs to. The tenants share every resource, so the
  // per-tenant split is GET /v1/usage's measured counters, not tags.
  for (const [key, value] of Object.entries(COST_ALLOCATION_TAGS)) Tags.of(app).add(key, value);
  Tags.of(stateful).add('ticketflow:stack', 'stateful');
  Tags.of(stateless).add('ticketflow:stack', 'stateless');

  return { app, stateful, stateless };
}

// Run as the CDK app (`npx tsx infra/app.ts`, from cdk.json), not when imported by tests.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildApp().app.synth();
}
