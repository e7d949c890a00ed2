import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, type DomainErrorKind, type FieldError } from '../domain/errors';

const STATUS: Record<DomainErrorKind, { status: number; title: string }> = {
  validation: { status: 400, title: 'Invalid request' },
  unauthenticated: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  'version-conflict': { status: 412, title: 'Precondition failed' },
  'too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'workflow-refused': { status: 422, title: 'Refused by the workflow' },
  gone: { status: 410, title: 'Gone' },
};

/** AWS throttling errors (after the SDK's own retries): the client should slow down, not see a defect. */
const THROTTLED = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException']);

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The RFC 9457 body: its `type` names the problem by its title. */
export function problemBody(status: number, title: string, detail: string, errors: readonly FieldError[] = []) {
  const type = `https://ticketflow.dev/problems/${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return { type, title, status, detail, ...(errors.length ? { errors } : {}) };
}

export function problem(status: number, title: string, detail: string, errors: readonly FieldError[] = []): APIGatewayProxyStructuredResultV2 {
  return { statusCode: status, headers: { 'content-type': PROBLEM_CONTENT_TYPE }, body: JSON.stringify(problemBody(status, title, detail, errors)) };
}

/**
 * The one place errors become HTTP. Domain errors map by kind; anything else
 * is a defect: 500 with no internals in the body (the log has the details).
 */
export function toProblem(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof DomainError) {
    const { status, title } = STATUS[error.kind];
    return problem(status, title, error.message, error.errors);
  }
  if (error instanceof Error && THROTTLED.has(error.name)) {
    const throttled = problem(429, 'Too many requests', 'The service is busy. Retry after a short wait.');
    return { ...throttled, headers: { ...throttled.headers, 'retry-after': '1' } };
  }
  return problem(500, 'Internal error', 'Something went wrong on our side. It has been logged.');
}
