/**
 * `npm run bench`: one run, one JSON (also written to bench/results/<date>-<commit>.json).
 * A fresh local runtime drives full ticket lifecycles of every preset at concurrency 1
 * and 8 (latency and throughput per operation), each API operation in a phase of its own
 * (throughput comparable with the floor and with Request Tracker), the same ticket-store operations straight
 * against DynamoDB Local (the storage floor), measured usage and estimated AWS cost per
 * lifecycle (GET /v1/usage, the price table), mails (the SES emulator's store), bundle
 * sizes and cold-init time per function (test/bench/bundle-bench.ts), and the 30-day clock advance with N open tickets
 * (its own fresh runtime, test/bench/time-bench.ts). Figures to report, no assertions.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { runConcurrently } from '../../local/common/run-concurrently';
import { startLocalRuntime, PROJECT_ROOT, type LocalRuntime } from '../../local/runtime';
import { ensureTable } from '../../local/dynamodb/ensure-table';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/local-aws';
import { documentClient } from '../../shared/store/dynamo-client';
import { DynamoTicketStore } from '../../shared/store/dynamo-ticket-store';
import type { Ticket, HistoryEvent } from '../../shared/domain/ticket';
import { COUNTERS, type Counters } from '../../shared/usage/counters';
import { estimateCost, PRICE_TABLE } from '../../shared/usage/price-table';
import { freePort } from '../setup/free-port';
import { TYPICAL_DESCRIPTION } from '../support/typical-description';
import { bundles } from './bundle-bench';
import { TYPICAL, type Step } from './lifecycle-bench';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const LIFECYCLES = Number(process.env.BENCH_LIFECYCLES ?? 16);
const OPEN_TICKETS = Number(process.env.BENCH_OPEN_TICKETS ?? 1000);
const CONCURRENCY = [1, 8];

type Samples = Record<string, number[]>;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
function stats(samples: Samples, seconds: number) {
  return Object.fromEntries(
    Object.entries(samples).map(([op, xs]) => {
      const s = [...xs].sort((a, b) => a - b);
      return [
        op,
        { n: s.length, p50: round(percentile(s, 50)), p95: round(percentile(s, 95)), p99: round(percentile(s, 99)), perSecond: round(s.length / seconds) },
      ];
    }),
  );
}

function client(runtime: LocalRuntime, samples: Samples) {
  return async (op: string, token: string, path: string, body?: object, method = body === undefined ? 'GET' : 'POST') => {
    for (let attempt = 0; ; attempt++) {
      const t0 = performance.now();
      const res = await fetch(`${runtime.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await res.json()) as Record<string, unknown>;
      const ms = performance.now() - t0;
      if (res.ok) return ((samples[op] ??= []).push(ms), json);
      // the lifecycle may still be moving the ticket on (boltrics 010 → 012): wait for it, once or twice
      if ((res.status === 422 || res.status === 409) && attempt < 3) {
        await runtime.settled();
        continue;
      }
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    }
  };
}

const OP_OF: Record<string, string> = { transitions: 'transition', comments: 'comment', close: 'close', '': 'update' };

async function usageOf(runtime: LocalRuntime, admin: string, months: string[]): Promise<Counters> {
  const sum = Object.fromEntries(COUNTERS.map((n) => [n, 0])) as Record<string, number>;
  for (const month of months) {
    const res = await fetch(`${runtime.apiUrl}/v1/usage?month=${month}`, { headers: { authorization: `Bearer ${admin}` } });
    const body = (await res.json()) as { tenants: { counters: Record<string, number> }[] };
    for (const t of body.tenants) for (const n of COUNTERS) sum[n]! += t.counters[n] ?? 0;
  }
  return sum as unknown as Counters;
}
const minus = (a: Counters, b: Counters) => Object.fromEntries(COUNTERS.map((n) => [n, a[n] - b[n]])) as unknown as Counters;
const mails = async (runtime: LocalRuntime) => ((await (await fetch(`${runtime.sesEndpoint}/store`)).json()) as { emails: unknown[] }).emails.length;
const monthOf = async (runtime: LocalRuntime) => ((await (await fetch(`${runtime.apiUrl}/_local/clock`)).json()) as { now: string }).now.slice(0, 7);

async function lifecycles(runtime: LocalRuntime) {
  const latency: Record<string, unknown> = {};
  const tenants: { preset: string; c: number; admin: string; before: Counters; mailsBefore: number; mailsAfter?: number; n: number }[] = [];
  const month0 = await monthOf(runtime);
  for (const c of CONCURRENCY) {
    const samples: Samples = {};
    const call = client(runtime, samples);
    let busy = 0;
    for (const [preset, life] of Object.entries(TYPICAL)) {
      const tid = `bench-${preset}-c${c}`;
      const admin = await runtime.tokens.sign({ tid, sub: 'admin', role: 'admin' });
      await call('setup', admin, '/v1/settings', { workflow: preset }, 'PUT');
      await call('setup', admin, '/v1/users/agent', { email: `agent@${tid}.example`, name: 'Agent', role: 'agent' }, 'PUT');
      const tokens = {
        agent: await runtime.tokens.sign({ tid, sub: 'agent', role: 'agent' }),
        customer: await runtime.tokens.sign({ tid, sub: 'cust', role: 'customer', org: 'acme', email: 'c@acme.example' }),
      };
      // warm-up outside the figures: one life per tenant and concurrency
      const life1 = async (record: boolean) => {
        const op = (name: string) => (record ? name : 'warmup');
        const ticket = (await call(op('create'), tokens.customer, '/v1/tickets', {
          subject: 'bench lifecycle',
          description: TYPICAL_DESCRIPTION,
          ...life.create,
        })) as unknown as Ticket;
        await call(op('get'), tokens.agent, `/v1/tickets/${ticket.id}`);
        await call(op('list'), tokens.agent, '/v1/tickets?limit=25');
        for (const step of life.steps as Step[]) {
          await call(
            op(OP_OF[step.post] ?? step.post),
            tokens[step.as],
            `/v1/tickets/${ticket.id}${step.post ? `/${step.post}` : ''}`,
            step.body ?? {},
            step.method,
          );
          await call(op('get'), tokens.agent, `/v1/tickets/${ticket.id}`);
        }
        await call(op('list'), tokens.customer, '/v1/tickets?limit=25');
      };
      await life1(false);
      await runtime.settled();
      const before = await usageOf(runtime, admin, [month0]);
      const mailsBefore = await mails(runtime);
      const t0 = performance.now();
      await runConcurrently(
        Array.from({ length: LIFECYCLES }, (_, i) => i),
        c,
        () => life1(true),
      );
      busy += (performance.now() - t0) / 1000;
      await runtime.settled();
      tenants.push({ preset, c, admin, before, mailsBefore, mailsAfter: await mails(runtime), n: LIFECYCLES });
    }
    delete samples.setup;
    delete samples.warmup;
    latency[`c${c}`] = stats(samples, busy);
  }
  // the timers the lives left (feedback, reopen window, monitoring) fire as the month goes by
  await fetch(`${runtime.apiUrl}/_local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: 'P30D' }) });
  await runtime.settled();
  const month1 = await monthOf(runtime);
  const perPreset: Record<string, unknown> = {};
  for (const t of tenants) {
    const used = minus(await usageOf(runtime, t.admin, [...new Set([month0, month1])]), t.before);
    const per = (n: number) => round(n / t.n, 2);
    const cost = estimateCost(used);
    perPreset[`${t.preset}@c${t.c}`] = {
      lifecycles: t.n,
      perLifecycle: {
        dynamoWriteUnits: per(used.dynamoWriteUnits),
        dynamoReadUnits: per(used.dynamoReadUnits),
        stateTransitions: per(used.stateTransitions),
        scheduleInvocations: per(used.scheduleInvocations),
        lambdaInvocations: per(used.lambdaInvocations),
        apiRequests: per(used.apiRequests),
        mails: per((t.mailsAfter ?? 0) - t.mailsBefore),
        emailsSentCounter: per(used.emailsSent),
      },
      costPer1000LifecyclesUsd: Object.fromEntries(Object.entries(cost).map(([k, v]) => [k, round((v * 1000) / t.n, 4)])),
    };
  }
  return { latency, perPreset };
}

/**
 * The API one operation at a time, as the floor and Request Tracker are measured: N creates at
 * concurrency c, then N gets, N lists, N transitions (new → open) and N comments, each phase
 * timed on its own. `perSecond` counts the answers while the phase's follow-ups (stream,
 * lifecycle, schedules, mail) run beside it, as they would; `perSecondWithEffects` waits
 * until those are done too, the rate the system sustains.
 */
