import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CfnResource, Stack } from 'aws-cdk-lib';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, COST_ALLOCATION_TAGS } from '../../infra/app';
import { PROJECT_ROOT, type TicketFunction } from '../../infra/constructs/ticket-function';
import { placeholdersOf } from '../../infra/constructs/ticket-lifecycle';
import { TIMER_FUNCTION_NAME, TIMER_SCHEDULE_GROUP_NAME } from '../../infra/constructs/ticket-timers';
import { FUNCTIONS, type FunctionSpec } from '../../shared/function-manifest';
import { ROUTES, type StateMachineAccess } from '../../shared/http/routes';
import { LIFECYCLE_ASL, LIFECYCLE_FUNCTIONS, LIFECYCLE_STATE_MACHINE_NAME } from '../../shared/lifecycle/lifecycle-functions';
import { GLOBAL_SECONDARY_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE, USAGE_WRITE_PARTITIONS } from '../../shared/store/table-design';

// One app for the whole file, bundling skipped (no esbuild); cdk-nag and the built-in
// CloudFormation validation are left to nag.test.ts and cdk-synth.test.ts.
const outdir = mkdtempSync(join(tmpdir(), 'ticketflow-stacks-'));
const { stateful, stateless } = buildApp({
  nag: false,
  builtinCloudFormationValidation: false,
  outdir,
  context: { 'aws:cdk:bundling-stacks': [] },
});
const data = Template.fromStack(stateful);
const api = Template.fromStack(stateless);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

