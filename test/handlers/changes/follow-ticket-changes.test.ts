import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Ticket } from '../../../shared/domain/ticket';
import { executionArn, executionName } from '../../../shared/lifecycle/execution-names';
import { keys } from '../../../shared/store/table-design';
import type { TimerKind } from '../../../shared/timers/desired-timers';
import { scheduleName } from '../../../shared/timers/sync-timers';
import { aTicket, ddb } from '../tickets/dynamo-mock';
import { ticketItem } from '../../../shared/store/ticket-item';
import { lambdaContext } from '../tickets/events';

/**
 * The table's stream consumer as Lambda runs it: the real handler module and wiring, with
 * aws-sdk-client-mock standing in for DynamoDB, Step Functions and EventBridge Scheduler.
 */
// The handler wires its clients and reads its configuration when it is imported.
const ENVIRONMENT = vi.hoisted(() => {
  const environment = {
    TABLE_NAME: 'test-table',
    STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:ticketflow-ticket-lifecycle',
    SCHEDULE_GROUP: 'ticketflow-timers',
    TIMER_TARGET_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:fire-timer',
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/ticketflow-scheduler',
    TIMER_DLQ_ARN: 'arn:aws:sqs:eu-west-1:123456789012:ticketflow-timer-dlq',
    MAIL_OUT: 'ses',
  };
  Object.assign(process.env, environment, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  for (const name of ['DYNAMODB_ENDPOINT', 'SFN_ENDPOINT', 'SCHEDULER_ENDPOINT', 'SES_ENDPOINT']) delete process.env[name];
  return environment;
});
const { handler } = await import('../../../functions/changes/follow-ticket-changes');

const sfn = mockClient(SFNClient);
const scheduler = mockClient(SchedulerClient);
const lowLevelDynamo = mockClient(DynamoDBClient);

const tenantId = 'acme';
const submittedAt = '2026-03-02T09:00:00.000Z';
const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/test-table/stream/2026-03-01T00:00:00.000';

const submitted = (id: string): Ticket =>
  aTicket({
    id,
    status: 'soumise',
    category: 'new',
    createdAt: submittedAt,
    updatedAt: submittedAt,
    submittedAt,
    statusSince: submittedAt,
    lastTouchedAt: submittedAt,
    categoryLog: [{ at: submittedAt, category: 'new' }],
  });
const first = submitted('01JTICKET0000000000000001');
const second = submitted('01JTICKET0000000000000002');

/** A stream record as Lambda delivers it (NEW_AND_OLD_IMAGES). */
function streamRecord(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', key: { pk: string; sk: string }, sequence: string, version?: number): DynamoDBRecord {
  const image = { pk: { S: key.pk }, sk: { S: key.sk }, ...(version === undefined ? {} : { version: { N: String(version) } }) };
  return {
    eventID: `event-${sequence}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    eventSourceARN: STREAM_ARN,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.parse(submittedAt) / 1000),
      Keys: { pk: { S: key.pk }, sk: { S: key.sk } },
      ...(eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image }),
      SequenceNumber: sequence,
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
const ticketRecord = (t: Ticket, sequence: string, eventName: 'INSERT' | 'MODIFY' = 'INSERT') =>
  streamRecord(eventName, keys.ticket(tenantId, t.id), sequence, t.version);

const follow = (...records: DynamoDBRecord[]) => handler({ Records: records } satisfies DynamoDBStreamEvent, lambdaContext());

const timerNames = (t: Ticket) =>
  (['sla-response-warning', 'sla-response-breach', 'sla-resolution-warning', 'sla-resolution-breach'] as const satisfies readonly TimerKind[]).map((kind) =>
    scheduleName(tenantId, t, kind),
  );

beforeEach(() => {
  // The SLA timers depend on "now": the clock stands 30 seconds after the submission.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-03-02T09:00:30.000Z'));
  ddb.reset();
  sfn.reset();
  scheduler.reset();
  lowLevelDynamo.reset();
  // Nothing stored beside the tickets yet: no LIFECYCLE, no TIMERS item.
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: keys.settings(tenantId) }).resolves({
    Item: {
      ...keys.settings(tenantId),
      entity: 'settings',
      settings: { workflow: 'jira-partner', coverage: '24x7', timezone: 'UTC', sla: { response: { normal: 60 }, resolution: { medium: 240 } } },
    },
  });
  for (const t of [first, second]) ddb.on(GetCommand, { Key: keys.ticket(tenantId, t.id) }).resolves({ Item: ticketItem(tenantId, t) });
  ddb.on(PutCommand).resolves({});
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn', startDate: new Date() });
  scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the table stream consumer (functions/changes/follow-ticket-changes)', () => {
  it('ignores every record that is neither a ticket nor settings item, without a single AWS call', async () => {
    const partition = keys.ticketPartition(tenantId, first.id);
    const result = await follow(
      streamRecord('INSERT', keys.history(tenantId, first.id, '01JHIST'), '100'),
      streamRecord('INSERT', keys.comment(tenantId, first.id, '01JCOMMENT'), '101'),
      streamRecord('MODIFY', { pk: partition, sk: 'LIFECYCLE' }, '102'),
      streamRecord('MODIFY', { pk: partition, sk: 'TIMERS' }, '103'),
      streamRecord('MODIFY', keys.ticketCounter(tenantId), '105'),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    expect(ddb.calls()).toHaveLength(0);
    expect(lowLevelDynamo.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
    expect(scheduler.calls()).toHaveLength(0);
  });

  it('a settings change with no migration running reads the settings once and writes nothing', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...keys.settings(tenantId), settings: { workflow: 'boltrics' }, revision: 3 } });
    const result = await follow(streamRecord('MODIFY', keys.settings(tenantId), '104'));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
    expect(ddb).toHaveReceivedCommandWith(GetCommand, { Key: keys.settings(tenantId) });
    expect(ddb.calls()).toHaveLength(1);
    expect(sfn.calls()).toHaveLength(0);
    expect(scheduler.calls()).toHaveLength(0);
  });

  it('starts the execution of an inserted ticket under its name and creates its schedules', async () => {
    const result = await follow(ticketRecord(first, '200'));

    expect(result).toEqual({ batchItemFailures: [] });
    const name = executionName(tenantId, first, 1);
    expect(sfn).toHaveReceivedCommandOnce(StartExecutionCommand);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: ENVIRONMENT.STATE_MACHINE_ARN,
      name,
    });
    // it starts at Route with the decision ReadTicket would make: wait where the ticket is
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!);
    expect(input).toMatchObject({ tenantId, ticketId: first.id, cycle: 1, next: 'wait', ticket: { category: first.category, version: first.version } });
    // recorded beside the ticket, only if none is recorded yet
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'test-table',
      Item: expect.objectContaining({ ...keys.lifecycle(tenantId, first.id), executionArn: executionArn(ENVIRONMENT.STATE_MACHINE_ARN, name) }),
      ConditionExpression: 'attribute_not_exists(pk)',
    });

    const schedules = scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
    expect(schedules.map((s) => s.Name).sort()).toEqual(timerNames(first).sort());
    const byName = new Map(schedules.map((s) => [s.Name, s]));
    const [responseWarning, responseBreach, resolutionWarning, resolutionBreach] = timerNames(first);
    expect(byName.get(responseWarning)?.ScheduleExpression).toBe('at(2026-03-02T09:45:00)');
    expect(byName.get(responseBreach)?.ScheduleExpression).toBe('at(2026-03-02T10:00:00)');
    expect(byName.get(resolutionWarning)?.ScheduleExpression).toBe('at(2026-03-02T12:00:00)');
    expect(byName.get(resolutionBreach)).toMatchObject({
      GroupName: ENVIRONMENT.SCHEDULE_GROUP,
      ScheduleExpression: 'at(2026-03-02T13:00:00)',
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: ENVIRONMENT.TIMER_TARGET_ARN,
        RoleArn: ENVIRONMENT.SCHEDULER_ROLE_ARN,
        DeadLetterConfig: { Arn: ENVIRONMENT.TIMER_DLQ_ARN },
      },
    });
    expect(JSON.parse(byName.get(resolutionBreach)!.Target!.Input!)).toEqual({
      tenantId,
      ticketId: first.id,
      kind: 'sla-resolution-breach',
      dueAt: '2026-03-02T13:00:00.000Z',
    });
    // and the schedules it now has are recorded in the TIMERS item
    expect(ddb).toHaveReceivedCommandWith(PutCommand, { Item: expect.objectContaining({ ...keys.timers(tenantId, first.id) }) });
  });

  it("reports a ticket whose execution could not be started by its first record's sequence number, and follows the others", async () => {
    sfn
      .on(StartExecutionCommand, { name: executionName(tenantId, second, 1) })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: {} }));

    const result = await follow(
      ticketRecord(first, '300'),
      ticketRecord(second, '301'),
      streamRecord('INSERT', keys.history(tenantId, second.id, '01JHIST'), '302'),
      ticketRecord({ ...second, version: 2 }, '303', 'MODIFY'),
    );

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '301' }] });
    // the other ticket of the batch still got its execution
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { name: executionName(tenantId, first, 1) });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 2);
  });

  it('answers an empty batchItemFailures when every ticket is in line', async () => {
    const result = await follow(ticketRecord(first, '400'), ticketRecord(second, '401'), ticketRecord({ ...first, version: 2 }, '402', 'MODIFY'));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 2);
    expect(scheduler).toHaveReceivedCommandTimes(CreateScheduleCommand, 8);
  });
});
