import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, type DomainErrorKind, type FieldError } from '../domain/errors';
import { LOCALES, type Locale } from '../domain/identity';

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
  busy: { status: 429, title: 'Too many requests' },
};

/**
 * The title in the reader's language (token `locale`, else Accept-Language). The `type`
 * stays derived from the English title, so clients match on one stable identifier.
 */
const TITLES: Record<Exclude<Locale, 'en'>, Record<DomainErrorKind, string>> = {
  nl: {
    validation: 'Ongeldig verzoek',
    unauthenticated: 'Niet aangemeld',
    forbidden: 'Niet toegestaan',
    'not-found': 'Niet gevonden',
    conflict: 'Conflict',
    'version-conflict': 'Versie gewijzigd',
    'too-large': 'Te groot',
    'unsupported-media-type': 'Niet-ondersteund formaat',
    'workflow-refused': 'Geweigerd door de workflow',
    gone: 'Verlopen',
    busy: 'Te veel verzoeken',
  },
  fr: {
    validation: 'Requête invalide',
    unauthenticated: 'Non authentifié',
    forbidden: 'Interdit',
    'not-found': 'Introuvable',
    conflict: 'Conflit',
    'version-conflict': 'Version modifiée',
    'too-large': 'Trop volumineux',
    'unsupported-media-type': 'Format non pris en charge',
    'workflow-refused': 'Refusé par le workflow',
    gone: 'Expiré',
    busy: 'Trop de requêtes',
  },
};

/** AWS throttling errors (after the SDK's own retries): the client should slow down, not see a defect. */
const THROTTLED = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException']);

/** What a busy or throttled answer adds: when to come back. */
const RETRY_SHORTLY = { 'retry-after': '1' } as const;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The RFC 9457 body: its `type` names the problem by its title. */
export function problemBody(status: number, title: string, detail: string, errors: readonly FieldError[] = [], shownTitle = title) {
  const type = `https://ticketflow.dev/problems/${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return { type, title: shownTitle, status, detail, ...(errors.length ? { errors } : {}) };
}

export function problem(status: number, title: string, detail: string, errors: readonly FieldError[] = []): APIGatewayProxyStructuredResultV2 {
  return { statusCode: status, headers: { 'content-type': PROBLEM_CONTENT_TYPE }, body: JSON.stringify(problemBody(status, title, detail, errors)) };
}

/**
 * The one place errors become HTTP. Domain errors map by kind; anything else
 * is a defect: 500 with no internals in the body (the log has the details).
 */
export function toProblem(error: unknown, locale: Locale = 'en'): APIGatewayProxyStructuredResultV2 {
  if (error instanceof DomainError) {
    const { status, title } = STATUS[error.kind];
    const shown = locale === 'en' ? title : TITLES[locale][error.kind];
    const body = problemBody(status, title, error.message, error.errors, shown);
    // A busy answer says when to come back, as a throttled one does.
    const retry = error.kind === 'busy' ? RETRY_SHORTLY : {};
    return { statusCode: status, headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'content-language': locale, ...retry }, body: JSON.stringify(body) };
  }
  if (error instanceof Error && THROTTLED.has(error.name)) {
    const throttled = problem(429, 'Too many requests', 'The service is busy. Retry after a short wait.');
    return { ...throttled, headers: { ...throttled.headers, ...RETRY_SHORTLY } };
  }
  return problem(500, 'Internal error', 'Something went wrong on our side. It has been logged.');
}

/** The reader's language for an error: the token's `locale` claim, else the first supported Accept-Language tag. */
export function readerLocale(claimed: unknown, acceptLanguage: string | undefined): Locale {
  if (typeof claimed === 'string' && (LOCALES as readonly string[]).includes(claimed)) return claimed as Locale;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if ((LOCALES as readonly string[]).includes(tag)) return tag as Locale;
  }
  return 'en';
}
