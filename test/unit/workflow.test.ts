import { describe, expect, it } from 'vitest';
import { validateWorkflowDefinition, Workflow, type WorkflowDefinition } from '../../shared/domain/workflow';
import { DEFAULT_WORKFLOW } from '../../shared/workflows/default';

const label = (en: string) => ({ en, nl: en, fr: en });

/** A small valid workflow: draft → new → open ⇄ waiting → done. */
function smallWorkflow(): WorkflowDefinition {
  return {
    id: 'small',
    statuses: [
      { id: 'draft', category: 'draft', labels: label('Draft') },
      { id: 'new', category: 'new', labels: label('New') },
      { id: 'open', category: 'active', labels: label('Open') },
      { id: 'waiting', category: 'waiting_customer', labels: label('Waiting') },
      { id: 'done', category: 'resolved', labels: label('Done') },
    ],
    transitions: [
      { from: 'new', to: 'open', roles: ['agent', 'lead'] },
      { from: 'open', to: 'waiting', roles: ['agent'] },
      { from: 'open', to: 'done', roles: ['lead'], types: ['feature', 'custom'] },
      { from: 'open', to: 'done', roles: ['agent'], types: ['incident'] },
    ],
    rules: {
      onSubmit: 'new',
      draftStatus: 'draft',
      onCustomerReply: { waiting: 'open' },
      onCustomerConfirm: {},
      onCustomerReopen: { from: ['done'], to: 'open', windowDays: 14 },
    },
  };
}

/** Copy with changes, so each test breaks exactly one thing. */
const edit = (change: (d: { -readonly [K in keyof WorkflowDefinition]: any }) => void): WorkflowDefinition => {
  const def = structuredClone(smallWorkflow()) as any;
  change(def);
  return def;
};

describe('validateWorkflowDefinition', () => {
  it('accepts the built-in default workflow and a small valid one', () => {
    expect(validateWorkflowDefinition(DEFAULT_WORKFLOW)).toEqual([]);
    expect(validateWorkflowDefinition(smallWorkflow())).toEqual([]);
  });

  it('reports an unknown category at the status that has it', () => {
    const def = edit((d) => (d.statuses[2].category = 'limbo'));
    expect(validateWorkflowDefinition(def)).toEqual([{ path: 'statuses[2].category', message: expect.stringContaining('limbo') }]);
  });

  it('reports transitions whose from or to names no status', () => {
    const def = edit((d) => {
      d.transitions[1].from = 'nowhere';
      d.transitions[3].to = 'gone';
    });
    expect(validateWorkflowDefinition(def)).toEqual([
      { path: 'transitions[1].from', message: expect.stringContaining('nowhere') },
      { path: 'transitions[3].to', message: expect.stringContaining('gone') },
    ]);
  });

  it('reports a status no ticket can ever reach', () => {
    const def = edit((d) => d.statuses.push({ id: 'orphan', category: 'scheduled', labels: label('Orphan') }));
    expect(validateWorkflowDefinition(def)).toEqual([{ path: 'statuses[5]', message: expect.stringMatching(/orphan.*unreachable/) }]);
  });

  it('counts the customer rules as ways to reach a status', () => {
    // `waiting` → `open` only by the customer-reply rule; `done` → `archived` only by customer confirm.
    const def = edit((d) => {
      d.statuses.push({ id: 'archived', category: 'closed', labels: label('Archived') });
      d.rules.onCustomerConfirm = { done: 'archived' };
    });
    expect(validateWorkflowDefinition(def)).toEqual([]);
    const withoutRule = edit((d) => d.statuses.push({ id: 'archived', category: 'closed', labels: label('Archived') }));
    expect(validateWorkflowDefinition(withoutRule).map((p) => p.path)).toEqual(['statuses[5]']);
  });

  it('reports a duplicate status id at its second occurrence', () => {
    const def = edit((d) => d.statuses.push({ id: 'open', category: 'active', labels: label('Open again') }));
    expect(validateWorkflowDefinition(def)).toEqual([{ path: 'statuses[5].id', message: expect.stringContaining('open') }]);
  });

  it.each([
    ['rules.onSubmit', (d: any) => (d.rules.onSubmit = 'ghost')],
    ['rules.draftStatus', (d: any) => (d.rules.draftStatus = 'ghost')],
    ['rules.onCustomerReopen.to', (d: any) => (d.rules.onCustomerReopen.to = 'ghost')],
    ['rules.onCustomerReopen.from.1', (d: any) => d.rules.onCustomerReopen.from.push('ghost')],
    ['rules.onCustomerReply.waiting', (d: any) => (d.rules.onCustomerReply.waiting = 'ghost')],
    ['rules.onCustomerReply.ghost', (d: any) => (d.rules.onCustomerReply.ghost = 'open')],
    ['rules.onCustomerConfirm.done', (d: any) => (d.rules.onCustomerConfirm.done = 'ghost')],
  ])('reports a rule that points at an unknown status (%s)', (path, change) => {
    expect(validateWorkflowDefinition(edit(change))).toEqual([{ path, message: expect.stringContaining('ghost') }]);
  });

  it('reports a draft status whose category is not draft', () => {
    const def = edit((d) => (d.statuses[0].category = 'new'));
    expect(validateWorkflowDefinition(def)).toEqual([{ path: 'rules.draftStatus', message: expect.stringContaining('category draft') }]);
  });
});

