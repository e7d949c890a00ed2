import type { IncomingMessage, Server } from 'node:http';
import { createJsonServer, readBody } from '../common/loopback-server';
import { apiErrors, SchedulerApiError } from './errors';

/** Schedule bodies are small (Input is at most 8 KiB in AWS); leave plenty of room. */
const MAX_BODY_BYTES = 1024 * 1024;
const CONTENT_TYPE = 'application/json';

export type OperationHandler = (operation: string, input: Record<string, unknown>) => Promise<unknown>;

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

/**
 * The EventBridge Scheduler API over restJson1, as @aws-sdk/client-scheduler and the AWS CLI
 * speak it: the operation is the method + path, the schedule name a path label, some members
 * query parameters, the rest a JSON body. The SigV4 signature is not checked.
 */
export function createProtocolServer(handle: OperationHandler, onError: (message: string) => void): Server {
  return createJsonServer<SchedulerApiError>(
    {
      contentType: CONTENT_TYPE,
      serve: (req) => serve(req, handle),
      isApiError: (error) => error instanceof SchedulerApiError,
      internalError: () => new SchedulerApiError('InternalServerException', 'Internal error', 500),
      errorAnswer: (error) => ({ status: error.status, body: { Message: error.message }, errorType: error.code }),
    },
    onError,
  );
}

async function serve(req: IncomingMessage, handle: OperationHandler): Promise<unknown> {
  const url = new URL(req.url ?? '/', 'http://local');
  const { route: found, label } = route(req.method ?? 'GET', url.pathname);
  const text = await readBody(req, MAX_BODY_BYTES, () => apiErrors.validation('Request body too large'));
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
  return handle(found.operation, input);
}
