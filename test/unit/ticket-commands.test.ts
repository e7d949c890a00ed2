import { describe, expect, it } from 'vitest';
import { DomainError } from '../../shared/domain/errors';
import type { WorkflowDefinition } from '../../shared/domain/workflow';
import { addComment, confirmClose, patchTicket, reopenTicket } from '../../shared/tickets/ticket-commands';
import { DEFAULT_WORKFLOW } from '../../shared/workflows/default';
import { aTicket, caller, fakeDeps } from './fakes';

const DAY_MS = 86_400_000;
const customer = caller('customer'); // sub customer-1, the requester of aTicket()
const agent = caller('agent');

const req = (who = customer, expectedVersion: number | null = null) => ({ caller: who, idOrKey: 'TK1', expectedVersion });

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the command to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('customer reply rule', () => {
  it('moves a ticket that waits on the customer back to open when the customer answers', async () => {
    const deps = fakeDeps();
    deps.tickets.seed('acme', aTicket({ status: 'pending', category: 'waiting_customer' }));

    const { ticket, comments } = await addComment(deps, req(customer), { body: 'It is the one on floor 2.' });

    expect(ticket).toMatchObject({ status: 'open', category: 'active', version: 2 });
    const stored = await deps.tickets.get('acme', 'TK1');
    expect({ ...ticket, sla: stored!.sla }).toEqual(stored);
    expect(comments).toEqual([
      expect.objectContaining({
        body: 'It is the one on floor 2.',
        visibility: 'public',
        author: expect.objectContaining({ id: 'customer-1', role: 'customer' }),
      }),
    ]);
    // The comment and the move it causes are one change.
    const history = (await deps.tickets.listHistory('acme', 'TK1', { limit: 10, cursor: null }, true)).items;
    expect(history).toContainEqual(expect.objectContaining({ type: 'comment-added', version: 2 }));
    expect(history).toContainEqual(
      expect.objectContaining({
        type: 'status-changed',
        reason: 'customer-reply',
        changes: expect.objectContaining({ status: { from: 'pending', to: 'open' } }),
        version: 2,
      }),
    );
  });

  it('leaves the status alone when staff comment on a waiting ticket', async () => {
    const deps = fakeDeps();
    deps.tickets.seed('acme', aTicket({ status: 'pending', category: 'waiting_customer' }));

    const { ticket } = await addComment(deps, req(agent), { body: 'Any news?' });

    expect(ticket).toMatchObject({ status: 'pending', category: 'waiting_customer', version: 2 });
    const history = (await deps.tickets.listHistory('acme', 'TK1', { limit: 10, cursor: null }, true)).items;
    expect(history).toContainEqual(expect.objectContaining({ type: 'comment-added' }));
    expect(history).not.toContainEqual(expect.objectContaining({ type: 'status-changed' }));
  });

  it('leaves the status alone when the customer comments on a ticket the rule does not name', async () => {
    const deps = fakeDeps();
    deps.tickets.seed('acme', aTicket({ status: 'on-hold', category: 'waiting_third_party' }));
    const { ticket } = await addComment(deps, req(customer), { body: 'Still broken.' });
    expect(ticket).toMatchObject({ status: 'on-hold', version: 2 });
  });
});

