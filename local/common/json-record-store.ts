import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** How one service names and checks its record files. */
export interface RecordFiles<T> {
  /** The name of the file a key is kept in, inside `dataDir`. */
  readonly fileName: (key: string) => string;
  /** Names of the record files `loadRecords` reads; other files are left alone. */
  readonly recordFile: RegExp;
  /** Names of the temp files an interrupted write leaves behind, removed by `loadRecords`. */
  readonly tempFile: RegExp;
  /** Whether a parsed record file is a record this version understands. */
  readonly isRecord: (value: unknown) => value is T;
  /** What a record file is called in reports: `<label> <file>: unreadable, skipped`. */
  readonly label: string;
  /** The report of a failed write, before `: <errno code>`. */
  readonly writeFailed: string;
}

/** A pending change of one key: the object to write (serialized when written) or `null` = remove. */
type Change = { key: string; value: object | null };

/**
 * One JSON file per record under `dataDir`, each replaced atomically (temp file + rename), so a
 * crash leaves either the old or the new record, never half of one. Writes are coalesced: many
 * changes of one key in one tick cost one write, of the latest value.
 */
export class JsonRecordStore<T> {
  private readonly dirty = new Map<string, Change>();
  private writing: Promise<void> | undefined;
  private tempCounter = 0;
  private stopped = false;

  constructor(
    readonly dataDir: string,
    protected readonly onError: (message: string) => void,
    private readonly files: RecordFiles<T>,
  ) {
    mkdirSync(dataDir, { recursive: true });
  }

  /** Every record on disk. Unreadable files are skipped (and reported), temp leftovers removed. */
  loadRecords(): T[] {
    const records: T[] = [];
    for (const name of readdirSync(this.dataDir)) {
      if (this.files.tempFile.test(name)) {
        try {
          unlinkSync(join(this.dataDir, name));
        } catch {
          // another process may have renamed it meanwhile
        }
        continue;
      }
      if (!this.files.recordFile.test(name)) continue;
      try {
        const record: unknown = JSON.parse(readFileSync(join(this.dataDir, name), 'utf8'));
        if (this.files.isRecord(record)) records.push(record);
        else this.onError(`${this.files.label} ${name}: unknown format, skipped`);
      } catch {
        this.onError(`${this.files.label} ${name}: unreadable, skipped`);
      }
    }
    return records;
  }

  /** Marks `value` to be written as the record of `key`; it is serialized when written. */
  put(key: string, value: object): void {
    this.mark(key, value);
  }

  /** Marks the record of `key` to be removed. */
  remove(key: string): void {
    this.mark(key, null);
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

  private mark(key: string, value: object | null): void {
    if (this.stopped) return;
    this.dirty.set(key, { key, value });
    this.writing ??= this.drain();
  }

  private async drain(): Promise<void> {
    // Let the current burst of changes land first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.dirty.size > 0) {
        const batch = [...this.dirty.values()];
        this.dirty.clear();
        await Promise.all(
          batch.map((change) => {
            const file = join(this.dataDir, this.files.fileName(change.key));
            return change.value === null ? this.unlinkFile(file) : this.writeFile(file, change.value);
          }),
        );
      }
    } finally {
      this.writing = undefined;
    }
  }

  private async writeFile(file: string, value: object): Promise<void> {
    const temp = `${file}.${process.pid}.${++this.tempCounter}.tmp`;
    try {
      await writeFile(temp, JSON.stringify(value));
      await rename(temp, file);
    } catch (error) {
      this.onError(`${this.files.writeFailed}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
      await unlink(temp).catch(() => undefined);
    }
  }

  private async unlinkFile(file: string): Promise<void> {
    try {
      await unlink(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') this.onError(`remove failed: ${code ?? 'error'}`);
    }
  }
}