type Resource = { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
const resourcesOf = (t: Template): Record<string, Resource> => t.toJSON().Resources;
/** Logical ids in the function's own stack (the pre token generation trigger is in the stateful one). */
const logicalId = (fn: TicketFunction) => Stack.of(fn).getLogicalId(fn.function.node.defaultChild as CfnResource);
const roleLogicalId = (fn: TicketFunction) => Stack.of(fn).getLogicalId(fn.role.node.defaultChild as CfnResource);
/** The template of the stack a construct is in. */
const templateOf = (scope: TicketFunction): Template => {
  const stack = Stack.of(scope);
  expect([stateful, stateless]).toContain(stack);
  return stack === stateful ? data : api;
};
/** A stateless-stack Fn::ImportValue resolved to the value the stateful stack exports under that name. */
function exported(value: unknown): unknown {
  const name = (value as { 'Fn::ImportValue'?: unknown })['Fn::ImportValue'];
  expect(typeof name, `an import: ${JSON.stringify(value)}`).toBe('string');
  expect(name as string).toMatch(new RegExp(`^${stateful.stackName}:`));
  const outputs = Object.values(data.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>);
  return only(outputs.filter((o) => o.Export?.Name === name)).Value;
}
const only = <T>(items: T[]): T => {
  expect(items).toHaveLength(1);
  return items[0]!;
};

/** Every IAM action granted to a role by the policies attached to it in the stateless stack. */
type Statement = { Effect: string; Action: string | string[]; Condition?: Record<string, Record<string, unknown>> };

function allowStatementsOf(roleId: string): Statement[] {
  const role = resourcesOf(api)[roleId]!;
  expect(role.Properties?.ManagedPolicyArns ?? []).toEqual([]);
  const policies = Object.values(resourcesOf(api)).filter(
    (r) => r.Type === 'AWS::IAM::Policy' && (r.Properties?.Roles ?? []).some((ref: any) => ref.Ref === roleId),
  );
  return policies.flatMap((p) => (p.Properties!.PolicyDocument.Statement as Statement[]).filter((s) => s.Effect === 'Allow'));
}

/** Statements that let a function write its usage counters only (partition keys pinned by dynamodb:LeadingKeys). */
const usageWriteStatements = (roleId: string) => allowStatementsOf(roleId).filter((s) => s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']);

function actionsOf(roleId: string, options: { withoutUsageWrites?: boolean } = {}): string[] {
  const usage = new Set(options.withoutUsageWrites ? usageWriteStatements(roleId) : []);
  return allowStatementsOf(roleId)
    .filter((s) => !usage.has(s))
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

/** Every Allow statement of the policies attached to a role in the stateless stack. */
function statementsOf(roleId: string): { Action: string[]; Resource: unknown[] }[] {
  return Object.values(resourcesOf(api))
    .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties?.Roles ?? []).some((ref: any) => ref.Ref === roleId))
    .flatMap((p) => p.Properties!.PolicyDocument.Statement as { Effect: string; Action: string | string[]; Resource: unknown }[])
    .filter((s) => s.Effect === 'Allow')
    .map((s) => ({ Action: [s.Action].flat(), Resource: [s.Resource].flat() }));
}

/** A resolved value as one string: `{Ref: X}` → `${X}`, Fn::Join joined, Fn::GetAtt → `${Id.Attr}`. */
function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  const o = value as Record<string, any>;
  if (o['Ref']) return '${' + o['Ref'] + '}';
  if (o['Fn::GetAtt']) return '${' + o['Fn::GetAtt'].join('.') + '}';
  if (o['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(flat).join(o['Fn::Join'][0]);
  if (o['Fn::ImportValue']) return '${Import:' + o['Fn::ImportValue'] + '}';
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}

/** Every function of the stateless stack with what its manifest entry declares (shared/function-manifest.ts). */
const functionOf = (spec: FunctionSpec): TicketFunction => {
  switch (spec.trigger.kind) {
    case 'http':
      return stateless.functions.get(spec.trigger.route.operationId)!;
    case 'lifecycle-task':
      return stateless.lifecycle.functions.get(spec.id)!;
    case 'schedule-target':
      return stateless.timers.function;
    case 'table-stream':
      return stateless.changes.function;
    case 'cognito-pre-token':
      return stateful.preTokenGeneration;
    case 'ses-receipt':
      return stateless.mail.receiver;
    case 'ses-feedback':
      return stateless.mail.feedback;
  }
};
const KIND = {
  http: 'route',
  'lifecycle-task': 'lifecycle task',
  'schedule-target': 'timer',
  'table-stream': 'stream consumer',
  'cognito-pre-token': 'trigger',
  'ses-receipt': 'inbound mail',
  'ses-feedback': 'mail feedback',
};
const ENTRIES = FUNCTIONS.filter((spec) => spec.trigger.kind !== 'cognito-pre-token').map((spec) => ({
  name: spec.trigger.kind === 'http' ? spec.trigger.route.operationId : spec.id,
  fn: functionOf(spec),
  tableAccess: spec.capabilities.table,
  stateMachine: spec.capabilities.lifecycle ?? [],
  timers: spec.capabilities.timers === true,
  kind: KIND[spec.trigger.kind],
}));
const entry = (name: string) => only(ENTRIES.filter((e) => e.name === name));

// What the entries' `stateMachine` access must grant: the action, on the state machine or its executions.
const STATE_MACHINE_ARN = 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:' + LIFECYCLE_STATE_MACHINE_NAME;
const EXECUTIONS_ARN = 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:' + LIFECYCLE_STATE_MACHINE_NAME + ':*';
const EXPECTED_GRANT: Record<StateMachineAccess, string> = {
  start: `states:StartExecution on ${STATE_MACHINE_ARN}`,
  respond: `states:SendTaskSuccess on ${STATE_MACHINE_ARN}`,
  describe: `states:DescribeExecution on ${EXECUTIONS_ARN}`,
  stop: `states:StopExecution on ${EXECUTIONS_ARN}`,
};

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:TransactWriteItems',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
  'kms:Encrypt',
  'kms:GenerateDataKey*',
  'kms:ReEncrypt*',
];

describe('stateful stack: the table', () => {
  const [tableId, table] = only(Object.entries(data.findResources('AWS::DynamoDB::Table')));

  it('has string pk/sk keys from table-design.ts and is on-demand', () => {
    data.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
      ]),
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('has every GSI of table-design.ts, string keys, keys-only projection, and no other', () => {
    const gsis = table.Properties.GlobalSecondaryIndexes as { IndexName: string }[];
    expect(gsis.map((g) => g.IndexName).sort()).toEqual(GLOBAL_SECONDARY_INDEXES.map((g) => g.name).sort());
    for (const index of GLOBAL_SECONDARY_INDEXES) {
      expect(gsis).toContainEqual({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      });
      expect(table.Properties.AttributeDefinitions).toContainEqual({ AttributeName: index.partitionKey, AttributeType: 'S' });
      expect(table.Properties.AttributeDefinitions).toContainEqual({ AttributeName: index.sortKey, AttributeType: 'S' });
    }
  });

  it('is protected: PITR, deletion protection, DeletionPolicy and UpdateReplacePolicy Retain', () => {
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('is encrypted with the retained, rotating customer-managed key of this stack', () => {
    const [keyId, key] = only(Object.entries(data.findResources('AWS::KMS::Key')).filter(([id]) => id.startsWith('TableKey')));
    expect(table.Properties.SSESpecification).toEqual({
      SSEEnabled: true,
      SSEType: 'KMS',
      KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
  });

  it('streams new and old images and expires items on the TTL attribute', () => {
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
  });

  it('is the table the stateless stack depends on', () => {
    expect(stateful.getLogicalId(stateful.table.node.defaultChild as CfnResource)).toBe(tableId);
    expect(stateless.dependencies).toContain(stateful);
  });
});

describe('stateful stack: ticket timers', () => {
  it("has the schedule group of the fixed name the functions' rights are scoped to, retained", () => {
    const [groupId, group] = only(Object.entries(data.findResources('AWS::Scheduler::ScheduleGroup')));
    expect(stateful.getLogicalId(stateful.scheduleGroup.node.defaultChild as CfnResource)).toBe(groupId);
    expect(group.Properties.Name).toBe(TIMER_SCHEDULE_GROUP_NAME);
    expect(stateful.scheduleGroupName).toBe(TIMER_SCHEDULE_GROUP_NAME);
    expect(group.DeletionPolicy).toBe('Retain');
    expect(group.UpdateReplacePolicy).toBe('Retain');
  });

  const queueIds = [stateful.timerDeadLetterQueue, stateful.changeDeadLetterQueue].map((q) => stateful.getLogicalId(q.node.defaultChild as CfnResource));

  it('has exactly the two dead-letter queues (timers, table stream)', () => {
    expect(Object.keys(data.findResources('AWS::SQS::Queue')).sort()).toEqual([...queueIds].sort());
  });

  it.each(queueIds)('dead-letter queue %s: encrypted (SQS-managed SSE), 14 days retention, retained', (queueId) => {
    const queue = data.findResources('AWS::SQS::Queue')[queueId]!;
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(queue.Properties.RedrivePolicy).toBeUndefined();
    expect(queue.DeletionPolicy).toBe('Retain');
    expect(queue.UpdateReplacePolicy).toBe('Retain');
  });

  it.each(queueIds)('dead-letter queue %s: denies any request without TLS (enforceSSL)', (queueId) => {
    const policy = only(Object.values(data.findResources('AWS::SQS::QueuePolicy')).filter((p) => p.Properties.Queues[0].Ref === queueId));
    expect(policy.Properties.Queues).toEqual([{ Ref: queueId }]);
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sqs:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
    });
  });
});

describe('stateless stack: functions', () => {
  const functions = resourcesOf(api);
  const lambdas = Object.entries(functions).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
  // Every function of the app: these and the pre token generation trigger (stateful stack, with the pool).
  const allLambdas = [
    ...lambdas.map(([id]) => [`${stateless.stackName} ${id}`, functions, id] as const),
    ...Object.entries(resourcesOf(data))
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(([id]) => [`${stateful.stackName} ${id}`, resourcesOf(data), id] as const),
  ];

  it('has one function per manifest entry: routes, lifecycle tasks, the timer, the stream consumer, the two mail functions (the pre token generation trigger is with the user pool)', () => {
    expect(lambdas).toHaveLength(ROUTES.length + LIFECYCLE_FUNCTIONS.length + 4);
    expect(allLambdas).toHaveLength(FUNCTIONS.length);
    expect([...stateless.functions.keys()].sort()).toEqual(ROUTES.map((r) => r.operationId).sort());
    expect([...stateless.lifecycle.functions.keys()].sort()).toEqual(LIFECYCLE_FUNCTIONS.map((t) => t.id).sort());
  });

  it('the notification configuration set publishes sends (what records a mail whose sender died), bounces and complaints to the feedback topic', () => {
    const destinations = Object.values(resourcesOf(api)).filter((r) => r.Type === 'AWS::SES::ConfigurationSetEventDestination');
    expect(destinations).toHaveLength(1);
    const destination = destinations[0]!.Properties!.EventDestination;
    expect([...destination.MatchingEventTypes].sort()).toEqual(['bounce', 'complaint', 'send']);
    expect(destination.SnsDestination.TopicARN.Ref).toBeDefined();
  });

  it.each(allLambdas)('%s: nodejs22.x on arm64 with active tracing and a log group with retention', (_label, resources, id) => {
    const fn = resources[id]!;
    expect(fn.Properties!.Runtime).toBe('nodejs22.x');
    expect(fn.Properties!.Architectures).toEqual(['arm64']);
    expect(fn.Properties!.TracingConfig).toEqual({ Mode: 'Active' });
    const logGroupRef = fn.Properties!.LoggingConfig.LogGroup.Ref as string;
    expect(resources[logGroupRef]?.Type).toBe('AWS::Logs::LogGroup');
    expect(resources[logGroupRef]?.Properties?.RetentionInDays).toBeGreaterThan(0);
  });

  it.each(ENTRIES.map((e) => [e.name] as const))('%s: environment the handlers read', (name) => {
    const fn = functions[logicalId(entry(name).fn)]!;
    expect(fn.Properties!.Environment.Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'ticketflow', POWERTOOLS_LOG_LEVEL: 'INFO' });
    // TABLE_NAME exactly where the entry declares table access (getOpenApi has none).
    if (entry(name).tableAccess === 'none') expect(fn.Properties!.Environment.Variables).not.toHaveProperty('TABLE_NAME');
    else expect(fn.Properties!.Environment.Variables.TABLE_NAME).toEqual({ 'Fn::ImportValue': expect.any(String) });
    // Every function with a table meters its tenants' usage (CONTRACT 8).
    if (entry(name).tableAccess !== 'none') expect(fn.Properties!.Environment.Variables.METER_USAGE).toBe('true');
  });

  const byAccess = (access: string) => ENTRIES.filter((e) => e.tableAccess === access).map((e) => [e.name] as const);

  it.each(byAccess('read'))('%s (read): read actions only on the table, writes only to its usage counters', (name) => {
    const roleId = roleLogicalId(entry(name).fn);
    const actions = actionsOf(roleId, { withoutUsageWrites: true });
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'kms:Decrypt']));
    // The table's key encrypts the usage counters too (CONTRACT 8): the same key actions as a writer.
    for (const write of WRITE_ACTIONS.filter((a) => !a.startsWith('kms:'))) expect(actions).not.toContain(write);
    expect(actions.filter((a) => a.includes('*') && !a.startsWith('kms:'))).toEqual([]);
    // Usage metering: put a dedupe marker and add to a counter, pinned to the usage partitions.
    const usage = usageWriteStatements(roleId);
    expect(usage).toHaveLength(1);
    expect([usage[0]!.Action].flat().sort()).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(usage[0]!.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...USAGE_WRITE_PARTITIONS] } });
  });

  it.each(byAccess('readwrite'))('%s (readwrite): read and write actions on the table', (name) => {
    const actions = actionsOf(roleLogicalId(entry(name).fn));
    expect(actions).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:ConditionCheckItem',
        'kms:Decrypt',
        'kms:GenerateDataKey*',
      ]),
    );
  });

  it.each(byAccess('none'))('%s (none): no table or key access at all', (name) => {
    const actions = actionsOf(roleLogicalId(entry(name).fn));
    expect(actions.filter((a) => a.startsWith('dynamodb:') || a.startsWith('kms:'))).toEqual([]);
  });

  it('grants table access on the imported table ARN and its indexes only', () => {
    const fn = stateless.functions.get(ROUTES.find((r) => r.tableAccess === 'readwrite')!.operationId)!;
    const roleId = roleLogicalId(fn);
    const policy = only(Object.values(functions).filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties!.Roles.some((x: any) => x.Ref === roleId)));
    const dynamo = only((policy.Properties!.PolicyDocument.Statement as any[]).filter((s) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:'))));
    const tableId = stateful.getLogicalId(stateful.table.node.defaultChild as CfnResource);
    const tableArn = { 'Fn::ImportValue': expect.stringMatching(new RegExp(`^${stateful.stackName}:.*${tableId}Arn`)) };
    expect(dynamo.Resource).toEqual([tableArn, { 'Fn::Join': ['', [tableArn, '/index/*']] }]);
  });
});

