/**
 * API Gateway HTTP API (payload 2.0) events as the JWT authorizer delivers them,
 * and a Lambda context, for invoking handlers directly.
 */
import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpResponse } from '../../../shared/http/handler-kit';

export const CLAIMS = {
  alice: { sub: 'alice', tid: 'acme', role: 'customer', org: 'globex', email: 'alice@globex.example' },
  agent: { sub: 'agent-1', tid: 'acme', role: 'agent', email: 'agent@acme.example' },
  finance: { sub: 'fin-1', role: 'finance', email: 'fin@platform.example' },
} as const satisfies Record<string, Record<string, string>>;

export interface EventInput {
  readonly method: string;
  /** Route path with `{name}` placeholders, e.g. `/v1/tickets/{id}`. */
  readonly route: string;
  readonly pathParameters?: Record<string, string>;
  /** Serialised with JSON.stringify unless `rawBody` is given. */
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** `null`: no authorizer context at all. */
  readonly claims?: Record<string, string> | null;
}

export function httpEvent(input: EventInput): HttpEvent {
  const rawPath = input.route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(input.pathParameters?.[name] ?? ''));
  const body = input.rawBody ?? (input.body === undefined ? undefined : JSON.stringify(input.body));
  const headers: Record<string, string> = {
    ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
    ...Object.fromEntries(Object.entries(input.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
  };
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${input.method} ${input.route}`,
    rawPath,
    rawQueryString: '',
    headers,
    pathParameters: input.pathParameters,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api1234567',
      domainName: 'api1234567.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'api1234567',
      http: { method: input.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '192.0.2.10', userAgent: 'vitest' },
      requestId: `req-${now.getTime()}`,
      routeKey: `${input.method} ${input.route}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(input.claims === null ? {} : { authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: input.claims ?? CLAIMS.alice, scopes: [] } } }),
    },
  } as HttpEvent;
}

export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'ticketflow-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:ticketflow-test',
    memoryLimitInMB: '512',
    awsRequestId: 'aws-req-1',
    logGroupName: '/aws/lambda/ticketflow-test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly rawBody: string;
  readonly body: any;
}

/** Invokes a handler the way Lambda does and parses the JSON answer. */
export async function invoke(handler: (event: HttpEvent, context: Context) => Promise<HttpResponse>, event: HttpEvent): Promise<Answer> {
  const res = await handler(event, lambdaContext());
  const rawBody = String(res.body ?? '');
  return {
    status: res.statusCode ?? 200,
    headers: (res.headers ?? {}) as Record<string, string>,
    rawBody,
    body: rawBody ? JSON.parse(rawBody) : undefined,
  };
}
