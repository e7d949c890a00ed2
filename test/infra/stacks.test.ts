import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import type { TicketFunction } from '../../infra/constructs/ticket-function';
import { ROUTES } from '../../shared/http/routes';
import { GLOBAL_SECONDARY_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/store/table-design';

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
const logicalId = (fn: TicketFunction) => stateless.getLogicalId(fn.function.node.defaultChild as CfnResource);
const roleLogicalId = (fn: TicketFunction) => stateless.getLogicalId(fn.role.node.defaultChild as CfnResource);
const only = <T>(items: T[]): T => {
  expect(items).toHaveLength(1);
  return items[0]!;
};

/** Every IAM action granted to a role by the policies attached to it in the stateless stack. */
function actionsOf(roleId: string): string[] {
  const role = resourcesOf(api)[roleId]!;
  expect(role.Properties?.ManagedPolicyArns ?? []).toEqual([]);
  const policies = Object.values(resourcesOf(api)).filter(
    (r) => r.Type === 'AWS::IAM::Policy' && (r.Properties?.Roles ?? []).some((ref: any) => ref.Ref === roleId),
  );
  return policies.flatMap((p) =>
    (p.Properties!.PolicyDocument.Statement as { Effect: string; Action: string | string[] }[])
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])),
  );
}

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

  it('has every GSI of table-design.ts, string keys, projection ALL, and no other', () => {
    const gsis = table.Properties.GlobalSecondaryIndexes as { IndexName: string }[];
    expect(gsis.map((g) => g.IndexName).sort()).toEqual(GLOBAL_SECONDARY_INDEXES.map((g) => g.name).sort());
    for (const index of GLOBAL_SECONDARY_INDEXES) {
      expect(gsis).toContainEqual({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
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
    const [keyId, key] = only(Object.entries(data.findResources('AWS::KMS::Key')));
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

describe('stateless stack: functions', () => {
  const functions = resourcesOf(api);
  const lambdas = Object.entries(functions).filter(([, r]) => r.Type === 'AWS::Lambda::Function');

  it('has one function per route plus the pre token generation trigger', () => {
    expect(lambdas).toHaveLength(ROUTES.length + 1);
    expect([...stateless.functions.keys()].sort()).toEqual(ROUTES.map((r) => r.operationId).sort());
  });

  it.each(lambdas.map(([id]) => id))('%s: nodejs22.x on arm64 with active tracing and a log group with retention', (id) => {
    const fn = functions[id]!;
    expect(fn.Properties!.Runtime).toBe('nodejs22.x');
    expect(fn.Properties!.Architectures).toEqual(['arm64']);
    expect(fn.Properties!.TracingConfig).toEqual({ Mode: 'Active' });
    const logGroupRef = fn.Properties!.LoggingConfig.LogGroup.Ref as string;
    expect(functions[logGroupRef]?.Type).toBe('AWS::Logs::LogGroup');
    expect(functions[logGroupRef]?.Properties?.RetentionInDays).toBeGreaterThan(0);
  });

  it.each(ROUTES.map((r) => [r.operationId, r] as const))('%s: environment the handlers read', (operationId) => {
    const fn = functions[logicalId(stateless.functions.get(operationId)!)]!;
    expect(fn.Properties!.Environment.Variables).toMatchObject({
      TABLE_NAME: { 'Fn::ImportValue': expect.any(String) },
      POWERTOOLS_SERVICE_NAME: 'ticketflow',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
  });

  const byAccess = (access: string) => ROUTES.filter((r) => r.tableAccess === access).map((r) => [r.operationId] as const);

  it.each(byAccess('read'))('%s (read): read actions only on the table', (operationId) => {
    const actions = actionsOf(roleLogicalId(stateless.functions.get(operationId)!));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'kms:Decrypt']));
    for (const write of WRITE_ACTIONS) expect(actions).not.toContain(write);
    expect(actions.filter((a) => a.includes('*') && !a.startsWith('kms:'))).toEqual([]);
  });

  it.each(byAccess('readwrite'))('%s (readwrite): read and write actions on the table', (operationId) => {
    const actions = actionsOf(roleLogicalId(stateless.functions.get(operationId)!));
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

  it.each(byAccess('none'))('%s (none): no table or key access at all', (operationId) => {
    const actions = actionsOf(roleLogicalId(stateless.functions.get(operationId)!));
    expect(actions.filter((a) => a.startsWith('dynamodb:') || a.startsWith('kms:'))).toEqual([]);
  });

  it('grants table access on the imported table ARN and its indexes only', () => {
    const fn = stateless.functions.get(ROUTES.find((r) => r.tableAccess === 'readwrite')!.operationId)!;
    const roleId = roleLogicalId(fn);
    const policy = only(
      Object.values(functions).filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties!.Roles.some((x: any) => x.Ref === roleId)),
    );
    const dynamo = only(
      (policy.Properties!.PolicyDocument.Statement as any[]).filter((s) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:'))),
    );
    const tableId = stateful.getLogicalId(stateful.table.node.defaultChild as CfnResource);
    const tableArn = { 'Fn::ImportValue': expect.stringMatching(new RegExp(`^${stateful.stackName}:.*${tableId}Arn`)) };
    expect(dynamo.Resource).toEqual([tableArn, { 'Fn::Join': ['', [tableArn, '/index/*']] }]);
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

  it('has one JWT authorizer whose issuer is the user pool and audience the app client', () => {
    const [poolId] = Object.keys(api.findResources('AWS::Cognito::UserPool'));
    const [clientId] = Object.keys(api.findResources('AWS::Cognito::UserPoolClient'));
    api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::GetAtt': [poolId, 'ProviderURL'] },
        Audience: [{ Ref: clientId }],
      },
    });
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

  it('outputs ApiUrl, the user pool id and the client id', () => {
    api.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [Match.anyValue(), 'ApiEndpoint'] } });
    api.hasOutput('UserPoolId', { Value: { Ref: Match.anyValue() } });
    api.hasOutput('UserPoolClientId', { Value: { Ref: Match.anyValue() } });
  });
});

describe('stateless stack: Cognito', () => {
  const pool = only(Object.values(api.findResources('AWS::Cognito::UserPool')));

  it('runs the pre token generation trigger as V2_0 on the ESSENTIALS plan', () => {
    expect(pool.Properties.UserPoolTier).toBe('ESSENTIALS');
    expect(pool.Properties.LambdaConfig.PreTokenGenerationConfig).toEqual({
      LambdaVersion: 'V2_0',
      LambdaArn: { 'Fn::GetAtt': [logicalId(stateless.preTokenGeneration), 'Arn'] },
    });
    api.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'cognito-idp.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalId(stateless.preTokenGeneration), 'Arn'] },
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
    const client = only(Object.values(api.findResources('AWS::Cognito::UserPoolClient')));
    expect(client.Properties.ReadAttributes).toEqual(expect.arrayContaining(['custom:tid', 'custom:role', 'custom:org', 'custom:locale', 'email']));
    for (const attr of ['custom:tid', 'custom:role', 'custom:org']) expect(client.Properties.WriteAttributes).not.toContain(attr);
    expect(client.Properties.GenerateSecret).toBe(false);
  });
});
