import type { TimerPayload } from '../../shared/domain/ports';
import { fireTimer } from '../../shared/timers/fire-timer';
import { instrumented } from '../../shared/observability/instrumented';
import { logger } from '../../shared/observability/logger';
import { deps } from '../../shared/wiring';
import { requireLifecycle } from '../../shared/wiring/lifecycle';
import { requireTimers } from '../../shared/wiring/timers';
import { countInvocation, dedupeInvocationAs, meterTenant } from '../../shared/usage/invocation-meter';

const timerDeps = { ...deps, lifecycle: requireLifecycle(), timers: requireTimers() };

/** The target of every ticket schedule (SLA warning/breach, reminders, auto-close, windows). */
export const handler = instrumented(async (payload: TimerPayload) => {
  logger.appendKeys({ tenantId: payload.tenantId, ticketKey: payload.ticketId });
  // One schedule firing is one invocation for usage: a duplicate delivery of the same firing counts once.
  meterTenant(payload.tenantId);
  dedupeInvocationAs(`schedule:${payload.tenantId}:${payload.ticketId}:${payload.kind}:${payload.dueAt}`);
  countInvocation({ scheduleInvocations: 1 });
  return { outcome: await fireTimer(timerDeps, payload) };
}, 'asynchronous');
