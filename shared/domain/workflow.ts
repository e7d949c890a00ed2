import type { Role } from './identity';

/** Fixed categories: the lifecycle state machine is written against these, statuses are tenant data. */
export const CATEGORIES = ['draft', 'new', 'active', 'waiting_customer', 'waiting_third_party', 'scheduled', 'resolved', 'closed', 'cancelled'] as const;
export type Category = (typeof CATEGORIES)[number];

export const TICKET_TYPES = ['incident', 'question', 'bug', 'feature', 'custom', 'integration'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

/** Ticket fields a status can require before a ticket may enter it. */
export const REQUIRABLE_FIELDS = ['assignee', 'team', 'resolution'] as const;
export type RequirableField = (typeof REQUIRABLE_FIELDS)[number];

export interface WorkflowStatus {
  readonly id: string;
  readonly category: Category;
  readonly labels: { readonly en: string; readonly nl: string; readonly fr: string };
  /** Fields the ticket must have to enter this status (boltrics 020-ASSIGNED: an assignee). */
  readonly requires?: readonly RequirableField[];
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
  /** Per ticket type, where a submitted ticket lands instead (provider: bugs → open, requests → evaluation). */
  readonly onSubmitByType?: Readonly<Partial<Record<TicketType, string>>>;
  /** Where `draft: true` keeps a ticket until it is submitted; null: this workflow keeps no drafts. */
  readonly draftStatus: string | null;
  /** Statuses the lifecycle leaves on its own, at once (boltrics: 010-SUBMITTED → 012-NEW). */
  readonly autoAdvance?: Readonly<Record<string, string>>;
  /** A customer's reply while the ticket is in `from` moves it to `to`. */
  readonly onCustomerReply: Readonly<Record<string, string>>;
  /** The customer's "confirm / close" of a resolved ticket. */
  readonly onCustomerConfirm: Readonly<Record<string, string>>;
  /** The customer's reopen: from these statuses, to `to`; from a closed status only within `windowDays` (null: no limit). */
  readonly onCustomerReopen: { readonly from: readonly string[]; readonly to: string; readonly windowDays: number | null };
  /** No customer feedback for the tenant's `feedbackDays` in `from` → `to` on its own (boltrics 045 → 050). */
  readonly feedbackTimeout?: { readonly from: readonly string[]; readonly to: string };
  /** Reminder comments after these calendar days untouched in `statuses`, then `to` (jira-partner). */
  readonly untouched?: {
    readonly statuses: readonly string[];
    readonly remindAfterDays: readonly number[];
    readonly closeAfterDays: number;
    readonly to: string;
  };
  /**
   * A third party's `solved` or `needs-info` answer ends its wait and moves the ticket to
   * `to` (boltrics 030-ANALYSIS, jira-partner en-cours, assu in-behandeling); `to: null`
   * returns it to the status the wait was entered from (provider).
   */
  readonly onThirdPartyReply?: { readonly to: string | null };
  /** A resolution-SLA breach moves the ticket here (assu: geescaleerd). */
  readonly onResolutionBreach?: string;
  /** Who hears of what (seed 004 rules); `onCreate: always` where the seed confirms every submission (default except-portal). */
  readonly notifications?: { readonly onCreate: 'always' | 'except-portal' };
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

  has(id: string): boolean {
    return this.byId.has(id);
  }

  firstOfCategory(category: Category): string | null {
    return this.definition.statuses.find((s) => s.category === category)?.id ?? null;
  }

  categoryOf(id: string): Category {
    const s = this.byId.get(id);
    if (!s) throw new Error(`Status ${id} is not part of workflow ${this.id}`);
    return s.category;
  }

  /** Where a submitted ticket of this type lands. */
  submitTarget(type: TicketType): string {
    return this.definition.rules.onSubmitByType?.[type] ?? this.definition.rules.onSubmit;
  }

  /** The transition that lets `role` move a ticket of `type` from `from` to `to`, if any. */
  findTransition(from: string, to: string, role: Role, type: TicketType): WorkflowTransition | undefined {
    return this.definition.transitions.find((t) => t.from === from && t.to === to && t.roles.includes(role) && (!t.types || t.types.includes(type)));
  }

  /** Where the ticket may go next, for this role and type: what clients show as buttons. */
  nextStatuses(from: string, role: Role, type: TicketType): string[] {
    return this.definition.transitions.filter((t) => t.from === from && t.roles.includes(role) && (!t.types || t.types.includes(type))).map((t) => t.to);
  }
}

/** Checks a definition before it is stored: reasons are returned, never thrown half-way. */
export function validateWorkflowDefinition(def: WorkflowDefinition): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const ids = new Set<string>();
  def.statuses.forEach((s, i) => {
    if (ids.has(s.id)) problems.push({ path: `statuses[${i}].id`, message: `duplicate status id ${s.id}` });
    ids.add(s.id);
    if (!(CATEGORIES as readonly string[]).includes(s.category)) problems.push({ path: `statuses[${i}].category`, message: `unknown category ${s.category}` });
  });
  def.transitions.forEach((t, i) => {
    if (!ids.has(t.from)) problems.push({ path: `transitions[${i}].from`, message: `unknown status ${t.from}` });
    if (!ids.has(t.to)) problems.push({ path: `transitions[${i}].to`, message: `unknown status ${t.to}` });
  });
  const r = def.rules;
  const ruleRefs: [string, string][] = [
    ['rules.onSubmit', r.onSubmit],
    ...(r.draftStatus !== null ? [['rules.draftStatus', r.draftStatus] as [string, string]] : []),
    ...Object.entries(r.onSubmitByType ?? {}).map(([t, to]): [string, string] => [`rules.onSubmitByType.${t}`, to!]),
    ...Object.entries(r.autoAdvance ?? {}).flatMap(([f, t]): [string, string][] => [
      [`rules.autoAdvance.${f}`, f],
      [`rules.autoAdvance.${f}`, t],
    ]),
    ...(r.feedbackTimeout ? [...r.feedbackTimeout.from, r.feedbackTimeout.to].map((id): [string, string] => ['rules.feedbackTimeout', id]) : []),
    ...(r.untouched ? [...r.untouched.statuses, r.untouched.to].map((id): [string, string] => ['rules.untouched', id]) : []),
    ...(r.onResolutionBreach ? [['rules.onResolutionBreach', r.onResolutionBreach] as [string, string]] : []),
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
  if (r.draftStatus !== null) link(r.draftStatus, r.onSubmit);
  const starts = [r.onSubmit, ...Object.values(r.onSubmitByType ?? {})] as string[];
  if (r.draftStatus !== null) starts.forEach((s) => link(r.draftStatus!, s));
  Object.entries(r.autoAdvance ?? {}).forEach(([f, t]) => link(f, t));
  r.feedbackTimeout?.from.forEach((f) => link(f, r.feedbackTimeout!.to));
  r.untouched?.statuses.forEach((f) => link(f, r.untouched!.to));
  Object.entries(def.rules.onCustomerReply).forEach(([f, t]) => link(f, t));
  Object.entries(def.rules.onCustomerConfirm).forEach(([f, t]) => link(f, t));
  def.rules.onCustomerReopen.from.forEach((f) => link(f, def.rules.onCustomerReopen.to));
  const seen = new Set<string>([...starts, ...(r.draftStatus !== null ? [r.draftStatus] : [])]);
  const queue = [...seen];
  while (queue.length > 0) {
    for (const next of edges.get(queue.shift()!) ?? []) if (!seen.has(next)) (seen.add(next), queue.push(next));
  }
  def.statuses.forEach((s, i) => {
    if (!seen.has(s.id)) problems.push({ path: `statuses[${i}]`, message: `status ${s.id} is unreachable` });
  });
  if (r.draftStatus !== null && def.statuses.find((s) => s.id === r.draftStatus)?.category !== 'draft')
    problems.push({ path: 'rules.draftStatus', message: 'the draft status must have category draft' });
  const replyTo = r.onThirdPartyReply?.to;
  if (replyTo && !def.statuses.some((s) => s.id === replyTo)) problems.push({ path: 'rules.onThirdPartyReply.to', message: `no status ${replyTo}` });
  if (r.onResolutionBreach !== undefined && def.statuses.find((s) => s.id === r.onResolutionBreach)?.category !== 'active')
    problems.push({ path: 'rules.onResolutionBreach', message: 'a breach must move the ticket to an active status' });
  return problems;
}
