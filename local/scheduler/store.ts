import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonRecordStore } from '../common/json-record-store';
import type { MetaRecord, ScheduleRecord } from './model';

const SCHEDULE_FILE = /^schedule-[0-9a-f]{40}\.json$/;
const META_FILE = 'meta.json';
const TEMP = /^(?:schedule-[0-9a-f]{40}|meta)\.json\.\d+\.\d+\.tmp$/;

const isScheduleRecord = (value: unknown): value is ScheduleRecord => {
  const record = value as ScheduleRecord | null;
  return !!record && record.v === 1 && typeof record.name === 'string' && typeof record.groupName === 'string' && typeof record.dueAt === 'number';
};

/**
 * One JSON file per schedule (`schedule-<sha1(group/name)>.json`) plus `meta.json` (groups,
 * dead letters, counters) under `dataDir`, each replaced atomically (temp file + rename).
 * Writes are coalesced: many changes of one file in one tick cost one write.
 * Keys of the underlying store are file names.
 */
export class SchedulerStore extends JsonRecordStore<ScheduleRecord> {
  constructor(dataDir: string, onError: (message: string) => void) {
    super(dataDir, onError, {
      fileName: (file) => file,
      recordFile: SCHEDULE_FILE,
      tempFile: TEMP,
      isRecord: isScheduleRecord,
      label: 'schedule file',
      writeFailed: 'write failed',
    });
  }

  /** Every schedule on disk. Unreadable files are skipped (and reported), temp leftovers removed. */
  loadSchedules(): ScheduleRecord[] {
    return this.loadRecords();
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
    this.put(scheduleFile(record.groupName, record.name), record);
  }

  removeSchedule(groupName: string, name: string): void {
    this.remove(scheduleFile(groupName, name));
  }

  putMeta(meta: MetaRecord): void {
    this.put(META_FILE, meta);
  }
}

function scheduleFile(groupName: string, name: string): string {
  return `schedule-${createHash('sha1').update(`${groupName}/${name}`).digest('hex')}.json`;
}
