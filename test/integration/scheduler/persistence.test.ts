/**
 * Schedules, dead letters and counters survive a restart (files under dataDir, temp + rename);
 * a new instance fires what became due while it was down, late, as AWS fires late.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateScheduleCommand, DeleteScheduleCommand, GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FAILING_FN, FakeClock, GROUP, oneTime, removeDir, type Started, startScheduler, tempDataDir, World } from './harness';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tracked(dir: string): string {
  cleanups.push(() => removeDir(dir));
  return dir;
}

async function open(world: World, clock: FakeClock, dataDir: string, pollIntervalMs = 250): Promise<Started> {
  const started = await startScheduler({ world, clock, dataDir, overrides: { pollIntervalMs } });
  cleanups.push(() => started.close());
  return started;
}

describe('restart', () => {
  it('keeps schedules across close/new instance; fireDue on the new one fires what became due while it was down, and only that', async () => {
    const dataDir = tracked(tempDataDir());
    const clock = new FakeClock(Date.parse('2026-12-01T08:00:00Z'));
    const world = new World(clock);
    const first = await open(world, clock, dataDir);
    await first.client.send(new CreateScheduleCommand(oneTime('due-while-down', '2026-12-01T09:00:00', { ScheduleExpressionTimezone: 'Europe/Amsterdam' })));
    await first.client.send(new CreateScheduleCommand(oneTime('still-ahead', '2026-12-02T09:00:00', { State: 'ENABLED' })));
    await first.client.send(new CreateScheduleCommand(oneTime('off', '2026-12-01T08:30:00', { State: 'DISABLED' })));
    const before = first.scheduler.list();
    await first.close();
    // One file per schedule plus meta.json; no temp files left behind.
    expect(readdirSync(dataDir).every((f) => f === 'meta.json' || /^schedule-[0-9a-f]{40}\.json$/.test(f))).toBe(true);
    expect(readdirSync(dataDir)).toHaveLength(4);

    clock.set('2026-12-01T12:00:00Z'); // time passes while the service is down
    const second = await open(world, clock, dataDir);
    expect(second.scheduler.list()).toEqual(before);
    expect((await second.client.send(new GetScheduleCommand({ Name: 'still-ahead', GroupName: GROUP }))).ScheduleExpression).toBe('at(2026-12-02T09:00:00)');
    expect(second.scheduler.nextDueAt()?.toISOString()).toBe('2026-12-01T08:00:00.000Z');
    await second.scheduler.fireDue();
    // Fired late (the clock says 12:00), once; the disabled one and the future one wait.
    expect(world.calls.map((c) => `${(c.input as { label: string }).label}@${c.at}`)).toEqual(['due-while-down@2026-12-01T12:00:00.000Z']);
    expect(second.scheduler.list().map((s) => `${s.name}:${s.status}`)).toEqual(['off:DISABLED', 'still-ahead:SCHEDULED']);
    await second.close();
    // The DELETE after completion reached the disk too.
    expect(readdirSync(dataDir)).toHaveLength(3);
  });

  it('without anyone calling fireDue, the new instance’s poll fires the overdue schedule', async () => {
    const dataDir = tracked(tempDataDir());
    const clock = new FakeClock(Date.parse('2026-12-01T08:00:00Z'));
    const world = new World(clock);
    const first = await open(world, clock, dataDir);
    await first.client.send(new CreateScheduleCommand(oneTime('overdue', '2026-12-01T09:00:00')));
    await first.close();
    clock.set('2026-12-03T00:00:00Z');
    const second = await open(world, clock, dataDir, 20);
    await vi.waitFor(() => expect(world.calls).toHaveLength(1), { timeout: 2000, interval: 20 });
    await vi.waitFor(() => expect(second.scheduler.list()).toEqual([]), { timeout: 1000, interval: 20 });
  });

  it('dead letters, counters, groups, completed NONE schedules and creation order survive a restart', async () => {
    const dataDir = tracked(tempDataDir());
    const clock = new FakeClock(Date.parse('2026-12-01T08:00:00Z'));
    const world = new World(clock);
    const first = await open(world, clock, dataDir);
    await first.client.send(new CreateScheduleCommand(oneTime('fails', '2026-12-01T09:00:00', { target: FAILING_FN })));
    await first.client.send(new CreateScheduleCommand(oneTime('kept', '2026-12-01T09:00:00', { ActionAfterCompletion: 'NONE' })));
    // Two with the same due time: creation order decides, also after the restart.
    await first.client.send(new CreateScheduleCommand(oneTime('tie-second', '2026-12-05T09:00:00', { label: 'tie-second' })));
    await first.client.send(new CreateScheduleCommand(oneTime('tie-third', '2026-12-05T09:00:00', { label: 'tie-third' })));
    await first.client.send(new DeleteScheduleCommand({ Name: 'tie-second', GroupName: GROUP }));
    await first.client.send(new CreateScheduleCommand(oneTime('tie-second', '2026-12-05T09:00:00', { label: 'tie-second' })));
    clock.set('2026-12-01T09:00:00Z');
    await first.scheduler.fireDue();
    const dead = first.scheduler.deadLetters();
    const metrics = first.scheduler.metrics();
    expect(metrics.scheduleInvocations).toBe(2);
    await first.close();

    const second = await open(world, clock, dataDir);
    expect(second.scheduler.deadLetters()).toEqual(dead);
    expect(second.scheduler.metrics()).toEqual(metrics);
    expect(second.scheduler.get('kept', GROUP)).toMatchObject({ status: 'COMPLETED', lastRun: { outcome: 'SUCCEEDED' } });
    clock.set('2026-12-05T09:00:00Z');
    await second.scheduler.fireDue();
    expect(world.labels()).toEqual(['kept', 'tie-third', 'tie-second']);
    expect(second.scheduler.metrics().scheduleInvocations).toBe(4);
    const meta = JSON.parse(readFileSync(join(dataDir, 'meta.json'), 'utf8')) as { groups: Array<{ name: string }> };
    expect(meta.groups.map((g) => g.name)).toEqual([GROUP]);
  });

  it('a run cut short by close() (target still failing and retrying) stays pending and fires at the next start', async () => {
    const dataDir = tracked(tempDataDir());
    const clock = new FakeClock(Date.parse('2026-12-01T08:00:00Z'));
    const world = new World(clock);
    // A long retry pause: close() must cut it short rather than wait for it.
    const first = await startScheduler({ world, clock, dataDir, overrides: { retryDelayMs: 60_000 } });
    await first.client.send(new CreateScheduleCommand(oneTime('interrupted', '2026-12-01T09:00:00', { target: FAILING_FN })));
    clock.set('2026-12-01T09:00:00Z');
    const firing = first.scheduler.fireDue();
    await vi.waitFor(() => expect(world.failingCalls).toBe(1), { timeout: 1000, interval: 5 });
    const closing = Date.now();
    await first.close();
    await firing;
    // well under the 60 s retry pause it cut short (a bound loose enough for any machine)
    expect(Date.now() - closing).toBeLessThan(30_000);
    expect(world.failingCalls).toBe(1);
    expect(first.scheduler.deadLetters()).toEqual([]);

    const second = await open(world, clock, dataDir);
    expect(second.scheduler.get('interrupted', GROUP)?.status).toBe('SCHEDULED');
    await second.scheduler.fireDue();
    expect(second.scheduler.deadLetters()).toHaveLength(1);
    expect(world.failingCalls).toBe(1 + 3);
  });
});
