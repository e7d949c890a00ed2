/**
 * The request and error shapes of the local-only endpoints (`/_local/*`): validated with
 * zod and answered with the same problem+json as every API route.
 */
import type { IncomingMessage } from 'node:http';
import * as z from 'zod';
import { ENV } from '../shared/config-names';
import { problemBody } from '../shared/http/problem';
import { TIMER_KINDS } from '../shared/timers/desired-timers';
import { scheduleName } from '../shared/timers/sync-timers';
import { DEMO_FINANCE, DEMO_TENANT, DEMO_USERS } from './demo-tenant';

export interface LocalAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly contentType?: string;
}

export const localProblem = (status: number, title: string, detail: string, errors: { path: string; message: string }[] = []): LocalAnswer => ({
  status,
  body: problemBody(status, title, detail, errors),
});

/** `POST /_local/clock`: advance or set (not both), each optionally with freeze, or freeze alone. */
export const ClockMoveBody = z
  .strictObject({ advance: z.string().min(1).optional(), set: z.string().min(1).optional(), freeze: z.boolean().optional() })
  .refine((b) => b.advance !== undefined || b.set !== undefined || b.freeze !== undefined, {
    message: 'Give {"advance":"PT72H"} or {"set":"2026-12-01T09:00:00Z"}, optionally with "freeze": true|false, or {"freeze": true|false} alone.',
  });

/** The JSON body checked against `schema`, or the 400 that says what is wrong with it. */
export function parseLocalBody<T>(body: string, schema: z.ZodType<T>): { value: T } | { problem: LocalAnswer } {
  let json: unknown;
  try {
    json = JSON.parse(body || '{}');
  } catch {
    return { problem: localProblem(400, 'Invalid request', 'The body is not valid JSON.') };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { value: parsed.data };
  const errors = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  return { problem: localProblem(400, 'Invalid request', errors.length === 1 && !errors[0]!.path ? errors[0]!.message : 'The request is invalid.', errors) };
}

// ---------- the local console's read-only views of the emulators (CONTRACT section 10) ----------

/** The caller's tenant and role from the Bearer token: these views are tenant-scoped like the API. */
interface ConsoleCaller {
  readonly tid: string;
  readonly role: string;
}
type Verify = (token: string) => Promise<Record<string, string> | { error: string }>;

const STAFF = ['agent', 'lead', 'manager', 'admin'];

async function consoleCaller(req: IncomingMessage, verify: Verify): Promise<ConsoleCaller | LocalAnswer> {
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!token) return localProblem(401, 'Unauthorized', 'A bearer token is required.');
  const claims = await verify(token);
  if ('error' in claims) return localProblem(401, 'Unauthorized', String(claims.error));
  if (!claims.tid || !claims.role || !STAFF.includes(claims.role)) return localProblem(403, 'Forbidden', 'Only staff of a tenant may see this.');
  return { tid: claims.tid, role: claims.role };
}

const ExecutionQuery = z.strictObject({ arn: z.string().regex(/^arn:aws:states:[^:]+:\d+:execution:[^:]+:[A-Za-z0-9_-]{1,80}$/, 'an execution ARN') });
const SchedulesQuery = z.strictObject({ ticket: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a ticket id') });
const InboxQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).optional() });

function parseQuery<T>(req: IncomingMessage, schema: z.ZodType<T>): { value: T } | { problem: LocalAnswer } {
  const query = Object.fromEntries(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams);
  const parsed = schema.safeParse(query);
  if (parsed.success) return { value: parsed.data };
  const errors = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  return { problem: localProblem(400, 'Invalid request', 'The query is invalid.', errors) };
}

