import type { TimerPayload } from '../../shared/domain/ports';
import { fireTimer } from '../../shared/timers/fire-timer';
import { instrumented } from '../../shared/observability/instrumented';
import { logger } from '../../shared/observability/logger';
import { deps, requireLifecycle, requireTimers } from '../../shared/wiring';

const timerDeps = { ...deps, lifecycle: requireLifecycle(), timers: requireTimers() };

/** The target of every ticket schedule (SLA warning/breach, reminders, auto-close, windows). */
export const handler = instrumented(async (payload: TimerPayload) => {
  logger.appendKeys({ tenantId: payload.tenantId, ticketKey: payload.ticketId });
  return { outcome: await fireTimer(timerDeps, payload) };
});
