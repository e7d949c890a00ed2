import type { StateMachineAccess } from '../http/routes';

/**
 * The Lambda tasks of statemachines/ticket-lifecycle.asl.json. CDK deploys one
 * function each and substitutes its ARN for `${placeholder}`; the local runtime
 * maps the same placeholders to the same handler modules.
 */
export interface LifecycleFunction {
  readonly id: string;
  readonly placeholder: string;
  readonly entry: string;
  readonly tableAccess: 'read' | 'readwrite';
  /** Uses the lifecycle (STATE_MACHINE_ARN) with these states:* actions; absent: neither. */
  readonly stateMachine?: readonly StateMachineAccess[];
}

export const LIFECYCLE_FUNCTIONS: readonly LifecycleFunction[] = [
  // markEnded/unmarkEnded write the LIFECYCLE item
  { id: 'ReadTicket', placeholder: 'SyncTicketFunctionArn', entry: 'functions/lifecycle/read-ticket.ts', tableAccess: 'readwrite', stateMachine: [] },
  {
    id: 'AwaitTicket',
    placeholder: 'AwaitTicketFunctionArn',
    entry: 'functions/lifecycle/await-ticket.ts',
    tableAccess: 'readwrite',
    stateMachine: ['respond'],
  },
  // changes the ticket only; the table's stream wakes the execution and syncs the schedules
  { id: 'AdvanceTicket', placeholder: 'AdvanceTicketFunctionArn', entry: 'functions/lifecycle/advance-ticket.ts', tableAccess: 'readwrite' },
  {
    id: 'ContinueTicket',
    placeholder: 'ContinueTicketFunctionArn',
    entry: 'functions/lifecycle/continue-ticket.ts',
    tableAccess: 'readwrite',
    stateMachine: ['start'],
  },
];

export const LIFECYCLE_ASL = 'statemachines/ticket-lifecycle.asl.json';
/** A fixed name, so functions can be granted rights on the state machine without a dependency cycle. */
export const LIFECYCLE_STATE_MACHINE_NAME = 'ticketflow-ticket-lifecycle';
