import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sentMails } from '../../local/mail/ses-event-publisher';
import { LOCAL_STATE_MACHINE_ARN, PROJECT_ROOT } from '../../local/runtime';
import { TIMER_KINDS } from '../../shared/timers/desired-timers';
import { scheduleName } from '../../shared/timers/sync-timers';
import { freePort } from '../setup/free-port';
import { Api, type ApiResponse } from '../support/api-client';
import { eventually, tenantOnPreset, type TenantFixture } from '../support/tenant-fixture';

/**
 * Fault injection: `npm start` is killed with SIGKILL (its whole process group, DynamoDB
 * Local's JVM included) in the middle of a burst of creates and transitions from 8 clients,
 * twice, and restarted on the same data folder and ports. Afterwards every ticket that
 * exists — acknowledged or not — must have one running execution parked in the state of its
 * category and every schedule it needs; a 20-day clock advance must then give each one its
 * breaches, reminders and auto-close, each exactly once, at its own instant.
 */

const TENANT = 'crash';
const CLIENTS = 8;
/** Each ticket walks (part of) this path; the index is how far it got. */
const PATH = ['soumise', 'en-cours', 'en-attente-client'] as const;
const STATE_OF: Record<(typeof PATH)[number], string> = { soumise: 'New', 'en-cours': 'InProgress', 'en-attente-client': 'WaitingOnCustomer' };
const CUSTOMERS = ['alice', 'bob', 'carol'] as const;
const RESPONSE_MINUTES = 60;
const RESOLUTION_MINUTES = 120;
const DAY = 86_400_000;
const SCHEDULE_GROUP = 'ticketflow-timers';
/** How long after its answer DynamoDB Local surely has a transaction on disk (see `durable`). */
const DURABLE_AFTER_MS = 250;

// ---------------------------------------------------------------- the process

interface Running {
  readonly child: ChildProcess;
  /** The process group: `npm start` and the DynamoDB Local JVM it spawns. */
  readonly pgid: number;
  readonly output: () => string;
}

const groups = new Set<number>();
const hasProc = existsSync('/proc/self/stat');
afterAll(() => groups.forEach((pgid) => killGroup(pgid)));

function launch(env: Record<string, string>): Running {
  // detached: a process group of its own, so one kill reaches the JVM child as well
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  groups.add(child.pid!);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, pgid: child.pid!, output: () => out };
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Live (non-zombie) members of a process group, as `pid name`. */
function groupMembers(pgid: number): string[] {
  if (!hasProc) {
    try {
      process.kill(-pgid, 0);
      return [`group ${pgid}`];
    } catch {
      return [];
    }
  }
  const members: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') members.push(`${entry} ${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}`);
  }
  return members;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

