import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Acknowledgment, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { ENV } from '../../shared/config-names';
import type { Capabilities, FunctionSpec } from '../../shared/function-manifest';
import type { StateMachineAccess } from '../../shared/http/routes';
import { LIFECYCLE_STATE_MACHINE_NAME } from '../../shared/lifecycle/lifecycle-functions';
import { type StateMachineArns, stateMachineArns } from './state-machine-arns';
import { SCHEDULE_ACTIONS, schedulesArn, type TimerAccess } from './timer-access';
import { USAGE_WRITE_PARTITIONS } from '../../shared/store/table-design';
import { FUNCTION_MEMORY_MB } from '../../shared/usage/invocation-meter';

/** The project root: handler entries (`functions/...`) are relative to it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Least privilege per access kind: the one action the handler calls, on the state
 * machine or on its executions. `respond` is SendTaskSuccess only: the handlers never
 * fail or heartbeat a task (the ASL has no HeartbeatSeconds; a callback state that is
 * never woken times out into ReadTicket). SendTaskSuccess with a callback token is
 * authorized against the ARN of the state machine whose execution issued the token.
 */
const STATE_MACHINE_GRANTS: Record<StateMachineAccess, { readonly action: string; readonly on: keyof StateMachineArns }> = {
  start: { action: 'states:StartExecution', on: 'stateMachine' },
  respond: { action: 'states:SendTaskSuccess', on: 'stateMachine' },
  describe: { action: 'states:DescribeExecution', on: 'executions' },
  stop: { action: 'states:StopExecution', on: 'executions' },
};

export interface TicketFunctionProps {
  /** The function's entry in shared/function-manifest.ts: its handler and its capabilities. */
  readonly spec: FunctionSpec;
  /** The table; required when the spec's table capability is not 'none' (TABLE_NAME). */
  readonly table?: dynamodb.ITable;
  /**
   * The ticket timers (EventBridge Scheduler); required when the spec declares `timers`:
   * the four values are passed as SCHEDULE_GROUP, TIMER_TARGET_ARN, SCHEDULER_ROLE_ARN and
   * TIMER_DLQ_ARN, with scheduler:Create/Update/DeleteSchedule on the group's schedules and
   * iam:PassRole on the scheduler role (to scheduler.amazonaws.com only).
   */
  readonly timers?: TimerAccess;
  /** POWERTOOLS_SERVICE_NAME. */
  readonly serviceName?: string;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly logRetention?: logs.RetentionDays;
  readonly environment?: Readonly<Record<string, string>>;
  /** A fixed function name, for a function whose ARN is needed before it exists (default: generated). */
  readonly functionName?: string;
  /** Dead-letter queue for asynchronous invocations that failed after Lambda's retries (sqs:SendMessage on it). */
  readonly deadLetterQueue?: sqs.IQueue;
  /** Required when the spec declares `mailOut`: the SES configuration set notifications are sent with. */
  readonly mailOut?: { readonly configurationSetName: string };
  /** Required when the spec declares `mailIn`: where the receipt rule stores raw mail (read access under the prefix). */
  readonly mailIn?: { readonly bucket: s3.IBucket; readonly prefix: string };
}

/** import.meta.url in a CommonJS bundle (esbuild leaves it empty): the bundle's own file URL. Also used by test/bench/bundle-bench.ts. */
export const BUNDLE_BANNER = "const __ticketflowImportMetaUrl = require('node:url').pathToFileURL(__filename).href;";
export const BUNDLE_DEFINE = { 'import.meta.url': '__ticketflowImportMetaUrl' } as const;

/**
 * The one way this project makes a Lambda function: Node.js 22 on arm64, active
 * tracing, its own log group with retention, CommonJS bundle with the AWS SDK left to
 * the runtime, and a role that can write to its own log group and nothing else
 * until a grant is made (table grants from `tableAccess`).
 */
export class TicketFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: TicketFunctionProps) {
    super(scope, id);