async function phases(runtime: LocalRuntime) {
  const out: Record<string, unknown> = {};
  for (const c of CONCURRENCY) {
    const tid = `bench-phases-c${c}`;
    const samples: Samples = {};
    const call = client(runtime, samples);
    const admin = await runtime.tokens.sign({ tid, sub: 'admin', role: 'admin' });
    await call('setup', admin, '/v1/settings', { workflow: 'default' }, 'PUT');
    const agent = await runtime.tokens.sign({ tid, sub: 'agent', role: 'agent' });
    const customer = await runtime.tokens.sign({ tid, sub: 'cust', role: 'customer', org: 'acme', email: 'c@acme.example' });
    const n = LIFECYCLES * 5;
    const ids: string[] = [];
    const phase: Record<string, (i: number) => Promise<unknown>> = {
      create: async () =>
        ids.push(((await call('create', customer, '/v1/tickets', { subject: 'bench phase', description: TYPICAL_DESCRIPTION })) as { id: string }).id),
      get: (i) => call('get', agent, `/v1/tickets/${ids[i]}`),
      list: () => call('list', agent, '/v1/tickets?limit=25'),
      transition: (i) => call('transition', agent, `/v1/tickets/${ids[i]}/transitions`, { to: 'open' }),
      comment: (i) => call('comment', agent, `/v1/tickets/${ids[i]}/comments`, { body: 'Looking into it.' }),
    };
    const rates: Record<string, { perSecond: number; perSecondWithEffects: number }> = {};
    for (const [op, run] of Object.entries(phase)) {
      await runtime.settled();
      const t0 = performance.now();
      await runConcurrently(
        Array.from({ length: n }, (_, i) => i),
        c,
        async (i) => void (await run(i)),
      );
      const answered = (performance.now() - t0) / 1000;
      await runtime.settled();
      rates[op] = { perSecond: round(n / answered), perSecondWithEffects: round(n / ((performance.now() - t0) / 1000)) };
    }
    delete samples.setup;
    const timed = stats(samples, 1) as Record<string, Record<string, number>>;
    out[`c${c}`] = Object.fromEntries(Object.entries(rates).map(([op, r]) => [op, { ...timed[op], ...r }]));
  }
  return out;
}