describe('stateless stack: ticket lifecycle state machine', () => {
  const resources = resourcesOf(api);
  const [machineId, machine] = only(Object.entries(api.findResources('AWS::StepFunctions::StateMachine')));
  const taskIds = new Map(LIFECYCLE_FUNCTIONS.map((t) => [t.id, logicalId(stateless.lifecycle.functions.get(t.id)!)]));
  const asl = readFileSync(join(PROJECT_ROOT, LIFECYCLE_ASL), 'utf8');

  it("is the Standard state machine of the fixed name (the name the functions' ARNs are built from)", () => {
    expect(stateless.getLogicalId(stateless.lifecycle.stateMachine.node.defaultChild as CfnResource)).toBe(machineId);
    expect(machine.Properties.StateMachineType).toBe('STANDARD');
    expect(machine.Properties.StateMachineName).toBe(LIFECYCLE_STATE_MACHINE_NAME);
  });

  it('logs ALL events without execution data to a log group with retention, and traces with X-Ray', () => {
    const logging = machine.Properties.LoggingConfiguration;
    expect(logging).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    const logGroupId = only(logging.Destinations as any[]).CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0] as string;
    expect(resources[logGroupId]?.Type).toBe('AWS::Logs::LogGroup');
    expect(resources[logGroupId]?.Properties?.RetentionInDays).toBeGreaterThan(0);
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('loads its definition from the ASL file, as an asset of that file', () => {
    const asset = stateless.lifecycle.stateMachine.node.findChild('DefinitionBody') as s3assets.Asset;
    expect(machine.Properties.DefinitionString).toBeUndefined();
    expect(machine.Properties.DefinitionS3Location.Key).toBe(`${asset.assetHash}.json`);
    expect(readFileSync(join(outdir, asset.assetPath), 'utf8')).toBe(asl);
  });

  it("substitutes every placeholder of the ASL with its lifecycle function's ARN, leaving no ${…}", () => {
    const substitutions = machine.Properties.DefinitionSubstitutions as Record<string, unknown>;
    expect(Object.keys(substitutions).sort()).toEqual(placeholdersOf(asl).sort());
    for (const task of LIFECYCLE_FUNCTIONS) {
      expect(substitutions[task.placeholder], task.placeholder).toEqual({ 'Fn::GetAtt': [taskIds.get(task.id), 'Arn'] });
    }
    // What CloudFormation does with DefinitionSubstitutions at deploy time (a sample ARN per function).
    const sampleArn = (fnLogicalId: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${fnLogicalId}`;
    const deployed = Object.entries(substitutions).reduce(
      (text, [name, value]) => text.replaceAll('${' + name + '}', sampleArn((value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0])),
      asl,
    );
    expect(deployed).not.toContain('${');
    const invoked = new Set<string>();
    for (const state of Object.values(JSON.parse(deployed).States as Record<string, any>)) {
      if (state.Type === 'Task') invoked.add(state.Parameters.FunctionName);
    }
    expect([...invoked].sort()).toEqual([...taskIds.values()].map(sampleArn).sort());
  });

  it('has a role that may invoke the four lifecycle functions (and their versions) and nothing else beyond logs delivery and X-Ray', () => {
    const roleId = machine.Properties.RoleArn['Fn::GetAtt'][0] as string;
    expect(resources[roleId]?.Properties?.ManagedPolicyArns ?? []).toEqual([]);
    const statements = statementsOf(roleId);
    const invoke = statements.filter((s) => s.Action.includes('lambda:InvokeFunction'));
    expect(invoke.flatMap((s) => s.Action)).toEqual(invoke.map(() => 'lambda:InvokeFunction'));
    expect(invoke.flatMap((s) => s.Resource.map(flat)).sort()).toEqual(
      [...taskIds.values()].flatMap((id) => ['${' + id + '.Arn}', '${' + id + '.Arn}:*']).sort(),
    );
    const rest = statements.filter((s) => !s.Action.includes('lambda:InvokeFunction'));
    for (const s of rest) {
      expect(s.Resource).toEqual(['*']);
      for (const action of s.Action) {
        expect(action).toMatch(
          /^(logs:(Create|Get|Update|Delete)LogDelivery|logs:ListLogDeliveries|logs:PutResourcePolicy|logs:DescribeResourcePolicies|logs:DescribeLogGroups|xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets))$/,
        );
      }
    }
  });

  it.each(ENTRIES.map((e) => [`${e.kind} ${e.name}`, e.name] as const))('%s: exactly the states:* grants its stateMachine access implies', (_label, name) => {
    const e = entry(name);
    const granted = statementsOf(roleLogicalId(e.fn))
      .filter((s) => s.Action.some((a) => a.startsWith('states:')))
      .flatMap((s) => {
        expect(
          s.Action.every((a) => a.startsWith('states:')),
          'states:* actions in a statement of their own',
        ).toBe(true);
        return s.Action.flatMap((a) => s.Resource.map((r) => `${a} on ${flat(r)}`));
      });
    expect(granted.sort()).toEqual([...new Set(e.stateMachine)].map((a) => EXPECTED_GRANT[a]).sort());
  });

  it.each(ROUTES.map((r) => [r.operationId] as const))('route %s: STATE_MACHINE_ARN iff its entry declares stateMachine access', (name) => {
    const e = entry(name);
    const env = resources[logicalId(e.fn)]!.Properties!.Environment.Variables as Record<string, unknown>;
    if (e.stateMachine.length > 0) expect(flat(env.STATE_MACHINE_ARN)).toBe(STATE_MACHINE_ARN);
    else expect(env).not.toHaveProperty('STATE_MACHINE_ARN');
  });

  it.each(LIFECYCLE_FUNCTIONS.map((t) => [t.id] as const))(
    'lifecycle task %s: STATE_MACHINE_ARN iff it uses the lifecycle, built from the fixed name (no reference back to the state machine)',
    (name) => {
      // A task handler that wires the lifecycle at cold start (requireLifecycle) refuses to load
      // without it, ReadTicket too, whose entry declares no states:* access. AdvanceTicket only
      // changes the ticket (the stream does the rest): no ARN at all.
      const env = resources[logicalId(entry(name).fn)]!.Properties!.Environment.Variables as Record<string, unknown>;
      if (LIFECYCLE_FUNCTIONS.find((t) => t.id === name)!.stateMachine) expect(flat(env.STATE_MACHINE_ARN)).toBe(STATE_MACHINE_ARN);
      else expect(env).not.toHaveProperty('STATE_MACHINE_ARN');
    },
  );

  it('ReadTicket: the ARN but no states:* permission at all', () => {
    expect(entry('ReadTicket').stateMachine).toEqual([]);
    expect(actionsOf(roleLogicalId(entry('ReadTicket').fn)).filter((a) => a.startsWith('states:'))).toEqual([]);
  });
});

describe('stateless stack: HTTP API', () => {
  const resources = resourcesOf(api);
  const routes = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route');
  const authorizerId = only(Object.keys(api.findResources('AWS::ApiGatewayV2::Authorizer')));
  const routeFor = (method: string, path: string) => only(routes.filter((r) => r.Properties!.RouteKey === `${method} ${path}`));

  it('has exactly the routes of the route table', () => {
    expect(routes.map((r) => r.Properties!.RouteKey).sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it("has one JWT authorizer whose issuer is the user pool and audience the app client (the stateful stack's, imported)", () => {
    const poolId = only(Object.keys(data.findResources('AWS::Cognito::UserPool')));
    const clientId = only(Object.keys(data.findResources('AWS::Cognito::UserPoolClient')));
    const authorizer = only(Object.values(api.findResources('AWS::ApiGatewayV2::Authorizer')));
    expect(authorizer.Properties).toMatchObject({ AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'] });
    const jwt = authorizer.Properties.JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
    expect(Object.keys(jwt).sort()).toEqual(['Audience', 'Issuer']);
    expect(exported(jwt.Issuer)).toEqual({ 'Fn::GetAtt': [poolId, 'ProviderURL'] });
    expect(jwt.Audience.map(exported)).toEqual([{ Ref: clientId }]);
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: authorizer and its own function', (_key, route) => {
    const apiRoute = routeFor(route.method, route.path);
    if (route.auth === 'jwt') {
      expect(apiRoute.Properties!.AuthorizationType).toBe('JWT');
      expect(apiRoute.Properties!.AuthorizerId).toEqual({ Ref: authorizerId });
    } else {
      expect(apiRoute.Properties!.AuthorizationType).toBe('NONE');
      expect(apiRoute.Properties!.AuthorizerId).toBeUndefined();
    }
    // route → integration → this route's function
    const target = apiRoute.Properties!.Target as { 'Fn::Join': [string, unknown[]] };
    const integrationRef = (target['Fn::Join'][1][1] as { Ref: string }).Ref;
    const integration = resources[integrationRef]!;
    expect(integration.Properties!.IntegrationType).toBe('AWS_PROXY');
    expect(integration.Properties!.IntegrationUri).toEqual({
      'Fn::GetAtt': [logicalId(stateless.functions.get(route.operationId)!), 'Arn'],
    });
  });

  it('has a $default stage with access logging to a log group with retention and stage throttling', () => {
    const stage = only(Object.values(api.findResources('AWS::ApiGatewayV2::Stage')));
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) },
    });
    const destination = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0] as string;
    expect(resources[destination]?.Type).toBe('AWS::Logs::LogGroup');
    expect(resources[destination]?.Properties?.RetentionInDays).toBeGreaterThan(0);
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', routeKey: '$context.routeKey' });
  });

  it('outputs ApiUrl; the user pool id, the client id and the JWT issuer are outputs of the stateful stack, with the pool', () => {
    api.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [Match.anyValue(), 'ApiEndpoint'] } });
    const poolId = only(Object.keys(data.findResources('AWS::Cognito::UserPool')));
    const clientId = only(Object.keys(data.findResources('AWS::Cognito::UserPoolClient')));
    data.hasOutput('UserPoolId', { Value: { Ref: poolId } });
    data.hasOutput('UserPoolClientId', { Value: { Ref: clientId } });
    data.hasOutput('JwtIssuer', { Value: { 'Fn::GetAtt': [poolId, 'ProviderURL'] } });
    // Each output in one stack only.
    expect(Object.keys(api.findOutputs('*')).sort()).toEqual(['ApiUrl']);
    expect(Object.keys(data.findOutputs('*'))).not.toContain('ApiUrl');
  });
});

describe('stateful stack: Cognito', () => {
  const [poolId, pool] = only(Object.entries(data.findResources('AWS::Cognito::UserPool')));

  it('holds the user pool, retained and deletion-protected; the stateless stack has no user pool or client', () => {
    expect(stateful.getLogicalId(stateful.userPool.node.defaultChild as CfnResource)).toBe(poolId);
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.UpdateReplacePolicy).toBe('Retain');
    expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
    api.resourceCountIs('AWS::Cognito::UserPool', 0);
    api.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    // The stateless stack uses the stateful one, never the other way round (no cycle).
    expect(stateless.dependencies).toContain(stateful);
    expect(stateful.dependencies).toEqual([]);
    expect(JSON.stringify(data.toJSON())).not.toContain('Fn::ImportValue');
  });

  it('has the app client and the pre token generation trigger with the pool, in the same stack', () => {
    const clientId = only(Object.keys(data.findResources('AWS::Cognito::UserPoolClient')));
    expect(stateful.getLogicalId(stateful.userPoolClient.node.defaultChild as CfnResource)).toBe(clientId);
    expect(Stack.of(stateful.preTokenGeneration)).toBe(stateful);
    const lambdas = Object.keys(data.findResources('AWS::Lambda::Function'));
    expect(lambdas).toEqual([logicalId(stateful.preTokenGeneration)]);
    expect(stateless.userPool).toBe(stateful.userPool);
    expect(stateless.userPoolClient).toBe(stateful.userPoolClient);
  });

  it('runs the pre token generation trigger as V2_0 on the ESSENTIALS plan', () => {
    expect(pool.Properties.UserPoolTier).toBe('ESSENTIALS');
    expect(pool.Properties.LambdaConfig.PreTokenGenerationConfig).toEqual({
      LambdaVersion: 'V2_0',
      LambdaArn: { 'Fn::GetAtt': [logicalId(stateful.preTokenGeneration), 'Arn'] },
    });
    data.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'cognito-idp.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalId(stateful.preTokenGeneration), 'Arn'] },
    });
  });

  it('has the custom attributes behind the tid/role/org/locale claims; tid is immutable', () => {
    const schema = pool.Properties.Schema as { Name: string; Mutable?: boolean }[];
    for (const name of ['tid', 'role', 'org', 'locale']) expect(schema.map((s) => s.Name)).toContain(name);
    expect(schema.find((s) => s.Name === 'tid')?.Mutable).toBe(false);
  });

  it('is invitation-only and retained', () => {
    expect(pool.Properties.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
  });

  it('lets users read but never write their tenant, role or company', () => {
    const client = only(Object.values(data.findResources('AWS::Cognito::UserPoolClient')));
    expect(client.Properties.ReadAttributes).toEqual(expect.arrayContaining(['custom:tid', 'custom:role', 'custom:org', 'custom:locale', 'email']));
    for (const attr of ['custom:tid', 'custom:role', 'custom:org']) expect(client.Properties.WriteAttributes).not.toContain(attr);
    expect(client.Properties.GenerateSecret).toBe(false);
  });
});

describe('stateless stack: ticket timers', () => {
  const resources = resourcesOf(api);
  const timerFn = stateless.timers.function;
  const schedulerRoleId = stateless.getLogicalId(stateless.timers.schedulerRole.node.defaultChild as CfnResource);
  const queueId = stateful.getLogicalId(stateful.timerDeadLetterQueue.node.defaultChild as CfnResource);
  const DLQ_ARN = { 'Fn::ImportValue': expect.stringMatching(new RegExp(`^${stateful.stackName}:.*${queueId}Arn`)) };
  const arn = (service: string, resource: string) => 'arn:${AWS::Partition}:' + service + ':${AWS::Region}:${AWS::AccountId}:' + resource;
  const TIMER_FUNCTION_ARN = arn('lambda', `function:${TIMER_FUNCTION_NAME}`);
  const SCHEDULES_ARN = arn('scheduler', `schedule/${TIMER_SCHEDULE_GROUP_NAME}/*`);

  /** Declared in the manifest, not inferred from paths or names. */
  const syncsTimers = (e: (typeof ENTRIES)[number]): boolean => e.timers;
  const ALL = [
    ...ENTRIES,
    { name: 'PreTokenGeneration', fn: stateful.preTokenGeneration, kind: 'trigger', timers: false } as unknown as (typeof ENTRIES)[number],
  ];

  /** Every Allow statement attached to a role, as it is in the template (with its conditions). */
  const rawStatementsOf = (roleId: string, inResources: Record<string, Resource> = resources) =>
    Object.values(inResources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties?.Roles ?? []).some((ref: any) => ref.Ref === roleId))
      .flatMap((p) => p.Properties!.PolicyDocument.Statement as { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown }[]);

  it('only the stream consumer, the timer and the repair route keep schedules: no ticket-changing route or task does', () => {
    const syncing = ALL.filter(syncsTimers).map((e) => e.name);
    expect(syncing.sort()).toEqual(['FireTimer', 'FollowTicketChanges', 'repairTicketWorkflow']);
    for (const name of [
      'createTicket',
      'updateTicket',
      'transitionTicket',
      'addComment',
      'splitTicket',
      'AdvanceTicket',
      'putSettings',
      'putUser',
      'getTicket',
      'listTickets',
      'getOpenApi',
      'ReadTicket',
      'AwaitTicket',
      'ContinueTicket',
      'PreTokenGeneration',
    ]) {
      expect(syncing, name).not.toContain(name);
    }
  });

  it('has the timer function under its fixed name (the ARN the schedules target), with the timer handler', () => {
    const fn = resources[logicalId(timerFn)]!;
    expect(fn.Type).toBe('AWS::Lambda::Function');
    expect(fn.Properties!.FunctionName).toBe(TIMER_FUNCTION_NAME);
    expect(fn.Properties!.Description).toMatch(/schedules/);
    // No API route integrates it: only EventBridge Scheduler (through its role) invokes it.
    const integrated = Object.values(resources)
      .filter((r) => r.Type === 'AWS::ApiGatewayV2::Integration')
      .map((r) => flat(r.Properties!.IntegrationUri));
    expect(integrated).not.toContain('${' + logicalId(timerFn) + '.Arn}');
    // No resource policy either: Scheduler invokes with the role's identity-based right.
    const permissions = Object.values(resources)
      .filter((r) => r.Type === 'AWS::Lambda::Permission')
      .map((r) => flat(r.Properties!.FunctionName));
    expect(permissions).not.toContain('${' + logicalId(timerFn) + '.Arn}');
  });

  it('gives the timer function a dead-letter queue for failed asynchronous invocations (the timer DLQ), with sqs:SendMessage on it only', () => {
    const fn = resources[logicalId(timerFn)]!;
    expect(fn.Properties!.DeadLetterConfig).toEqual({ TargetArn: DLQ_ARN });
    const sqsStatements = rawStatementsOf(roleLogicalId(timerFn)).filter((st) => [st.Action].flat().some((a) => a.startsWith('sqs:')));
    expect(sqsStatements).toEqual([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: DLQ_ARN }]);
  });

  it('has a scheduler role assumed by scheduler.amazonaws.com only, for this account and the timer group', () => {
    const role = resources[schedulerRoleId]!;
    expect(role.Type).toBe('AWS::IAM::Role');
    expect(role.Properties!.ManagedPolicyArns ?? []).toEqual([]);
    expect(role.Properties!.Policies ?? []).toEqual([]);
    const trust = only(role.Properties!.AssumeRolePolicyDocument.Statement as any[]);
    expect(trust).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'scheduler.amazonaws.com' } });
    expect(trust.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(Object.keys(trust.Condition).sort()).toEqual(['ArnEquals', 'StringEquals']);
    expect(flat(trust.Condition.ArnEquals['aws:SourceArn'])).toBe(arn('scheduler', `schedule-group/${TIMER_SCHEDULE_GROUP_NAME}`));
  });

  it('lets the scheduler role invoke the timer function and dead-letter to the DLQ, nothing else', () => {
    const statements = rawStatementsOf(schedulerRoleId);
    expect(statements).toHaveLength(2);
    for (const st of statements) expect(st.Condition).toBeUndefined();
    const byAction = Object.fromEntries(statements.map((st) => [[st.Action].flat().join(), st]));
    expect(Object.keys(byAction).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
    expect(byAction['lambda:InvokeFunction']).toMatchObject({ Effect: 'Allow' });
    expect(flat(byAction['lambda:InvokeFunction']!.Resource)).toBe(TIMER_FUNCTION_ARN);
    expect(byAction['sqs:SendMessage']).toEqual({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: DLQ_ARN });
  });

  it.each(ALL.map((e) => [`${e.kind} ${e.name}`, e.name] as const))(
    '%s: the four timer variables and the scheduler rights iff it syncs timers',
    (_label, name) => {
      const e = only(ALL.filter((x) => x.name === name));
      // The function's own stack: the trigger is in the stateful one.
      const own = resourcesOf(templateOf(e.fn));
      const env = own[logicalId(e.fn)]!.Properties!.Environment.Variables as Record<string, unknown>;
      const statements = rawStatementsOf(roleLogicalId(e.fn), own);
      const scheduling = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('scheduler:') || a.startsWith('iam:')));
      if (!syncsTimers(e)) {
        for (const key of ['SCHEDULE_GROUP', 'TIMER_TARGET_ARN', 'SCHEDULER_ROLE_ARN', 'TIMER_DLQ_ARN']) expect(env, key).not.toHaveProperty(key);
        expect(scheduling).toEqual([]);
        return;
      }
      // All four (shared/config.ts refuses a partial set), with the values of this app.
      expect(env.SCHEDULE_GROUP).toBe(TIMER_SCHEDULE_GROUP_NAME);
      expect(flat(env.TIMER_TARGET_ARN)).toBe(TIMER_FUNCTION_ARN);
      expect(env.SCHEDULER_ROLE_ARN).toEqual({ 'Fn::GetAtt': [schedulerRoleId, 'Arn'] });
      expect(env.TIMER_DLQ_ARN).toEqual(DLQ_ARN);
      // Exactly: create/update/delete on the group's schedules, PassRole of the scheduler role to Scheduler.
      expect(scheduling).toHaveLength(2);
      const schedule = only(scheduling.filter((st) => [st.Action].flat().some((a) => a.startsWith('scheduler:'))));
      expect([schedule.Action].flat().sort()).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:UpdateSchedule']);
      expect([schedule.Resource].flat().map(flat)).toEqual([SCHEDULES_ARN]);
      expect(schedule.Condition).toBeUndefined();
      const passRole = only(scheduling.filter((st) => [st.Action].flat().some((a) => a.startsWith('iam:'))));
      expect(passRole).toEqual({
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [schedulerRoleId, 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      });
    },
  );
});

