import { afterAll, beforeAll, inject } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalRuntime, type LocalRuntime } from '../../local/runtime';

export interface Identity {
  tid?: string;
  sub: string;
  role: string;
  org?: string;
  email?: string;
  locale?: string;
}

/** Starts the real local runtime in this test file's process, on the run's shared DynamoDB Local, with a table of its own. */
export async function startTestRuntime(
  fixed: { dataDir?: string; tableName?: string; apiPort?: number; sfnPort?: number; schedulerPort?: number; sesPort?: number; smtpPort?: number } = {},
): Promise<LocalRuntime> {
  return startLocalRuntime({
    dataDir: fixed.dataDir ?? mkdtempSync(join(tmpdir(), 'tf-e2e-')),
    apiPort: fixed.apiPort ?? 0,
    dynamoPort: 0,
    sfnPort: fixed.sfnPort ?? 0,
    schedulerPort: fixed.schedulerPort ?? 0,
    sesPort: fixed.sesPort ?? 0,
    smtpPort: fixed.smtpPort ?? 0,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tableName: fixed.tableName ?? `e2e-${randomUUID()}`,
  });
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A tiny HTTP client over fetch: what a web or mobile client does. */
export class Api {
  constructor(readonly baseUrl: string) {}

  async token(identity: Identity): Promise<string> {
    const r = await this.request('POST', '/_local/token', { body: identity });
    if (r.status !== 200) throw new Error(`token: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.token;
  }

  as(token: string) {
    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => this.request(method, path, { body, token, headers });
    return {
      get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
      post: (path: string, body?: unknown, headers?: Record<string, string>) => call('POST', path, body ?? {}, headers),
      put: (path: string, body: unknown, headers?: Record<string, string>) => call('PUT', path, body, headers),
      patch: (path: string, body: unknown, headers?: Record<string, string>) => call('PATCH', path, body, headers),
    };
  }

  async request(
    method: string,
    path: string,
    opts: { body?: unknown; raw?: string; token?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined = opts.raw;
    if (opts.body !== undefined && body === undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, headers: res.headers, body: parsed as any };
  }
}

/** One local runtime for the test file: started before its tests, stopped after them. */
export function useLocalRuntime(): { readonly runtime: LocalRuntime; readonly api: Api } {
  const context = {} as { runtime: LocalRuntime; api: Api };
  beforeAll(async () => {
    context.runtime = await startTestRuntime();
    context.api = new Api(context.runtime.apiUrl);
  });
  afterAll(async () => context.runtime?.stop());
  return context;
}
