import type { Role } from './identity';

/** Fixed categories: the lifecycle state machine is written against these, statuses are tenant data. */
export const CATEGORIES = [
  'draft',
  'new',
  'active',
  'waiting_customer',
  'waiting_third_party',
  'scheduled',
  'resolved',
  'closed',
  'cancelled',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const TICKET_TYPES = ['incident', 'question', 'bug', 'feature', 'custom', 'integration'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export interface WorkflowStatus {
  readonly id: string;
  readonly category: Category;
  readonly labels: { readonly en: string; readonly nl: string; readonly fr: string };
}

export interface WorkflowTransition {
  readonly from: string;
  readonly to: string;
  readonly roles: readonly Role[];
  /** Restricts the transition to these ticket types; absent → every type. */
  readonly types?: readonly TicketType[];
}

export interface WorkflowRules {
  /** Where a submitted (non-draft) ticket lands. */
  readonly onSubmit: string;
  /** Where `draft: true` keeps a ticket until it is submitted. */
  readonly draftStatus: string;
  /** A customer's reply while the ticket is in `from` moves it to `to`. */
  readonly onCustomerReply: Readonly<Record<string, string>>;
  /** The customer's "confirm / close" of a resolved ticket. */
  readonly onCustomerConfirm: Readonly<Record<string, string>>;
  /** The customer's reopen: from these statuses, to `to`, within `windowDays` of closing. */
  readonly onCustomerReopen: { readonly from: readonly string[]; readonly to: string; readonly windowDays: number };
}

export interface WorkflowDefinition {
  readonly id: string;
  readonly statuses: readonly WorkflowStatus[];
  readonly transitions: readonly WorkflowTransition[];
  readonly rules: WorkflowRules;
}

export class Workflow {
  private readonly byId: ReadonlyMap<string, WorkflowStatus>;

  constructor(readonly definition: WorkflowDefinition) {
    this.byId = new Map(definition.statuses.map((s) => [s.id, s]));
  }

  get id(): string {
    return this.definition.id;
  }

  status(id: string): WorkflowStatus | undefined {
    return this.byId.get(id);
  }

  categoryOf(id: string): Category {
    const s = this.byId.get(id);
    if (!s) throw new Error(`Status ${id} is not part of workflow ${this.id}`);
    return s.category;
  }

  /** The transition that lets `role` move a ticket of `type` from `from` to `to`, if any. */
  findTransition(from: string, to: string, role: Role, type: TicketType): WorkflowTransition | undefined {
    return this.definition.transitions.find(
      (t) => t.from === from && t.to === to && t.roles.includes(role) && (!t.types || t.types.includes(type)),
    );
  }

  /** Where the ticket may go next, for this role and type: what clients show as buttons. */
  nextStatuses(from: string, role: Role, type: TicketType): string[] {
    return this.definition.transitions
      .filter((t) => t.from === from && t.roles.includes(role) && (!t.types || t.types.includes(type)))
      .map((t) => t.to);
  }
}

/** Checks a definition before it is stored: reasons are returned, never thrown half-way. */
export function validateWorkflowDefinition(def: WorkflowDefinition): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const ids = new Set<string>();
  def.statuses.forEach((s, i) => {
    if (ids.has(s.id)) problems.push({ path: `statuses.${i}.id`, message: `duplicate status id ${s.id}` });
    ids.add(s.id);
    if (!(CATEGORIES as readonly string[]).includes(s.category))
      problems.push({ path: `statuses.${i}.category`, message: `unknown category ${s.category}` });
  });
  def.transitions.forEach((t, i) => {
    if (!ids.has(t.from)) problems.push({ path: `transitions.${i}.from`, message: `unknown status ${t.from}` });
    if (!ids.has(t.to)) problems.push({ path: `transitions.${i}.to`, message: `unknown status ${t.to}` });
  });
  const ruleRefs: [string, string][] = [
    ['rules.onSubmit', def.rules.onSubmit],
    ['rules.draftStatus', def.rules.draftStatus],
    ['rules.onCustomerReopen.to', def.rules.onCustomerReopen.to],
    ...def.rules.onCustomerReopen.from.map((f, i): [string, string] => [`rules.onCustomerReopen.from.${i}`, f]),
    ...Object.entries(def.rules.onCustomerReply).flatMap(([f, t]): [string, string][] => [
      [`rules.onCustomerReply.${f}`, f],
      [`rules.onCustomerReply.${f}`, t],
    ]),
    ...Object.entries(def.rules.onCustomerConfirm).flatMap(([f, t]): [string, string][] => [
      [`rules.onCustomerConfirm.${f}`, f],
      [`rules.onCustomerConfirm.${f}`, t],
    ]),
  ];
  for (const [path, id] of ruleRefs) if (!ids.has(id)) problems.push({ path, message: `unknown status ${id}` });
  if (problems.length > 0) return problems;

  // Every status must be reachable from where tickets start (draft or submit target),
  // following transitions and the customer rules.
  const edges = new Map<string, Set<string>>();
  const link = (a: string, b: string) => (edges.get(a) ?? edges.set(a, new Set()).get(a)!).add(b);
  def.transitions.forEach((t) => link(t.from, t.to));
  link(def.rules.draftStatus, def.rules.onSubmit);
  Object.entries(def.rules.onCustomerReply).forEach(([f, t]) => link(f, t));
  Object.entries(def.rules.onCustomerConfirm).forEach(([f, t]) => link(f, t));
  def.rules.onCustomerReopen.from.forEach((f) => link(f, def.rules.onCustomerReopen.to));
  const seen = new Set<string>([def.rules.draftStatus, def.rules.onSubmit]);
  const queue = [...seen];
  while (queue.length > 0) {
    for (const next of edges.get(queue.shift()!) ?? []) if (!seen.has(next)) (seen.add(next), queue.push(next));
  }
  def.statuses.forEach((s, i) => {
    if (!seen.has(s.id)) problems.push({ path: `statuses.${i}`, message: `status ${s.id} is unreachable` });
  });
  if (def.statuses.find((s) => s.id === def.rules.draftStatus)?.category !== 'draft')
    problems.push({ path: 'rules.draftStatus', message: 'the draft status must have category draft' });
  return problems;
}
