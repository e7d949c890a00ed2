import type { Json } from './definition';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
export const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

/** A history event as stored: AWS shape, `timestamp` in epoch milliseconds of the injected clock. */
export interface StoredHistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

/** Where a running execution is: its current top-level state and that state's input. */
export interface Position {
  stateName: string;
  stateType: string;
  /** The state's raw input (before InputPath/Parameters): what a resume restarts it with. */
  input: Json;
  enteredAt: number;
  waiting?: {
    kind: 'callback' | 'wait';
    since: number;
    /** Callback timeout (TimeoutSeconds) or end of a Wait, on the injected clock. */
    deadline?: number;
  };
}

/** What is checkpointed per execution (one JSON file). */
export interface ExecutionRecord {
  v: 1;
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  /** The execution input exactly as given. */
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  history: StoredHistoryEvent[];
  position?: Position;
}