    const { capabilities, entry } = props.spec;
    if (capabilities.table !== 'none' && !props.table) throw new Error(`TicketFunction ${id}: table access '${capabilities.table}' needs a table`);
    if (capabilities.timers && !props.timers) throw new Error(`TicketFunction ${id}: declares timers but was given no TimerAccess`);
    if (capabilities.mailOut && !props.mailOut) throw new Error(`TicketFunction ${id}: declares mailOut but was given no configuration set`);
    if (capabilities.mailIn && !props.mailIn) throw new Error(`TicketFunction ${id}: declares mailIn but was given no bucket`);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });

    // Own role instead of the AWS managed AWSLambdaBasicExecutionRole (logs:* on "*"):
    // this function may write to its own log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${entry}`,
    });
    this.logGroup.grantWrite(this.role);

    const environment: Record<string, string> = {
      [ENV.serviceName]: props.serviceName ?? 'ticketflow',
      [ENV.logLevel]: 'INFO',
      // Minified bundle: map stack traces back to the TypeScript source.
      NODE_OPTIONS: '--enable-source-maps',
      ...props.environment,
    };
    if (props.table && capabilities.table !== 'none') {
      environment[ENV.tableName] = props.table.tableName;
      // Every function with a table meters its tenants' usage into it (CONTRACT 8).
      environment[ENV.meterUsage] = 'true';
    }
    // By the state machine's fixed name, not from its construct: no dependency cycle with its tasks.
    const lifecycleArns = capabilities.lifecycle && stateMachineArns(this, LIFECYCLE_STATE_MACHINE_NAME);
    if (lifecycleArns) environment[ENV.stateMachineArn] = lifecycleArns.stateMachine;
    if (capabilities.timers && props.timers) {
      environment[ENV.scheduleGroup] = props.timers.scheduleGroupName;
      environment[ENV.timerTargetArn] = props.timers.targetArn;
      environment[ENV.schedulerRoleArn] = props.timers.schedulerRoleArn;
      environment[ENV.timerDeadLetterArn] = props.timers.deadLetterQueueArn;
    }

    if (capabilities.mailOut && props.mailOut) {
      environment[ENV.mailOut] = 'ses';
      environment[ENV.sesConfigurationSet] = props.mailOut.configurationSetName;
      // SES replaces Message-ID with <id@<region>.amazonses.com>: the mailer threads on that.
      environment[ENV.sesMessageIdDomain] = `${Stack.of(this).region}.amazonses.com`;
    }
    if (capabilities.mailIn && props.mailIn) {
      environment[ENV.mailIn] = 's3';
      environment[ENV.inboundMailBucket] = props.mailIn.bucket.bucketName;
      environment[ENV.inboundMailPrefix] = props.mailIn.prefix;
    }

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, entry),
      handler: 'handler',
      ...(props.functionName ? { functionName: props.functionName } : {}),
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.spec.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? FUNCTION_MEMORY_MB,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      role: this.role,
      environment,
      bundling: {
        // CommonJS, not ESM: the runtime's AWS SDK is CommonJS, and an ES module importing it
        // pays for Node's ESM loader and the CommonJS export scan of every SDK package it names
        // (cold init of GetTicket 240 → 178 ms measured, test/bench/bundle-bench.ts). No handler
        // needs top-level await or import.meta.
        format: nodejs.OutputFormat.CJS,
        // An ES-module-only dependency may ask for import.meta.url (email-reply-parser, to find
        // an optional module): in a CommonJS bundle that is the bundle's own file URL.
        banner: BUNDLE_BANNER,
        define: BUNDLE_DEFINE,
        target: 'node22',
        platform: 'node',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The Node.js 22 runtime ships AWS SDK v3: keep it out of the bundle.
        externalModules: ['@aws-sdk/*'],
      },
    });

    if (props.table) {
      if (capabilities.table === 'read') {
        props.table.grantReadData(this.role);
        this.grantUsageWrites(props.table);
      }
      if (capabilities.table === 'readwrite') props.table.grantReadWriteData(this.role);
    }
    if (capabilities.lifecycle && lifecycleArns) this.grantLifecycle(capabilities.lifecycle, lifecycleArns);
    if (capabilities.timers && props.timers) this.grantTimers(props.timers);
    if (capabilities.mailOut && props.mailOut) this.grantMailOut(props.mailOut.configurationSetName);
    if (capabilities.mailIn && props.mailIn) this.grantMailIn(props.mailIn.bucket, props.mailIn.prefix);

    this.acknowledgeFindings(capabilities, props.table);
  }

  /**
   * A read-only function still counts its own usage: it may put dedupe markers and add to
   * usage counters, and nothing else — the partition keys are pinned to the usage
   * partitions (dynamodb:LeadingKeys), so it can never write a ticket.
   */
  private grantUsageWrites(table: dynamodb.ITable): void {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...USAGE_WRITE_PARTITIONS] } },
      }),
    );
    table.encryptionKey?.grant(this.role, 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*');
  }

  /** ses:SendEmail from the tenants' verified identities, with this configuration set (so bounces are reported). */
  private grantMailOut(configurationSetName: string): void {
    const stack = Stack.of(this);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' }),
          stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSetName }),
        ],
      }),
    );
    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*]',
      reason: "ses:SendEmail from tenants' support addresses: each tenant verifies its own identity, so the set is tenant data, not known at synth.",
    });
  }

  /** s3:GetObject on the raw messages under the receipt rule's prefix, and decrypt with the bucket's key: nothing else. */
  private grantMailIn(bucket: s3.IBucket, prefix: string): void {
    const objects = bucket.arnForObjects(`${prefix}*`);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objects] }));
    bucket.encryptionKey?.grantDecrypt(this.role);
    acknowledgeAtSynth(this.role.node.findChild('DefaultPolicy'), () => [
      {
        id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(this).resolve(objects))}]`,
        reason: 'The raw messages SES stored under the receipt rule prefix: one object per inbound mail, named by its SES message id.',
      },
    ]);
  }

  private grantLifecycle(access: readonly StateMachineAccess[], arns: StateMachineArns): void {
    for (const on of ['stateMachine', 'executions'] as const) {
      const actions = [...new Set(access)].filter((a) => STATE_MACHINE_GRANTS[a].on === on).map((a) => STATE_MACHINE_GRANTS[a].action);
      if (actions.length === 0) continue;
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [arns[on]] }));
    }
    if (!access.some((a) => STATE_MACHINE_GRANTS[a].on === 'executions')) return;
    Validations.of(this.role.node.findChild('DefaultPolicy')).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(this).resolve(arns.executions))}]`,
      reason:
        'DescribeExecution/StopExecution act on executions, whose ARNs end in the per-ticket execution name; the wildcard is the execution name of this one state machine (execution:<name>:*), not other state machines.',
    });
  }

  /**
   * Exactly what EventBridgeTimerScheduler calls, in the one schedule group, and passing
   * the scheduler role (a schedule's Target.RoleArn) to EventBridge Scheduler only.
   */
  private grantTimers(timers: TimerAccess): void {
    const schedules = schedulesArn(this, timers.scheduleGroupName);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...SCHEDULE_ACTIONS], resources: [schedules] }));
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [timers.schedulerRoleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    const policy = this.role.node.findChild('DefaultPolicy');
    acknowledgeAtSynth(policy, () => [
      {
        id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(policy).resolve(schedules))}]`,
        reason:
          'Schedule names are per ticket and timer kind (created at run time), so the schedule ARN ends in a wildcard; it covers the schedules of the one ticket-timer group (schedule/<group>/*), not other groups.',
      },
    ]);
  }

  /** cdk-nag findings every function has by construction, each with its reason. */
  private acknowledgeFindings(capabilities: Capabilities, table: dynamodb.ITable | undefined): void {
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the deliberately pinned runtime (supported by Lambda into 2027) that the handlers and their dependencies are tested on; moving to nodejs24.x is a planned upgrade, not a silent drift.',
    });
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (!policy) return;
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions (added by tracing: ACTIVE).',
    });
    if (!table || capabilities.table === 'none') return;
    // The table usually lives in the stateful stack: its ARN is a cross-stack import
    // whose name is only known once references are resolved, so the exact finding id
    // is computed at synthesis time.
    acknowledgeAtSynth(policy, () => [
      {
        id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(policy).resolve(table.tableArn))}/index/*]`,
        reason:
          "Queries on the table's own GSIs (list endpoints: one GSI per filter, see shared/store/table-design.ts); the wildcard covers this one table's indexes only.",
      },
    ]);
    // Read-only functions write their usage counters too (grantUsageWrites): the same key actions.
    if (table.encryptionKey) {
      for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
        Validations.of(policy).acknowledge({
          id: `AwsSolutions-IAM5[Action::${action}]`,
          reason:
            "Writes to the table encrypted with the customer-managed key need data-key generation and re-encryption; granted by Table.grantReadWriteData and scoped to that one key's ARN.",
        });
      }
    }
  }
}