/** The Step Functions API (AWS JSON 1.0) of the in-process service, read only. */
async function sfnCall<T>(operation: string, input: object): Promise<T> {
  const answer = await fetch(process.env[ENV.sfnEndpoint]!, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}` },
    body: JSON.stringify(input),
  });
  if (!answer.ok) throw new Error(`Step Functions ${operation}: ${answer.status}`);
  return (await answer.json()) as T;
}

interface SfnEvent {
  readonly id: number;
  readonly timestamp: number;
  readonly type: string;
  readonly stateEnteredEventDetails?: { name: string };
  readonly stateExitedEventDetails?: { name: string };
  readonly taskScheduledEventDetails?: { parameters?: string; resource?: string };
  readonly executionFailedEventDetails?: { error?: string; cause?: string };
  readonly [detail: string]: unknown;
}

const iso = (epochSeconds: number | undefined) => (epochSeconds === undefined ? null : new Date(epochSeconds * 1000).toISOString());

/** One execution as the console shows it: where it is, since when, and what it waits for. */
async function executionView(arn: string, tid: string, withStates: boolean): Promise<Record<string, unknown> | null> {
  const described = await sfnCall<{ name: string; status: string; startDate: number; stopDate?: number; input: string; error?: string; cause?: string }>(
    'DescribeExecution',
    { executionArn: arn },
  );
  let input: { tenantId?: string; ticketId?: string } = {};
  try {
    input = JSON.parse(described.input) as typeof input;
  } catch {
    /* not one of ours */
  }
  if (input.tenantId !== tid || !input.ticketId) return null;
  const events: SfnEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfnCall<{ events: SfnEvent[]; nextToken?: string }>('GetExecutionHistory', {
      executionArn: arn,
      includeExecutionData: false,
      maxResults: 1000,
      ...(nextToken ? { nextToken } : {}),
    });
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  const states: { name: string; enteredAt: string; exitedAt: string | null; category: string | null; waiting: boolean }[] = [];
  for (const event of events) {
    if (event.stateEnteredEventDetails)
      states.push({ name: event.stateEnteredEventDetails.name, enteredAt: iso(event.timestamp)!, exitedAt: null, category: null, waiting: false });
    const open = states.at(-1);
    if (!open || open.exitedAt) continue;
    if (event.stateExitedEventDetails?.name === open.name) open.exitedAt = iso(event.timestamp);
    if (event.taskScheduledEventDetails?.resource?.endsWith('.waitForTaskToken')) {
      open.waiting = true;
      try {
        const params = JSON.parse(event.taskScheduledEventDetails.parameters ?? '{}') as { Payload?: { category?: string } };
        open.category = params.Payload?.category ?? null;
      } catch {
        /* no category */
      }
    }
  }
  const current = described.status === 'RUNNING' ? states.findLast((s) => !s.exitedAt) : undefined;
  return {
    executionArn: arn,
    name: described.name,
    ticketId: input.ticketId,
    generation: Number(/--g(\d+)$/.exec(described.name)?.[1] ?? 1),
    status: described.status,
    startDate: iso(described.startDate),
    stopDate: iso(described.stopDate),
    error: described.error ?? null,
    cause: described.cause ?? null,
    currentState: current?.name ?? null,
    enteredAt: current?.enteredAt ?? null,
    waitingFor: current?.waiting ? current.category : null,
    ...(withStates ? { states } : {}),
  };
}

/** Where the SES emulator keeps the mail it accepted (`GET /store`): the runtime names it in SES_ENDPOINT when it runs one. */
const sesStoreUrl = () => (process.env.SES_ENDPOINT ? `${process.env.SES_ENDPOINT.replace(/\/$/, '')}/store` : null);

/**
 * `GET /_local/executions` (every execution of the caller's tenant), `GET /_local/execution?arn=`
 * (one, with the states it went through), `GET /_local/schedules?ticket=` (a ticket's pending
 * schedules), `GET /_local/outbox` (mail the tenant sent, when the SES emulator runs),
 * `GET /_local/inbox?limit=` (the outcomes of the tenant's inbound mail, newest first) and
 * `GET /_local/console` (what the console can show). Staff tokens only; tenant from the token.
 */
export function consoleRoutes(
  verify: Verify,
  hasRoute: (method: string, path: string) => boolean,
): Record<string, (req: IncomingMessage) => Promise<LocalAnswer>> {
  const scoped =
    (answer: (req: IncomingMessage, caller: ConsoleCaller) => Promise<LocalAnswer>) =>
    async (req: IncomingMessage): Promise<LocalAnswer> => {
      const caller = await consoleCaller(req, verify);
      return 'status' in caller ? caller : answer(req, caller);
    };
  const outboxUp = async () => {
    const store = sesStoreUrl();
    if (!store) return false;
    try {
      return (await fetch(`${store}?since=${Math.floor(Date.now() / 1000) + 86_400 * 3650}`, { signal: AbortSignal.timeout(1000) })).ok;
    } catch {
      return false;
    }
  };
  return {
    'GET /_local/console': async () => ({
      status: 200,
      body: {
        tenant: DEMO_TENANT,
        users: [
          ...DEMO_USERS.map((u) => ({ sub: u.id, role: u.role, email: u.email, name: u.name, org: u.org })),
          { ...DEMO_FINANCE, name: 'Finance', org: null },
        ],
        usage: hasRoute('GET', '/v1/usage'),
        outbox: await outboxUp(),
      },
    }),
    'GET /_local/executions': scoped(async (_req, caller) => {
      const items: Record<string, unknown>[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfnCall<{ executions: { executionArn: string }[]; nextToken?: string }>('ListExecutions', {
          stateMachineArn: process.env[ENV.stateMachineArn],
          maxResults: 1000,
          ...(nextToken ? { nextToken } : {}),
        });
        for (const view of await Promise.all(page.executions.map((e) => executionView(e.executionArn, caller.tid, false)))) if (view) items.push(view);
        nextToken = page.nextToken;
      } while (nextToken);
      return { status: 200, body: { items } };
    }),
    'GET /_local/execution': scoped(async (req, caller) => {
      const query = parseQuery(req, ExecutionQuery);
      if ('problem' in query) return query.problem;
      const view = await executionView(query.value.arn, caller.tid, true).catch(() => null);
      return view ? { status: 200, body: view } : localProblem(404, 'Not found', 'No such execution.');
    }),
    'GET /_local/schedules': scoped(async (req, caller) => {
      const query = parseQuery(req, SchedulesQuery);
      if ('problem' in query) return query.problem;
      const { deps } = await import('../shared/wiring');
      const ticket = await deps.tickets.get(caller.tid, query.value.ticket);
      if (!ticket) return localProblem(404, 'Not found', 'No such ticket.');
      const base = process.env[ENV.schedulerEndpoint]!;
      const group = encodeURIComponent(process.env[ENV.scheduleGroup]!);
      // The names the timers use for this ticket (tenant and ticket in their digest): one read per kind.
      const found = await Promise.all(
        TIMER_KINDS.map(async (kind) => {
          const name = scheduleName(caller.tid, ticket, kind);
          const answer = await fetch(`${base}/schedules/${encodeURIComponent(name)}?groupName=${group}`);
          if (answer.status === 404) return null;
          const s = (await answer.json()) as { ScheduleExpression?: string; State?: string; Target?: { Input?: string } };
          const input = JSON.parse(s.Target?.Input ?? '{}') as { dueAt?: string };
          return { name, kind, dueAt: input.dueAt ?? null, expression: s.ScheduleExpression ?? null, state: s.State ?? null };
        }),
      );
      const items = found.filter((s) => s !== null).sort((a, b) => String(a.dueAt).localeCompare(String(b.dueAt)));
      return { status: 200, body: { items } };
    }),
    'GET /_local/outbox': scoped(async (_req, caller) => {
      let store: { emails?: { from?: string; subject?: string }[] };
      const url = sesStoreUrl();
      try {
        if (!url) throw new Error('no SES emulator');
        const answer = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (!answer.ok) throw new Error(String(answer.status));
        store = (await answer.json()) as typeof store;
      } catch {
        return localProblem(404, 'No outbox', 'The SES emulator is not running.');
      }
      const { deps } = await import('../shared/wiring');
      const settings = await deps.settings.get(caller.tid);
      const from = settings?.supportAddress?.toLowerCase();
      const items = (store.emails ?? []).filter((m) => from && (m.from ?? '').toLowerCase().includes(from));
      return { status: 200, body: { items } };
    }),
    'GET /_local/inbox': scoped(async (req, caller) => {
      const query = parseQuery(req, InboxQuery);
      if ('problem' in query) return query.problem;
      const { config } = await import('../shared/wiring');
      const { documentClient } = await import('../shared/store/dynamo-client');
      const { DynamoInboundMailLog } = await import('../shared/store/dynamo-inbound-mail');
      const log = new DynamoInboundMailLog(documentClient(config.dynamoEndpoint ? { endpoint: config.dynamoEndpoint } : {}), config.tableName);
      // What happened to each message (outcome, reason, ticket, sender), never its text.
      return { status: 200, body: { items: await log.list(caller.tid, query.value.limit ?? 50) } };
    }),
  };
}
