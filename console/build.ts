/**
 * Builds the local console (`console/dist`): type-checks `console/src` with its own tsconfig
 * (DOM types), then bundles it with Vite. `--if-stale` skips both when the build is newer than
 * every source file. Run by `npm ci` (prepare), `npm start` (prestart) and the browser tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONSOLE = fileURLToPath(new URL('.', import.meta.url));
const DIST = join(CONSOLE, 'dist');
const STAMP = join(DIST, '.built');
const SOURCES = ['index.html', 'vite.config.ts', 'tsconfig.json', 'build.ts', 'src', 'public'];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

export function consoleIsStale(): boolean {
  return !existsSync(STAMP) || Math.max(...SOURCES.map((s) => newest(join(CONSOLE, s)))) > statSync(STAMP).mtimeMs;
}

/** Builds when asked, or when stale; answers whether it built. */
export async function buildConsole(options: { ifStale?: boolean } = {}): Promise<boolean> {
  if (options.ifStale && !consoleIsStale()) return false;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    // A production install (--omit=dev) has no Vite: the console is a local development tool.
    console.warn('console: Vite is not installed, the local console is not built.');
    return false;
  }
  const tsc = spawnSync(process.execPath, [join(CONSOLE, '../node_modules/typescript/bin/tsc'), '--noEmit', '-p', join(CONSOLE, 'tsconfig.json')], {
    stdio: 'inherit',
  });
  if (tsc.status !== 0) throw new Error('console: type errors in console/src');
  await vite.build({ configFile: join(CONSOLE, 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(STAMP, new Date().toISOString());
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ifStale = process.argv.includes('--if-stale');
  buildConsole({ ifStale })
    .then((built) => {
      if (built) console.log('console: built console/dist');
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
}
