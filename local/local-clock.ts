import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Duration } from 'luxon';
import { platformClock, setLocalClockOffset } from '../shared/time/platform-clock';

/** Something that fires what became due by the clock: the local scheduler and Step Functions. */
export interface DueWork {
  /** The earliest instant something waits for, or null. */
  nextDueAt(): Date | null;
  /** Fires everything due at the clock's now, and resolves when the work it triggered is done. */
  fireDue(): Promise<void>;
}

export class ClockRefused extends Error {}

/**
 * The local clock: real time plus an offset that only grows. The offset is kept
 * in the data folder, so a restart never takes time back. Moving it fires what
 * became due in due-time order, each at its own instant (a handler firing at
 * "3 days" sees 3 days, not 30), and returns when the work is done.
 */
export class LocalClock {
  private offsetMs: number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly work: () => readonly DueWork[],
    /** Waits until the work a firing caused (through the table's stream) is done. */
    private readonly settle: () => Promise<void> = async () => undefined,
  ) {
    this.offsetMs = existsSync(file) ? Number((JSON.parse(readFileSync(file, 'utf8')) as { offsetMs: number }).offsetMs) || 0 : 0;
    setLocalClockOffset(this.offsetMs);
  }

  now(): Date {
    return platformClock.now();
  }

  /** `{"advance":"PT72H"}` or `{"set":"2026-12-01T09:00:00Z"}`; never backwards. */
  move(request: { advance?: string; set?: string }): Promise<Date> {
    // One move at a time: two advances in parallel add up instead of racing.
    const run = this.queue.then(() => this.moveNow(request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async moveNow(request: { advance?: string; set?: string }): Promise<Date> {
    const now = this.now();
    let target: Date;
    if (request.advance !== undefined) {
      const duration = Duration.fromISO(request.advance);
      if (!duration.isValid || duration.toMillis() < 0) throw new ClockRefused(`advance must be a positive ISO 8601 duration such as PT72H or P30D`);
      target = new Date(now.getTime() + duration.toMillis());
    } else if (request.set !== undefined) {
      target = new Date(request.set);
      if (Number.isNaN(target.getTime())) throw new ClockRefused('set must be an ISO 8601 instant');
      if (target.getTime() < now.getTime()) throw new ClockRefused(`the local clock never goes backwards (it is ${now.toISOString()})`);
    } else throw new ClockRefused('give either advance or set');

    // What was committed before the move has its schedules first.
    await this.settle();
    // Step through what became due, in order, each at its own instant.
    let previous: number | null = null;
    for (;;) {
      const next = this.work()
        .map((w) => w.nextDueAt())
        .filter((d): d is Date => d !== null && d.getTime() <= target.getTime())
        .sort((a, b) => a.getTime() - b.getTime())[0];
      if (!next) break;
      // Something that stays due after firing (a target failing for good) must not hold the clock.
      if (previous === next.getTime() && next.getTime() <= this.now().getTime()) break;
      previous = next.getTime();
      this.setOffset(Math.max(next.getTime(), this.now().getTime()) - Date.now());
      await this.fireAll();
    }
    this.setOffset(Math.max(target.getTime(), this.now().getTime()) - Date.now());
    await this.fireAll();
    return this.now();
  }

  /** Fires what is due, then lets its effects (new schedules, woken executions) land before looking again. */
  private async fireAll(): Promise<void> {
    await this.settle();
    for (const w of this.work()) await w.fireDue();
    await this.settle();
  }

  private setOffset(ms: number): void {
    this.offsetMs = Math.max(this.offsetMs, ms);
    setLocalClockOffset(this.offsetMs);
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ offsetMs: this.offsetMs }));
    renameSync(tmp, this.file);
  }
}
