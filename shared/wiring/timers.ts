/**
 * The timers capability (manifest `timers`): the EventBridge Scheduler client, loaded only
 * by the functions that keep schedules (the change follower, the timer, repair).
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { ENV } from '../config-names';
import { DynamoTimerRegistry } from '../store/dynamo-timer-registry';
import { EventBridgeTimerScheduler } from '../timers/eventbridge-timer-scheduler';
import type { TimerDeps } from '../timers/sync-timers';
import { config, deps, table } from '../wiring';

/** Timers exist where a schedule group is configured (always in AWS and in `npm start`). */
const timerDeps: TimerDeps | undefined = config.schedules
  ? {
      tickets: deps.tickets,
      settings: deps.settings,
      scheduler: new EventBridgeTimerScheduler(new SchedulerClient(config.schedulerEndpoint ? { endpoint: config.schedulerEndpoint } : {}), config.schedules),
      registry: new DynamoTimerRegistry(table.db, table.tableName, table.meter),
      clock: deps.clock,
    }
  : undefined;

/** For functions that keep schedules; fails the cold start without them. */
export function requireTimers(): TimerDeps {
  if (!timerDeps) throw new Error(`${ENV.scheduleGroup}, ${ENV.timerTargetArn}, ${ENV.schedulerRoleArn} and ${ENV.timerDeadLetterArn} are not configured`);
  return timerDeps;
}
