/**
 * The local Step Functions service through @aws-sdk/client-sfn, against the fixture ASL
 * (Sync → Route → callback states → back to Sync, Ended). Paths are asserted from
 * GetExecutionHistory.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  errorName,
  eventTypes,
  FakeClock,
  history,
  removeDir,
  SM_ARN,
  type Started,
  startService,
  statePath,
  tempDataDir,
  TOKEN_FORMAT,
  World,
} from './harness';

const clock = new FakeClock();
const world = new World();
const dataDir = tempDataDir();
let service: Started;

beforeAll(async () => {
  service = await startService({ world, clock, dataDir, retryIntervalMs: 1 });
});

afterAll(async () => {
  await service?.close();
  removeDir(dataDir);
});

let ticketSeq = 0;
/** A new ticket in `category` and its execution, settled at its first wait. */
async function startTicket(category: string, name?: string): Promise<{ ticketId: string; executionArn: string }> {
  const ticketId = `T-${++ticketSeq}`;
  world.categories.set(ticketId, category);
  const out = await service.client.send(new StartExecutionCommand({ stateMachineArn: SM_ARN, name: name ?? ticketId, input: JSON.stringify({ ticketId }) }));
  await service.sfn.idle();
  return { ticketId, executionArn: out.executionArn ?? '' };
}

async function succeed(token: string, output: object = {}): Promise<void> {
  await service.client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
  await service.sfn.idle();
}

async function status(executionArn: string): Promise<string | undefined> {
  return (await service.client.send(new DescribeExecutionCommand({ executionArn }))).status;
}