describe('confirm close and reopen window', () => {
  const workflowWithWindow = (windowDays: number): WorkflowDefinition => ({
    ...DEFAULT_WORKFLOW,
    id: `window-${windowDays}`,
    rules: { ...DEFAULT_WORKFLOW.rules, onCustomerReopen: { ...DEFAULT_WORKFLOW.rules.onCustomerReopen, windowDays } },
  });

  it('confirm-close closes a solved ticket and sets reopenableUntil = now + the workflow’s windowDays', async () => {
    const deps = fakeDeps('2026-03-10T12:00:00.000Z');
    await deps.settings.put('acme', { workflow: workflowWithWindow(7) });
    deps.tickets.seed('acme', aTicket({ status: 'solved', category: 'resolved', resolution: 'fixed' }));

    const { ticket } = await confirmClose(deps, req(customer));

    expect(ticket).toMatchObject({ status: 'closed', category: 'closed', resolution: 'fixed', reopenableUntil: '2026-03-17T12:00:00.000Z' });
    const types = (await deps.tickets.listHistory('acme', 'TK1', { limit: 10, cursor: null }, false)).items.map((e) => e.type);
    expect(types).toContain('closed-by-customer');
    expect(types).toContain('status-changed');
  });

  it('uses the default workflow’s 30 days when the tenant keeps the preset', async () => {
    const deps = fakeDeps('2026-03-10T12:00:00.000Z');
    deps.tickets.seed('acme', aTicket({ status: 'solved', category: 'resolved' }));
    const { ticket } = await confirmClose(deps, req(customer));
    expect(Date.parse(ticket.reopenableUntil!) - Date.parse('2026-03-10T12:00:00.000Z')).toBe(30 * DAY_MS);
  });

  it('refuses to confirm a ticket that is not awaiting confirmation (422)', async () => {
    const deps = fakeDeps();
    deps.tickets.seed('acme', aTicket({ status: 'open', category: 'active' }));
    expect((await failure(confirmClose(deps, req(customer)))).kind).toBe('workflow-refused');
    expect(deps.tickets.updateCalls).toHaveLength(0);
  });

  it('reopens within the window (the deadline itself included), clearing resolution and deadline', async () => {
    const deps = fakeDeps('2026-04-01T10:00:00.000Z');
    deps.tickets.seed('acme', aTicket({ status: 'closed', category: 'closed', resolution: 'fixed', reopenableUntil: '2026-04-01T10:00:00.000Z' }));

    const { ticket, comments } = await reopenTicket(deps, req(customer), { comment: 'It smokes again.' });

    expect(ticket).toMatchObject({ status: 'open', category: 'active', resolution: null, reopenableUntil: null, version: 2 });
    expect(comments.map((c) => [c.body, c.visibility])).toEqual([['It smokes again.', 'public']]);
  });

  it('after the window: workflow-refused, telling the customer to open a new ticket, and nothing written', async () => {
    const deps = fakeDeps('2026-03-10T12:00:00.000Z');
    await deps.settings.put('acme', { workflow: workflowWithWindow(7) });
    deps.tickets.seed('acme', aTicket({ status: 'solved', category: 'resolved', resolution: 'fixed' }));
    await confirmClose(deps, req(customer));

    deps.clock.set(new Date(Date.parse('2026-03-17T12:00:00.000Z') + 1));
    const error = await failure(reopenTicket(deps, req(customer), { comment: 'Again!' }));

    expect(error.kind).toBe('workflow-refused');
    expect(error.message).toMatch(/open a new ticket/i);
    expect(error.message).toContain('ACME-1');
    expect(await deps.tickets.get('acme', 'TK1')).toMatchObject({ status: 'closed', version: 2 });
    expect(deps.tickets.updateCalls).toHaveLength(1); // the confirm only
  });

  it('refuses to reopen a ticket that is not resolved or closed', async () => {
    const deps = fakeDeps();
    deps.tickets.seed('acme', aTicket({ status: 'open', category: 'active' }));
    const error = await failure(reopenTicket(deps, req(customer), { comment: 'Hm.' }));
    expect(error.kind).toBe('workflow-refused');
    expect(error.message).not.toMatch(/new ticket/i);
  });
});

describe('patch', () => {
  async function withStaff() {
    const deps = fakeDeps();
    deps.tickets.seed('acme', aTicket());
    await deps.users.put('acme', {
      id: 'agent-2',
      email: 'a2@acme.example',
      name: 'Agent Two',
      role: 'agent',
      org: null,
      locale: null,
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    await deps.users.put('acme', {
      id: 'cust-9',
      email: 'c9@globex.example',
      name: 'Customer',
      role: 'customer',
      org: 'globex',
      locale: null,
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    return deps;
  }
  const events = async (deps: Awaited<ReturnType<typeof withStaff>>, includeInternal: boolean) =>
    (await deps.tickets.listHistory('acme', 'TK1', { limit: 10, cursor: null }, includeInternal)).items;

  it('records a change of assignee and team as an internal event only', async () => {
    const deps = await withStaff();
    const { ticket } = await patchTicket(deps, req(agent), { assignee: 'agent-2', team: 'printers' });

    expect(ticket).toMatchObject({ assignee: 'agent-2', team: 'printers', version: 2 });
    expect(await events(deps, true)).toEqual([
      expect.objectContaining({
        type: 'fields-changed',
        visibility: 'internal',
        changes: { assignee: { from: null, to: 'agent-2' }, team: { from: null, to: 'printers' } },
      }),
    ]);
    expect(await events(deps, false)).toEqual([]);
  });

  it('records a priority change as a public event and retargets the response SLA from the tenant settings', async () => {
    const deps = await withStaff();
    await deps.settings.put('acme', { sla: { response: { urgent: 15 } } });
    const { ticket } = await patchTicket(deps, req(agent), { priority: 'urgent' });

    expect(ticket.priority).toBe('urgent');
    expect(ticket.sla.response.targetMinutes).toBe(15);
    expect(await events(deps, false)).toEqual([
      expect.objectContaining({ type: 'fields-changed', visibility: 'public', changes: { priority: { from: 'normal', to: 'urgent' } } }),
    ]);
  });

  it('splits a mixed patch into one public and one internal event of the same version', async () => {
    const deps = await withStaff();
    await patchTicket(deps, req(agent), { priority: 'high', assignee: 'agent-2' });
    const all = await events(deps, true);
    expect(all.map((e) => [e.visibility, Object.keys(e.changes ?? {}), e.version])).toEqual([
      ['public', ['priority'], 2],
      ['internal', ['assignee'], 2],
    ]);
  });

  it('is a validation error when nothing would change, and writes nothing', async () => {
    const deps = await withStaff();
    const error = await failure(patchTicket(deps, req(agent), { priority: 'normal', assignee: null }));
    expect(error.kind).toBe('validation');
    expect(deps.tickets.updateCalls).toHaveLength(0);
  });

  it('refuses an assignee who is not a staff user of the directory', async () => {
    const deps = await withStaff();
    for (const assignee of ['cust-9', 'nobody']) {
      const error = await failure(patchTicket(deps, req(agent), { assignee }));
      expect(error).toMatchObject({ kind: 'validation', errors: [expect.objectContaining({ path: 'assignee' })] });
    }
    expect(deps.tickets.updateCalls).toHaveLength(0);
  });
});
