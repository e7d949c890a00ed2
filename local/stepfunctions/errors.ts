/** An error of the Step Functions API: `code` becomes `__type` on the wire (HTTP 400). */
export class SfnApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Overrides `__type` on the wire (AWS answers TaskTimedOut with the SWF-qualified name). */
    readonly wireType: string = code,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export const apiErrors = {
  invalidArn: (arn: unknown) => new SfnApiError('InvalidArn', `Invalid Arn: '${String(arn).slice(0, 256)}'`),
  stateMachineDoesNotExist: (arn: string) => new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`),
  executionDoesNotExist: (arn: string) => new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`),
  executionAlreadyExists: (arn: string) => new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`),
  taskTimedOut: () => new SfnApiError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'", 'com.amazonaws.swf.base.model#TaskTimedOut'),
  invalidToken: (what = 'Invalid Token') => new SfnApiError('InvalidToken', what),
  invalidOutput: () => new SfnApiError('InvalidOutput', 'Invalid State Machine Execution Output'),
  invalidExecutionInput: () => new SfnApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input'),
  invalidName: (name: unknown) => new SfnApiError('InvalidName', `Invalid Name: '${String(name).slice(0, 100)}'`),
  validation: (message: string) => new SfnApiError('ValidationException', message),
  invalidDefinition: (message: string) => new SfnApiError('InvalidDefinition', message),
};

/**
 * A Task failure handed to the library: `name` is the ASL error (matched by Retry/Catch),
 * `message` the cause (the library puts `message` into the Catch output's `Cause`).
 */
export class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
  get isRetryable(): boolean {
    return true;
  }
  get isCatchable(): boolean {
    return true;
  }
}

/** Ends a library run without Retry/Catch (stop, shutdown, stale run). Never recorded. */
export class RunInterrupted extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'States.Runtime';
  }
  get isRetryable(): boolean {
    return false;
  }
  get isCatchable(): boolean {
    return false;
  }
}
