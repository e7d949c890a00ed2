/**
 * Checkpoint/resume across a restart, and time: callback timeouts, Wait states and the
 * execution timeout follow the injected clock, never the library's real-time timers.
 */
import { readdirSync } from 'node:fs';
import { DescribeExecutionCommand, ListExecutionsCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { StateMachine } from 'aws-local-stepfunctions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalStepFunctions } from '../../../local/stepfunctions';
import {
  ACCOUNT,
  AWAIT_FN,
  errorName,
  eventTypes,
  FakeClock,
  fixtureDefinition,
  history,
  REGION,
  removeDir,
  SM_ARN,
  type Started,
  startService,
  statePath,
  tempDataDir,
  World,
} from './harness';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tracked(dir: string): string {
  cleanups.push(() => removeDir(dir));
  return dir;
}

async function open(world: World, clock: FakeClock, dataDir: string): Promise<Started> {
  const started = await startService({ world, clock, dataDir });
  cleanups.push(() => started.close());
  return started;
}

/** Starts the fixture for `ticketId` in `category` and waits for its first wait. */
async function startTicket(service: Started, world: World, ticketId: string, category: string): Promise<string> {
  world.categories.set(ticketId, category);
  const out = await service.client.send(new StartExecutionCommand({ stateMachineArn: SM_ARN, name: ticketId, input: JSON.stringify({ ticketId }) }));
  await service.sfn.idle();
  return out.executionArn ?? '';
}

describe('restart: checkpoint and resume', () => {
  it('resumes a waiting execution at the same state after a restart; SendTaskSuccess with the new token completes it', async () => {
    const dataDir = tracked(tempDataDir());
    const clock = new FakeClock();
    const world = new World();
    const first = await open(world, clock, dataDir);
    const executionArn = await startTicket(first, world, 'R-1', 'new');
    const before = first.sfn.getExecutionState(executionArn);
    const oldToken = world.lastCallback('R-1').taskToken;
    clock.advanceSeconds(600);
    await first.close();
    expect(readdirSync(dataDir).every((f) => /^exec-[0-9a-f]{40}\.json$/.test(f))).toBe(true);

    const second = await open(world, clock, dataDir);
    await second.sfn.idle();
    const resumed = world.lastCallback('R-1');
    expect(resumed.state).toBe('New');
    expect(resumed.taskToken).not.toBe(oldToken);
    // Same state, same "since" and deadline as before the restart.
    expect(second.sfn.getExecutionState(executionArn)).toEqual(before);

    world.categories.set('R-1', 'closed');
    await second.client.send(new SendTaskSuccessCommand({ taskToken: resumed.taskToken, output: '{}' }));
    await second.sfn.idle();
    const described = await second.client.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('SUCCEEDED');
    expect(described.executionArn).toBe(executionArn);

    const events = await history(second.client, executionArn);
    expect(statePath(events)).toEqual(['Sync', 'Route', 'New', 'Sync', 'Route', 'Ended']);
    expect(eventTypes(events).filter((t) => t === 'ExecutionStarted')).toHaveLength(1);
    // The resumed task was scheduled again (new Lambda call, new token) without re-entering the state.
    const newEntered = events.findIndex((e) => e.stateEnteredEventDetails?.name === 'New');
    expect(eventTypes(events).slice(newEntered, newEntered + 8)).toEqual([
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
    ]);
    expect(events.map((e) => e.id)).toEqual(events.map((_e, i) => i + 1));

    // Finished executions stay readable after yet another restart.
    await second.close();
    const third = await open(world, clock, dataDir);
    const succeeded = await third.client.send(new ListExecutionsCommand({ stateMachineArn: SM_ARN, statusFilter: 'SUCCEEDED' }));
    expect(succeeded.executions?.map((e) => e.executionArn)).toEqual([executionArn]);
    expect(await history(third.client, executionArn)).toEqual(events);
  });

  it('refuses the stale token after a resume (TaskTimedOut) and keeps waiting', async () => {
    const dataDir = tracked(tempDataDir());
    const clock = new FakeClock();
    const world = new World();
    const first = await open(world, clock, dataDir);
    const executionArn = await startTicket(first, world, 'R-2', 'active');
    const staleToken = world.lastCallback('R-2').taskToken;
    await first.close();

    const second = await open(world, clock, dataDir);
    await second.sfn.idle();
    const historyBefore = await history(second.client, executionArn);
    expect(await errorName(second.client.send(new SendTaskSuccessCommand({ taskToken: staleToken, output: '{}' })))).toBe('TaskTimedOut');
    await second.sfn.idle();
    expect(await history(second.client, executionArn)).toEqual(historyBefore);
    expect(second.sfn.getExecutionState(executionArn)).toMatchObject({ status: 'RUNNING', currentState: 'InProgress', waitingFor: 'callback' });
  });

  it('keeps the callback deadline across a restart and times out on the clock afterwards', async () => {
    const dataDir = tracked(tempDataDir());
    const clock = new FakeClock();
    const world = new World();
    const first = await open(world, clock, dataDir);
    const executionArn = await startTicket(first, world, 'R-3', 'new');
    const deadline = first.sfn.getExecutionState(executionArn)?.deadline;
    expect(deadline).toEqual(new Date(clock.ms + 3600 * 1000));
    clock.advanceSeconds(3000);
    await first.close();

    const second = await open(world, clock, dataDir);
    await second.sfn.idle();
    expect(second.sfn.getExecutionState(executionArn)?.deadline).toEqual(deadline);
    clock.advanceSeconds(600); // exactly the original deadline
    await second.sfn.fireDue();
    const events = await history(second.client, executionArn);
    expect(eventTypes(events)).toContain('TaskTimedOut');
    expect(statePath(events)).toEqual(['Sync', 'Route', 'New', 'Sync', 'Route', 'New']);
  });
});

describe('time follows the injected clock', () => {
  it('a waiting execution does not die after 60 s of real time (the library default task timeout is neutralised)', async () => {
    const clock = new FakeClock();
    const world = new World();
    const noTimeoutArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:no-timeout`;
    const noTimeout = {
      StartAt: 'Await',
      States: {
        // No TimeoutSeconds: aws-local-stepfunctions would fail this task after 60 s of real time.
        Await: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: AWAIT_FN, Payload: { 'ticketId.$': '$.ticketId', state: 'Await', 'taskToken.$': '$$.Task.Token' } },
          End: true,
        },
      },
    };
    const sfn = await LocalStepFunctions.create({
      dataDir: tracked(tempDataDir()),
      clock,
      stateMachines: [
        { arn: SM_ARN, name: 'fixture-lifecycle', definition: fixtureDefinition() },
        { arn: noTimeoutArn, name: 'no-timeout', definition: noTimeout },
      ],
      lambdas: world.lambdas(),
    });
    cleanups.push(() => sfn.close());

    // Real-time timers are fake from here on (setImmediate and I/O stay real).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    // Control: the raw library does kill such a task once 60 s of timers have passed.
    const raw = new StateMachine(noTimeout as never, { validationOptions: { noValidate: true } });
    const rawRun = raw.run(
      { ticketId: 'control' },
      // (without a context Task.Token the raw library fails at once: it has no $$.Task.Token)
      { context: { Task: { Token: 'control' } }, overrides: { taskResourceLocalHandlers: { Await: () => new Promise(() => undefined) } } },
    );
    const rawOutcome = rawRun.result.then(
      () => 'succeeded',
      (error: { cause?: Error }) => error.cause?.name,
    );

    world.categories.set('L-1', 'waiting_customer'); // 40-day TimeoutSeconds: would overflow setTimeout to 1 ms
    const fixtureRun = await sfn.startExecution({ stateMachineArn: SM_ARN, name: 'L-1', input: JSON.stringify({ ticketId: 'L-1' }) });
    const bareRun = await sfn.startExecution({ stateMachineArn: noTimeoutArn, name: 'L-2', input: JSON.stringify({ ticketId: 'L-2' }) });
    await sfn.idle();

    await vi.advanceTimersByTimeAsync(61_000);
    expect(await rawOutcome).toBe('States.Timeout');
    await vi.advanceTimersByTimeAsync(3 * 24 * 3600 * 1000); // three more days of real-time timers
    await sfn.idle();

    for (const { executionArn } of [fixtureRun, bareRun]) {
      expect(sfn.getExecutionState(executionArn)).toMatchObject({ status: 'RUNNING', waitingFor: 'callback' });
      const { events } = await sfn.getExecutionHistory({ executionArn });
      expect(events.map((e) => e.type)).not.toContain('TaskTimedOut');
      expect(events.map((e) => e.type)).not.toContain('TaskFailed');
    }

    // Both still complete normally with their (only) tokens.
    world.categories.set('L-1', 'closed');
    await sfn.sendTaskSuccess({ taskToken: world.lastCallback('L-1').taskToken, output: '{}' });
    await sfn.sendTaskSuccess({ taskToken: world.lastCallback('L-2').taskToken, output: '{"done":true}' });
    await sfn.idle();
    expect((await sfn.describeExecution(fixtureRun)).status).toBe('SUCCEEDED');
    expect(await sfn.describeExecution(bareRun)).toMatchObject({ status: 'SUCCEEDED', output: '{"done":true}' });
  });

  it('Wait states and the execution TimeoutSeconds follow the clock (fireDue)', async () => {
    const clock = new FakeClock();
    const arn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:waits`;
    const sfn = await LocalStepFunctions.create({
      dataDir: tracked(tempDataDir()),
      clock,
      stateMachines: [
        {
          arn,
          name: 'waits',
          definition: {
            StartAt: 'Pause',
            TimeoutSeconds: 7200,
            States: {
              Pause: { Type: 'Wait', Seconds: 3600, Next: 'Long' },
              Long: { Type: 'Wait', SecondsPath: '$.long', Next: 'Done' },
              Done: { Type: 'Succeed' },
            },
          },
        },
      ],
      lambdas: {},
    });
    cleanups.push(() => sfn.close());
    const { executionArn } = await sfn.startExecution({ stateMachineArn: arn, name: 'w-1', input: '{"long":10000}' });
    await sfn.idle();
    expect(sfn.getExecutionState(executionArn)).toMatchObject({ currentState: 'Pause', waitingFor: 'wait', deadline: new Date(clock.ms + 3600_000) });

    clock.advanceSeconds(3600);
    await sfn.fireDue();
    expect(sfn.getExecutionState(executionArn)).toMatchObject({ currentState: 'Long', waitingFor: 'wait', deadline: new Date(clock.ms + 10_000_000) });

    clock.advanceSeconds(3600); // the execution's 7200 s are up before Long ends
    await sfn.fireDue();
    const described = await sfn.describeExecution({ executionArn });
    expect(described).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    const { events } = await sfn.getExecutionHistory({ executionArn });
    expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'WaitStateEntered', 'ExecutionTimedOut']);
  });
});
