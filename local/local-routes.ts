/**
 * The request and error shapes of the local-only endpoints (`/_local/*`): validated with
 * zod and answered with the same problem+json as every API route.
 */
import { z } from 'zod';
import { problemBody } from '../shared/http/problem';

export interface LocalAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly contentType?: string;
}

export const localProblem = (status: number, title: string, detail: string, errors: { path: string; message: string }[] = []): LocalAnswer => ({
  status,
  body: problemBody(status, title, detail, errors),
});

/** `POST /_local/clock`: advance or set (not both), each optionally with freeze, or freeze alone. */
export const ClockMoveBody = z
  .strictObject({ advance: z.string().min(1).optional(), set: z.string().min(1).optional(), freeze: z.boolean().optional() })
  .refine((b) => b.advance !== undefined || b.set !== undefined || b.freeze !== undefined, {
    message: 'Give {"advance":"PT72H"} or {"set":"2026-12-01T09:00:00Z"}, optionally with "freeze": true|false, or {"freeze": true|false} alone.',
  });

/** The JSON body checked against `schema`, or the 400 that says what is wrong with it. */
export function parseLocalBody<T>(body: string, schema: z.ZodType<T>): { value: T } | { problem: LocalAnswer } {
  let json: unknown;
  try {
    json = JSON.parse(body || '{}');
  } catch {
    return { problem: localProblem(400, 'Invalid request', 'The body is not valid JSON.') };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { value: parsed.data };
  const errors = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  return { problem: localProblem(400, 'Invalid request', errors.length === 1 && !errors[0]!.path ? errors[0]!.message : 'The request is invalid.', errors) };
}
