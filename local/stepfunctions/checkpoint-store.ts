import { createHash } from 'node:crypto';
import { JsonRecordStore } from '../common/json-record-store';
import type { ExecutionRecord } from './model';

const FILE = /^exec-[0-9a-f]{40}\.json$/;
const TEMP = /^exec-[0-9a-f]{40}\.json\.\d+\.\d+\.tmp$/;

const isExecutionRecord = (value: unknown): value is ExecutionRecord => {
  const record = value as ExecutionRecord | null;
  return !!record && record.v === 1 && typeof record.executionArn === 'string';
};

/**
 * One JSON file per execution (`exec-<sha1(executionArn)>.json`) under `dataDir`, replaced
 * atomically (temp file + rename). Writes are coalesced: `markDirty` many times in one tick
 * costs one write per execution.
 */
export class CheckpointStore extends JsonRecordStore<ExecutionRecord> {
  constructor(dataDir: string, onError: (message: string) => void) {
    super(dataDir, onError, {
      fileName: (executionArn) => `exec-${createHash('sha1').update(executionArn).digest('hex')}.json`,
      recordFile: FILE,
      tempFile: TEMP,
      isRecord: isExecutionRecord,
      label: 'checkpoint',
      writeFailed: 'checkpoint write failed',
    });
  }

  /** Every execution found on disk. Unreadable files are skipped (and reported), temp leftovers removed. */
  loadAll(): ExecutionRecord[] {
    return this.loadRecords();
  }

  markDirty(record: ExecutionRecord): void {
    this.put(record.executionArn, record);
  }
}
