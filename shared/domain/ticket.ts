import type { Caller, Locale, TenantCaller } from './identity';
import { isStaff, SYSTEM_SUB } from './identity';
import type { Priority, Severity } from './settings';
import type { Category, TicketType } from './workflow';

export type Channel = 'portal' | 'api' | 'email';

export interface Requester {
  readonly id: string;
  readonly email: string | null;
  readonly org: string | null;
  /** The language they read (token claim or directory); null → the tenant's. */
  readonly locale?: Locale | null;
}

export interface TicketLink {
  readonly type: 'split-from' | 'split-to' | 'related';
  readonly ticketId: string;
  readonly key: string;
}

/**
 * CONTRACT §6: `running` (counting, target ahead), `paused`, `met` (stopped by its stop
 * condition before the target), `breached` (the target was reached, whether the clock
 * still counts, pauses or stopped since), `stopped` (ended otherwise before the target,
 * e.g. cancelled), `none` (no target).
 */
export const SLA_STATES = ['running', 'paused', 'met', 'breached', 'stopped', 'none'] as const;
export type SlaState = (typeof SLA_STATES)[number];

export interface SlaClock {
  readonly targetMinutes: number | null;
  readonly elapsedMinutes: number | null;
  readonly state: SlaState;
  readonly dueAt: string | null;
  readonly breachedAt: string | null;
}

export interface Ticket {
  readonly id: string;
  readonly key: string;
  readonly subject: string;
  readonly description: string;
  readonly type: TicketType;
  readonly severity: Severity;
  readonly priority: Priority;
  readonly status: string;
  readonly category: Category;
  readonly requester: Requester;
  readonly assignee: string | null;
  readonly team: string | null;
  readonly channel: Channel;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly submittedAt: string | null;
  readonly version: number;
  /**
   * As of the answer (the SLA engine computes them from `categoryLog`); stored copies are placeholders.
   * `update` (seed 001 status updates) is always in answers; stored tickets may lack it.
   */
  readonly sla: { readonly response: SlaClock; readonly resolution: SlaClock; readonly update?: SlaClock };
  readonly escalation: {
    readonly level: number;
    readonly escalatedAt: string | null;
    readonly urgent: boolean;
    /** Urgent tickets, once resolved, are monitored until then; only a manager closes them after it (seed 001). */
    readonly monitoringUntil?: string | null;
  };
  readonly resolution: string | null;
  readonly reopenableUntil: string | null;
  readonly links: readonly TicketLink[];
  /** When the ticket entered its current status. */
  readonly statusSince?: string;
  /** The last change by a person (automations do not touch a ticket): untouched-timers count from here. */
  readonly lastTouchedAt?: string;
  /** The category over time since submission: what the SLA clocks are computed from. */
  readonly categoryLog?: readonly { readonly at: string; readonly category: Category }[];
  /**
   * Seed 001: when the ticket last became priority `urgent` (null while it is not). Absent on a
   * ticket that was urgent from its creation: its status-update clock starts at the submission.
   */
  readonly urgentSince?: string | null;
  /** The last public comment by support staff: it starts a new status-update cycle of an urgent ticket. */
  readonly lastPublicStaffCommentAt?: string;
  /** What the automations already did, so each happens once. */
  readonly automation?: TicketAutomation;
}

export interface TicketAutomation {
  /** Reminders sent since the ticket was last touched. */
  readonly reminders: number;
  readonly slaWarned: { readonly response?: string; readonly resolution?: string };
  readonly slaBreached: { readonly response?: string; readonly resolution?: string };
  /** The end of the urgent monitoring period was announced. */
  readonly monitoringEnded?: boolean;
  /** Seed 001 status updates: the start of the cycle whose 75 % reminder was sent (each cycle once). */
  readonly updateWarned?: string;
  /** Seed 001 status updates: the start of the cycle whose breach was recorded (each cycle once). */
  readonly updateBreached?: string;
}

export const NO_AUTOMATION: TicketAutomation = { reminders: 0, slaWarned: {}, slaBreached: {} };

export type CommentVisibility = 'public' | 'internal';

export interface Comment {
  readonly id: string;
  readonly body: string;
  readonly visibility: CommentVisibility;
  readonly author: { readonly id: string; readonly role: string; readonly email: string | null };
  readonly channel: Channel;
  readonly createdAt: string;
  readonly attachments: readonly CommentAttachment[];
  /** A reply by mail: the sha256 of its Message-ID, so a redelivery after a crash finds the comment it already wrote. */
  readonly sourceMessageKey?: string;
}

/** A file kept with a comment; `id` (mail attachments) names the raw message and the part: `<raw message id>/<n>`. */
export interface CommentAttachment {
  readonly id?: string;
  readonly name: string;
  readonly size: number;
  readonly contentType: string;
}

export type HistoryEventType =
  | 'created'
  | 'submitted'
  | 'status-changed'
  | 'fields-changed'
  | 'comment-added'
  | 'reopened'
  | 'closed-by-customer'
  | 'escalated'
  | 'split'
  | 'notification'
  | 'reminder'
  | 'sla-warning'
  | 'sla-breached'
  | 'automation'
  | 'third-party-requested'
  | 'third-party-answered'
  | 'workflow-repaired';

export interface HistoryEvent {
  readonly id: string;
  readonly type: HistoryEventType;
  readonly at: string;
  readonly actor: { readonly id: string; readonly role: string };
  /** Public events are shown to customers; internal ones (internal comments, staff-only fields) are not. */
  readonly visibility: CommentVisibility;
  readonly version: number;
  readonly changes?: Readonly<Record<string, { from: unknown; to: unknown }>>;
  readonly commentId?: string;
  readonly reason?: string;
  /** Structured detail (the urgent questionnaire). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Notification events: who was (or is to be) notified. */
  readonly recipients?: readonly string[];
}

/**
 * Customers see their own tickets, and their company's when the tenant allows
 * it; staff see every ticket of their tenant. Anything else is "not found".
 */
export function canSee(caller: Caller, ticket: Ticket, orgVisibility: boolean): boolean {
  if (isStaff(caller.role)) return true;
  if (caller.role !== 'customer') return false;
  if (ticket.requester.id === caller.sub) return true;
  return orgVisibility && caller.org !== null && ticket.requester.org === caller.org;
}

export const actorOf = (caller: TenantCaller) => ({ id: caller.sub, role: caller.sub === SYSTEM_SUB ? 'system' : caller.role });

/** A blank SLA clock: the SLA engine (business calendars) fills in the figures. */
export const slaClock = (targetMinutes: number | null): SlaClock => ({
  targetMinutes,
  elapsedMinutes: null,
  state: targetMinutes === null ? 'none' : 'running',
  dueAt: null,
  breachedAt: null,
});
