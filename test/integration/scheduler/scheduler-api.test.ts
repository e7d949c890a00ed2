/**
 * The EventBridge Scheduler API of the local service, called through the real
 * @aws-sdk/client-scheduler: CRUD, the errors the SDK must recognise, groups, listing.
 */
import {
  ConflictException,
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  paginateListSchedules,
  ResourceNotFoundException,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalScheduler } from '../../../local/scheduler';
import {
  ACCOUNT,
  errorOf,
  FakeClock,
  GROUP,
  oneTime,
  REGION,
  removeDir,
  REMINDER_FN,
  ROLE_ARN,
  SLA_FN,
  type Started,
  startScheduler,
  tempDataDir,
  World,
} from './harness';

let dataDir: string;
let clock: FakeClock;
let world: World;
let service: Started;

beforeEach(async () => {
  dataDir = tempDataDir();
  clock = new FakeClock(Date.parse('2026-11-30T12:00:00Z'));
  world = new World(clock);
  service = await startScheduler({ world, clock, dataDir });
});

afterEach(async () => {
  await service.close();
  removeDir(dataDir);
});

describe('schedules: create, get, update, delete through the SDK', () => {
  it('creates a one-time schedule and reads it back exactly as the product wrote it', async () => {
    const input = oneTime('sla-T-1', '2026-12-01T09:00:00', { ScheduleExpressionTimezone: 'Europe/Amsterdam', Description: 'SLA breach T-1' });
    const created = await service.client.send(new CreateScheduleCommand(input));
    expect(created.ScheduleArn).toBe(`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${GROUP}/sla-T-1`);

    const got = await service.client.send(new GetScheduleCommand({ Name: 'sla-T-1', GroupName: GROUP }));
    expect(got).toMatchObject({
      Arn: created.ScheduleArn,
      Name: 'sla-T-1',
      GroupName: GROUP,
      ScheduleExpression: 'at(2026-12-01T09:00:00)',
      ScheduleExpressionTimezone: 'Europe/Amsterdam',
      State: 'ENABLED',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Description: 'SLA breach T-1',
      Target: input.Target,
    });
    // Timestamps cross the wire as epoch seconds and come back as Dates on the local clock.
    expect(got.CreationDate).toEqual(new Date('2026-11-30T12:00:00Z'));
    expect(got.LastModificationDate).toEqual(new Date('2026-11-30T12:00:00Z'));
    // 09:00 in Amsterdam in December is 08:00 UTC.
    expect(service.scheduler.get('sla-T-1', GROUP)?.dueAt.toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(service.scheduler.get('sla-T-1', GROUP)?.status).toBe('SCHEDULED');
  });

  it('update replaces the schedule: new time and input, CreationDate kept, LastModificationDate moved', async () => {
    await service.client.send(new CreateScheduleCommand(oneTime('remind-T-2', '2026-12-02T09:00:00', { target: REMINDER_FN })));
    clock.advanceSeconds(3600);
    const moved = oneTime('remind-T-2', '2026-12-03T10:30:00', { target: REMINDER_FN, label: 'moved', State: 'DISABLED', ActionAfterCompletion: 'NONE' });
    const updated = await service.client.send(new UpdateScheduleCommand(moved));
    expect(updated.ScheduleArn).toBe(`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${GROUP}/remind-T-2`);
    const got = await service.client.send(new GetScheduleCommand({ Name: 'remind-T-2', GroupName: GROUP }));
    expect(got.ScheduleExpression).toBe('at(2026-12-03T10:30:00)');
    expect(got.State).toBe('DISABLED');
    expect(got.ActionAfterCompletion).toBe('NONE');
    expect(JSON.parse(got.Target?.Input ?? '{}').label).toBe('moved');
    expect(got.CreationDate).toEqual(new Date('2026-11-30T12:00:00Z'));
    expect(got.LastModificationDate).toEqual(new Date('2026-11-30T13:00:00Z'));
  });

  it('delete removes it: Get then answers ResourceNotFoundException (404)', async () => {
    await service.client.send(new CreateScheduleCommand(oneTime('close-T-3', '2026-12-05T09:00:00')));
    await service.client.send(new DeleteScheduleCommand({ Name: 'close-T-3', GroupName: GROUP }));
    const error = await errorOf(service.client.send(new GetScheduleCommand({ Name: 'close-T-3', GroupName: GROUP })));
    expect(error).toMatchObject({ name: 'ResourceNotFoundException', status: 404, message: 'Schedule close-T-3 does not exist.' });
    expect(service.scheduler.list()).toEqual([]);
  });

  it('without GroupName the schedule lives in the default group', async () => {
    const { GroupName: _omitted, ...input } = oneTime('plain', '2026-12-05T09:00:00');
    const created = await service.client.send(new CreateScheduleCommand(input));
    expect(created.ScheduleArn).toBe(`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/default/plain`);
    expect((await service.client.send(new GetScheduleCommand({ Name: 'plain' }))).GroupName).toBe('default');
    expect(service.scheduler.get('plain')?.groupName).toBe('default');
  });
});

describe('schedules: errors as the SDK expects them', () => {
  it('a duplicate create in the same group is a ConflictException (409); another group is fine', async () => {
    await service.client.send(new CreateScheduleCommand(oneTime('sla-T-4', '2026-12-01T09:00:00')));
    const error = service.client.send(new CreateScheduleCommand(oneTime('sla-T-4', '2026-12-02T09:00:00')));
    await expect(error).rejects.toBeInstanceOf(ConflictException);
    expect(await errorOf(service.client.send(new CreateScheduleCommand(oneTime('sla-T-4', '2026-12-02T09:00:00'))))).toMatchObject({
      name: 'ConflictException',
      status: 409,
      message: 'Schedule sla-T-4 already exists.',
    });
    await service.client.send(new CreateScheduleCommand({ ...oneTime('sla-T-4', '2026-12-02T09:00:00'), GroupName: 'default' }));
    expect(service.scheduler.list().map((s) => `${s.groupName}/${s.name}`)).toEqual([`${GROUP}/sla-T-4`, 'default/sla-T-4']);
  });

  it('repeating a create with the same ClientToken (an SDK retry) answers the same ARN instead of a conflict', async () => {
    const input = { ...oneTime('sla-T-5', '2026-12-01T09:00:00'), ClientToken: 'token-1' };
    const first = await service.client.send(new CreateScheduleCommand(input));
    const again = await service.client.send(new CreateScheduleCommand(input));
    expect(again.ScheduleArn).toBe(first.ScheduleArn);
    await expect(service.client.send(new CreateScheduleCommand({ ...input, ClientToken: 'token-2' }))).rejects.toBeInstanceOf(ConflictException);
  });

  it('deleting a missing schedule is a ResourceNotFoundException (404)', async () => {
    const call = service.client.send(new DeleteScheduleCommand({ Name: 'never-created', GroupName: GROUP }));
    await expect(call).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(await errorOf(service.client.send(new DeleteScheduleCommand({ Name: 'never-created', GroupName: GROUP })))).toMatchObject({
      status: 404,
      message: 'Schedule never-created does not exist.',
    });
    // Update of a missing one too.
    await expect(service.client.send(new UpdateScheduleCommand(oneTime('never-created', '2026-12-01T09:00:00')))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('a group that was never created is a ResourceNotFoundException', async () => {
    const error = await errorOf(service.client.send(new CreateScheduleCommand({ ...oneTime('x', '2026-12-01T09:00:00'), GroupName: 'no-such-group' })));
    expect(error).toMatchObject({ name: 'ResourceNotFoundException', status: 404, message: 'Schedule group no-such-group does not exist.' });
  });

  it.each([
    ['a malformed at()', { ScheduleExpression: 'at(2026-12-01 09:00)' }, 'Invalid Schedule Expression'],
    ['an impossible date', { ScheduleExpression: 'at(2026-02-30T09:00:00)' }, 'Invalid Schedule Expression'],
    ['a rate()', { ScheduleExpression: 'rate(5 minutes)' }, 'Only at() expressions are supported'],
    ['a cron()', { ScheduleExpression: 'cron(0 9 * * ? *)' }, 'Only at() expressions are supported'],
    ['an unknown time zone', { ScheduleExpressionTimezone: 'Europe/Atlantis' }, 'Invalid Schedule Expression Timezone'],
    ['a bad State', { State: 'PAUSED' as 'ENABLED' }, "at 'state'"],
    ['a bad ActionAfterCompletion', { ActionAfterCompletion: 'ARCHIVE' as 'NONE' }, "at 'actionAfterCompletion'"],
    ['a RoleArn that is no role', { Target: { Arn: SLA_FN, RoleArn: 'admin' } }, "at 'target.roleArn'"],
    ['a non-JSON Input for a Lambda', { Target: { Arn: SLA_FN, RoleArn: ROLE_ARN, Input: 'not json' } }, 'well-formed JSON'],
    [
      'a DLQ that is no SQS queue',
      { Target: { Arn: SLA_FN, RoleArn: ROLE_ARN, DeadLetterConfig: { Arn: 'arn:aws:sns:eu-west-1:000000000000:t' } } },
      "at 'target.deadLetterConfig.arn'",
    ],
    ['too many retries', { Target: { Arn: SLA_FN, RoleArn: ROLE_ARN, RetryPolicy: { MaximumRetryAttempts: 186 } } }, 'between 0 and 185'],
    ['a bad name', { Name: 'has space' }, "at 'name'"],
  ])('%s is a ValidationException (400)', async (_label, patch, message) => {
    const error = await errorOf(service.client.send(new CreateScheduleCommand({ ...oneTime('v-1', '2026-12-01T09:00:00'), ...patch })));
    expect(error.name).toBe('ValidationException');
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
    expect(service.scheduler.list()).toEqual([]);
  });

  it('missing required members are ValidationExceptions (the SDK does not check them client-side)', async () => {
    const base = oneTime('v-2', '2026-12-01T09:00:00');
    for (const member of ['ScheduleExpression', 'FlexibleTimeWindow', 'Target'] as const) {
      const { [member]: _dropped, ...input } = base;
      const call = service.client.send(new CreateScheduleCommand(input as typeof base));
      await expect(call, member).rejects.toBeInstanceOf(ValidationException);
    }
    const noRole = service.client.send(new CreateScheduleCommand({ ...base, Target: { Arn: SLA_FN } as typeof base.Target }));
    await expect(noRole).rejects.toBeInstanceOf(ValidationException);
    expect(service.scheduler.list()).toEqual([]);
  });

  it('after close() the API is gone and TS inspection still works', async () => {
    await service.client.send(new CreateScheduleCommand(oneTime('late', '2026-12-01T09:00:00')));
    await service.scheduler.close();
    await expect(service.client.send(new GetScheduleCommand({ Name: 'late', GroupName: GROUP }))).rejects.toThrow();
    expect(service.scheduler.get('late', GROUP)?.name).toBe('late');
  });
});

describe('listing and groups', () => {
  it('ListSchedules filters by group (ScheduleGroup query), prefix and state, and pages with NextToken', async () => {
    for (let i = 0; i < 5; i += 1) await service.client.send(new CreateScheduleCommand(oneTime(`sla-${i}`, '2026-12-01T09:00:00')));
    await service.client.send(new CreateScheduleCommand(oneTime('remind-0', '2026-12-01T09:00:00', { State: 'DISABLED' })));
    await service.client.send(new CreateScheduleCommand({ ...oneTime('sla-default', '2026-12-01T09:00:00'), GroupName: 'default' }));

    const inGroup = await service.client.send(new ListSchedulesCommand({ GroupName: GROUP }));
    expect(inGroup.Schedules?.map((s) => s.Name)).toEqual(['remind-0', 'sla-0', 'sla-1', 'sla-2', 'sla-3', 'sla-4']);
    expect(inGroup.Schedules?.[0]).toMatchObject({ GroupName: GROUP, State: 'DISABLED', Target: { Arn: SLA_FN } });
    expect(inGroup.Schedules?.[0]?.CreationDate).toBeInstanceOf(Date);

    const prefixed = await service.client.send(new ListSchedulesCommand({ NamePrefix: 'sla-' }));
    expect(prefixed.Schedules).toHaveLength(6);
    const disabled = await service.client.send(new ListSchedulesCommand({ State: 'DISABLED' }));
    expect(disabled.Schedules?.map((s) => s.Name)).toEqual(['remind-0']);

    const names: string[] = [];
    for await (const page of paginateListSchedules({ client: service.client, pageSize: 2 }, { GroupName: GROUP })) {
      expect(page.Schedules?.length).toBeLessThanOrEqual(2);
      names.push(...(page.Schedules ?? []).map((s) => s.Name ?? ''));
    }
    expect(names).toEqual(['remind-0', 'sla-0', 'sla-1', 'sla-2', 'sla-3', 'sla-4']);
  });

  it('CreateScheduleGroup / GetScheduleGroup; a duplicate group is a ConflictException', async () => {
    const created = await service.client.send(new CreateScheduleGroupCommand({ Name: 'tenant-extra' }));
    expect(created.ScheduleGroupArn).toBe(`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/tenant-extra`);
    const got = await service.client.send(new GetScheduleGroupCommand({ Name: 'tenant-extra' }));
    expect(got).toMatchObject({ Name: 'tenant-extra', State: 'ACTIVE', Arn: created.ScheduleGroupArn });
    await expect(service.client.send(new CreateScheduleGroupCommand({ Name: 'tenant-extra' }))).rejects.toBeInstanceOf(ConflictException);
    await expect(service.client.send(new GetScheduleGroupCommand({ Name: 'nope' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    // The configured group and `default` exist from the start.
    expect((await service.client.send(new GetScheduleGroupCommand({ Name: GROUP }))).State).toBe('ACTIVE');
    expect((await service.client.send(new GetScheduleGroupCommand({ Name: 'default' }))).Name).toBe('default');
    await service.client.send(new CreateScheduleCommand({ ...oneTime('in-extra', '2026-12-01T09:00:00'), GroupName: 'tenant-extra' }));
    expect(service.scheduler.get('in-extra', 'tenant-extra')?.status).toBe('SCHEDULED');
    const groups = await service.client.send(new ListScheduleGroupsCommand({}));
    expect(groups.ScheduleGroups?.map((g) => g.Name)).toEqual(['default', 'tenant-extra', GROUP]);
    // Deleting a group deletes its schedules; the default group cannot be deleted.
    await service.client.send(new DeleteScheduleGroupCommand({ Name: 'tenant-extra' }));
    expect(service.scheduler.get('in-extra', 'tenant-extra')).toBeUndefined();
    await expect(service.client.send(new DeleteScheduleGroupCommand({ Name: 'default' }))).rejects.toBeInstanceOf(ValidationException);
  });

  it('an operation this service does not implement answers 404 UnknownOperationException in the restJson1 error shape', async () => {
    const res = await fetch(`${service.endpoint}/tags/arn%3Aaws%3Ascheduler%3Aeu-west-1%3A000000000000%3Aschedule-group%2Fdefault`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await res.json()).toEqual({ Message: expect.stringContaining('Unknown operation') });
  });

  it('listens on loopback only', async () => {
    const otherDir = tempDataDir();
    const other = new LocalScheduler({ dataDir: otherDir, clock, targets: {} });
    try {
      await expect(other.listen(0, '0.0.0.0')).rejects.toThrow(/loopback/);
    } finally {
      await other.close();
      removeDir(otherDir);
    }
    expect(service.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