async function waitHealthy(running: Running, api: Api): Promise<void> {
  const until = Date.now() + 60_000;
  for (;;) {
    if (running.child.exitCode !== null) throw new Error(`npm start exited ${running.child.exitCode}: ${running.output()}`);
    if (Date.now() > until) throw new Error(`npm start did not become healthy: ${running.output()}`);
    const status = await api.request('GET', '/_local/health').then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** kill -9 of the whole group; resolves when no process of it is left (the JVM included). */
async function killHard(running: Running): Promise<void> {
  killGroup(running.pgid);
  await exited(running.child);
  await eventually(
    async () => groupMembers(running.pgid),
    (members) => members.length === 0,
    10_000,
  );
  groups.delete(running.pgid);
}

// ---------------------------------------------------------------- the burst

interface Attempt {
  readonly subject: string;
  /** How far along PATH this ticket is meant to go. */
  readonly plan: number;
  id: string | null;
  /** The last step sent (-1: none) and the last one acknowledged (-1: none). */
  sent: number;
  acked: number;
  /** When each step was acknowledged (ms since the epoch, this machine's clock). */
  ackedAt: number[];
}

interface Burst {
  readonly attempts: Attempt[];
  /** Answers that were neither a success nor a dropped connection. */
  readonly anomalies: string[];
  /** Acknowledged requests when the kill was sent, and in all. */
  killedAfter: number;
  /** When the kill was sent. */
  killedAt: number;
  acks: number;
}

/**
 * 8 clients create tickets and move them along PATH (as far as each ticket's plan says);
 * after `killAfter` acknowledged requests `kill()` runs, while the other clients' requests
 * are in flight. A client stops at its first dropped connection.
 */
async function burst(t: TenantFixture, round: number, killAfter: number, kill: () => void): Promise<Burst> {
  const result: Burst = { attempts: [], anomalies: [], killedAfter: -1, killedAt: 0, acks: 0 };
  let down = false;
  const send = async (a: Attempt, step: number, request: () => Promise<ApiResponse>, expected: number): Promise<ApiResponse | null> => {
    if (down) return null;
    a.sent = step;
    let r: ApiResponse;
    try {
      r = await request();
    } catch {
      down = true; // the connection dropped or was refused: the process is gone
      return null;
    }
    if (r.status !== expected) {
      result.anomalies.push(`${a.subject} step ${step}: ${r.status} ${JSON.stringify(r.body)}`);
      return null;
    }
    a.acked = step;
    a.ackedAt[step] = Date.now();
    if (++result.acks === killAfter) {
      result.killedAfter = result.acks;
      result.killedAt = Date.now();
      kill();
    }
    return r;
  };
  const client = async (c: number) => {
    for (let n = 0; !down; n++) {
      const a: Attempt = { subject: `crash r${round} c${c} n${n}`, plan: (c + n) % PATH.length, id: null, sent: -1, acked: -1, ackedAt: [] };
      result.attempts.push(a);
      const created = await send(a, 0, () => t.as(CUSTOMERS[(c + n) % CUSTOMERS.length]!).post('/v1/tickets', { subject: a.subject }), 201);
      if (!created) break;
      a.id = created.body.id;
      for (let step = 1; step <= a.plan; step++) {
        if (!(await send(a, step, () => t.as('agent').post(`/v1/tickets/${a.id}/transitions`, { to: PATH[step] }), 200))) return;
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  return result;
}

// ---------------------------------------------------------------- reading the outcome

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

async function pages(read: (cursor: string | null) => Promise<ApiResponse>): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const r = await read(cursor);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    items.push(...r.body.items);
    cursor = r.body.nextCursor;
  } while (cursor);
  return items;
}

const q = (cursor: string | null) => (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');

/** Schedule names in the timer group (through the local Scheduler's own API). */
async function scheduleNames(endpoint: string): Promise<Set<string>> {
  const names = new Set<string>();
  let token: string | undefined;
  do {
    const url = `${endpoint}/schedules?ScheduleGroup=${SCHEDULE_GROUP}&MaxResults=100${token ? `&NextToken=${encodeURIComponent(token)}` : ''}`;
    const r = await fetch(url);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { Schedules: { Name: string }[]; NextToken?: string };
    for (const s of body.Schedules) names.add(s.Name);
    token = body.NextToken;
  } while (token);
  return names;
}

/** One call of the local Step Functions' own API (AWS JSON 1.0). */
async function sfn(endpoint: string, operation: string, input: object): Promise<any> {
  const r = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}` },
    body: JSON.stringify(input),
  });
  expect(r.status).toBe(200);
  return r.json();
}

/** Executions of the lifecycle state machine. */
async function executions(endpoint: string): Promise<{ executionArn: string; status: string }[]> {
  const all: { executionArn: string; status: string }[] = [];
  let token: string | undefined;
  do {
    const body = await sfn(endpoint, 'ListExecutions', { stateMachineArn: LOCAL_STATE_MACHINE_ARN, maxResults: 1000, ...(token ? { nextToken: token } : {}) });
    all.push(...body.executions);
    token = body.nextToken;
  } while (token);
  return all;
}

const count = (values: string[]) => values.reduce<Record<string, number>>((acc, v) => ((acc[v] = (acc[v] ?? 0) + 1), acc), {});

/** Fired at its instant: at() rounds up to whole seconds, the frozen clock adds nothing. */
const expectAt = (actual: string, expected: number, what: string) => {
  const delta = Date.parse(actual) - expected;
  expect(delta, `${what}: ${actual} vs ${new Date(expected).toISOString()}`).toBeGreaterThanOrEqual(0);
  expect(delta, `${what}: ${actual} vs ${new Date(expected).toISOString()}`).toBeLessThan(2000);
};

// ---------------------------------------------------------------- the test

describe('crash recovery of npm start', () => {
  it('after kill -9 mid-burst (twice), every ticket has its execution and schedules, and every effect happens exactly once', async ({ annotate }) => {
    const phases: string[] = [];
    let phaseStart = Date.now();
    const phase = (name: string) => {
      phases.push(`${name} ${((Date.now() - phaseStart) / 1000).toFixed(1)} s`);
      phaseStart = Date.now();
    };
    const dataDir = mkdtempSync(join(tmpdir(), 'tf-crash-'));
    const [apiPort, dynamoPort, sfnPort, schedulerPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const env = {
      TICKETFLOW_DATA_DIR: dataDir,
      TICKETFLOW_API_PORT: String(apiPort),
      TICKETFLOW_DYNAMODB_PORT: String(dynamoPort),
      TICKETFLOW_SFN_PORT: String(sfnPort),
      TICKETFLOW_SCHEDULER_PORT: String(schedulerPort),
      TICKETFLOW_SES_PORT: String(await freePort()),
    };
    const api = new Api(`http://127.0.0.1:${apiPort}`);
    const sfnEndpoint = `http://127.0.0.1:${sfnPort}`;
    const schedulerEndpoint = `http://127.0.0.1:${schedulerPort}`;

    let running = launch(env);
    await waitHealthy(running, api);
    phase('start');
    // A frozen clock (it stays frozen across restarts): every ticket of a burst shares its instants,
    // so the advance below steps through a handful of them, and each effect lands exactly at its own.
    expect((await api.request('POST', '/_local/clock', { body: { freeze: true } })).status).toBe(200);
    const t = await tenantOnPreset(api, TENANT, 'jira-partner', {
      coverage: '24x7',
      timezone: 'UTC',
      locale: 'en',
      sla: {
        response: { urgent: RESPONSE_MINUTES, high: RESPONSE_MINUTES, normal: RESPONSE_MINUTES },
        resolution: {
          severe: RESOLUTION_MINUTES,
          high: RESOLUTION_MINUTES,
          medium: RESOLUTION_MINUTES,
          low: RESOLUTION_MINUTES,
          enhancement: RESOLUTION_MINUTES,
        },
      },
    });
    phase('tenant');

    // Two rounds, killed at different moments: well into a burst on a warm process, then early
    // in a burst on a process that has just restarted and is still catching up on the first.
    const bursts: Burst[] = [];
    const killedAt = new Map<Attempt, number>();
    for (const [round, killAfter] of [
      [1, 40],
      [2, 8],
    ] as const) {
      // the kill reaches the JVM too: it is in the group
      if (hasProc) expect(groupMembers(running.pgid).some((m) => m.endsWith(' java'))).toBe(true);
      const victim = running;
      const b = await burst(t, round, killAfter, () => killGroup(victim.pgid));
      bursts.push(b);
      for (const a of b.attempts) killedAt.set(a, b.killedAt);
      await killHard(victim);
      phase(`burst ${round}`);
      expect(b.anomalies).toEqual([]);
      expect(b.killedAfter, 'the burst ended by our kill').toBe(killAfter);
      running = launch(env);
      await waitHealthy(running, api);
      expect((await api.request('GET', '/_local/clock')).body.frozen).toBe(true);
      phase(`restart ${round}`);
    }

    // The restarted process catches up on its own: the clock standing still (advance by
    // nothing) answers once the stream is drained and no execution is mid-step.
    expect((await api.request('POST', '/_local/clock', { body: { advance: 'PT0S' } })).status).toBe(200);
    phase('settle');

    const attempts = bursts.flatMap((b) => b.attempts);
    const bySubject = new Map(attempts.map((a) => [a.subject, a]));
    /**
     * The last step acknowledged at least DURABLE_AFTER_MS before the kill. DynamoDB Local
     * answers TransactWriteItems a few milliseconds before the transaction is in its file: a
     * kill -9 of its JVM right after the answer loses the whole transaction (never half).
     */
    const durable = (a: Attempt) => a.ackedAt.reduce((last, at, step) => (killedAt.get(a)! - at >= DURABLE_AFTER_MS ? step : last), -1);
    const lostAcks: string[] = [];
    const tickets = await pages((cursor) => t.as('agent').get(`/v1/tickets?limit=100${q(cursor)}`));
    const found = new Map<string, any>();
    for (const tk of tickets) {
      const a = bySubject.get(tk.subject);
      expect(a, `a ticket nobody created: ${tk.subject}`).toBeDefined();
      expect(found.has(tk.subject), `two tickets for ${tk.subject}`).toBe(false);
      found.set(tk.subject, tk);
      if (a!.id) expect(tk.id).toBe(a!.id);
      // at most as far as sent, at least as far as acknowledged (and durable)
      const reached = PATH.indexOf(tk.status);
      const what = `${tk.subject} is ${tk.status}: acknowledged ${a!.acked} (${killedAt.get(a!)! - a!.ackedAt[a!.acked]!} ms before the kill), sent ${a!.sent}`;
      expect(reached, what).toBeLessThanOrEqual(a!.sent);
      expect(reached, what).toBeGreaterThanOrEqual(durable(a!));
      if (reached < a!.acked) lostAcks.push(what);
    }
    const acknowledged = attempts.filter((a) => a.acked >= 0);
    const lostCreates = acknowledged.filter((a) => !found.has(a.subject));
    for (const a of lostCreates) {
      const what = `${a.subject} acknowledged ${killedAt.get(a)! - a.ackedAt[0]!} ms before the kill`;
      expect(durable(a), `${what} is lost`).toBe(-1);
      lostAcks.push(`${what}, not found`);
    }
    phase('list');

    // Every ticket: one RUNNING execution, parked in the state of its category with a live wait.
    const views = await mapLimit(tickets, 8, async (tk) => (await t.as('agent').get(`/v1/tickets/${tk.id}/workflow`)).body);
    tickets.forEach((tk, i) => {
      expect(views[i], `${tk.subject} (${tk.status})`).toMatchObject({
        executionArn: expect.any(String),
        status: 'RUNNING',
        currentState: STATE_OF[tk.status as (typeof PATH)[number]],
        waitingSince: expect.any(String),
        generation: 1,
        previousExecutions: [],
      });
    });
    // … and no other execution of the tenant runs (one for a lost create has seen it is gone and ended)
    const statusOf = new Map((await executions(sfnEndpoint)).map((e) => [e.executionArn, e.status]));
    tickets.forEach((tk, i) => expect(statusOf.get(views[i].executionArn), tk.subject).toBe('RUNNING'));
    const ours = new Set(views.map((v) => v.executionArn));
    for (const [arn, status] of statusOf) {
      if (ours.has(arn) || status !== 'RUNNING') continue;
      expect(JSON.parse((await sfn(sfnEndpoint, 'DescribeExecution', { executionArn: arn })).input).tenantId, arn).not.toBe(TENANT);
    }

    // Every ticket: every schedule it needs. A kill between the schedule calls and the write of
    // the ticket's TIMERS item leaves schedules nobody knows of; by design they are harmless
    // (a firing re-checks the ticket), which the advance below puts to the test.
    const schedules = await scheduleNames(schedulerEndpoint);
    const needed = (status: string) =>
      status === 'en-attente-client'
        ? ['reminder', 'auto-close']
        : ['sla-response-warning', 'sla-response-breach', 'sla-resolution-warning', 'sla-resolution-breach'];
    const orphans: string[] = [];
    for (const tk of tickets) {
      const kinds = needed(tk.status);
      expect(
        kinds.filter((kind) => !schedules.has(scheduleName(TENANT, tk, kind as (typeof TIMER_KINDS)[number]))),
        `${tk.subject} (${tk.status}) misses`,
      ).toEqual([]);
      for (const kind of TIMER_KINDS)
        if (!kinds.includes(kind) && schedules.has(scheduleName(TENANT, tk, kind))) orphans.push(`${tk.subject} (${tk.status}): ${kind}`);
    }
    phase('check');

    // 20 days later.
    const moved = await api.request('POST', '/_local/clock', { body: { advance: 'P20D' } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    phase('advance');

    const outcomes = await mapLimit(tickets, 8, async (tk) => {
      const as = t.as('agent');
      return {
        now: (await as.get(`/v1/tickets/${tk.id}`)).body,
        history: await pages((cursor) => as.get(`/v1/tickets/${tk.id}/history?limit=100${q(cursor)}`)),
        comments: await pages((cursor) => as.get(`/v1/tickets/${tk.id}/comments?limit=100${q(cursor)}`)),
        workflow: (await as.get(`/v1/tickets/${tk.id}/workflow`)).body,
      };
    });
    tickets.forEach((tk, i) => {
      const { now, history, comments, workflow } = outcomes[i]!;
      const what = `${tk.subject} (${tk.status})`;
      const of = (type: string) => history.filter((e) => e.type === type);
      const systemComments = comments.filter((c) => c.author.role === 'system');
      // the changes themselves, once each
      expect(of('created'), what).toHaveLength(1);
      expect(of('status-changed'), what).toHaveLength(PATH.indexOf(tk.status) + (tk.status === 'en-attente-client' ? 1 : 0));
      if (tk.status === 'en-attente-client') {
        // response stopped at the wait, resolution paused: no SLA effect; two reminders, then closed
        const touched = Date.parse(tk.lastTouchedAt);
        expect(now.status, what).toBe('fermee');
        expect(of('sla-breached'), what).toEqual([]);
        expect(of('sla-warning'), what).toEqual([]);
        expect(
          of('reminder').map((e) => e.reason),
          what,
        ).toEqual(['untouched-3d', 'untouched-6d']);
        expectAt(of('reminder')[0].at, touched + 3 * DAY, `${what} first reminder`);
        expectAt(of('reminder')[1].at, touched + 6 * DAY, `${what} second reminder`);
        expectAt(now.statusSince, touched + 12 * DAY, `${what} auto-close`);
        expect(systemComments, what).toHaveLength(3); // two reminders and the closing comment
        expect(count(of('notification').map((e) => e.reason))['status:fermee'], what).toBe(1);
        expect(now.escalation.level, what).toBe(0);
        // its execution saw the close and ended
        expect(workflow, what).toMatchObject({ status: 'SUCCEEDED', currentState: 'Closed', generation: 1 });
      } else {
        // both clocks ran out: each breach (and each warning) once, at its instant
        expect(now.status, what).toBe(tk.status);
        expect(
          of('sla-breached').map((e) => e.reason),
          what,
        ).toEqual(['response', 'resolution']);
        expect(
          of('sla-warning').map((e) => e.reason),
          what,
        ).toEqual(['response', 'resolution']);
        expect(Date.parse(now.sla.response.breachedAt) - Date.parse(tk.createdAt)).toBe(RESPONSE_MINUTES * 60_000);
        expect(Date.parse(now.sla.resolution.breachedAt) - Date.parse(tk.createdAt)).toBe(RESOLUTION_MINUTES * 60_000);
        expectAt(of('sla-breached')[0].at, Date.parse(now.sla.response.breachedAt), `${what} response breach`);
        expectAt(of('sla-breached')[1].at, Date.parse(now.sla.resolution.breachedAt), `${what} resolution breach`);
        expect(now.escalation.level, what).toBe(2);
        expect(of('reminder'), what).toEqual([]);
        expect(systemComments, what).toEqual([]);
        expect(workflow, what).toMatchObject({ status: 'RUNNING', currentState: STATE_OF[tk.status as (typeof PATH)[number]], generation: 1 });
      }
    });
    // Mail: every notification event's mail to each recipient went out exactly once, kills or not
    // (what SES accepted, kept across restarts by the local SES stand-in).
    const sentLog = sentMails(join(dataDir, 'mail', 'outbound', 'sent.jsonl')).map((m) => ({
      messageId: m.headers.find((h) => h.name === 'Message-ID')!.value,
      to: m.destination,
    }));
    const mailsOf = count(sentLog.map((m) => m.messageId));
    expect(
      Object.entries(mailsOf).filter(([, n]) => n > 1),
      'mails sent twice',
    ).toEqual([]);
    const expected = outcomes.flatMap(({ history }) =>
      history
        .filter((e) => e.type === 'notification')
        .flatMap((e) => [...new Set((e.recipients as string[]).map((r) => r.toLowerCase()))].map((r) => `${String(e.id).toLowerCase()} ${r}`)),
    );
    const sent = new Set(sentLog.map((m) => `${m.messageId.slice(1).split('.')[0]} ${m.to[0]!.toLowerCase()}`));
    expect(
      expected.filter((e) => !sent.has(e)),
      'notification mails lost',
    ).toEqual([]);
    expect(expected.length).toBeGreaterThan(tickets.length);
    // nothing left to fire, nothing dead-lettered
    expect([...(await scheduleNames(schedulerEndpoint))]).toEqual([]);
    const health = await api.request('GET', '/_local/health');
    expect(health.body.components.stream).toMatchObject({ status: 'ok', deadLetters: 0 });
    phase('outcome');

    const byStatus = count(tickets.map((tk) => tk.status));
    await annotate(
      [
        `kills after ${bursts.map((b) => b.killedAfter).join(' and ')} acknowledged requests`,
        `${attempts.filter((a) => a.sent >= 0).length} creates sent, ${acknowledged.length} acknowledged, ${tickets.length} found after the restarts (${Object.entries(
          byStatus,
        )
          .map(([s, n]) => `${n} ${s}`)
          .join(', ')})`,
        `${attempts.filter((a) => a.sent > a.acked).length} requests cut off by the kills`,
        `acknowledged changes lost with DynamoDB Local's JVM: ${lostAcks.length ? lostAcks.join('; ') : 'none'}`,
        `schedules left over by a kill (fired and did nothing): ${orphans.length ? orphans.join('; ') : 'none'}`,
        `${sentLog.length} mails for ${expected.length} notification recipients, none twice`,
        phases.join(', '),
      ].join('\n'),
    );

    running.child.kill('SIGTERM');
    await exited(running.child);
    await eventually(
      async () => groupMembers(running.pgid),
      (members) => members.length === 0,
      10_000,
    );
    groups.delete(running.pgid);
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);
});
