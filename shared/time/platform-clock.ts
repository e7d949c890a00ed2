import type { Clock } from '../domain/ports';

let offsetMs = 0;

/**
 * The one clock every handler, the lifecycle and the timers read. In AWS it is
 * the system clock. The local runtime moves it ahead (`POST /_local/clock`) so
 * that SLAs, reminders and reopen windows can be exercised in seconds; it is the
 * only caller of `setLocalClockOffset`.
 */
export const platformClock: Clock = { now: () => new Date(Date.now() + offsetMs) };

/** Local runtime only: how far the local clock runs ahead of real time. */
export function setLocalClockOffset(ms: number): void {
  offsetMs = ms;
}