/**
 * Request Tracker 5 on a machine of this kind, side by side at concurrency 8 (issue 10):
 * per second. Reply is a comment, status a transition, show a get, search a list.
 */
const REQUEST_TRACKER_C8 = { create: 6.7, comment: 9.3, transition: 28.0, get: 23.0, list: 28.0 } as const;

/** The same ticket-store operations on a bare client (no HTTP, auth, settings, metering): the storage floor. */
async function floor(runtime: LocalRuntime, template: Ticket) {
  const raw = new DynamoDBClient({ endpoint: runtime.dynamoEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const table = 'bench-floor';
  await ensureTable(raw, table, () => {});
  const units: Record<string, number[]> = {};
  const store = new DynamoTicketStore(documentClient({ endpoint: runtime.dynamoEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }), table, (u) =>
    (units[u.operation] ??= []).push(u.units),
  );
  const out: Record<string, unknown> = {};
  let seq = 0;
  const event = (version: number, type: HistoryEvent['type']): HistoryEvent =>
    ({
      id: `E${String(++seq).padStart(8, '0')}`,
      type,
      at: new Date().toISOString(),
      actor: { id: 'agent', role: 'agent' },
      visibility: 'public',
      version,
    }) as HistoryEvent;
  for (const c of CONCURRENCY) {
    const tid = `floor-c${c}`;
    const samples: Samples = {};
    const timed = async (op: string, run: () => Promise<unknown>) => {
      const t0 = performance.now();
      await run();
      (samples[op] ??= []).push(performance.now() - t0);
    };
    const n = LIFECYCLES * 5;
    const ids = Array.from({ length: n }, (_, i) => `FLOOR${c}-${String(i).padStart(6, '0')}`);
    const tickets = new Map<string, Ticket>();
    // one phase per operation, each at concurrency c: per-operation throughput, as the API's lifecycles interleave them
    const phases: Record<string, (id: string, i: number) => Promise<unknown>> = {
      create: (id, i) => {
        const ticket: Ticket = { ...template, id, key: `FLOOR-${c}-${i}`, createdAt: new Date().toISOString(), version: 1 };
        tickets.set(id, ticket);
        return store.create(tid, { ticket, events: [event(1, 'created')], comments: [] });
      },
      get: (id) => store.get(tid, id),
      list: () => store.list(tid, { index: 'all', value: tid, filters: {}, limit: 25, cursor: null }),
      transition: (id) => {
        const moved: Ticket = { ...tickets.get(id)!, status: 'open', category: 'active', version: 2 };
        tickets.set(id, moved);
        return store.update(tid, 1, { ticket: moved, events: [event(2, 'status-changed')], comments: [] });
      },
      comment: (id) => {
        const commented: Ticket = { ...tickets.get(id)!, version: 3 };
        const comment = {
          id: `C${++seq}`,
          body: 'Looking into it.',
          visibility: 'public',
          author: { id: 'agent', role: 'agent', email: null },
          channel: 'api',
          createdAt: new Date().toISOString(),
          attachments: [],
        };
        return store.update(tid, 2, { ticket: commented, events: [event(3, 'comment-added')], comments: [comment as never] });
      },
    };
    const perSecond: Record<string, number> = {};
    for (const [op, run] of Object.entries(phases)) {
      const t0 = performance.now();
      await runConcurrently(
        ids.map((id, i) => [id, i] as const),
        c,
        ([id, i]) => timed(op, () => run(id, i)),
      );
      perSecond[op] = n / ((performance.now() - t0) / 1000);
    }
    const phased = stats(samples, 1) as Record<string, { perSecond: number }>;
    for (const op of Object.keys(phased)) phased[op]!.perSecond = round(perSecond[op]!);
    out[`c${c}`] = phased;
  }
  const avg = (xs: number[] = []) => round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length), 2);
  out.unitsPerCall = Object.fromEntries(Object.entries(units).map(([op, xs]) => [op, avg(xs)]));
  raw.destroy();
  return out;
}

