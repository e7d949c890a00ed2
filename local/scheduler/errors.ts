/**
 * An error of the EventBridge Scheduler API. REST-JSON: the HTTP status carries the class,
 * `x-amzn-ErrorType` the name and the body `{"Message": …}` the text, as AWS answers.
 */
export class SchedulerApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** `Target.RoleArn` → `target.roleArn`, as AWS names members in validation messages. */
const memberPath = (member: string) => member.replace(/(^|\.)([A-Z])/g, (_m, dot: string, c: string) => dot + c.toLowerCase());

export const apiErrors = {
  validation: (message: string) => new SchedulerApiError('ValidationException', message, 400),
  /** AWS's wording for a constraint on one member. */
  constraint: (member: string, value: unknown, constraint: string) =>
    new SchedulerApiError(
      'ValidationException',
      `1 validation error detected: Value ${value === undefined || value === null ? 'null' : `'${String(value).slice(0, 128)}'`} at '${memberPath(member)}' failed to satisfy constraint: ${constraint}`,
      400,
    ),
  conflict: (message: string) => new SchedulerApiError('ConflictException', message, 409),
  scheduleNotFound: (name: string) => new SchedulerApiError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404),
  groupNotFound: (name: string) => new SchedulerApiError('ResourceNotFoundException', `Schedule group ${name} does not exist.`, 404),
  unknownOperation: (what: string) => new SchedulerApiError('UnknownOperationException', `Unknown operation ${what.slice(0, 128)}`, 404),
  serialization: (message: string) => new SchedulerApiError('SerializationException', message, 400),
  closed: () => new SchedulerApiError('ServiceUnavailableException', 'The local EventBridge Scheduler is closed', 503),
};
