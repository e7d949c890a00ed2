/**
 * Part of `npm run bench`: how long `POST /_local/clock {"advance":"P30D"}` takes
 * with many open tickets, i.e. firing every SLA warning and breach, and every
 * reminder and auto-close, minute by minute as EventBridge Scheduler fires them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';
import { freePort } from '../setup/free-port';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export async function timeBench(runtime: LocalRuntime, openTickets: number): Promise<string[]> {
  const url = runtime.apiUrl;
  const tid = 'bench-time';
  const admin = await runtime.tokens.sign({ tid, sub: 'admin', role: 'admin' });
  const customer = await runtime.tokens.sign({ tid, sub: 'cust', role: 'customer', org: 'acme', email: 'c@acme.example' });
  await fetch(`${url}/v1/settings`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ workflow: 'default', timezone: 'Europe/Amsterdam', contacts: { teamLead: 'lead@bench.example' } }),
  });
  const started = performance.now();
  // eight at a time: the figure is the advance, not the creation
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < openTickets) {
        const i = next++;
        const res = await fetch(`${url}/v1/tickets`, {
          method: 'POST',
          headers: { authorization: `Bearer ${customer}`, 'content-type': 'application/json' },
          body: JSON.stringify({ subject: `open ${i}`, priority: i % 3 === 0 ? 'high' : 'normal', severity: i % 2 ? 'high' : 'low' }),
        });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`create: ${res.status}`);
      }
    }),
  );
  await runtime.settled();
  const created = (performance.now() - started) / 1000;
  const before = runtime.scheduler.metrics().scheduleInvocations;
  const t0 = performance.now();
  // node:http, not fetch: fetch gives up waiting for the answer's headers after 300 s
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${url}/_local/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, timeout: 0 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ advance: 'P30D' }));
  });
  if (status !== 200) throw new Error(`clock: ${status}`);
  const seconds = (performance.now() - t0) / 1000;
  const fired = runtime.scheduler.metrics().scheduleInvocations - before;
  if (process.env.BENCH_JSON) {
    console.log(
      JSON.stringify({
        openTickets,
        advance: 'P30D',
        seconds: Math.round(seconds * 10) / 10,
        schedulesFired: fired,
        createSeconds: Math.round(created * 10) / 10,
      }),
    );
  }
  return [`advance P30D with ${openTickets} open tickets: ${seconds.toFixed(1)} s (${fired} schedules fired); creating them took ${created.toFixed(1)} s`];
}

// Its own process and a fresh runtime, so the figure counts exactly these tickets.
const dataDir = mkdtempSync(join(tmpdir(), 'tf-bench-time-'));
const runtime = await startLocalRuntime({
  dataDir,
  apiPort: await freePort(),
  dynamoPort: await freePort(),
  sfnPort: 0,
  schedulerPort: 0,
  sesPort: 0,
  seedDemo: false,
});
try {
  const lines = await timeBench(runtime, Number(process.env.BENCH_OPEN_TICKETS ?? 1000));
  if (!process.env.BENCH_JSON) console.log(lines.join('\n'));
} finally {
  await runtime.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