describe("stateless stack: the table's stream drives every effect of a change", () => {
  const resources = resourcesOf(api);
  const consumer = stateless.changes.function;
  const mapping = only(Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping'));
  const changeQueueId = stateful.getLogicalId(stateful.changeDeadLetterQueue.node.defaultChild as CfnResource);
  const CHANGE_DLQ_ARN = { 'Fn::ImportValue': expect.stringMatching(new RegExp(`^${stateful.stackName}:.*${changeQueueId}Arn`)) };

  it('maps the table stream to the change follower: partial batch responses, bisect, bounded retries, a DLQ, ticket items only', () => {
    expect(mapping.Properties).toMatchObject({
      FunctionName: { Ref: logicalId(consumer) },
      EventSourceArn: { 'Fn::ImportValue': expect.stringMatching(/StreamArn/) },
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 24 * 3600,
      DestinationConfig: { OnFailure: { Destination: CHANGE_DLQ_ARN } },
    });
    const patterns = (mapping.Properties!.FilterCriteria.Filters as { Pattern: string }[]).map((f) => JSON.parse(f.Pattern));
    expect(patterns).toEqual([
      { dynamodb: { Keys: { sk: { S: ['TICKET', 'SETTINGS'] } } } },
      { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['history'] }, type: { S: ['notification'] } } } },
    ]);
  });

  it("the consumer reads the stream and sends to its DLQ; its handler is the change follower's", () => {
    const actions = actionsOf(roleLogicalId(consumer));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream', 'sqs:SendMessage']));
    expect(consumer.node.path).toMatch(/Changes\/FollowTicketChanges$/);
  });

  it('alarms on iterator age (effects late by a minute) and on anything in the DLQ', () => {
    const alarms = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    const age = only(alarms.filter((a) => a.Properties!.MetricName === 'IteratorAge'));
    expect(age.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Threshold: 60_000,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(consumer) } }],
    });
    const depth = only(alarms.filter((a) => a.Properties!.MetricName === 'ApproximateNumberOfMessagesVisible'));
    expect(depth.Properties).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(flat(depth.Properties!.Dimensions[0].Value)).toMatch(new RegExp(`${changeQueueId}QueueName`));
  });

  it('no function that a ticket request reaches may start or wake an execution, or touch a schedule (only the workflow routes may)', () => {
    const requestPath = ENTRIES.filter((e) => e.kind === 'route' && !['getTicketWorkflow', 'repairTicketWorkflow'].includes(e.name));
    expect(requestPath.length).toBeGreaterThan(15);
    for (const e of requestPath) {
      const actions = actionsOf(roleLogicalId(e.fn));
      expect(
        actions.filter((a) => a.startsWith('states:') || a.startsWith('scheduler:') || a === 'iam:PassRole'),
        e.name,
      ).toEqual([]);
    }
  });
});

