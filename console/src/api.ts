/** The console's only way out: the public API and the local endpoints on the same origin. */
export interface Problem {
  readonly title?: string;
  readonly detail?: string;
  readonly status?: number;
  readonly errors?: { path: string; message: string }[];
}

export interface Answer<T> {
  readonly ok: boolean;
  readonly status: number;
  readonly body: T;
}

export interface DemoUser {
  readonly sub: string;
  readonly role: string;
  readonly email: string;
  readonly name: string;
  readonly org: string | null;
}

export interface ConsoleConfig {
  readonly tenant: string;
  readonly users: DemoUser[];
  readonly usage: boolean;
  readonly outbox: boolean;
}

export class Session {
  token: string | null = null;
  constructor(
    public user: DemoUser,
    public locale: string,
    public readonly tenant: string,
  ) {}

  get role(): string {
    return this.user.role;
  }
  get staff(): boolean {
    return ['agent', 'lead', 'manager', 'admin'].includes(this.user.role);
  }

  async signIn(): Promise<void> {
    const claims = {
      sub: this.user.sub,
      role: this.user.role,
      email: this.user.email,
      locale: this.locale,
      ...(this.user.role === 'finance' ? {} : { tid: this.tenant }),
      ...(this.user.org ? { org: this.user.org } : {}),
    };
    const answer = await call<{ token: string }>('POST', '/_local/token', null, claims);
    if (!answer.ok) throw new Error(problemText(answer.body));
    this.token = answer.body.token;
  }

  get<T = any>(path: string): Promise<Answer<T>> {
    return call<T>('GET', path, this.token);
  }
  post<T = any>(path: string, body: unknown): Promise<Answer<T>> {
    return call<T>('POST', path, this.token, body);
  }
  patch<T = any>(path: string, body: unknown): Promise<Answer<T>> {
    return call<T>('PATCH', path, this.token, body);
  }
}

export async function call<T>(method: string, path: string, token: string | null, body?: unknown): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  // Every POST carries its own key: a double click or a retried request does the work once.
  if (method === 'POST') headers['idempotency-key'] = crypto.randomUUID();
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const raw = await res.text();
  let parsed: unknown = raw;
  try {
    parsed = raw ? JSON.parse(raw) : null;
  } catch {
    /* keep the text */
  }
  return { ok: res.ok, status: res.status, body: parsed as T };
}

export function problemText(body: unknown): string {
  const p = (body ?? {}) as Problem;
  const details = (p.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ');
  return [p.title, p.detail, details].filter(Boolean).join(' — ') || 'The request failed.';
}

/** Every page of a list endpoint, up to a bound (the console is for a local demo tenant). */
export async function allPages<T>(session: Session, path: string, maxPages = 10): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const answer: Answer<{ items: T[]; nextCursor: string | null }> = await session.get(
      `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (!answer.ok) throw new Error(problemText(answer.body));
    items.push(...answer.body.items);
    cursor = answer.body.nextCursor;
    if (!cursor) break;
  }
  return items;
}
