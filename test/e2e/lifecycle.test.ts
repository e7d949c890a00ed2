import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { GetExecutionHistoryCommand, SendTaskSuccessCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime';
import { documentClient } from '../../shared/store/dynamo-client';
import { keys } from '../../shared/store/table-design';
import { ticketItem, ticketOfItem } from '../../shared/store/ticket-item';
import { freePort } from '../setup/free-port';
import { Api, startTestRuntime } from '../support/api-client';
import { eventually, tenantOnPreset, type TenantFixture } from '../support/tenant-fixture';

/**
 * The ticket's execution follows the ticket: through races, duplicate callbacks,
 * a restart of the local runtime, and repair. Runs the real ASL on the local
 * Step Functions service, against DynamoDB Local.
 */
let runtime: LocalRuntime;
let api: Api;
let t: TenantFixture;
const dataDir = mkdtempSync(join(tmpdir(), 'tf-lifecycle-'));
const tableName = `lifecycle-${randomUUID()}`;
let apiPort: number;
let sfnPort: number;
let schedulerPort: number;

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const sfn = () => new SFNClient({ endpoint: runtime.sfnEndpoint, region: 'eu-west-1', credentials });
const db = () => documentClient({ endpoint: runtime.dynamoEndpoint, region: 'eu-west-1', credentials });

beforeAll(async () => {
  apiPort = await freePort();
  sfnPort = await freePort();
  schedulerPort = await freePort();
  runtime = await startTestRuntime({ dataDir, tableName, apiPort, sfnPort, schedulerPort });
  api = new Api(runtime.apiUrl);
  t = await tenantOnPreset(api, 'life', 'default');
});
afterAll(async () => runtime?.stop());

const workflow = (id: string) => t.as('agent').get(`/v1/tickets/${id}/workflow`);
const waitingIn = (id: string, state: string) =>
  eventually(
    async () => (await workflow(id)).body,
    (w) => w.currentState === state && w.waitingSince !== null,
  );
const move = async (id: string, to: string, who: Parameters<TenantFixture['as']>[0] = 'agent') => {
  const r = await t.as(who).post(`/v1/tickets/${id}/transitions`, { to });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
};
const lifecycleItem = async (id: string) =>
  (await db().send(new GetCommand({ TableName: tableName, Key: keys.lifecycle('life', id), ConsistentRead: true }))).Item!;

/** The states an execution entered, in order: the path taken, from its history. */
async function statesEntered(executionArn: string): Promise<string[]> {
  const out = await sfn().send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return (out.events ?? []).filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails!.name!);
}