describe('local Step Functions over the AWS JSON protocol', () => {
  it('HappyPath: through two callback waits to Ended', async () => {
    const { ticketId, executionArn } = await startTicket('new');
    const first = world.lastCallback(ticketId);
    expect(first.state).toBe('New');
    expect(first.taskToken).toMatch(TOKEN_FORMAT);
    expect(service.sfn.getExecutionState(executionArn)).toMatchObject({
      status: 'RUNNING',
      currentState: 'New',
      waitingFor: 'callback',
      waitingSince: clock.now(),
      deadline: new Date(clock.ms + 3600 * 1000),
    });

    // $$.Execution.Id / StartTime reach the Lambda.
    const startDate = (await service.client.send(new DescribeExecutionCommand({ executionArn }))).startDate;
    expect(world.syncPayloads.at(-1)).toEqual({ ticketId, executionArn, executionStartTime: startDate?.toISOString() });

    world.categories.set(ticketId, 'active');
    await succeed(first.taskToken);
    const second = world.lastCallback(ticketId);
    expect(second.state).toBe('InProgress');
    expect(second.taskToken).not.toBe(first.taskToken);

    world.categories.set(ticketId, 'closed');
    await succeed(second.taskToken, { reason: 'solved' });

    const described = await service.client.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('SUCCEEDED');
    expect(described.stopDate?.getTime()).toBe(clock.ms);
    expect(JSON.parse(described.output ?? 'null')).toEqual({ ticketId, ticket: { category: 'closed' } });

    const events = await history(service.client, executionArn);
    expect(statePath(events)).toEqual(['Sync', 'Route', 'New', 'Sync', 'Route', 'InProgress', 'Sync', 'Route', 'Ended']);
    expect(eventTypes(events)[0]).toBe('ExecutionStarted');
    expect(eventTypes(events).at(-1)).toBe('ExecutionSucceeded');
    // A callback task: scheduled, started, submitted (the Lambda returned), then succeeded by SendTaskSuccess.
    const newTask = eventTypes(events).slice(events.findIndex((e) => e.stateEnteredEventDetails?.name === 'New'));
    expect(newTask.slice(0, 6)).toEqual(['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited']);
    // lambda:invoke result shape, as Step Functions returns it.
    const submitted = events.find((e) => e.type === 'TaskSubmitted');
    expect(JSON.parse(submitted?.taskSubmittedEventDetails?.output ?? '{}')).toMatchObject({
      Payload: { stored: true },
      StatusCode: 200,
      ExecutedVersion: '$LATEST',
    });
    const scheduled = events.filter((e) => e.type === 'TaskScheduled')[1];
    expect(scheduled?.taskScheduledEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken', timeoutInSeconds: 3600 });
    expect(JSON.parse(scheduled?.taskScheduledEventDetails?.parameters ?? '{}').Payload.taskToken).toBe(first.taskToken);
    // Ids chain, timestamps come from the injected clock (2031, far from real time).
    expect(events.map((e) => e.id)).toEqual(events.map((_e, i) => i + 1));
    expect(events.every((e, i) => e.previousEventId === i)).toBe(true);
    expect(events.every((e) => e.timestamp?.getTime() === clock.ms)).toBe(true);
    // The callback's output went through ResultPath "$.callback" into the next Sync's input.
    const inProgressExit = events.filter((e) => e.type === 'TaskStateExited').at(-2);
    expect(JSON.parse(inProgressExit?.stateExitedEventDetails?.output ?? '{}').callback).toEqual({ reason: 'solved' });
  });

  it('SendTaskFailure is routed by the Catch on its error; an uncaught one fails the execution', async () => {
    const caught = await startTicket('new');
    await service.client.send(
      new SendTaskFailureCommand({ taskToken: world.lastCallback(caught.ticketId).taskToken, error: 'Ticket.Deleted', cause: 'removed by admin' }),
    );
    await service.sfn.idle();
    expect(await status(caught.executionArn)).toBe('SUCCEEDED');
    const events = await history(service.client, caught.executionArn);
    expect(statePath(events)).toEqual(['Sync', 'Route', 'New', 'Deleted', 'Ended']);
    expect(events.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails).toMatchObject({ error: 'Ticket.Deleted', cause: 'removed by admin' });
    const deletedInput = JSON.parse(events.find((e) => e.stateEnteredEventDetails?.name === 'Deleted')?.stateEnteredEventDetails?.input ?? '{}');
    expect(deletedInput.failure).toEqual({ Error: 'Ticket.Deleted', Cause: 'removed by admin' });

    const uncaught = await startTicket('active');
    await service.client.send(new SendTaskFailureCommand({ taskToken: world.lastCallback(uncaught.ticketId).taskToken, error: 'Agent.Gone', cause: 'x' }));
    await service.sfn.idle();
    const described = await service.client.send(new DescribeExecutionCommand({ executionArn: uncaught.executionArn }));
    expect(described).toMatchObject({ status: 'FAILED', error: 'Agent.Gone', cause: 'x' });
    expect(statePath(await history(service.client, uncaught.executionArn))).toEqual(['Sync', 'Route', 'InProgress']);
  });

  it('a duplicate SendTaskSuccess is TaskTimedOut and changes nothing; heartbeats follow the token', async () => {
    const { ticketId, executionArn } = await startTicket('new');
    const { taskToken } = world.lastCallback(ticketId);
    await service.client.send(new SendTaskHeartbeatCommand({ taskToken }));
    world.categories.set(ticketId, 'active');
    await succeed(taskToken);
    const before = await history(service.client, executionArn);
    const callbacksBefore = world.callbacks.length;

    expect(await errorName(service.client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })))).toBe('TaskTimedOut');
    expect(await errorName(service.client.send(new SendTaskFailureCommand({ taskToken, error: 'X' })))).toBe('TaskTimedOut');
    expect(await errorName(service.client.send(new SendTaskHeartbeatCommand({ taskToken })))).toBe('TaskTimedOut');
    expect(await errorName(service.client.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' })))).toBe('InvalidToken');
    const live = world.lastCallback(ticketId).taskToken;
    expect(await errorName(service.client.send(new SendTaskSuccessCommand({ taskToken: live, output: 'not json' })))).toBe('InvalidOutput');
    await service.sfn.idle();

    expect(await history(service.client, executionArn)).toEqual(before);
    expect(world.callbacks.length).toBe(callbacksBefore);
    expect(service.sfn.getExecutionState(executionArn)?.currentState).toBe('InProgress');
  });

  it('a callback timeout fires when the injected clock passes TimeoutSeconds (fireDue), and Catch loops to Sync', async () => {
    const { ticketId, executionArn } = await startTicket('new');
    const first = world.lastCallback(ticketId);

    clock.advanceSeconds(3599);
    await service.sfn.fireDue();
    expect(statePath(await history(service.client, executionArn))).toEqual(['Sync', 'Route', 'New']);

    clock.advanceSeconds(1);
    await service.sfn.fireDue();
    const events = await history(service.client, executionArn);
    expect(statePath(events)).toEqual(['Sync', 'Route', 'New', 'Sync', 'Route', 'New']);
    const timedOut = events.find((e) => e.type === 'TaskTimedOut');
    expect(timedOut?.taskTimedOutEventDetails?.error).toBe('States.Timeout');
    expect(timedOut?.timestamp?.getTime()).toBe(clock.ms);
    expect(await status(executionArn)).toBe('RUNNING');

    // The timed-out token is dead; the new wait has a fresh token and a fresh deadline.
    expect(await errorName(service.client.send(new SendTaskSuccessCommand({ taskToken: first.taskToken, output: '{}' })))).toBe('TaskTimedOut');
    expect(world.lastCallback(ticketId).taskToken).not.toBe(first.taskToken);
    expect(service.sfn.getExecutionState(executionArn)?.deadline).toEqual(new Date(clock.ms + 3600 * 1000));
  });

  it('StartExecution is idempotent for the same name and input while running, else ExecutionAlreadyExists', async () => {
    const { ticketId, executionArn } = await startTicket('new', 'idem-1');
    const firstStart = await service.client.send(new DescribeExecutionCommand({ executionArn }));
    clock.advanceSeconds(5);
    const again = await service.client.send(new StartExecutionCommand({ stateMachineArn: SM_ARN, name: 'idem-1', input: JSON.stringify({ ticketId }) }));
    expect(again.executionArn).toBe(executionArn);
    expect(again.startDate).toEqual(firstStart.startDate);
    await service.sfn.idle();
    expect(world.callbacks.filter((c) => c.ticketId === ticketId)).toHaveLength(1);

    expect(
      await errorName(
        service.client.send(new StartExecutionCommand({ stateMachineArn: SM_ARN, name: 'idem-1', input: JSON.stringify({ ticketId: 'other' }) })),
      ),
    ).toBe('ExecutionAlreadyExists');

    world.categories.set(ticketId, 'closed');
    await succeed(world.lastCallback(ticketId).taskToken);
    expect(await status(executionArn)).toBe('SUCCEEDED');
    expect(
      await errorName(service.client.send(new StartExecutionCommand({ stateMachineArn: SM_ARN, name: 'idem-1', input: JSON.stringify({ ticketId }) }))),
    ).toBe('ExecutionAlreadyExists');
  });

  it('StopExecution aborts: ABORTED, the pending token dies, no further steps', async () => {
    const { ticketId, executionArn } = await startTicket('active');
    const { taskToken } = world.lastCallback(ticketId);
    const stopped = await service.client.send(new StopExecutionCommand({ executionArn, error: 'Ticket.Deleted', cause: 'gone' }));
    expect(stopped.stopDate?.getTime()).toBe(clock.ms);
    await service.sfn.idle();

    expect(await service.client.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({
      status: 'ABORTED',
      error: 'Ticket.Deleted',
      cause: 'gone',
    });
    expect(await errorName(service.client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })))).toBe('TaskTimedOut');
    const syncCalls = () => world.syncPayloads.filter((p) => p.ticketId === ticketId).length;
    const before = syncCalls();
    clock.advanceSeconds(604800 + 1); // past InProgress's TimeoutSeconds: its timeout must not fire any more
    await service.sfn.fireDue();
    expect(syncCalls()).toBe(before);
    const events = await history(service.client, executionArn);
    expect(statePath(events)).toEqual(['Sync', 'Route', 'InProgress']);
    expect(events.at(-1)).toMatchObject({ type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'Ticket.Deleted', cause: 'gone' } });
    expect(service.sfn.getExecutionState(executionArn)).toMatchObject({ status: 'ABORTED', currentState: null });
  });

  it('ListExecutions filters by status and pages with nextToken', async () => {
    const running = await startTicket('waiting_customer');
    const done = await startTicket('closed');
    expect(await status(done.executionArn)).toBe('SUCCEEDED');

    const list = async (statusFilter?: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED') =>
      (await service.client.send(new ListExecutionsCommand({ stateMachineArn: SM_ARN, statusFilter, maxResults: 1000 }))).executions ?? [];
    const runningArns = (await list('RUNNING')).map((e) => e.executionArn);
    const succeededArns = (await list('SUCCEEDED')).map((e) => e.executionArn);
    expect(runningArns).toContain(running.executionArn);
    expect(runningArns).not.toContain(done.executionArn);
    expect(succeededArns).toContain(done.executionArn);
    expect(succeededArns).not.toContain(running.executionArn);
    expect((await list('ABORTED')).every((e) => e.status === 'ABORTED')).toBe(true);

    const all = await list();
    const paged: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await service.client.send(new ListExecutionsCommand({ stateMachineArn: SM_ARN, maxResults: 2, nextToken }));
      expect((page.executions ?? []).length).toBeLessThanOrEqual(2);
      paged.push(...(page.executions ?? []).map((e) => e.executionArn ?? ''));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(paged).toEqual(all.map((e) => e.executionArn));

    const reversed = await service.client.send(new GetExecutionHistoryCommand({ executionArn: done.executionArn, reverseOrder: true, maxResults: 1 }));
    expect(reversed.events?.[0]?.type).toBe('ExecutionSucceeded');
    expect(reversed.nextToken).toBeTruthy();
  });

  it('a Lambda error is a task failure: Retry on its name, else the execution fails with it', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Lambda.TooManyRequestsException' });
    world.syncErrors.push(throttled);
    const retried = await startTicket('new');
    expect(statePath(await history(service.client, retried.executionArn))).toEqual(['Sync', 'Route', 'New']);
    expect(eventTypes(await history(service.client, retried.executionArn)).filter((t) => t === 'TaskFailed')).toHaveLength(1);

    world.syncErrors.push(new TypeError('boom'));
    const failed = await startTicket('new');
    const described = await service.client.send(new DescribeExecutionCommand({ executionArn: failed.executionArn }));
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('TypeError');
    expect(JSON.parse(described.cause ?? '{}')).toMatchObject({ errorType: 'TypeError', errorMessage: 'boom' });
  });

  it('answers AWS error codes: ExecutionDoesNotExist, InvalidArn, StateMachineDoesNotExist, UnknownOperation', async () => {
    const missing = SM_ARN.replace(':stateMachine:', ':execution:') + ':nope';
    expect(await errorName(service.client.send(new DescribeExecutionCommand({ executionArn: missing })))).toBe('ExecutionDoesNotExist');
    expect(await errorName(service.client.send(new DescribeExecutionCommand({ executionArn: 'garbage' })))).toBe('InvalidArn');
    expect(await errorName(service.client.send(new StartExecutionCommand({ stateMachineArn: `${SM_ARN}-other`, input: '{}' })))).toBe(
      'StateMachineDoesNotExist',
    );
    expect(await errorName(service.client.send(new StartExecutionCommand({ stateMachineArn: SM_ARN, input: '{not json' })))).toBe('InvalidExecutionInput');

    const res = await fetch(service.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.CreateActivity' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'UnknownOperationException' });
    const dead = await fetch(service.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.SendTaskSuccess' },
      body: JSON.stringify({ taskToken: 'A'.repeat(43), output: '{}' }),
    });
    expect(dead.status).toBe(400);
    expect(await dead.json()).toMatchObject({ __type: 'com.amazonaws.swf.base.model#TaskTimedOut' });
  });
});
