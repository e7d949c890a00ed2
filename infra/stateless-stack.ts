import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { TicketMail } from './constructs/ticket-mail';
import type { Construct } from 'constructs';
import { ROUTES, type RouteDefinition } from '../shared/http/routes';
import { routeFunction } from '../shared/function-manifest';
import { TicketFunction } from './constructs/ticket-function';
import { TicketLifecycle } from './constructs/ticket-lifecycle';
import { TicketTimers } from './constructs/ticket-timers';
import { TicketChangeStream } from './constructs/ticket-change-stream';

export interface TicketflowStatelessStackProps extends StackProps {
  /** The single table, from the stateful stack. */
  readonly table: dynamodb.ITable;
  /** The ticket timers' schedule group (by its fixed name) and dead-letter queue, from the stateful stack. */
  readonly timers: { readonly scheduleGroupName: string; readonly deadLetterQueue: sqs.IQueue };
  /** The stream consumer's on-failure destination, from the stateful stack. */
  readonly changes: { readonly deadLetterQueue: sqs.IQueue };
  /** Raw inbound mail's bucket (stateful stack) and, optionally, which recipients SES accepts. */
  readonly mail: { readonly inboundMailBucket: s3.IBucket; readonly inboundRecipients?: string[] };
  /**
   * The Cognito user pool, its app client and the JWT issuer (the pool's provider URL), from
   * the stateful stack: the JWT authorizer checks the issuer and the client id (audience).
   */
  readonly identity: {
    readonly userPool: cognito.IUserPool;
    readonly userPoolClient: cognito.IUserPoolClient;
    readonly issuerUrl: string;
  };
  /** The route table; defaults to shared/http/routes.ts. */
  readonly routes?: readonly RouteDefinition[];
  /** Stage throttling (steady rate, requests/s, and burst). */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** Browser origins allowed by CORS. Default: any origin (bearer tokens, no cookies). */
  readonly corsAllowOrigins?: string[];
}

/**
 * Everything that can be replaced by a redeploy: the functions, the ticket-lifecycle
 * state machine, the HTTP API and its JWT authorizer (which checks the JWTs of the
 * Cognito user pool of the stateful stack).
 */
export class TicketflowStatelessStack extends Stack {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  /** The user pool and its app client, from the stateful stack. */
  readonly userPool: cognito.IUserPool;
  readonly userPoolClient: cognito.IUserPoolClient;
  readonly authorizer: HttpJwtAuthorizer;
  /** operationId → its function. */
  readonly functions: ReadonlyMap<string, TicketFunction>;
  /** The ticket-lifecycle state machine and its Lambda tasks. */
  readonly lifecycle: TicketLifecycle;
  /** The timer function (every schedule's target) and the role EventBridge Scheduler assumes. */
  readonly timers: TicketTimers;
  /** The table's stream consumer: every effect of a committed ticket change. */
  readonly changes: TicketChangeStream;
  /** SES both ways: the configuration set and its feedback, the receipt rule and ReceiveMail. */
  readonly mail: TicketMail;

  constructor(scope: Construct, id: string, props: TicketflowStatelessStackProps) {
    super(scope, id, props);
    const routes = props.routes ?? ROUTES;

    // ---- Identity: the user pool is in the stateful stack (it holds the users) ---------
    this.userPool = props.identity.userPool;
    this.userPoolClient = props.identity.userPoolClient;
    this.authorizer = new HttpJwtAuthorizer('CognitoJwt', props.identity.issuerUrl, {
      authorizerName: 'cognito-jwt',
      jwtAudience: [this.userPoolClient.userPoolClientId],
    });

    // ---- HTTP API ------------------------------------------------------------------
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Ticketflow HTTP API',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: props.corsAllowOrigins ?? ['*'],
        allowMethods: [apigwv2.CorsHttpMethod.ANY],
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match'],
        exposeHeaders: ['ETag', 'Location'],
        maxAge: Duration.hours(1),
      },
    });

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        // HTTP API context variables; no bodies, no tokens, no ticket text.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            tid: '$context.authorizer.claims.tid',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    // ---- Ticket timers: the schedules' target and the role Scheduler invokes it with ----
    this.timers = new TicketTimers(this, 'Timers', {
      table: props.table,
      scheduleGroupName: props.timers.scheduleGroupName,
      deadLetterQueue: props.timers.deadLetterQueue,
    });

    // ---- Ticket lifecycle: the state machine and its tasks -----------------------------
    this.lifecycle = new TicketLifecycle(this, 'Lifecycle', { table: props.table });

    // ---- Mail: SES out (configuration set, bounces) and in (receipt rule → S3 → Lambda) --
    this.mail = new TicketMail(this, 'Mail', { table: props.table, ...props.mail });

    // ---- The table's stream: every effect of a committed ticket change -----------------
    this.changes = new TicketChangeStream(this, 'Changes', {
      table: props.table,
      timers: this.timers.access,
      deadLetterQueue: props.changes.deadLetterQueue,
      mailOut: { configurationSetName: this.mail.configurationSet.configurationSetName },
    });

    // ---- One function + one route per route table entry ------------------------------
    const functions = new Map<string, TicketFunction>();
    for (const route of routes) {
      const spec = routeFunction(route);
      const name = spec.id;
      // What the route may do is its manifest entry's capabilities: no ticket-changing route
      // reaches Step Functions or the Scheduler (the table's stream does that).
      const fn = new TicketFunction(this, name, { spec, table: props.table, timers: this.timers.access });
      functions.set(route.operationId, fn);

      const [apiRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${name}Integration`, fn.function),
        authorizer: route.auth === 'jwt' ? this.authorizer : undefined,
      });
      if (route.auth === 'none' && apiRoute) {
        Validations.of(apiRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design (route table auth: 'none'): ${route.summary}.`,
        });
      }
    }
    this.functions = functions;

    // Routes with a limit of their own (the public third-party callback): tighter than the stage's.
    const routeSettings = Object.fromEntries(
      routes
        .filter((r) => r.throttle)
        .map((r) => [`${r.method} ${r.path}`, { ThrottlingRateLimit: r.throttle!.rateLimit, ThrottlingBurstLimit: r.throttle!.burstLimit }]),
    );
    if (Object.keys(routeSettings).length) (this.stage.node.defaultChild as apigwv2.CfnStage).routeSettings = routeSettings;

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the HTTP API (append /v1/...)',
      value: this.httpApi.apiEndpoint,
    });
  }
}
