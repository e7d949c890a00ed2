import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionRecord } from './model';

const FILE = /^exec-[0-9a-f]{40}\.json$/;
const TEMP = /^exec-[0-9a-f]{40}\.json\.\d+\.\d+\.tmp$/;

/**
 * One JSON file per execution under `dataDir`, replaced atomically (temp file + rename).
 * Writes are coalesced: `markDirty` many times in one tick costs one write per execution.
 */
export class CheckpointStore {
  private readonly dirty = new Map<string, ExecutionRecord>();
  private writing: Promise<void> | undefined;
  private tempCounter = 0;
  private stopped = false;

  constructor(
    readonly dataDir: string,
    private readonly onError: (message: string) => void,
  ) {
    mkdirSync(dataDir, { recursive: true });
  }

  /** Every execution found on disk. Unreadable files are skipped (and reported), temp leftovers removed. */
  loadAll(): ExecutionRecord[] {
    const records: ExecutionRecord[] = [];
    for (const name of readdirSync(this.dataDir)) {
      if (TEMP.test(name)) {
        try {
          unlinkSync(join(this.dataDir, name));
        } catch {
          // another process may have renamed it meanwhile
        }
        continue;
      }
      if (!FILE.test(name)) continue;
      try {
        const record = JSON.parse(readFileSync(join(this.dataDir, name), 'utf8')) as ExecutionRecord;
        if (record && record.v === 1 && typeof record.executionArn === 'string') records.push(record);
        else this.onError(`checkpoint ${name}: unknown format, skipped`);
      } catch {
        this.onError(`checkpoint ${name}: unreadable, skipped`);
      }
    }
    return records;
  }

  markDirty(record: ExecutionRecord): void {
    if (this.stopped) return;
    this.dirty.set(record.executionArn, record);
    this.writing ??= this.drain();
  }

  /** Resolves when every change marked so far is on disk. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Flushes, then ignores further changes (used by close()). */
  async stop(): Promise<void> {
    await this.flush();
    this.stopped = true;
  }

  private async drain(): Promise<void> {
    // Let the current burst of changes land first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.dirty.size > 0) {
        const batch = [...this.dirty.values()];
        this.dirty.clear();
        await Promise.all(batch.map((record) => this.write(record)));
      }
    } finally {
      this.writing = undefined;
    }
  }

  private fileFor(executionArn: string): string {
    return join(this.dataDir, `exec-${createHash('sha1').update(executionArn).digest('hex')}.json`);
  }

  private async write(record: ExecutionRecord): Promise<void> {
    const file = this.fileFor(record.executionArn);
    const temp = `${file}.${process.pid}.${++this.tempCounter}.tmp`;
    try {
      await writeFile(temp, JSON.stringify(record));
      await rename(temp, file);
    } catch (error) {
      this.onError(`checkpoint write failed: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
      await unlink(temp).catch(() => undefined);
    }
  }
}