describe('Workflow', () => {
  const wf = new Workflow(smallWorkflow());

  it('finds a transition only for a role the transition names', () => {
    expect(wf.findTransition('new', 'open', 'agent', 'question')).toMatchObject({ from: 'new', to: 'open' });
    expect(wf.findTransition('new', 'open', 'lead', 'question')).toBeDefined();
    expect(wf.findTransition('new', 'open', 'customer', 'question')).toBeUndefined();
    expect(wf.findTransition('new', 'open', 'manager', 'question')).toBeUndefined();
  });

  it('finds a type-restricted transition only for those ticket types, and the one that matches role and type', () => {
    expect(wf.findTransition('open', 'done', 'lead', 'feature')).toEqual({ from: 'open', to: 'done', roles: ['lead'], types: ['feature', 'custom'] });
    expect(wf.findTransition('open', 'done', 'lead', 'incident')).toBeUndefined();
    expect(wf.findTransition('open', 'done', 'agent', 'incident')).toEqual({ from: 'open', to: 'done', roles: ['agent'], types: ['incident'] });
    expect(wf.findTransition('open', 'done', 'agent', 'feature')).toBeUndefined();
  });

  it('does not invent transitions: same status or reverse direction are absent', () => {
    expect(wf.findTransition('open', 'new', 'agent', 'incident')).toBeUndefined();
    expect(wf.findTransition('open', 'open', 'agent', 'incident')).toBeUndefined();
  });

  it('lists next statuses for role and type', () => {
    expect(wf.nextStatuses('open', 'agent', 'incident')).toEqual(['waiting', 'done']);
    expect(wf.nextStatuses('open', 'agent', 'question')).toEqual(['waiting']);
    expect(wf.nextStatuses('open', 'lead', 'custom')).toEqual(['done']);
    expect(wf.nextStatuses('open', 'customer', 'incident')).toEqual([]);
    expect(wf.nextStatuses('done', 'agent', 'incident')).toEqual([]);
  });

  it('gives customers of the default workflow only the solved → open / closed choices', () => {
    const def = new Workflow(DEFAULT_WORKFLOW);
    expect(def.nextStatuses('solved', 'customer', 'question').sort()).toEqual(['closed', 'open']);
    for (const s of DEFAULT_WORKFLOW.statuses.filter((s) => s.id !== 'solved')) expect(def.nextStatuses(s.id, 'customer', 'question'), s.id).toEqual([]);
  });

  it('maps statuses to categories and refuses a status outside the workflow', () => {
    expect(wf.categoryOf('waiting')).toBe('waiting_customer');
    expect(wf.status('done')?.labels.en).toBe('Done');
    expect(wf.status('nope')).toBeUndefined();
    expect(() => wf.categoryOf('nope')).toThrow(/nope/);
  });
});
