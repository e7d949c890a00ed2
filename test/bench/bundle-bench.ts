/**
 * Bundle size and cold init per Lambda function, the way the issue measures them: each
 * handler bundled as CDK's NodejsFunction does (infra/constructs/ticket-function.ts: CommonJS,
 * minified, `@aws-sdk/*` left to the runtime), then required in a fresh `node` with a fake
 * environment that declares every capability, timed `runs` times (median reported).
 * Used by `npm run bench` (test/bench/bench.ts) and on its own:
 *
 *   npx tsx test/bench/bundle-bench.ts                 # every function, a table
 *   npx tsx test/bench/bundle-bench.ts GetTicket       # only those ids
 *   BENCH_COLD_RUNS=5 BENCH_JSON=1 npx tsx test/bench/bundle-bench.ts
 *   BENCH_TOP=12 npx tsx test/bench/bundle-bench.ts GetTicket   # + the biggest inputs of each bundle
 *   BENCH_BASE=../wt-main npx tsx test/bench/bundle-bench.ts      # against another checkout, runs interleaved
 *
 * Only node_modules/.cache/ticketflow-bench is written (and removed afterwards).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { BUNDLE_BANNER, BUNDLE_DEFINE } from '../../infra/constructs/ticket-function';
import { FUNCTIONS } from '../../shared/function-manifest';

const PROJECT_ROOT = join(import.meta.dirname, '..', '..');

/** Every capability declared, with resource names that only have to look right: nothing is called at import. */
export const FAKE_ENV: Record<string, string> = {
  TABLE_NAME: 'ticketflow',
  METER_USAGE: 'true',
  AWS_REGION: 'us-east-1',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:ticketflow-ticket-lifecycle',
  SCHEDULE_GROUP: 'ticketflow-timers',
  TIMER_TARGET_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:timer',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/scheduler',
  TIMER_DLQ_ARN: 'arn:aws:sqs:us-east-1:000000000000:timer-dlq',
  MAIL_OUT: 'ses',
  MAIL_IN: 's3',
  INBOUND_MAIL_BUCKET: 'inbound',
  INBOUND_MAIL_PREFIX: 'mail/',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export interface BundleFigures {
  bytes: number;
  coldInitMs: number | null;
  error?: string;
  /** The biggest inputs (bytes in the output), when asked for. */
  top?: Record<string, number>;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The packages (or our own files) that make up a bundle, biggest first. */
function biggestInputs(metafile: Metafile, n: number): Record<string, number> {
  const sizes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = m ? m[1]! : input.replace(/\/[^/]+$/, '/');
      sizes.set(key, (sizes.get(key) ?? 0) + bytesInOutput);
    }
  }
  return Object.fromEntries([...sizes].sort((a, b) => b[1] - a[1]).slice(0, n));
}

const BUILD_OPTIONS: BuildOptions = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  external: ['@aws-sdk/*'],
  banner: { js: BUNDLE_BANNER },
  define: BUNDLE_DEFINE,
  logLevel: 'silent',
};

/** One load of the bundle in a fresh node, as Lambda's runtime loads a CommonJS handler (require): milliseconds, or the error line. */
function coldInitOnce(file: string): number | string {
  try {
    const ms = execFileSync(process.execPath, ['-e', `const t=performance.now(); require(${JSON.stringify(file)}); console.log(performance.now()-t)`], {
      env: { ...process.env, ...FAKE_ENV },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return Number(ms.trim().split('\n').pop());
  } catch (e) {
    return (
      String((e as { stderr?: string }).stderr ?? e)
        .split('\n')
        .find((l) => /Error/.test(l)) ?? 'failed'
    );
  }
}

const median = (xs: number[]) => (xs.length ? round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!) : null);

/**
 * Each handler bundled as CDK's NodejsFunction does (CommonJS, minified, @aws-sdk external), then
 * required in a fresh node `runs` times. With `base` (another checkout of this project, e.g.
 * a `git worktree` of main), its bundles are measured too, each run alternating between the
 * two, so a busy machine slows both alike.
 */
export async function bundles(
  options: { ids?: readonly string[]; runs?: number; top?: number; base?: string } = {},
): Promise<Record<string, BundleFigures & { base?: BundleFigures }>> {
  const runs = options.runs ?? 3;
  const dir = join(PROJECT_ROOT, 'node_modules', '.cache', 'ticketflow-bench');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const out: Record<string, BundleFigures & { base?: BundleFigures }> = {};
  const specs = options.ids?.length ? FUNCTIONS.filter((f) => options.ids!.includes(f.id)) : FUNCTIONS;
  for (const spec of specs) {
    const roots = [PROJECT_ROOT, ...(options.base && existsSync(join(options.base, spec.entry)) ? [options.base] : [])];
    const measured = await Promise.all(
      roots.map(async (root, i) => {
        // Both in this checkout's node_modules/.cache, so `@aws-sdk/*` resolves to the same packages.
        const file = join(dir, `${spec.id}${i ? '.base' : ''}.cjs`);
        const result = await build({ ...BUILD_OPTIONS, entryPoints: [join(root, spec.entry)], outfile: file, metafile: options.top !== undefined });
        return { file, bytes: statSync(file).size, metafile: result.metafile, times: [] as number[], error: undefined as string | undefined };
      }),
    );
    for (let run = 0; run < runs; run++)
      for (const m of measured) {
        if (m.error) continue;
        const t = coldInitOnce(m.file);
        if (typeof t === 'number') m.times.push(t);
        else m.error = t;
      }
    const figures = (m: (typeof measured)[number]): BundleFigures => ({
      bytes: m.bytes,
      coldInitMs: median(m.times),
      ...(m.error ? { error: m.error } : {}),
      ...(m.metafile && options.top ? { top: biggestInputs(m.metafile, options.top) } : {}),
    });
    out[spec.id] = { ...figures(measured[0]!), ...(measured[1] ? { base: figures(measured[1]) } : {}) };
  }
  rmSync(dir, { recursive: true, force: true });
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const top = process.env.BENCH_TOP ? Number(process.env.BENCH_TOP) : undefined;
  const base = process.env.BENCH_BASE;
  const figures = await bundles({
    ids: process.argv.slice(2),
    runs: Number(process.env.BENCH_COLD_RUNS ?? 3),
    ...(top ? { top } : {}),
    ...(base ? { base } : {}),
  });
  const kb = (f: BundleFigures | undefined) => (f ? (f.bytes / 1024).toFixed(1) : '');
  const ms = (f: BundleFigures | undefined) => (f ? String(f.coldInitMs ?? f.error) : '');
  if (process.env.BENCH_JSON) console.log(JSON.stringify(figures, null, 2));
  else if (base) {
    console.log('| function | KB base | KB | cold init ms base | cold init ms |\n|---|---:|---:|---:|---:|');
    for (const [id, f] of Object.entries(figures)) console.log(`| ${id} | ${kb(f.base)} | ${kb(f)} | ${ms(f.base)} | ${ms(f)} |`);
  } else {
    console.log('| function | KB | cold init ms |\n|---|---:|---:|');
    for (const [id, f] of Object.entries(figures)) console.log(`| ${id} | ${kb(f)} | ${ms(f)} |`);
  }
  for (const [id, f] of Object.entries(figures)) if (f.top) console.log(`\n${id}:`, f.top, ...(f.base?.top ? ['\nbase:', f.base.top] : []));
}
