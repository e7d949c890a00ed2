/**
 * The one route table. The CDK stateless stack makes one Lambda + HTTP API route
 * per entry, the local gateway dispatches to the same handler modules, and the
 * OpenAPI document is generated from it. Adding a route here is the only step.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDefinition {
  /** Stable id: OpenAPI operationId and the Lambda's logical name. */
  readonly operationId: string;
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/v1/tickets/{id}`. */
  readonly path: string;
  /** Handler module, relative to the project root; it exports `handler`. */
  readonly entry: string;
  /** `jwt`: behind the JWT authorizer; `none`: public. */
  readonly auth: 'jwt' | 'none';
  /** Least privilege on the table: `read` grants read only, `readwrite` read and write. */
  readonly tableAccess: 'none' | 'read' | 'readwrite';
  readonly summary: string;
  /**
   * What the function may do with the ticket-lifecycle state machine (least privilege in
   * CDK). Ticket-changing routes have none: the table's stream drives the lifecycle.
   */
  readonly stateMachine?: readonly StateMachineAccess[];
  /** Keeps the ticket's schedules itself (only the repair route: it does not change the ticket). */
  readonly timers?: true;
  /** A tighter limit than the stage's (requests/s and burst), for a route without the authorizer. */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
}

/** `start`: StartExecution; `respond`: SendTaskSuccess; `describe`: DescribeExecution; `stop`: StopExecution. */
export type StateMachineAccess = 'start' | 'respond' | 'describe' | 'stop';

const route = (r: RouteDefinition) => r;

export const ROUTES: readonly RouteDefinition[] = [
  route({
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    entry: 'functions/meta/get-openapi.ts',
    auth: 'none',
    tableAccess: 'none',
    summary: 'The OpenAPI 3.1 document of this API',
  }),
  route({
    operationId: 'getSettings',
    method: 'GET',
    path: '/v1/settings',
    entry: 'functions/settings/get-settings.ts',
    auth: 'jwt',
    tableAccess: 'read',
    summary: 'Effective tenant settings (admin)',
  }),
  route({
    operationId: 'putSettings',
    method: 'PUT',
    path: '/v1/settings',
    entry: 'functions/settings/put-settings.ts',
    auth: 'jwt',
    tableAccess: 'readwrite',
    summary: 'Replace tenant settings; omitted fields keep defaults (admin)',
  }),
  route({
    operationId: 'patchSettings',
    method: 'PATCH',
    path: '/v1/settings',
    entry: 'functions/settings/patch-settings.ts',
    auth: 'jwt',
    tableAccess: 'readwrite',
    summary: 'Change only the settings a JSON merge patch names (admin)',
  }),
  route({
    operationId: 'getWorkflow',
    method: 'GET',
    path: '/v1/workflow',
    entry: 'functions/settings/get-workflow.ts',
    auth: 'jwt',
    tableAccess: 'read',
    summary: "The tenant's effective workflow definition",
  }),
  route({
    operationId: 'listUsers',
    method: 'GET',
    path: '/v1/users',
    entry: 'functions/users/list-users.ts',
    auth: 'jwt',
    tableAccess: 'read',
    summary: 'The user directory (staff)',
  }),
  route({
    operationId: 'putUser',
    method: 'PUT',
    path: '/v1/users/{id}',
    entry: 'functions/users/put-user.ts',
    auth: 'jwt',
    tableAccess: 'readwrite',
    summary: 'Create or replace a directory user (admin)',
  }),
  route({
    operationId: 'createTicket',
    method: 'POST',
    path: '/v1/tickets',
    entry: 'functions/tickets/create-ticket.ts',
    auth: 'jwt',
    tableAccess: 'readwrite',
    summary: 'Open a ticket (or a draft)',
  }),
  route({
    operationId: 'listTickets',
    method: 'GET',
    path: '/v1/tickets',
    entry: 'functions/tickets/list-tickets.ts',
    auth: 'jwt',
    tableAccess: 'read',
    summary: 'Tickets visible to the caller, newest first',
  }),
  route({
    operationId: 'getTicket',
    method: 'GET',
    path: '/v1/tickets/{id}',
    entry: 'functions/tickets/get-ticket.ts',
    auth: 'jwt',
    tableAccess: 'read',
    summary: 'One ticket by id or key',
  }),
  route({
    operationId: 'updateTicket',
    method: 'PATCH',
    path: '/v1/tickets/{id}',
    entry: 'functions/tickets/update-ticket.ts',
    auth: 'jwt',
    tableAccess: 'readwrite',
    summary: 'Change assignee, team, severity, priority or subject (staff)',
  }),
  route({
    operationId: 'submitTicket',
    method: 'POST',
    path: '/v1/tickets/{id}/submit',
    entry: 'functions/tickets/submit-ticket.ts',
    auth: 'jwt',
    tableAccess: 'readwrite',
    summary: 'Submit a draft',
  }),
  route({
    operationId: 'transitionTicket',
    method: 'POST',
    path: '/v1/tickets/{id}/transitions',
    entry: 'functions/tickets/transition-ticket.ts',
    auth: 'jwt',
    tableAccess: 'readwrite',
    summary: 'Move a ticket to another status of the workflow',
  }),
  route({
    operationId: 'closeTicket',
    method: 'POST',
    path: '/v1/tickets/{id}/close',
    entry: 'functions/tickets/close-ticket.ts',
    auth: 'jwt',
    tableAccess: 'readwrite',
    summary: 'Customer confirms a resolved ticket',
  }),
  route({
    operationId: 'reopenTicket',
    method: 'POST',
    path: '/v1/tickets/{id}/reopen',
    entry: 'functions/tickets/reopen-ticket.ts',
    auth: 'jwt',
    tableAccess: 'readwrite',
    summary: 'Customer reopens within the reopen window',
  }),
  route({
    operationId: 'addComment',
    method: 'POST',
    path: '/v1/tickets/{id}/comments',
    entry: 'functions/tickets/add-comment.ts',
    auth: 'jwt',
    tableAccess: 'readwrite',
    summary: 'Comment on a ticket (public or internal)',
  }),
  route({
    operationId: 'listComments',
    method: 'GET',
    path: '/v1/tickets/{id}/comments',
    entry: 'functions/tickets/list-comments.ts',
    auth: 'jwt',
    tableAccess: 'read',
    summary: 'Comments, oldest first',
  }),
  route({
    operationId: 'escalateTicket',
    method: 'POST',
    path: '/v1/tickets/{id}/escalate',
    entry: 'functions/tickets/escalate-ticket.ts',
    auth: 'jwt',
    tableAccess: 'readwrite',
    summary: 'Escalate (any time, requester or staff); with `urgent`, the seed 001 urgent procedure',
  }),
  route({
    operationId: 'splitTicket',
    method: 'POST',
    path: '/v1/tickets/{id}/split',
    entry: 'functions/tickets/split-ticket.ts',
    auth: 'jwt',
    tableAccess: 'readwrite',
    summary: 'Split a ticket that carries more than one problem into a new, linked ticket (staff)',
  }),
  route({
    operationId: 'getTicketWorkflow',
    method: 'GET',
    path: '/v1/tickets/{id}/workflow',
    entry: 'functions/tickets/get-ticket-workflow.ts',
    auth: 'jwt',
    tableAccess: 'read',
    summary: "The ticket's lifecycle execution: status, current state, since when (staff)",
    stateMachine: ['describe'],
  }),
  route({
    operationId: 'repairTicketWorkflow',
    method: 'POST',
    path: '/v1/tickets/{id}/workflow/repair',
    entry: 'functions/tickets/repair-ticket-workflow.ts',
    auth: 'jwt',
    tableAccess: 'readwrite',
    summary: 'Bring a stopped, failed or diverged execution back in line with the ticket (lead, admin)',
    stateMachine: ['start', 'respond', 'describe', 'stop'],
    timers: true,
  }),
  route({
    operationId: 'requestThirdParty',
    method: 'POST',
    path: '/v1/tickets/{id}/third-party',
    entry: 'functions/tickets/request-third-party.ts',
    auth: 'jwt',
    tableAccess: 'readwrite',
    summary: 'Ask a third party: a wait with a callback URL (staff)',
  }),
  route({
    operationId: 'listThirdParty',
    method: 'GET',
    path: '/v1/tickets/{id}/third-party',
    entry: 'functions/tickets/list-third-party.ts',
    auth: 'jwt',
    tableAccess: 'read',
    summary: "The ticket's third-party waits (staff)",
  }),
  route({
    operationId: 'answerThirdParty',
    method: 'POST',
    path: '/v1/third-party/{token}',
    entry: 'functions/third-party/answer-third-party.ts',
    auth: 'none',
    tableAccess: 'readwrite',
    summary: "A third party's answer at its callback URL (no account: the URL's token is the credential)",
    throttle: { rateLimit: 5, burstLimit: 20 },
  }),
  route({
    operationId: 'listHistory',
    method: 'GET',
    path: '/v1/tickets/{id}/history',
    entry: 'functions/tickets/list-history.ts',
    auth: 'jwt',
    tableAccess: 'read',
    summary: 'Every change of the ticket, oldest first',
  }),
  route({
    operationId: 'getUsage',
    method: 'GET',
    path: '/v1/usage',
    entry: 'functions/usage/get-usage.ts',
    auth: 'jwt',
    tableAccess: 'read',
    summary: 'Measured usage and estimated cost per tenant for a UTC month (finance: every tenant; admin: their own); text/csv on request',
  }),
];
