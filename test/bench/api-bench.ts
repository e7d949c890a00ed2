/**
 * `npm run bench`: latency of the ticket API on the local runtime (p50/p99 at
 * concurrency 1 and 8) and DynamoDB capacity units per operation, from the
 * ConsumedCapacity that DynamoDB Local returns. Not a test: figures to report.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRuntime } from '../../local/runtime';
import { lifecycleBench } from './lifecycle-bench';
import { freePort } from '../setup/free-port';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const OPS = Number(process.env.BENCH_OPS ?? 200);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function timed(concurrency: number, jobs: (() => Promise<Response>)[]) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        const t0 = performance.now();
        const res = await job();
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), rps: jobs.length / seconds };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tf-bench-'));
  const runtime = await startLocalRuntime({
    dataDir,
    apiPort: await freePort(),
    dynamoPort: await freePort(),
    sfnPort: 0,
    schedulerPort: 0,
    sesPort: 0,
    seedDemo: false,
  });
  const { onConsumedCapacity } = await import('../../shared/wiring');
  const capacity = { read: 0, write: 0 };
  onConsumedCapacity((use) => (capacity[use.kind] += use.units));
  const url = runtime.apiUrl;
  const token = await runtime.tokens.sign({ tid: 'bench', sub: 'agent', role: 'agent' });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const create = () =>
    fetch(`${url}/v1/tickets`, { method: 'POST', headers, body: JSON.stringify({ subject: 'Benchmark ticket', description: 'x'.repeat(500) }) });
  const createIds = async (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(((await (await create()).json()) as { id: string }).id);
    return ids;
  };

  await createIds(20); // warm-up: handler modules, connections, JIT
  const rows: string[] = [];
  const results: Record<string, unknown> = {};
  for (const concurrency of [1, 8]) {
    const createStats = await timed(
      concurrency,
      Array.from({ length: OPS }, () => create),
    );
    const ids = await createIds(OPS);
    const getStats = await timed(
      concurrency,
      ids.map((id) => () => fetch(`${url}/v1/tickets/${id}`, { headers })),
    );
    const transitionStats = await timed(
      concurrency,
      ids.map((id) => () => fetch(`${url}/v1/tickets/${id}/transitions`, { method: 'POST', headers, body: JSON.stringify({ to: 'open' }) })),
    );
    const commentStats = await timed(
      concurrency,
      ids.map((id) => () => fetch(`${url}/v1/tickets/${id}/comments`, { method: 'POST', headers, body: JSON.stringify({ body: 'Looking into it.' }) })),
    );
    const listStats = await timed(
      concurrency,
      Array.from({ length: OPS }, () => () => fetch(`${url}/v1/tickets?limit=25`, { headers })),
    );
    for (const [name, s] of Object.entries({ create: createStats, get: getStats, transition: transitionStats, comment: commentStats, list: listStats })) {
      rows.push(
        `| ${name.padEnd(10)} | ${String(concurrency).padStart(2)} | ${s.p50.toFixed(1).padStart(7)} | ${s.p99.toFixed(1).padStart(7)} | ${s.rps.toFixed(0).padStart(6)} |`,
      );
      results[`${name}@${concurrency}`] = s;
    }
  }

  // Capacity units per operation, averaged over 20 of each.
  const measure = async (run: () => Promise<void>) => {
    capacity.read = 0;
    capacity.write = 0;
    for (let i = 0; i < 20; i++) {
      await run();
      // count the lifecycle work a request triggers with the request, not with the next one
      await runtime.settled();
    }
    return { read: capacity.read / 20, write: capacity.write / 20 };
  };
  const fresh = await createIds(20);
  const perCreate = await measure(async () => void (await (await create()).arrayBuffer()));
  let k = 0;
  const perTransition = await measure(async () => {
    const res = await fetch(`${url}/v1/tickets/${fresh[k++]}/transitions`, { method: 'POST', headers, body: JSON.stringify({ to: 'open' }) });
    await res.arrayBuffer();
  });
  const perGet = await measure(async () => void (await (await fetch(`${url}/v1/tickets/${fresh[0]}`, { headers })).arrayBuffer()));
  const perList = await measure(async () => void (await (await fetch(`${url}/v1/tickets?limit=25`, { headers })).arrayBuffer()));

  const tenantSize = OPS * 4 + 80;
  console.log(`\nTicketflow API on the local runtime (${OPS} requests per row; tenant grows to ~${tenantSize} tickets)\n`);
  console.log('| operation  |  c |  p50 ms |  p99 ms |  req/s |');
  console.log('|------------|----|---------|---------|--------|');
  console.log(rows.join('\n'));
  console.log('\nDynamoDB capacity units per request, including the lifecycle work it triggers (ReturnConsumedCapacity TOTAL, DynamoDB Local):');
  console.log(`  create      read ${perCreate.read.toFixed(2)}  write ${perCreate.write.toFixed(2)}`);
  console.log(`  transition  read ${perTransition.read.toFixed(2)}  write ${perTransition.write.toFixed(2)}`);
  console.log(`  get         read ${perGet.read.toFixed(2)}  write ${perGet.write.toFixed(2)}`);
  console.log(`  list (25)   read ${perList.read.toFixed(2)}  write ${perList.write.toFixed(2)}`);
  console.log('');
  console.log((await lifecycleBench(runtime, Math.min(OPS, 100))).join('\n'));

  await runtime.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