/** A stored ticket's shape (what POST /v1/tickets answers), for the floor's writes. */
const TEMPLATE = {
  id: '',
  key: '',
  subject: 'bench lifecycle',
  description: TYPICAL_DESCRIPTION,
  type: 'question',
  severity: 'low',
  priority: 'normal',
  status: 'new',
  category: 'new',
  requester: { id: 'cust', email: 'c@acme.example', org: 'acme', locale: null },
  assignee: null,
  team: null,
  channel: 'api',
  createdAt: '',
  updatedAt: '2026-01-01T00:00:00.000Z',
  submittedAt: '2026-01-01T00:00:00.000Z',
  version: 1,
  sla: {
    response: { targetMinutes: 240, dueAt: null, elapsedMinutes: 0, state: 'running' },
    resolution: { targetMinutes: 2400, dueAt: null, elapsedMinutes: 0, state: 'running' },
  },
  escalation: { level: 0, escalatedAt: null, urgent: false },
  resolution: null,
  reopenableUntil: null,
  links: [],
  statusSince: '2026-01-01T00:00:00.000Z',
  lastTouchedAt: '2026-01-01T00:00:00.000Z',
  categoryLog: [{ at: '2026-01-01T00:00:00.000Z', category: 'new' }],
  automation: { reminders: 0, slaWarned: {}, slaBreached: {} },
} as unknown as Ticket;

