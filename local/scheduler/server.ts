import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiErrors, SchedulerApiError } from './errors';

/** Schedule bodies are small (Input is at most 8 KiB in AWS); leave plenty of room. */
const MAX_BODY_BYTES = 1024 * 1024;
const CONTENT_TYPE = 'application/json';
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export type OperationHandler = (operation: string, input: Record<string, unknown>) => Promise<unknown>;

/** Dates become epoch seconds, as the restJson1 protocol sends timestamps by default. */
export function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = toWire(item);
    return out;
  }
  return value;
}

interface Route {
  readonly operation: string;
  /** Name of the path label (`{Name}`), if the route has one. */
  readonly label?: string;
  /** Query parameter → input member. */
  readonly query: Readonly<Record<string, string>>;
  readonly body: boolean;
}

/**
 * The routes of the Scheduler API as @aws-sdk/client-scheduler serializes them
 * (dist-es/schemas/schemas_0.js: the `http` trait of each operation and the `httpQuery` traits).
 */
const ROUTES: Readonly<Record<string, Readonly<Record<string, Route>>>> = {
  '/schedules/{Name}': {
    POST: { operation: 'CreateSchedule', label: 'Name', query: {}, body: true },
    PUT: { operation: 'UpdateSchedule', label: 'Name', query: {}, body: true },
    GET: { operation: 'GetSchedule', label: 'Name', query: { groupName: 'GroupName' }, body: false },
    DELETE: { operation: 'DeleteSchedule', label: 'Name', query: { groupName: 'GroupName', clientToken: 'ClientToken' }, body: false },
  },
  '/schedules': {
    GET: {
      operation: 'ListSchedules',
      query: { ScheduleGroup: 'GroupName', NamePrefix: 'NamePrefix', State: 'State', NextToken: 'NextToken', MaxResults: 'MaxResults' },
      body: false,
    },
  },
  '/schedule-groups/{Name}': {
    POST: { operation: 'CreateScheduleGroup', label: 'Name', query: {}, body: true },
    GET: { operation: 'GetScheduleGroup', label: 'Name', query: {}, body: false },
    DELETE: { operation: 'DeleteScheduleGroup', label: 'Name', query: { clientToken: 'ClientToken' }, body: false },
  },
  '/schedule-groups': {
    GET: { operation: 'ListScheduleGroups', query: { NamePrefix: 'NamePrefix', NextToken: 'NextToken', MaxResults: 'MaxResults' }, body: false },
  },
};

function route(method: string, pathname: string): { route: Route; label?: string } {
  const segments = pathname.split('/').filter((s) => s.length > 0);
  let pattern: string | undefined;
  let label: string | undefined;
  if (segments.length === 1) pattern = `/${segments[0]}`;
  else if (segments.length === 2) {
    pattern = `/${segments[0]}/{Name}`;
    try {
      label = decodeURIComponent(segments[1] as string);
    } catch {
      throw apiErrors.validation('Invalid path');
    }
  }
  const methods = pattern ? ROUTES[pattern] : undefined;
  const found = methods?.[method];
  if (!found) throw apiErrors.unknownOperation(`${method} ${pathname}`);
  return { route: found, ...(label !== undefined ? { label } : {}) };
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: SchedulerApiError): void {
  send(res, error.status, { Message: error.message }, error.code);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw apiErrors.validation('Request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The EventBridge Scheduler API over restJson1, as @aws-sdk/client-scheduler and the AWS CLI
 * speak it: the operation is the method + path, the schedule name a path label, some members
 * query parameters, the rest a JSON body. The SigV4 signature is not checked.
 */
export function createProtocolServer(handle: OperationHandler, onError: (message: string) => void): Server {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://local');
        const { route: found, label } = route(req.method ?? 'GET', url.pathname);
        const text = await readBody(req);
        let input: Record<string, unknown> = {};
        if (found.body && text.trim()) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            throw apiErrors.serialization('Request body is not valid JSON');
          }
          if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw apiErrors.serialization('Request body must be a JSON object');
          input = { ...(parsed as Record<string, unknown>) };
        }
        for (const [param, member] of Object.entries(found.query)) {
          const value = url.searchParams.get(param);
          if (value !== null) input[member] = member === 'MaxResults' ? Number(value) : value;
        }
        if (found.label && label !== undefined) input[found.label] = label;
        const output = await handle(found.operation, input);
        send(res, 200, toWire(output ?? {}));
      } catch (error) {
        if (error instanceof SchedulerApiError) {
          sendError(res, error);
        } else {
          onError(`internal error: ${(error as Error)?.name ?? 'unknown'}`);
          sendError(res, new SchedulerApiError('InternalServerException', 'Internal error', 500));
        }
      }
    })();
  });
  server.keepAliveTimeout = 5_000;
  return server;
}

export async function listenLoopback(server: Server, port: number, host: string): Promise<number> {
  if (!LOOPBACK.has(host)) throw new Error(`local EventBridge Scheduler binds to loopback only, not ${host}`);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
