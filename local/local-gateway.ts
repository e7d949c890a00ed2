import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { problem, problemBody } from '../shared/http/problem';
import { ROUTES, type RouteDefinition } from '../shared/http/routes';
import type { HttpEvent } from '../shared/http/handler-kit';
import { LOCAL_CONSOLE_URL } from '../shared/lifecycle/sfn-workflow-engine';
import { consoleRoutes } from './local-routes';
import type { LocalTokenIssuer } from './local-tokens';

type Handler = (event: HttpEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
type LocalRoute = (req: IncomingMessage, body: string) => Promise<{ status: number; body: unknown; contentType?: string }>;

/** Like API Gateway's own payload cap: stop reading, answer 413. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

interface CompiledRoute {
  readonly route: RouteDefinition;
  readonly pattern: RegExp;
  readonly names: string[];
}

function compile(route: RouteDefinition): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

/**
 * The local API Gateway: turns HTTP requests into the same API Gateway v2
 * events (JWT claims under requestContext.authorizer.jwt) that AWS delivers
 * and calls the same handler modules the CDK app deploys.
 */
export class LocalGateway {
  private readonly routes = ROUTES.map(compile);
  private readonly handlers = new Map<string, Promise<Handler>>();
  private server: Server | undefined;
  /** The console's read-only views of the emulators (`/_local/…`), beside the runtime's own local routes. */
  private readonly consoleRoutes = consoleRoutes(
    (token) => this.tokens.verify(token),
    (method, path) => ROUTES.some((r) => r.method === method && r.path === path),
  );

  constructor(
    private readonly root: string,
    private readonly tokens: LocalTokenIssuer,
    /** Told after every handled request that may have written: the stream poller reads at once. */
    private readonly afterWrite: () => void,
    private readonly localRoutes: Readonly<Record<string, LocalRoute>>,
  ) {}

  async listen(port: number): Promise<number> {
    this.server = createServer((req, res) => void this.serve(req, res));
    this.server.keepAliveTimeout = 5_000;
    // Node refuses a request it cannot parse (headers over 16 KiB, malformed HTTP) before any
    // handler runs, with an empty body: answer those as problem+json like every other error.
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return void socket.destroy();
      const [status, title, detail] =
        error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'Request header fields too large', 'The request line and headers are larger than 16 KiB.']
          : [400, 'Bad request', 'The request is not valid HTTP.'];
      const body = JSON.stringify(problemBody(status, title, detail));
      socket.end(
        `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    });
    await new Promise<void>((ok, fail) => {
      this.server!.once('error', fail);
      this.server!.listen(port, '127.0.0.1', () => ok());
    });
    const address = this.server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    // Locally, GET /v1/tickets/{id}/workflow links an execution into the console served here.
    process.env[LOCAL_CONSOLE_URL] = `http://127.0.0.1:${bound}/console/`;
    return bound;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((ok) => this.server!.close(() => ok()));
  }

  /** Loads every handler up front so the first request is not a cold start. */
  async warm(): Promise<void> {
    await Promise.all(this.routes.map(({ route }) => this.handler(route)));
  }

  private handler(route: RouteDefinition): Promise<Handler> {
    let loaded = this.handlers.get(route.entry);
    if (!loaded) {
      loaded = import(resolve(this.root, route.entry)).then((m: { handler: Handler }) => m.handler);
      this.handlers.set(route.entry, loaded);
    }
    return loaded;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const body = await readBody(req);
      if (body === null) return send(res, problem(413, 'Payload too large', 'The request body is too large.'));
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (
        (req.method === 'GET' || req.method === 'HEAD') &&
        (url.pathname === '/favicon.ico' || url.pathname === '/console' || url.pathname.startsWith('/console/'))
      )
        return await serveConsole(res, url.pathname);
      const local = this.localRoutes[`${req.method} ${url.pathname}`] ?? this.consoleRoutes[`${req.method} ${url.pathname}`];
      if (local) {
        const out = await local(req, body);
        res.writeHead(out.status, { 'content-type': out.contentType ?? (out.status >= 400 ? 'application/problem+json' : 'application/json') });
        return void res.end(typeof out.body === 'string' ? out.body : JSON.stringify(out.body));
      }
      const matches = this.routes.map((r) => ({ r, m: r.pattern.exec(url.pathname) })).filter((x) => x.m);
      const hit = matches.find((x) => x.r.route.method === req.method);
      if (!hit) {
        if (matches.length) return send(res, problem(405, 'Method not allowed', `${req.method} is not allowed on ${url.pathname}.`));
        return send(res, problem(404, 'Not found', `No route for ${req.method} ${url.pathname}.`));
      }
      const { route, names } = hit.r;
      let claims: Record<string, string> = {};
      if (route.auth === 'jwt') {
        const header = req.headers.authorization ?? '';
        const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
        if (!token) return send(res, problem(401, 'Unauthorized', 'A bearer token is required.'));
        const verified = await this.tokens.verify(token);
        if ('error' in verified) return send(res, problem(401, 'Unauthorized', String(verified.error)));
        claims = verified;
      }
      const params = Object.fromEntries(names.map((n, i) => [n, hit.m![i + 1]!]));
      const event = toEvent(req, url, route, params, claims, body);
      const result = await (await this.handler(route))(event, lambdaContext(route));
      send(res, result);
      if (route.tableAccess === 'readwrite') this.afterWrite();
    } catch {
      // A defect in the gateway itself: never leak internals.
      send(res, problem(500, 'Internal error', 'The local gateway failed to handle the request.'));
    }
  }
}

