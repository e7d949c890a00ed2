import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../shared/http/openapi';
import { ROUTES } from '../../shared/http/routes';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// Through JSON, as `npm run openapi` writes it (drops undefined, normalises numbers).
const built = JSON.parse(JSON.stringify(buildOpenApiDocument())) as { [key: string]: Json };
const committed = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8')) as { [key: string]: Json };

/** Every `$ref` string anywhere in the document, with where it was found. */
function refsIn(node: Json, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((n, i) => refsIn(n, `${at}/${i}`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [{ at, ref: v }] : refsIn(v, `${at}/${k}`)));
}

/** Resolves a local JSON pointer (`#/components/schemas/Ticket`) in the document. */
function resolve(doc: Json, ref: string): Json | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: Json | undefined = doc;
  for (const raw of ref.slice(2).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !(part in node)) return undefined;
    node = node[part];
  }
  return node;
}

describe('OpenAPI document', () => {
  it('the committed openapi.json is the generated one', () => {
    expect(committed, 'openapi.json is out of date: run `npm run openapi` and commit the result').toEqual(built);
  });

  it('has exactly one operation per route, under its path and method', () => {
    const paths = built.paths as Record<string, Record<string, { operationId: string; security: unknown[] }>>;
    for (const route of ROUTES) {
      const op = paths[route.path]?.[route.method.toLowerCase()];
      expect(op?.operationId, `${route.method} ${route.path}`).toBe(route.operationId);
      // Public routes say so; the rest need the bearer token.
      expect(op?.security, route.operationId).toEqual(route.auth === 'jwt' ? [{ bearer: [] }] : []);
    }
    const operations = Object.values(paths).flatMap((methods) => Object.values(methods).map((o) => o.operationId));
    expect(operations.sort()).toEqual(ROUTES.map((r) => r.operationId).sort());
  });

  it('resolves every $ref to a component that exists', () => {
    const refs = refsIn(built);
    expect(refs.length).toBeGreaterThan(ROUTES.length); // responses, bodies and errors all use refs
    const dangling = refs.filter(({ ref }) => !ref.startsWith('#/components/schemas/') || resolve(built, ref) === undefined);
    expect(dangling).toEqual([]);
  });

  it('describes the error responses with the Problem schema', () => {
    const problem = resolve(built, '#/components/schemas/Problem') as { required?: string[] };
    expect(problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail']));
    const create = (built.paths as any)['/v1/tickets'].post;
    expect(create.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Ticket' });
    for (const code of ['400', '401', '403', '409', '413', '415', '422'])
      expect(create.responses[code]?.content['application/problem+json'].schema, code).toEqual({ $ref: '#/components/schemas/Problem' });
  });
});