/**
 * Acknowledge cdk-nag findings whose id contains a value known only after
 * cross-stack references are resolved (e.g. an imported ARN). Construct validations
 * run after reference resolution and before the validation plugins, so the
 * acknowledgement is in place when cdk-nag checks.
 */
export function acknowledgeAtSynth(scope: IConstruct, acknowledgements: () => Acknowledgment[]): void {
  scope.node.addValidation({
    validate: () => {
      Validations.of(scope).acknowledge(...acknowledgements());
      return [];
    },
  });
}

/**
 * A resolved CloudFormation value as cdk-nag renders it in a finding id
 * (same rules as cdk-nag's flattenCfnReference): Fn::Join joined, Fn::GetAtt and
 * Ref as `<Id.Attr>` / `<Id>`, Fn::ImportValue as the export name.
 */
export function flattenCfnReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const join = o['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, items] = join as [string, unknown[]];
      return items.map(flattenCfnReference).join(delimiter);
    }
    if (o['Fn::Sub'] !== undefined) return flattenCfnReference(o['Fn::Sub']);
    const getAtt = o['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${flattenCfnReference(getAtt[0])}.${flattenCfnReference(getAtt[1])}>`;
    if (o['Fn::ImportValue'] !== undefined) return flattenCfnReference(o['Fn::ImportValue']);
    if (o['Ref'] !== undefined) return `<${flattenCfnReference(o['Ref'])}>`;
  }
  return JSON.stringify(value);
}