/** The local console (`console/dist`, built by `npm run build:console`): a static single-page app. */
const CONSOLE_DIST = resolve(fileURLToPath(new URL('../console/dist', import.meta.url)));
const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

async function serveConsole(res: ServerResponse, pathname: string): Promise<void> {
  if (pathname === '/console') return void res.writeHead(308, { location: '/console/' }).end();
  // Browsers ask for /favicon.ico on their own: the console's icon answers it.
  const relative = pathname === '/favicon.ico' ? 'favicon.svg' : decodeURIComponent(pathname.slice('/console/'.length)) || 'index.html';
  const file = normalize(join(CONSOLE_DIST, relative));
  if (!file.startsWith(CONSOLE_DIST + '/')) return send(res, problem(404, 'Not found', `No route for GET ${pathname}.`));
  // Client-side routes (no file extension) get the app itself.
  const target = extname(file) ? file : join(CONSOLE_DIST, 'index.html');
  let content: Buffer;
  try {
    content = await readFile(target);
  } catch {
    if (!extname(file) || pathname === '/favicon.ico')
      return send(res, problem(503, 'Console not built', 'The console is not built: run npm run build:console (npm start and npm ci build it).'));
    return send(res, problem(404, 'Not found', `No file ${pathname}.`));
  }
  res.writeHead(200, {
    'content-type': STATIC_TYPES[extname(target)] ?? 'application/octet-stream',
    'cache-control': relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
    ...(extname(target) === '.html' ? { 'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'" } : {}),
  });
  res.end(content);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => ok(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  res.writeHead(result.statusCode ?? 200, (result.headers ?? {}) as Record<string, string>);
  res.end(result.body ?? '');
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  route: RouteDefinition,
  params: Record<string, string>,
  claims: Record<string, string>,
  body: string,
): HttpEvent {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  url.searchParams.forEach((v, k) => (query[k] = k in query ? `${query[k]},${v}` : v));
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(params).length ? params : undefined,
    body: body === '' ? undefined : body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: 'local',
      http: { method: route.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: [] } },
    },
  } as HttpEvent;
}

function lambdaContext(route: RouteDefinition): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `local-${route.operationId}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${route.operationId}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/local-${route.operationId}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
