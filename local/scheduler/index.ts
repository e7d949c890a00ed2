export { type Clock, LocalScheduler, type LocalSchedulerOptions, type ScheduleInfo, type SchedulerCounters, type TargetHandler } from './local-scheduler';
export { SchedulerApiError } from './errors';
export { dueInstant } from './expression';
export type { DeadLetter } from './model';
