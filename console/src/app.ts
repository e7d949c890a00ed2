import type { ConsoleConfig, Session } from './api';

export interface WorkflowStatus {
  readonly id: string;
  readonly category: string;
  readonly labels: Record<string, string>;
  readonly requires?: string[];
}
export interface Workflow {
  readonly id: string;
  readonly statuses: WorkflowStatus[];
  readonly transitions: { from: string; to: string; roles: string[]; types?: string[] }[];
}

/** What every view can use: who acts, the tenant's workflow, the local clock, and where to say things. */
export interface App {
  readonly session: Session;
  readonly config: ConsoleConfig;
  workflow: Workflow | null;
  /** The local clock's now, in ms (it may run ahead of this machine, or stand still). */
  now(): number;
  say(message: string, kind?: 'info' | 'error'): void;
  /** Re-renders the current view (after a clock move, a change). */
  refresh(): Promise<void>;
  /** Set by a view that wants to run something every few seconds while it is shown. */
  onTick: (() => void) | null;
}

export const CATEGORIES = ['draft', 'new', 'active', 'waiting_customer', 'waiting_third_party', 'scheduled', 'resolved', 'closed', 'cancelled'];

export function statusLabel(app: App, id: string | null | undefined): string {
  if (!id) return '—';
  const status = app.workflow?.statuses.find((s) => s.id === id);
  return status?.labels[app.session.locale] ?? status?.labels.en ?? id;
}