describe('stateless stack: the third-party callback', () => {
  it('is a route without the authorizer, throttled tighter than the stage', () => {
    const resources = resourcesOf(api);
    const route = only(
      Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties!.RouteKey === 'POST /v1/third-party/{token}'),
    );
    expect(route.Properties!.AuthorizationType ?? 'NONE').toBe('NONE');
    const stage = only(Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Stage'));
    expect(stage.Properties!.RouteSettings).toEqual({ 'POST /v1/third-party/{token}': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 20 } });
    expect(stage.Properties!.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 50 });
  });
});

describe('cost allocation (CONTRACT 8: tags split the AWS bill by stack; GET /v1/usage splits it by tenant)', () => {
  /** A resource's tags whichever shape its type uses: a list of {Key, Value} or a map. */
  const tagsOf = (r: Resource): Record<string, unknown> | null => {
    const tags = r.Properties?.Tags ?? r.Properties?.UserPoolTags;
    if (Array.isArray(tags)) return Object.fromEntries(tags.map((t: { Key: string; Value: unknown }) => [t.Key, t.Value]));
    return tags && typeof tags === 'object' ? (tags as Record<string, unknown>) : null;
  };

  it.each([
    ['stateful', data],
    ['stateless', api],
  ] as const)('every tagged resource of the %s stack carries the cost-allocation tags and its stack', (stack, template) => {
    const tagged = Object.entries(resourcesOf(template)).filter(([, r]) => tagsOf(r) !== null);
    const types = new Set(tagged.map(([, r]) => r.Type));
    for (const type of stack === 'stateful'
      ? ['AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::KMS::Key']
      : ['AWS::Lambda::Function', 'AWS::StepFunctions::StateMachine', 'AWS::IAM::Role'])
      if (Object.values(resourcesOf(template)).some((r) => r.Type === type)) expect(types, type).toContain(type);
    for (const [id, r] of tagged) expect(tagsOf(r), id).toMatchObject({ ...COST_ALLOCATION_TAGS, 'ticketflow:stack': stack });
  });
});