describe('the lifecycle execution follows the ticket', () => {
  it('HappyPath: one execution per ticket, its states follow the categories, visible in GET /workflow', async () => {
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Follow me' })).body;
    const view = await waitingIn(tk.id, 'New');
    expect(view).toMatchObject({ status: 'RUNNING', generation: 1, previousExecutions: [] });
    // named from key, tenant and id: the ticket is found at a glance in the CLI and console
    expect(view.executionArn).toContain(`:execution:ticketflow-ticket-lifecycle:${tk.key}--life--${tk.id}`);
    // locally the console link opens the local console's execution page (in AWS: the Step Functions console)
    expect(view.consoleUrl).toBe(`${runtime.apiUrl}/console/#/executions/${view.executionArn}`);
    await move(tk.id, 'open');
    await waitingIn(tk.id, 'InProgress');
    await move(tk.id, 'pending');
    await waitingIn(tk.id, 'WaitingOnCustomer');
    expect((await t.as('alice').post(`/v1/tickets/${tk.id}/comments`, { body: 'here you go' })).status).toBe(201);
    await waitingIn(tk.id, 'InProgress');
    await move(tk.id, 'solved');
    await waitingIn(tk.id, 'ResolvedAwaitingConfirmation');
    expect((await t.as('alice').post(`/v1/tickets/${tk.id}/close`)).status).toBe(200);
    await waitingIn(tk.id, 'ClosedReopenWindow');
    // the start and each wake-up carry their decision (made by the starter or waker, as ReadTicket would): Route → callback state → Route …
    expect(await statesEntered(view.executionArn)).toEqual([
      'Route',
      'New',
      'Route',
      'InProgress',
      'Route',
      'WaitingOnCustomer',
      'Route',
      'InProgress',
      'Route',
      'ResolvedAwaitingConfirmation',
      'Route',
      'ClosedReopenWindow',
    ]);
    expect((await t.as('alice').get(`/v1/tickets/${tk.id}/workflow`)).status).toBe(403);
  });

  it('Race: a burst of transitions while the execution moves is never lost; it settles where the ticket is', async () => {
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Busy' })).body;
    // no waiting between the moves: several land while the execution is between states
    for (const to of ['open', 'pending', 'open', 'on-hold', 'open', 'scheduled']) await move(tk.id, to);
    await waitingIn(tk.id, 'Scheduled');
    const parallel = (await t.as('alice').post('/v1/tickets', { subject: 'Parallel' })).body;
    await move(parallel.id, 'open');
    await Promise.all([
      t.as('agent').post(`/v1/tickets/${parallel.id}/transitions`, { to: 'pending' }),
      t.as('agent').post(`/v1/tickets/${parallel.id}/transitions`, { to: 'on-hold' }),
    ]);
    const final = (await t.as('agent').get(`/v1/tickets/${parallel.id}`)).body;
    await waitingIn(parallel.id, final.category === 'waiting_customer' ? 'WaitingOnCustomer' : 'WaitingOnThirdParty');
  });

  it('DuplicateCallback: a used token is refused (TaskTimedOut) and changes nothing', async () => {
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Twice' })).body;
    await waitingIn(tk.id, 'New');
    const token = (await lifecycleItem(tk.id)).taskToken as string;
    expect(token).toEqual(expect.any(String));
    await sfn().send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    await expect(sfn().send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    // the spurious wake-up (its output carries no decision) re-read the ticket and went back to waiting where it was
    const view = await eventually(
      async () => (await workflow(tk.id)).body,
      (w) => w.currentState === 'New' && w.waitingSince !== null && w.status === 'RUNNING',
    );
    // an outside callback leaves the record's token in place: wait for the state to register its new one
    await eventually(
      async () => (await lifecycleItem(tk.id)).taskToken,
      (current) => typeof current === 'string' && current !== token,
    );
    expect((await lifecycleItem(tk.id)).taskToken).not.toBe(token);
    await move(tk.id, 'open');
    await waitingIn(tk.id, 'InProgress');
    expect(view.generation).toBe(1);
  });

  it('a change that bypassed the API is followed too: the table stream wakes the execution', async () => {
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Behind the back' })).body;
    await waitingIn(tk.id, 'New');
    // change the ticket behind the API's back (rewriting its stored body): no request, but the stream still carries it
    const stored = ticketOfItem((await db().send(new GetCommand({ TableName: tableName, Key: keys.ticket('life', tk.id), ConsistentRead: true }))).Item!);
    const moved = { ...stored, status: 'open', category: 'active' as const, version: stored.version + 1 };
    await db().send(new PutCommand({ TableName: tableName, Item: ticketItem('life', moved) }));
    await waitingIn(tk.id, 'InProgress');
  });

  it('LostWakeUp healed by repair: an execution whose recorded wait no longer matches the ticket is woken', async () => {
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Diverged' })).body;
    await waitingIn(tk.id, 'New');
    // as if the change that moved the ticket had been dead-lettered: the record says "active", the ticket is "new"
    await db().send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.lifecycle('life', tk.id),
        UpdateExpression: 'SET waitingCategory = :c',
        ExpressionAttributeValues: { ':c': 'active' },
      }),
    );
    expect((await t.as('agent').post(`/v1/tickets/${tk.id}/workflow/repair`)).status).toBe(403);
    const repaired = await t.as('lead').post(`/v1/tickets/${tk.id}/workflow/repair`);
    expect(repaired.status).toBe(200);
    expect(repaired.body.action).toBe('woken');
    // the repair is on the record, by the lead, for staff only
    const history = (await t.as('agent').get(`/v1/tickets/${tk.id}/history?limit=100`)).body.items;
    expect(history.filter((e: any) => e.type === 'workflow-repaired')).toMatchObject([
      { reason: 'woken', actor: { id: 'lead', role: 'lead' }, visibility: 'internal' },
    ]);
    expect((await t.as('alice').get(`/v1/tickets/${tk.id}/history?limit=100`)).body.items.some((e: any) => e.type === 'workflow-repaired')).toBe(false);
    // woken, it read the ticket again and waits where the ticket is, with a record that says so
    await runtime.settled();
    const view = await waitingIn(tk.id, 'New');
    expect((await lifecycleItem(tk.id)).waitingCategory).toBe('new');
    expect(view.status).toBe('RUNNING');
  });

  it('Repair of a stopped execution starts a successor, linked from the ticket, that the ticket drives from then on', async () => {
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Stopped' })).body;
    const first = await waitingIn(tk.id, 'New');
    await sfn().send(new StopExecutionCommand({ executionArn: first.executionArn, cause: 'operator error' }));
    expect((await workflow(tk.id)).body.status).toBe('ABORTED');
    const repaired = await t.as('admin').post(`/v1/tickets/${tk.id}/workflow/repair`);
    expect(repaired.body).toMatchObject({ action: 'restarted', generation: 2, previousExecutions: [first.executionArn] });
    const second = await waitingIn(tk.id, 'New');
    expect(second.executionArn).toMatch(/--g2$/);
    expect(second.status).toBe('RUNNING');
    await move(tk.id, 'open');
    await waitingIn(tk.id, 'InProgress');
    // a second repair finds nothing to do, and no notification was written twice
    expect((await t.as('lead').post(`/v1/tickets/${tk.id}/workflow/repair`)).body.action).toBe('in-line');
    const notices = (await t.as('agent').get(`/v1/tickets/${tk.id}/history?limit=100`)).body.items.filter((e: any) => e.type === 'notification');
    expect(notices.map((n: any) => n.reason)).toEqual(['created', 'status:open']);
  });

  it('Ended: a cancelled ticket ends its execution; a closed ticket with no reopen window too, and a reopen starts a successor', async () => {
    const tk = (await t.as('alice').post('/v1/tickets', { subject: 'Cancel me' })).body;
    await waitingIn(tk.id, 'New');
    await move(tk.id, 'cancelled');
    await eventually(
      async () => (await workflow(tk.id)).body,
      (w) => w.status === 'SUCCEEDED' && w.currentState === 'Cancelled',
    );

    const jira = await tenantOnPreset(api, 'life-jira', 'jira-partner');
    const j = (await jira.as('alice').post('/v1/tickets', { subject: 'Close for good' })).body;
    const jiraView = () => jira.as('agent').get(`/v1/tickets/${j.id}/workflow`);
    await jira.as('agent').post(`/v1/tickets/${j.id}/transitions`, { to: 'fermee' });
    await eventually(
      async () => (await jiraView()).body,
      (w) => w.status === 'SUCCEEDED' && w.currentState === 'Closed',
    );
    expect((await jira.as('alice').post(`/v1/tickets/${j.id}/reopen`, { comment: 'again' })).status).toBe(200);
    const successor = await eventually(
      async () => (await jiraView()).body,
      (w) => w.generation === 2 && w.currentState === 'InProgress',
    );
    expect(successor.status).toBe('RUNNING');
  });
});

