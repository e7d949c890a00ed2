/**
 * Step Functions Standard bills state transitions. Each Lambda task of the lifecycle
 * (statemachines/ticket-lifecycle.asl.json) counts the states it stands for, so the count
 * is the same in AWS and locally, at no extra API call (reading GetExecutionHistory per
 * execution would cost a throttled call per wake-up) and per tenant by construction:
 *  - ReadTicket: itself and the `Route` Choice after it, plus `Ended` (Succeed) when it
 *    answers `end`;
 *  - a callback state (AwaitTicket), AdvanceTicket: itself;
 *  - ContinueTicket: `ContinueAsNew` and the `ContinuedAsNew` Succeed after it;
 *  - whoever starts an execution (it starts at `Route`) or wakes a callback state
 *    (shared/lifecycle/ticket-lifecycle.ts): that `Route`, plus `Ended` when the decision
 *    it hands over says `end` (without one, ReadTicket follows and counts itself).
 * A Lambda retry re-enters the task, and AWS bills a retry as a transition too. Not
 * counted: the `UnknownCategory` Fail state (a defect path). test/unit/usage checks these
 * figures against the ASL, and the e2e test against the local engine's history.
 */
import { countInvocation, meterTenant } from './invocation-meter';

export const LIFECYCLE_TASK_TRANSITIONS = {
  ReadTicket: (next: string) => 2 + (next === 'end' ? 1 : 0),
  AwaitTicket: 1,
  AdvanceTicket: 1,
  ContinueTicket: 2,
  RouteEntered: (next: string | null) => 1 + (next === 'end' ? 1 : 0),
} as const;

/** A lifecycle task ran for the tenant and stood for `transitions` state transitions. */
export function meterLifecycleTask(tenantId: string, transitions: number): void {
  meterTenant(tenantId);
  countInvocation({ stateTransitions: transitions });
}

/** An execution started, or a callback state woken, into Route (with ReadTicket's `next`, or null for none), for the current tenant. */
export function meterRouteEntered(next: string | null): void {
  countInvocation({ stateTransitions: LIFECYCLE_TASK_TRANSITIONS.RouteEntered(next) });
}
