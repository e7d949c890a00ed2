import type { TimerPayload } from '../../shared/domain/ports';
import { fireTimer } from '../../shared/timers/fire-timer';
import { deps, requireLifecycle, requireTimers } from '../../shared/wiring';

const timerDeps = { ...deps, lifecycle: requireLifecycle(), timers: requireTimers() };

/** The target of every ticket schedule (SLA warning/breach, reminders, auto-close, windows). */
export const handler = async (payload: TimerPayload) => ({ outcome: await fireTimer(timerDeps, payload) });
