/**
 * Validation problems in words a tenant admin can act on (CONTRACT section 2): every
 * problem at its own path (`workflow.statuses[1].category`), never a bare "Invalid input".
 */
import type * as z from 'zod';
import type { FieldError } from '../domain/errors';

type Segment = string | number;
type Issue = z.core.$ZodIssue;

/** `['workflow','statuses',1,'category']` → `workflow.statuses[1].category`. */
export function fieldPath(segments: readonly Segment[]): string {
  return segments.reduce<string>((out, s) => (typeof s === 'number' ? `${out}[${s}]` : out ? `${out}.${s}` : s), '');
}

/** Every problem of a failed parse of `input`, under `prefix` (e.g. `query`). */
export function fieldErrors(error: z.ZodError, input: unknown, prefix: readonly Segment[] = []): FieldError[] {
  return error.issues.flatMap((issue) => describe(issue as Issue, input, prefix));
}

function describe(issue: Issue, root: unknown, prefix: readonly Segment[]): FieldError[] {
  const segments = [...prefix, ...(issue.path as Segment[])];
  const path = fieldPath(segments);
  const value = valueAt(root, issue.path as Segment[]);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: fieldPath([...segments, key]), message: `unknown field ${key}` }));
    case 'invalid_union': {
      // A value of one alternative's type (an object for a workflow definition): that
      // alternative's problems, at their own paths, not "Invalid input" for the whole.
      const fitting = issue.errors.filter((branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (fitting.length === 1) return fitting[0]!.flatMap((i) => describe(i as Issue, value, segments));
      return [{ path, message: `${shown(value)} is neither of the accepted forms` }];
    }
    case 'invalid_value':
      return [{ path, message: `unknown ${nameOf(segments)} ${shown(value)}; one of ${issue.values.map(String).join(', ')}` }];
    case 'invalid_type':
      if (value === undefined) return [{ path, message: `${nameOf(segments)} is required (${issue.expected})` }];
      return [{ path, message: `expected ${issue.expected}, not ${shown(value)}` }];
    default:
      return [{ path, message: issue.message }];
  }
}

/** The field a path names, in the singular: `transitions[0].roles[1]` → "role". */
function nameOf(segments: readonly Segment[]): string {
  const name = [...segments].reverse().find((s): s is string => typeof s === 'string') ?? 'value';
  return name.endsWith('ies') ? `${name.slice(0, -3)}y` : name.length > 3 && name.endsWith('s') ? name.slice(0, -1) : name;
}

function valueAt(root: unknown, path: readonly Segment[]): unknown {
  let value = root;
  for (const s of path) value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[s] : undefined;
  return value;
}

const shown = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? 'nothing'));