function clockAdvance(): Promise<unknown> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'test/bench/time-bench.ts')], {
      env: { ...process.env, BENCH_JSON: '1', BENCH_OPEN_TICKETS: String(OPEN_TICKETS) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('close', (code) => {
      const line = text
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('{"openTickets"'));
      resolve(line ? JSON.parse(line) : { error: `time-bench exited ${code}` });
    });
  });
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();

async function main() {
  const started = new Date();
  const dataDir = mkdtempSync(join(tmpdir(), 'tf-bench-'));
  const runtime = await startLocalRuntime({
    dataDir,
    apiPort: await freePort(),
    dynamoPort: await freePort(),
    sfnPort: 0,
    schedulerPort: 0,
    sesPort: 0,
    smtpPort: 0,
    seedDemo: false,
  });
  let api, storage, phased;
  try {
    // the floor first, on a quiet DynamoDB Local (later the stream and the timers of the lives keep it busy)
    storage = await floor(runtime, TEMPLATE);
    phased = await phases(runtime);
    api = await lifecycles(runtime);
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const ratio = Object.fromEntries(
    CONCURRENCY.map((c) => {
      const a = api.latency[`c${c}`] as Record<string, { p50: number; perSecond: number }>;
      const f = storage[`c${c}`] as Record<string, { p50: number; perSecond: number }>;
      return [
        `c${c}`,
        Object.fromEntries(
          Object.keys(f)
            .filter((op) => a[op])
            .map((op) => [op, { p50: round(a[op]!.p50 / f[op]!.p50, 2) }]),
        ),
      ];
    }),
  );
  const result = {
    date: started.toISOString(),
    commit: git('rev-parse', '--short', 'HEAD'),
    dirty: git('status', '--porcelain').length > 0,
    machine: { os: `${osType()} ${release()}`, cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: round(totalmem() / 2 ** 30), node: process.version },
    lifecyclesPerPresetAndConcurrency: LIFECYCLES,
    priceTable: { date: PRICE_TABLE.date, region: PRICE_TABLE.region },
    latencyMs: api.latency,
    storageFloorMs: storage,
    apiOverFloorP50: ratio,
    apiPhases: phased,
    apiPhasesOverFloorPerSecond: Object.fromEntries(
      CONCURRENCY.map((c) => {
        const a = phased[`c${c}`] as Record<string, { perSecond: number }>;
        const f = storage[`c${c}`] as Record<string, { perSecond: number }>;
        return [`c${c}`, Object.fromEntries(Object.keys(a).map((op) => [op, round(a[op]!.perSecond / f[op]!.perSecond, 2)]))];
      }),
    ),
    apiPhasesC8OverRequestTracker: Object.fromEntries(
      Object.entries(REQUEST_TRACKER_C8).map(([op, rt]) => [op, round((phased.c8 as Record<string, { perSecond: number }>)[op]!.perSecond / rt, 2)]),
    ),
    perPreset: api.perPreset,
    bundles: await bundles(),
    clockAdvance: await clockAdvance(),
  };
  const json = JSON.stringify(result, null, 2);
  console.log(json);
  const dir = join(PROJECT_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${started.toISOString().slice(0, 10)}-${result.commit}.json`);
  writeFileSync(file, `${json}\n`);
  console.error(`written to ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
