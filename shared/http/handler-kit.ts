import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { DomainError, forbidden, invalid, tooLarge, unauthenticated, unsupportedMediaType } from '../domain/errors';
import type { Caller, TenantCaller } from '../domain/identity';
import { TokenClaims } from './claims';
import type { IdempotencyStore } from '../domain/ports';
import { instrumented } from '../observability/instrumented';
import { logger } from '../observability/logger';
import { fieldErrors } from './field-errors';
import { LIMITS } from './schemas';
import { readerLocale, toProblem } from './problem';
import { countInvocation, dedupeInvocationAs, meterTenant } from '../usage/invocation-meter';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResponse = APIGatewayProxyStructuredResultV2;

export interface HttpResult {
  readonly status?: number;
  readonly body: unknown;
  /** Sets `ETag: "<version>"`. */
  readonly version?: number;
  /** A non-JSON answer (`text/csv`): `body` is then the text, sent as is. */
  readonly contentType?: string;
}

export interface RequestContext<B, Q> {
  readonly caller: TenantCaller;
  readonly body: B;
  readonly query: Q;
  readonly params: Readonly<Record<string, string>>;
  /** The version from `If-Match`, or null when absent or `*`. */
  readonly expectedVersion: number | null;
  /** The API's base URL as the client reached it (for links the answer hands out). */
  readonly origin: string;
}

export interface RouteSpec<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  readonly body?: B;
  readonly query?: Q;
  /** Path parameters checked against this schema; a bad one is a 404 (it names nothing that exists). */
  readonly params?: Readonly<Record<string, z.ZodType<string>>>;
  /** POST routes: honour `Idempotency-Key`. */
  readonly idempotency?: IdempotencyStore;
}

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

/** The caller, from the claims the JWT authorizer verified. The tenant comes from here and nowhere else. */
export function callerFrom(event: HttpEvent): Caller {
  const parsed = TokenClaims.safeParse(event.requestContext?.authorizer?.jwt?.claims ?? {});
  if (!parsed.success) throw unauthenticated('The token does not carry valid Ticketflow claims.');
  const c = parsed.data;
  return { sub: c.sub, tenantId: c.tid ?? null, role: c.role, org: c.org ?? null, email: c.email ?? null, locale: c.locale ?? null };
}

function tenantCaller(event: HttpEvent): TenantCaller {
  const caller = callerFrom(event);
  if (caller.tenantId === null || caller.role === 'finance') throw forbidden('This route needs a tenant user.');
  return caller as TenantCaller;
}

/** A malformed escape (`%ff`) names nothing that exists: treated like any unknown id. */
function decodePathParameter(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** A value checked against a request schema, or the 400 naming every problem at its path. */
export function validated<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid('The body does not match the schema.', fieldErrors(parsed.error, value));
  return parsed.data;
}

function parseBody(event: HttpEvent, schema: z.ZodType): unknown {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (Buffer.byteLength(raw, 'utf8') > LIMITS.bodyBytes) throw tooLarge(`The body is larger than ${LIMITS.bodyBytes} bytes.`);
  let json: unknown = {};
  if (raw.trim() !== '') {
    const type = header(event, 'content-type') ?? '';
    if (!/^application\/([a-z.+-]*\+)?json\s*(;|$)/i.test(type)) throw unsupportedMediaType();
    try {
      json = JSON.parse(raw);
    } catch {
      throw invalid('The body is not valid JSON.', [{ path: '', message: 'malformed JSON' }]);
    }
  }
  return validated(schema, json);
}

function header(event: HttpEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  return headers[name] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
}

/** `"3"`, `W/"3"` or `3`; `*` means any. Anything unparseable can never match a version: 412. */
function expectedVersion(event: HttpEvent): number | null {
  const value = header(event, 'if-match')?.trim();
  if (value === undefined || value === '*') return null;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value);
  if (!match) throw new DomainError('version-conflict', 'If-Match must be the ETag of the ticket, e.g. "3".');
  return Number(match[1]);
}

function respond(result: HttpResult): HttpResponse {
  if (result.contentType) return { statusCode: result.status ?? 200, headers: { 'content-type': result.contentType }, body: String(result.body) };
  return {
    statusCode: result.status ?? 200,
    headers: {
      'content-type': 'application/json',
      ...(result.version !== undefined ? { etag: `"${result.version}"` } : {}),
    },
    body: JSON.stringify(result.body),
  };
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/**
 * Wraps a route: claims → params → query → body → `Idempotency-Key` → the use
 * case → JSON, with every failure turned into problem+json in one place.
 */
export function httpRoute<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  spec: RouteSpec<B, Q>,
  run: (request: RequestContext<Infer<B>, Infer<Q>>) => Promise<HttpResult>,
) {
  const handle = async (event: HttpEvent): Promise<HttpResponse> => {
    const caller = tenantCaller(event);
    logger.appendKeys({ tenantId: caller.tenantId });
    meterRequest(caller);
    const { params, query, body } = parseRequest(event, spec);
    // The ticket as the caller named it (id or key): never its text.
    if (params.id) logger.appendKeys({ ticketKey: params.id });
    const request = { caller, body, query, params, expectedVersion: expectedVersion(event), origin: originOf(event) } as RequestContext<Infer<B>, Infer<Q>>;
    const key = header(event, 'idempotency-key');
    if (!spec.idempotency || key === undefined) return respond(await run(request));
    if (!IDEMPOTENCY_KEY.test(key)) throw invalid('Idempotency-Key must be 1–255 visible ASCII characters.', [{ path: 'Idempotency-Key', message: 'invalid' }]);
    // A replay of this key (and the first request) are one request for usage: counted once.
    dedupeInvocationAs(`idempotency:${caller.tenantId}:${caller.sub}:${key}`);
    return idempotent(spec.idempotency, caller, key, event, () => run(request));
  };

  return answering(handle);
}

