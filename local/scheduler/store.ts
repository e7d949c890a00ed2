import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetaRecord, ScheduleRecord } from './model';

const SCHEDULE_FILE = /^schedule-[0-9a-f]{40}\.json$/;
const META_FILE = 'meta.json';
const TEMP = /^(?:schedule-[0-9a-f]{40}|meta)\.json\.\d+\.\d+\.tmp$/;

/** A pending change of one file: the object to write (serialized when written) or `null` = remove. */
type Change = { file: string; value: object | null };

/**
 * One JSON file per schedule (`schedule-<sha1(group/name)>.json`) plus `meta.json` (groups,
 * dead letters, counters) under `dataDir`, each replaced atomically (temp file + rename).
 * Writes are coalesced: many changes of one file in one tick cost one write.
 */
export class SchedulerStore {
  private readonly dirty = new Map<string, Change>();
  private writing: Promise<void> | undefined;
  private tempCounter = 0;
  private stopped = false;

  constructor(
    readonly dataDir: string,
    private readonly onError: (message: string) => void,
  ) {
    mkdirSync(dataDir, { recursive: true });
  }

  /** Every schedule on disk. Unreadable files are skipped (and reported), temp leftovers removed. */
  loadSchedules(): ScheduleRecord[] {
    const records: ScheduleRecord[] = [];
    for (const name of readdirSync(this.dataDir)) {
      if (TEMP.test(name)) {
        try {
          unlinkSync(join(this.dataDir, name));
        } catch {
          // another process may have renamed it meanwhile
        }
        continue;
      }
      if (!SCHEDULE_FILE.test(name)) continue;
      try {
        const record = JSON.parse(readFileSync(join(this.dataDir, name), 'utf8')) as ScheduleRecord;
        if (record && record.v === 1 && typeof record.name === 'string' && typeof record.groupName === 'string' && typeof record.dueAt === 'number') {
          records.push(record);
        } else {
          this.onError(`schedule file ${name}: unknown format, skipped`);
        }
      } catch {
        this.onError(`schedule file ${name}: unreadable, skipped`);
      }
    }
    return records;
  }

  loadMeta(): MetaRecord | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.dataDir, META_FILE), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const meta = JSON.parse(text) as MetaRecord;
      if (meta && meta.v === 1 && Array.isArray(meta.groups) && Array.isArray(meta.deadLetters)) return meta;
    } catch {
      // reported below
    }
    this.onError(`${META_FILE}: unreadable, starting with no groups, dead letters or counters`);
    return undefined;
  }

  putSchedule(record: ScheduleRecord): void {
    this.mark(this.scheduleFile(record.groupName, record.name), record);
  }

  removeSchedule(groupName: string, name: string): void {
    this.mark(this.scheduleFile(groupName, name), null);
  }

  putMeta(meta: MetaRecord): void {
    this.mark(join(this.dataDir, META_FILE), meta);
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

  private mark(file: string, value: object | null): void {
    if (this.stopped) return;
    this.dirty.set(file, { file, value });
    this.writing ??= this.drain();
  }

  private async drain(): Promise<void> {
    // Let the current burst of changes land first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.dirty.size > 0) {
        const batch = [...this.dirty.values()];
        this.dirty.clear();
        await Promise.all(batch.map((change) => (change.value === null ? this.remove(change.file) : this.write(change.file, change.value))));
      }
    } finally {
      this.writing = undefined;
    }
  }

  private scheduleFile(groupName: string, name: string): string {
    return join(this.dataDir, `schedule-${createHash('sha1').update(`${groupName}/${name}`).digest('hex')}.json`);
  }

  private async write(file: string, value: object): Promise<void> {
    const temp = `${file}.${process.pid}.${++this.tempCounter}.tmp`;
    try {
      await writeFile(temp, JSON.stringify(value));
      await rename(temp, file);
    } catch (error) {
      this.onError(`write failed: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
      await unlink(temp).catch(() => undefined);
    }
  }

  private async remove(file: string): Promise<void> {
    try {
      await unlink(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') this.onError(`remove failed: ${code ?? 'error'}`);
    }
  }
}
