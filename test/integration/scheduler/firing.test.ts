/**
 * Firing by the injected clock: due-time order, awaited targets, time zones across DST,
 * ActionAfterCompletion, retries into the dead-letter list, updates, disabled schedules.
 */
import { CreateScheduleCommand, GetScheduleCommand, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dueInstant, type LocalSchedulerOptions } from '../../../local/scheduler';
import { DLQ_ARN, FAILING_FN, FakeClock, GROUP, oneTime, REGION, removeDir, REMINDER_FN, type Started, startScheduler, tempDataDir, World } from './harness';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function open(start: string, overrides: Partial<LocalSchedulerOptions> = {}): Promise<{ service: Started; clock: FakeClock; world: World }> {
  const dataDir = tempDataDir();
  cleanups.push(() => removeDir(dataDir));
  const clock = new FakeClock(Date.parse(start));
  const world = new World(clock);
  const service = await startScheduler({ world, clock, dataDir, overrides });
  cleanups.push(() => service.close());
  return { service, clock, world };
}

describe('time zones', () => {
  it('at() in Europe/Amsterdam created in winter time for a day after the spring DST change fires at 07:00Z, not 08:00Z', async () => {
    const { service, clock, world } = await open('2026-03-27T12:00:00Z');
    await service.client.send(new CreateScheduleCommand(oneTime('sla-spring', '2026-03-30T09:00:00', { ScheduleExpressionTimezone: 'Europe/Amsterdam' })));
    expect(service.scheduler.get('sla-spring', GROUP)?.dueAt.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    clock.set('2026-03-30T06:59:59Z');
    await service.scheduler.fireDue();
    expect(world.calls).toEqual([]);
    clock.set('2026-03-30T07:00:00Z');
    await service.scheduler.fireDue();
    expect(world.calls.map((c) => c.at)).toEqual(['2026-03-30T07:00:00.000Z']);
  });

  it('created in summer time for a day after the autumn DST change: fires at 08:00Z, not 07:00Z', async () => {
    const { service, clock, world } = await open('2026-10-23T12:00:00Z');
    await service.client.send(new CreateScheduleCommand(oneTime('sla-autumn', '2026-10-26T09:00:00', { ScheduleExpressionTimezone: 'Europe/Amsterdam' })));
    clock.set('2026-10-26T07:00:00Z');
    await service.scheduler.fireDue();
    expect(world.calls).toEqual([]);
    clock.set('2026-10-26T08:00:00Z');
    await service.scheduler.fireDue();
    expect(world.calls.map((c) => c.at)).toEqual(['2026-10-26T08:00:00.000Z']);
  });

  it('wall times inside the DST change: a repeated time is its first occurrence, a skipped time moves forward', () => {
    expect(new Date(dueInstant('at(2026-10-25T02:30:00)', 'Europe/Amsterdam')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(new Date(dueInstant('at(2026-03-29T02:30:00)', 'Europe/Amsterdam')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(new Date(dueInstant('at(2026-12-01T09:00:00)', 'America/New_York')).toISOString()).toBe('2026-12-01T14:00:00.000Z');
    expect(new Date(dueInstant('at(2026-12-01T09:00:00)')).toISOString()).toBe('2026-12-01T09:00:00.000Z');
  });
});

describe('firing by the clock', () => {
  it('clock moved forward + fireDue fires every due schedule in due-time order (ties by creation) and awaits each target', async () => {
    const { service, clock, world } = await open('2026-12-01T08:00:00Z');
    world.delayMs = 25;
    // Created out of order; d and b share a due time, d was created first.
    for (const [label, at] of [
      ['c', '10:00:00'],
      ['d', '09:30:00'],
      ['a', '09:00:00'],
      ['b', '09:30:00'],
      ['later', '12:00:00'],
    ] as const) {
      await service.client.send(new CreateScheduleCommand(oneTime(`t-${label}`, `2026-12-01T${at}`, { label })));
    }
    clock.set('2026-12-01T11:00:00Z');
    await service.scheduler.fireDue();
    // All four were called and finished when fireDue resolved, one after the other.
    expect(world.labels()).toEqual(['a', 'd', 'b', 'c']);
    expect(world.trace).toEqual(['start a', 'end a', 'start d', 'end d', 'start b', 'end b', 'start c', 'end c']);
    expect(world.calls[0]?.input).toEqual({ kind: 'sla-breach', ticketId: 't-a', label: 'a' });
    expect(service.scheduler.list().map((s) => s.name)).toEqual(['t-later']);
    expect(service.scheduler.nextDueAt()?.toISOString()).toBe('2026-12-01T12:00:00.000Z');
  });

  it('an early fire never happens: 1 ms before the due instant nothing fires, neither by fireDue nor by the poll', async () => {
    const { service, clock, world } = await open('2026-12-01T08:00:00Z', { pollIntervalMs: 10 });
    await service.client.send(new CreateScheduleCommand(oneTime('t-early', '2026-12-01T09:00:00')));
    clock.set(new Date(Date.parse('2026-12-01T09:00:00Z') - 1));
    await service.scheduler.fireDue();
    await new Promise((resolve) => setTimeout(resolve, 100)); // ten polls
    expect(world.calls).toEqual([]);
    expect(service.scheduler.get('t-early', GROUP)?.status).toBe('SCHEDULED');
    clock.advanceSeconds(0.001);
    await service.scheduler.fireDue();
    expect(world.calls.map((c) => c.at)).toEqual(['2026-12-01T09:00:00.000Z']);
  });

  it('fireDue(until) fires only what is due by `until`, whatever the clock says', async () => {
    const { service, world } = await open('2026-12-01T08:00:00Z');
    for (const [label, at] of [
      ['a', '09:00:00'],
      ['b', '10:00:00'],
    ] as const) {
      await service.client.send(new CreateScheduleCommand(oneTime(`u-${label}`, `2026-12-01T${at}`, { label })));
    }
    await service.scheduler.fireDue(new Date('2026-12-01T09:30:00Z'));
    expect(world.labels()).toEqual(['a']);
  });

  it('the real-time poll fires due schedules without anyone calling fireDue (a developer jumping the clock)', async () => {
    const { service, clock, world } = await open('2026-12-01T08:00:00Z');
    await service.client.send(new CreateScheduleCommand(oneTime('t-poll', '2026-12-04T08:00:00')));
    clock.advanceSeconds(72 * 3600); // POST /_local/clock {"advance":"PT72H"}
    await vi.waitFor(() => expect(world.labels()).toEqual(['t-poll']), { timeout: 2000, interval: 20 });
    await vi.waitFor(() => expect(service.scheduler.list()).toEqual([]), { timeout: 1000, interval: 20 });
  });

  it('a clock controller steps time with nextDueAt(): each target sees the clock at its due instant, chained schedules included', async () => {
    const { service, clock, world } = await open('2026-12-01T08:00:00Z');
    // A reminder that schedules the next reminder one hour later (through the SDK, from inside the target).
    const chained = { count: 0 };
    const original = service.targets[REMINDER_FN];
    service.targets[REMINDER_FN] = async (input) => {
      await original?.(input);
      if (chained.count < 2) {
        chained.count += 1;
        const next = new Date(clock.now().getTime() + 3600_000).toISOString().slice(0, 19);
        await service.client.send(
          new CreateScheduleCommand(oneTime(`remind-${chained.count}`, next, { target: REMINDER_FN, label: `remind-${chained.count}` })),
        );
      }
      return {};
    };
    await service.client.send(new CreateScheduleCommand(oneTime('remind-0', '2026-12-01T09:00:00', { target: REMINDER_FN, label: 'remind-0' })));
    await service.client.send(new CreateScheduleCommand(oneTime('sla', '2026-12-01T10:30:00', { label: 'sla' })));

    const stepTo = async (target: Date) => {
      for (let next = service.scheduler.nextDueAt(); next && next <= target; next = service.scheduler.nextDueAt()) {
        clock.set(new Date(Math.max(clock.ms, next.getTime())));
        await service.scheduler.fireDue();
      }
      clock.set(target);
      await service.scheduler.fireDue();
    };
    await stepTo(new Date('2026-12-01T20:00:00Z')); // advance PT12H
    expect(world.calls.map((c) => `${(c.input as { label: string }).label}@${c.at.slice(11, 16)}`)).toEqual([
      'remind-0@09:00',
      'remind-1@10:00',
      'sla@10:30',
      'remind-2@11:00',
    ]);
    expect(service.scheduler.nextDueAt()).toBeNull();
  });
});

describe('after completion', () => {
  it('ActionAfterCompletion DELETE removes the schedule once it has fired', async () => {
    const { service, clock, world } = await open('2026-12-01T08:00:00Z');
    await service.client.send(new CreateScheduleCommand(oneTime('close-T-9', '2026-12-01T09:00:00')));
    clock.set('2026-12-01T09:00:00Z');
    await service.scheduler.fireDue();
    expect(world.labels()).toEqual(['close-T-9']);
    expect(service.scheduler.get('close-T-9', GROUP)).toBeUndefined();
    await expect(service.client.send(new GetScheduleCommand({ Name: 'close-T-9', GroupName: GROUP }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('ActionAfterCompletion NONE keeps it (State stays ENABLED, status COMPLETED) and it never fires again', async () => {
    const { service, clock, world } = await open('2026-12-01T08:00:00Z');
    await service.client.send(new CreateScheduleCommand(oneTime('kept', '2026-12-01T09:00:00', { ActionAfterCompletion: 'NONE' })));
    clock.set('2026-12-01T09:00:00Z');
    await service.scheduler.fireDue();
    clock.advanceSeconds(86_400);
    await service.scheduler.fireDue();
    expect(world.labels()).toEqual(['kept']);
    const info = service.scheduler.get('kept', GROUP);
    expect(info).toMatchObject({ state: 'ENABLED', status: 'COMPLETED', lastRun: { outcome: 'SUCCEEDED', attempts: 1 } });
    expect(info?.completedAt?.toISOString()).toBe('2026-12-01T09:00:00.000Z');
    expect((await service.client.send(new GetScheduleCommand({ Name: 'kept', GroupName: GROUP }))).State).toBe('ENABLED');
    expect(service.scheduler.nextDueAt()).toBeNull();
    // An update re-arms it, as a new at() would in AWS.
    await service.client.send(new UpdateScheduleCommand(oneTime('kept', '2026-12-03T09:00:00', { ActionAfterCompletion: 'NONE', label: 'again' })));
    clock.set('2026-12-03T09:00:00Z');
    await service.scheduler.fireDue();
    expect(world.labels()).toEqual(['kept', 'again']);
  });
});

describe('failures', () => {
  it('a throwing target is retried (capped locally) and then lands in the dead-letter list; DELETE still removes the schedule', async () => {
    const { service, clock, world } = await open('2026-12-01T08:00:00Z');
    const input = oneTime('sla-fail', '2026-12-01T09:00:00', { target: FAILING_FN });
    await service.client.send(new CreateScheduleCommand(input));
    clock.set('2026-12-01T09:00:05Z');
    await service.scheduler.fireDue();
    // RetryPolicy asks for 3 retries; the local cap (maxRetryAttempts, default 2) allows 2: 3 calls.
    expect(world.failingCalls).toBe(3);
    const dead = service.scheduler.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      queueArn: DLQ_ARN,
      scheduleArn: `arn:aws:scheduler:${REGION}:000000000000:schedule/${GROUP}/sla-fail`,
      scheduleName: 'sla-fail',
      groupName: GROUP,
      targetArn: FAILING_FN,
      body: input.Target?.Input,
      errorCode: 'DownstreamError',
      errorMessage: 'downstream unavailable',
      exhaustedRetryCondition: 'MaximumRetryAttempts',
      retryAttempts: 2,
      dueAt: Date.parse('2026-12-01T09:00:00Z'),
      at: Date.parse('2026-12-01T09:00:05Z'),
    });
    expect(service.scheduler.get('sla-fail', GROUP)).toBeUndefined();
    expect(service.scheduler.metrics()).toEqual({ scheduleInvocations: 1, targetAttempts: 3, targetErrors: 3, deadLettered: 1, dropped: 0 });
    expect(service.scheduler.purgeDeadLetters()).toBe(1);
    expect(service.scheduler.deadLetters()).toEqual([]);
  });

  it('MaximumRetryAttempts 0 means a single call; a larger local cap allows more', async () => {
    const { service, clock, world } = await open('2026-12-01T08:00:00Z', { maxRetryAttempts: 5 });
    const noRetry = oneTime('no-retry', '2026-12-01T09:00:00', { target: FAILING_FN });
    if (noRetry.Target) noRetry.Target.RetryPolicy = { MaximumRetryAttempts: 0 };
    await service.client.send(new CreateScheduleCommand(noRetry));
    await service.client.send(new CreateScheduleCommand(oneTime('three-retries', '2026-12-01T09:01:00', { target: FAILING_FN })));
    clock.set('2026-12-01T10:00:00Z');
    await service.scheduler.fireDue();
    expect(world.failingCalls).toBe(1 + 4);
    expect(service.scheduler.deadLetters().map((d) => d.retryAttempts)).toEqual([0, 3]);
  });

  it('an unknown target Arn goes to the dead-letter list at once; without a DeadLetterConfig the failure is dropped (and counted)', async () => {
    const { service, clock } = await open('2026-12-01T08:00:00Z');
    const ghost = `arn:aws:lambda:${REGION}:000000000000:function:not-deployed`;
    await service.client.send(new CreateScheduleCommand(oneTime('ghost', '2026-12-01T09:00:00', { target: ghost })));
    const noDlq = oneTime('ghost-no-dlq', '2026-12-01T09:00:00', { target: ghost, ActionAfterCompletion: 'NONE' });
    delete noDlq.Target?.DeadLetterConfig;
    await service.client.send(new CreateScheduleCommand(noDlq));
    clock.set('2026-12-01T09:00:00Z');
    await service.scheduler.fireDue();
    expect(service.scheduler.deadLetters()).toEqual([
      expect.objectContaining({ scheduleName: 'ghost', targetArn: ghost, errorCode: 'ResourceNotFoundException', retryAttempts: 0 }),
    ]);
    expect(service.scheduler.deadLetters()[0]?.exhaustedRetryCondition).toBeUndefined();
    expect(service.scheduler.get('ghost-no-dlq', GROUP)).toMatchObject({
      status: 'COMPLETED',
      lastRun: { outcome: 'DROPPED', errorCode: 'ResourceNotFoundException' },
    });
    expect(service.scheduler.metrics()).toMatchObject({ scheduleInvocations: 2, targetAttempts: 0, deadLettered: 1, dropped: 1 });
  });
});

describe('updates and state', () => {
  it('update (move) of a schedule changes when it fires: not at the old time, at the new one, with the new input', async () => {
    const { service, clock, world } = await open('2026-12-01T08:00:00Z');
    await service.client.send(new CreateScheduleCommand(oneTime('moving', '2026-12-01T09:00:00', { label: 'old' })));
    await service.client.send(new UpdateScheduleCommand(oneTime('moving', '2026-12-01T11:00:00', { label: 'new' })));
    clock.set('2026-12-01T10:59:59Z');
    await service.scheduler.fireDue();
    expect(world.calls).toEqual([]);
    clock.set('2026-12-01T11:00:00Z');
    await service.scheduler.fireDue();
    expect(world.labels()).toEqual(['new']);
    // Moving earlier works too.
    await service.client.send(new CreateScheduleCommand(oneTime('earlier', '2026-12-02T09:00:00', { label: 'earlier' })));
    await service.client.send(new UpdateScheduleCommand(oneTime('earlier', '2026-12-01T12:00:00', { label: 'earlier' })));
    clock.set('2026-12-01T12:00:00Z');
    await service.scheduler.fireDue();
    expect(world.labels()).toEqual(['new', 'earlier']);
  });

  it('a schedule updated by its own target while running is not deleted: it fires again at its new time', async () => {
    const { service, clock, world } = await open('2026-12-01T08:00:00Z');
    const original = service.targets[REMINDER_FN];
    let snoozed = false;
    service.targets[REMINDER_FN] = async (input) => {
      await original?.(input);
      if (!snoozed) {
        snoozed = true;
        await service.client.send(new UpdateScheduleCommand(oneTime('snooze', '2026-12-01T10:00:00', { target: REMINDER_FN, label: 'snoozed' })));
      }
      return {};
    };
    await service.client.send(new CreateScheduleCommand(oneTime('snooze', '2026-12-01T09:00:00', { target: REMINDER_FN, label: 'first' })));
    clock.set('2026-12-01T09:00:00Z');
    await service.scheduler.fireDue();
    expect(service.scheduler.get('snooze', GROUP)?.status).toBe('SCHEDULED');
    clock.set('2026-12-01T10:00:00Z');
    await service.scheduler.fireDue();
    expect(world.labels()).toEqual(['first', 'snoozed']);
    expect(service.scheduler.get('snooze', GROUP)).toBeUndefined();
  });

  it('a DISABLED schedule does not fire (nor counts for nextDueAt); enabled again later, it fires late', async () => {
    const { service, clock, world } = await open('2026-12-01T08:00:00Z', { pollIntervalMs: 10 });
    await service.client.send(new CreateScheduleCommand(oneTime('off', '2026-12-01T09:00:00', { State: 'DISABLED' })));
    expect(service.scheduler.nextDueAt()).toBeNull();
    clock.set('2026-12-01T12:00:00Z');
    await service.scheduler.fireDue();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(world.calls).toEqual([]);
    expect(service.scheduler.get('off', GROUP)?.status).toBe('DISABLED');
    await service.client.send(new UpdateScheduleCommand(oneTime('off', '2026-12-01T09:00:00', { State: 'ENABLED' })));
    await service.scheduler.fireDue();
    expect(world.calls.map((c) => c.at)).toEqual(['2026-12-01T12:00:00.000Z']);
  });

  it('a schedule deleted before its time never fires', async () => {
    const { service, clock, world } = await open('2026-12-01T08:00:00Z');
    await service.client.send(new CreateScheduleCommand(oneTime('gone', '2026-12-01T09:00:00')));
    service.scheduler.list(); // TS inspection does not disturb anything
    await service.scheduler.deleteSchedule({ Name: 'gone', GroupName: GROUP });
    clock.set('2026-12-01T09:00:00Z');
    await service.scheduler.fireDue();
    expect(world.calls).toEqual([]);
  });
});
