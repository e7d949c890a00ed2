import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Duration } from 'luxon';
import { platformClock, setLocalClock } from '../shared/time/platform-clock';

/** Something that fires what became due by the clock: the local scheduler and Step Functions. */
export interface DueWork {
  /** The earliest instant something waits for, or null. */
  nextDueAt(): Date | null;
  /** The latest instant something waits for at or before `limit`, or null. */
  latestDueAtOrBefore(limit: Date): Date | null;
  /** Fires everything due at the clock's now, and resolves when the work it triggered is done. */
  fireDue(): Promise<void>;
}

/** A move the clock refuses: 400 for a malformed one, 422 for one into the past. */
export class ClockRefused extends Error {
  constructor(
    message: string,
    readonly status: 400 | 422 = 400,
  ) {
    super(message);
  }
}

/** A move: forward by a duration or to an instant, and/or freeze (true) or let run (false). */
export interface ClockMove {
  readonly advance?: string;
  readonly set?: string;
  readonly freeze?: boolean;
}

interface ClockState {
  offsetMs: number;
  /** Where a frozen clock stands; null while it runs. */
  frozenAtMs: number | null;
}

/**
 * The local clock: real time plus an offset, or frozen at an instant (like a payment
 * provider's test clock: a test then reads figures exact to the millisecond). It never
 * goes backwards, and its state is kept in the data folder, so a restart never takes
 * time back or thaws it. Moving it fires what became due in due-time order, minute by
 * minute as EventBridge Scheduler does (a handler firing at "3 days" sees 3 days, not 30),
 * and returns when the work is done.
 */
export class LocalClock {
  private state: ClockState;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly work: () => readonly DueWork[],
    /** Waits until the work a firing caused (through the table's stream) is done. */
    private readonly settle: () => Promise<void> = async () => undefined,
  ) {
    const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<ClockState>) : {};
    this.state = { offsetMs: Number(saved.offsetMs) || 0, frozenAtMs: typeof saved.frozenAtMs === 'number' ? saved.frozenAtMs : null };
    setLocalClock(this.state);
  }

  now(): Date {
    return platformClock.now();
  }

  get frozen(): boolean {
    return this.state.frozenAtMs !== null;
  }

  /** `{"advance":"PT72H"}`, `{"set":"2026-12-01T09:00:00Z"}`, each optionally with `"freeze"`, or `{"freeze":…}` alone; never backwards. */
  move(request: ClockMove): Promise<Date> {
    // One move at a time: two advances in parallel add up instead of racing.
    const run = this.queue.then(() => this.moveNow(request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async moveNow(request: ClockMove): Promise<Date> {
    const target = this.targetOf(request);
    // Freezing first makes the move land exactly on its target (no real time added on top).
    if (request.freeze === true) this.save({ offsetMs: this.state.offsetMs, frozenAtMs: this.now().getTime() });
    if (target) await this.stepTo(target);
    if (request.freeze === false && this.frozen) this.save({ offsetMs: this.state.frozenAtMs! - Date.now(), frozenAtMs: null });
    return this.now();
  }

  private targetOf(request: ClockMove): Date | null {
    const now = this.now();
    if (request.advance !== undefined && request.set !== undefined) throw new ClockRefused('give advance or set, not both');
    if (request.advance !== undefined) {
      const duration = Duration.fromISO(request.advance);
      if (!duration.isValid || duration.toMillis() < 0) throw new ClockRefused(`advance must be a positive ISO 8601 duration such as PT72H or P30D`);
      return new Date(now.getTime() + duration.toMillis());
    }
    if (request.set !== undefined) {
      const target = new Date(request.set);
      if (Number.isNaN(target.getTime())) throw new ClockRefused('set must be an ISO 8601 instant');
      if (target.getTime() < now.getTime()) throw new ClockRefused(`the local clock never goes backwards (it is ${now.toISOString()})`, 422);
      return target;
    }
    if (request.freeze === undefined) throw new ClockRefused('give advance, set or freeze');
    return null;
  }

  private async stepTo(target: Date): Promise<void> {
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
      // EventBridge Scheduler invokes a target within the minute of its due time (60-second
      // precision): what falls due in the same minute fires together, concurrently where
      // order does not matter, at the last of those instants, so nothing fires early and
      // nothing later than AWS might.
      const minuteEnd = new Date(Math.min(target.getTime(), Math.floor(next.getTime() / 60_000) * 60_000 + 59_999));
      const step = Math.max(next.getTime(), ...this.work().map((w) => w.latestDueAtOrBefore(minuteEnd)?.getTime() ?? 0));
      // Something that stays due after firing (a target failing for good) must not hold the clock.
      if (previous === step && step <= this.now().getTime()) break;
      previous = step;
      this.moveTo(step);
      await this.fireAll();
    }
    this.moveTo(target.getTime());
    await this.fireAll();
  }

  /** Fires what is due, then lets its effects (new schedules, woken executions) land before looking again. */
  private async fireAll(): Promise<void> {
    await this.settle();
    for (const w of this.work()) await w.fireDue();
    await this.settle();
  }

  /** To `instant` or, if the clock already passed it while firing, where it is: never back. */
  private moveTo(instant: number): void {
    const at = Math.max(instant, this.now().getTime());
    if (this.frozen) this.save({ offsetMs: this.state.offsetMs, frozenAtMs: at });
    else this.save({ offsetMs: Math.max(this.state.offsetMs, at - Date.now()), frozenAtMs: null });
  }

  private save(state: ClockState): void {
    this.state = state;
    setLocalClock(state);
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, this.file);
  }
}
