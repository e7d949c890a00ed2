import type { Clock } from '../domain/ports';

let offsetMs = 0;
let frozenAtMs: number | null = null;

/**
 * The one clock every handler, the lifecycle and the timers read. In AWS it is
 * the system clock. The local runtime moves it ahead (`POST /_local/clock`) so
 * that SLAs, reminders and reopen windows can be exercised in seconds, and can
 * freeze it so tests read exact figures; it is the only caller of `setLocalClock`.
 */
export const platformClock: Clock = { now: () => new Date(frozenAtMs ?? Date.now() + offsetMs) };

/** Local runtime only: real time plus `offsetMs`, or standing still at `frozenAtMs`. */
export function setLocalClock(state: { offsetMs: number; frozenAtMs: number | null }): void {
  offsetMs = state.offsetMs;
  frozenAtMs = state.frozenAtMs;
}
