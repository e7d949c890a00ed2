/**
 * Typed domain errors. They carry no HTTP knowledge; shared/http/problem.ts maps
 * each kind to a status code in exactly one place.
 */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export type DomainErrorKind =
  | 'validation' // 400
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not-found' // 404
  | 'conflict' // 409
  | 'version-conflict' // 412
  | 'too-large' // 413
  | 'unsupported-media-type' // 415
  | 'workflow-refused' // 422
  | 'gone' // 410: a third-party wait that ended or expired
  | 'busy'; // 429: too many writers on one ticket at once; retry shortly

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (message: string, errors: readonly FieldError[] = []) => new DomainError('validation', message, errors);
export const unauthenticated = (message = 'A valid bearer token is required.') => new DomainError('unauthenticated', message);
export const forbidden = (message = 'Your role may not do this.') => new DomainError('forbidden', message);
/** Absent, another tenant's, or not visible to the caller: the answer is the same, so existence never leaks. */
export const notFound = (what = 'Ticket') => new DomainError('not-found', `${what} not found.`);
export const conflict = (message: string) => new DomainError('conflict', message);
export const versionConflict = (expected: number, actual: number) =>
  new DomainError('version-conflict', `The ticket is at version ${actual}, not ${expected}. Reload it and try again.`);
export const tooLarge = (message: string) => new DomainError('too-large', message);
export const unsupportedMediaType = () => new DomainError('unsupported-media-type', 'The request body must be application/json.');
export const workflowRefused = (message: string, errors: readonly FieldError[] = []) => new DomainError('workflow-refused', message, errors);
export const gone = (message: string) => new DomainError('gone', message);
export const busy = (message: string) => new DomainError('busy', message);

/**
 * Raised by a store when a conditional write lost a race. Use cases either
 * surface it (the caller sent If-Match) or reload and retry. `current` is the item as the
 * winner left it, where the store got it back with the refusal (a retry then need not read it).
 */
export class StaleWrite<T = unknown> extends Error {
  constructor(readonly current?: T) {
    super('The item changed since it was read.');
    this.name = 'StaleWrite';
  }
}