describe('a restart of the local runtime', () => {
  it('resumes every waiting execution: the tickets still drive them afterwards', async () => {
    const tickets = await Promise.all([1, 2, 3].map(async (i) => (await t.as('alice').post('/v1/tickets', { subject: `restart ${i}` })).body));
    await move(tickets[1].id, 'open');
    await move(tickets[2].id, 'open');
    await move(tickets[2].id, 'pending');
    await waitingIn(tickets[0].id, 'New');
    await waitingIn(tickets[1].id, 'InProgress');
    await waitingIn(tickets[2].id, 'WaitingOnCustomer');
    const tokensBefore = await Promise.all(tickets.map(async (tk) => (await lifecycleItem(tk.id)).taskToken));

    await runtime.stop();
    runtime = await startTestRuntime({ dataDir, tableName, apiPort, sfnPort, schedulerPort });
    api = new Api(runtime.apiUrl);

    // each resumed wait registered a new token; the old ones are dead
    const tokensAfter = await Promise.all(
      tickets.map((tk, i) =>
        eventually(
          async () => (await lifecycleItem(tk.id)).taskToken,
          (tok) => !!tok && tok !== tokensBefore[i],
        ),
      ),
    );
    await expect(sfn().send(new SendTaskSuccessCommand({ taskToken: tokensBefore[0], output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    expect(new Set(tokensAfter).size).toBe(3);
    await move(tickets[0].id, 'open');
    await move(tickets[1].id, 'solved');
    expect((await t.as('alice').post(`/v1/tickets/${tickets[2].id}/comments`, { body: 'after the restart' })).status).toBe(201);
    await waitingIn(tickets[0].id, 'InProgress');
    await waitingIn(tickets[1].id, 'ResolvedAwaitingConfirmation');
    await waitingIn(tickets[2].id, 'InProgress');
  });
});