/**
 * A route without the JWT authorizer (a third party's callback): no caller, no tenant from
 * a token; whatever it acts on is named by what the path carries, and checked by the use case.
 */
export function publicRoute<B extends z.ZodType | undefined = undefined>(
  spec: Pick<RouteSpec<B, undefined>, 'body' | 'params'>,
  run: (request: { body: Infer<B>; params: Readonly<Record<string, string>> }) => Promise<HttpResult>,
) {
  return answering(async (event) => {
    const { params, body } = parseRequest(event, spec);
    return respond(await run({ body: body as Infer<B>, params }));
  });
}

/** An API request of a tenant's user is usage of that tenant (CONTRACT 8); finance's requests are nobody's. */
function meterRequest(caller: Caller): void {
  if (caller.tenantId === null) return;
  meterTenant(caller.tenantId);
  countInvocation({ apiRequests: 1 });
}

/**
 * A route for any authenticated caller, the platform's `finance` (no tenant) included; the
 * use case decides what the role may see. Reads only (no body, no Idempotency-Key).
 */
export function callerRoute<Q extends z.ZodType | undefined = undefined>(
  spec: Pick<RouteSpec<undefined, Q>, 'query'>,
  run: (request: { caller: Caller; query: Infer<Q>; accept: string }) => Promise<HttpResult>,
) {
  return answering(async (event) => {
    const caller = callerFrom(event);
    if (caller.tenantId !== null) logger.appendKeys({ tenantId: caller.tenantId });
    meterRequest(caller);
    const { query } = parseRequest(event, spec);
    return respond(await run({ caller, query: query as Infer<Q>, accept: header(event, 'accept') ?? '' }));
  });
}

/** Path parameters (a bad one is a 404: it names nothing that exists), query and body, each against its schema. */
function parseRequest(event: HttpEvent, spec: { params?: RouteSpec<never, never>['params']; query?: z.ZodType; body?: z.ZodType }) {
  const params: Record<string, string> = {};
  for (const [name, schema] of Object.entries(spec.params ?? {})) {
    const parsed = schema.safeParse(decodePathParameter(event.pathParameters?.[name]));
    if (!parsed.success) throw new DomainError('not-found', 'Not found.');
    params[name] = parsed.data;
  }
  let query: unknown = undefined;
  if (spec.query) {
    const parsed = spec.query.safeParse(event.queryStringParameters ?? {});
    if (!parsed.success) throw invalid('The query string is invalid.', fieldErrors(parsed.error, event.queryStringParameters ?? {}, ['query']));
    query = parsed.data;
  }
  const body = spec.body ? parseBody(event, spec.body) : undefined;
  return { params, query, body };
}

/** The API's own base URL as the client reached it (API Gateway sets the Host and X-Forwarded-Proto headers). */
function originOf(event: HttpEvent): string {
  const proto = header(event, 'x-forwarded-proto') ?? 'http';
  return `${proto}://${header(event, 'host') ?? event.requestContext.domainName}`;
}

/** Every failure becomes problem+json in one place; one log line per request, no bodies. */
function answering(handle: (event: HttpEvent) => Promise<HttpResponse>) {
  return instrumented<HttpEvent, HttpResponse>(async (event) => {
    const started = Date.now();
    let response: HttpResponse;
    try {
      response = await handle(event);
    } catch (error) {
      response = toProblem(error, readerLocale(event.requestContext?.authorizer?.jwt?.claims?.locale, header(event, 'accept-language')));
      if (response.statusCode === 500) logger.error('unhandled error', { error: error as Error });
    }
    logger.info('request', {
      route: event.routeKey,
      status: response.statusCode,
      tenantId: event.requestContext?.authorizer?.jwt?.claims?.tid,
      ms: Date.now() - started,
    });
    return response;
  }, 'synchronous');
}

/**
 * Same key and same request within 24 h → the first response again, nothing
 * done twice; same key, different request → 409. A 5xx or 429 frees the key so
 * the client can retry.
 */
async function idempotent(store: IdempotencyStore, caller: TenantCaller, key: string, event: HttpEvent, run: () => Promise<HttpResult>) {
  const scope = { tenantId: caller.tenantId, sub: caller.sub, key };
  const fingerprint = createHash('sha256')
    .update(`${event.requestContext.http.method} ${event.rawPath}\n${event.body ?? ''}`)
    .digest('hex');
  const claim = await store.claim(scope, fingerprint, new Date(), IDEMPOTENCY_TTL_SECONDS);
  if (claim.state === 'mismatch') throw new DomainError('conflict', 'This Idempotency-Key was already used for a different request.');
  if (claim.state === 'in-progress') throw new DomainError('conflict', 'A request with this Idempotency-Key is still in progress.');
  if (claim.state === 'replay') return { ...claim.response, headers: { ...claim.response.headers, 'idempotent-replayed': 'true' } };
  let response: HttpResponse;
  try {
    response = respond(await run());
  } catch (error) {
    response = toProblem(error, caller.locale ?? 'en');
  }
  // A failure on our side or throttling is not the answer to keep: the client retries with the same key.
  const status = response.statusCode ?? 500;
  if (status >= 500 || status === 429) await store.release(scope);
  else
    await store.complete(scope, {
      statusCode: response.statusCode ?? 200,
      headers: (response.headers ?? {}) as Record<string, string>,
      body: String(response.body ?? ''),
    });
  return response;
}
