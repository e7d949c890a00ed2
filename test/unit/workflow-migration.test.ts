import { describe, expect, it } from 'vitest';
import { putSettings } from '../../shared/admin/tenant-admin';
import { continueMigration } from '../../shared/changes/migrate-tickets';
import { planMigration } from '../../shared/domain/migration';
import { resolveWorkflow } from '../../shared/tickets/tenant-context';
import { aTicket } from '../support/ticket-builder';
import { caller, fakeDeps } from './fakes';

const jira = resolveWorkflow('jira-partner');

describe('planMigration', () => {
  it('asks for open statuses, carries finished ones to the same category, counts what moves', () => {
    const plan = planMigration(
      [
        { status: '012-NEW', category: 'new', tickets: 3 },
        { status: '030-ANALYSIS', category: 'active', tickets: 0 },
        { status: '050-CLOSED', category: 'closed', tickets: 4 },
        { status: '035-INFO-NEEDED', category: 'waiting_customer', tickets: 2 },
      ],
      jira,
      { '012-NEW': 'soumise' },
    );
    expect(plan.problems).toEqual([{ path: 'statusMap.035-INFO-NEEDED', message: expect.stringMatching(/^2 open ticket\(s\) are in 035-INFO-NEEDED/) }]);
    expect(plan.statusMap).toEqual({ '012-NEW': 'soumise', '050-CLOSED': 'fermee' });
    expect(plan.total).toBe(7);
  });

  it('refuses a map that reopens finished tickets or names a status the new workflow lacks', () => {
    const plan = planMigration([{ status: '050-CLOSED', category: 'closed', tickets: 1 }], jira, { '050-CLOSED': 'en-cours', x: 'nope' });
    expect(plan.problems.map((p) => p.path).sort()).toEqual(['statusMap.050-CLOSED', 'statusMap.x']);
  });
});

describe('continueMigration', () => {
  it('moves the tickets in steps, each step recorded once, and finishes with every ticket moved', async () => {
    const deps = fakeDeps();
    const admin = caller('admin');
    await putSettings(deps, admin, { workflow: 'boltrics' });
    for (let i = 0; i < 60; i++) {
      const ticket = aTicket({ id: `T${i}`, key: `ACME-${i}`, status: i % 2 ? '012-NEW' : '030-ANALYSIS', category: i % 2 ? 'new' : 'active' });
      await deps.tickets.create('acme', { ticket, events: [], comments: [], waits: [] });
    }
    const written = await putSettings(deps, admin, { workflow: 'jira-partner' }, { statusMap: { '012-NEW': 'soumise', '030-ANALYSIS': 'en-cours' } });
    expect(written.migrating).toBe(true);
    expect(written.settings.migration).toMatchObject({ state: 'running', total: 60, moved: 0 });
    // a second switch while tickets move is refused
    await expect(putSettings(deps, admin, { workflow: 'assu' }, { statusMap: {} })).rejects.toMatchObject({ kind: 'conflict' });

    const progress: number[] = [];
    for (let step = 0; step < 10; step++) {
      // two deliveries of the same step race: one records it
      await Promise.all([continueMigration(deps, 'acme'), continueMigration(deps, 'acme')]);
      const { migration } = await deps.settings.read('acme');
      progress.push(migration!.moved);
      if (migration!.state === 'done') break;
    }
    expect(progress).toEqual([25, 50, 60, 60]);
    const left = (await deps.tickets.list('acme', { index: 'all', value: '', filters: {}, limit: 100, cursor: null })).items;
    expect(left.filter((t) => t.status === 'soumise')).toHaveLength(30);
    expect(left.filter((t) => t.status === 'en-cours')).toHaveLength(30);
    // each ticket moved once, by the system, quietly
    const history = (await deps.tickets.listHistory('acme', 'T1', { limit: 10, cursor: null }, true)).items;
    expect(history.map((e) => [e.type, e.reason, e.actor.role])).toEqual([['status-changed', 'workflow-migration', 'system']]);
    // done: further deliveries do nothing
    await continueMigration(deps, 'acme');
    expect((await deps.settings.read('acme')).migration).toMatchObject({ state: 'done', moved: 60 });
  });
});
