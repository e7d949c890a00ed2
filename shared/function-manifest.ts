/**
 * Every Lambda function of the system and what it may do, declared once. The CDK stacks
 * derive each function's grants and environment from its capabilities (and nothing
 * else); the handlers wire exactly those at cold start (`requireLifecycle()`,
 * `requireTimers()`, `requireMailOut()`, `requireMailIn()`, each in its own module under
 * shared/wiring/, which alone loads that capability's SDK client, fail the cold start when
 * their configuration is missing, so no capability is ever silently off); the local
 * runtime maps the same entries to its gateway, Step Functions tasks, schedule target and
 * stream poller. A test checks that each handler wires what its entry declares, no more,
 * no less, and loads no undeclared capability's module.
 */
import { ROUTES, type RouteDefinition, type StateMachineAccess } from './http/routes';
import { LIFECYCLE_FUNCTIONS, type LifecycleFunction } from './lifecycle/lifecycle-functions';

export interface Capabilities {
  /** Least privilege on the table: read only, read and write, or none (then no TABLE_NAME). */
  readonly table: 'none' | 'read' | 'readwrite';
  /**
   * Uses the ticket-lifecycle state machine: gets STATE_MACHINE_ARN and exactly these
   * states:* actions (an empty list: the ARN for the registry, no action). Absent: neither.
   */
  readonly lifecycle?: readonly StateMachineAccess[];
  /** Keeps tickets' schedules: gets the Scheduler configuration and the schedule rights. */
  readonly timers?: true;
  /** Sends notification mail through SES (MAIL_OUT=ses, the configuration set), `requireMailOut()`. */
  readonly mailOut?: true;
  /** Receives inbound mail: reads the raw messages SES stored (MAIL_IN, the bucket), `requireMailIn()`. */
  readonly mailIn?: true;
}

/** What invokes the function. */
export type Trigger =
  | { readonly kind: 'http'; readonly route: RouteDefinition }
  | { readonly kind: 'lifecycle-task'; readonly task: LifecycleFunction }
  /** Every ticket schedule's target (EventBridge Scheduler, asynchronous invocation). */
  | { readonly kind: 'schedule-target' }
  /** The table's DynamoDB stream, ticket and settings items and new notifications (CHANGE_FILTERS). */
  | { readonly kind: 'table-stream' }
  /** An SES receipt rule's Lambda action, after its S3 action (inbound mail). */
  | { readonly kind: 'ses-receipt' }
  /** SES delivery feedback (bounces, complaints) through the configuration set's SNS topic. */
  | { readonly kind: 'ses-feedback' }
  /** Cognito's pre token generation trigger. */
  | { readonly kind: 'cognito-pre-token' };

export interface FunctionSpec {
  /** Stable id: the construct id in CDK. */
  readonly id: string;
  /** Handler module relative to the project root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly capabilities: Capabilities;
  readonly trigger: Trigger;
}

/** `getTicket` → `GetTicket`. */
const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const routeFunction = (route: RouteDefinition): FunctionSpec => ({
  id: pascal(route.operationId),
  entry: route.entry,
  description: `${route.method} ${route.path}: ${route.summary}`.slice(0, 256),
  capabilities: {
    table: route.tableAccess,
    ...(route.stateMachine?.length ? { lifecycle: route.stateMachine } : {}),
    ...(route.timers ? { timers: true as const } : {}),
  },
  trigger: { kind: 'http', route },
});

export const lifecycleTaskFunction = (task: LifecycleFunction): FunctionSpec => ({
  id: task.id,
  entry: task.entry,
  description: `${task.id}: Lambda task of the ticket-lifecycle state machine (ASL placeholder ${task.placeholder})`,
  // A task that wires the lifecycle registry gets the ARN even with no states:* action (ReadTicket).
  capabilities: { table: task.tableAccess, ...(task.stateMachine ? { lifecycle: task.stateMachine } : {}) },
  trigger: { kind: 'lifecycle-task', task },
});

/** SLA warning/breach, reminders, auto-close, feedback and reopen windows. */
export const TIMER_FUNCTION: FunctionSpec = {
  id: 'FireTimer',
  entry: 'functions/timers/fire-timer.ts',
  description: 'Target of the ticket-timer schedules: SLA warning/breach, reminders, auto-close, feedback and reopen windows',
  // It changes tickets like a route (the stream follows those changes); the end of a reopen
  // window changes nothing, so it wakes the execution itself (respond), and a stale firing
  // brings the ticket's schedules back in line (timers).
  capabilities: { table: 'readwrite', lifecycle: ['respond'], timers: true },
  trigger: { kind: 'schedule-target' },
};

/** Everything a committed ticket change causes: the lifecycle execution and the schedules. */
export const CHANGE_FOLLOWER: FunctionSpec = {
  id: 'FollowTicketChanges',
  entry: 'functions/changes/follow-ticket-changes.ts',
  description: "The table's stream consumer: starts, wakes or hands over each changed ticket's execution, brings its schedules in line, mails notifications",
  // start: first and successor executions; respond: wake a waiting state. The registry
  // (LIFECYCLE item) and the TIMERS item are written beside the ticket.
  capabilities: { table: 'readwrite', lifecycle: ['start', 'respond'], timers: true, mailOut: true },
  trigger: { kind: 'table-stream' },
};

/** Bounces and complaints (CONTRACT 7): recorded on the address, which then gets no more mail. */
export const MAIL_FEEDBACK: FunctionSpec = {
  id: 'RecordMailFeedback',
  entry: 'functions/mail/ses-feedback.ts',
  description: 'SES configuration set event destination (SNS): permanent bounces and complaints stop mail to the address',
  capabilities: { table: 'readwrite' },
  trigger: { kind: 'ses-feedback' },
};

export const PRE_TOKEN_FUNCTION: FunctionSpec = {
  id: 'PreTokenGeneration',
  entry: 'functions/auth/pre-token-generation.ts',
  description: 'Cognito pre token generation (V2_0): custom:tid/role/org/locale → tid/role/org/locale claims',
  capabilities: { table: 'none' },
  trigger: { kind: 'cognito-pre-token' },
};

/** Inbound mail (CONTRACT 7): replies become comments, new mail from known users new tickets. */
export const MAIL_RECEIVER: FunctionSpec = {
  id: 'ReceiveMail',
  entry: 'functions/mail/receive-mail.ts',
  description: 'SES receipt rule action: threads each inbound mail onto its ticket as a comment, or opens a ticket, and records the outcome',
  capabilities: { table: 'readwrite', mailIn: true },
  trigger: { kind: 'ses-receipt' },
};

export const FUNCTIONS: readonly FunctionSpec[] = [
  ...ROUTES.map(routeFunction),
  ...LIFECYCLE_FUNCTIONS.map(lifecycleTaskFunction),
  TIMER_FUNCTION,
  CHANGE_FOLLOWER,
  MAIL_RECEIVER,
  MAIL_FEEDBACK,
  PRE_TOKEN_FUNCTION,
];
