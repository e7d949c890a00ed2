/**
 * One component of the local runtime (DynamoDB Local, the Step Functions and Scheduler
 * emulators, the stream poller, the gateway): the runtime is a list of these, so health
 * and shutdown are one loop and the next emulator (SES, SMTP) is one more entry.
 */
export interface LocalService {
  /** The key under `components` in `GET /_local/health`. */
  readonly name: string;
  /** What the component reports when it answers (`'ok'` or details); throws when it does not. */
  health(): Promise<unknown>;
  /** Stops it; what it holds on disk stays for the next start. */
  stop(): Promise<void>;
}

export type RuntimeHealth = { readonly ok: true; readonly components: Record<string, unknown> } | { readonly ok: false; readonly failing: string[] };

export class LocalServices {
  private readonly services: LocalService[] = [];

  /** Registers a started service; services stop in the reverse order. */
  add<T extends LocalService>(service: T): T {
    this.services.push(service);
    return service;
  }

  async health(): Promise<RuntimeHealth> {
    const answers = await Promise.all(
      this.services.map(async (s) => {
        try {
          return { name: s.name, ok: true as const, report: await s.health() };
        } catch {
          return { name: s.name, ok: false as const, report: null };
        }
      }),
    );
    const failing = answers.filter((a) => !a.ok).map((a) => a.name);
    if (failing.length) return { ok: false, failing };
    return { ok: true, components: Object.fromEntries(answers.map((a) => [a.name, a.report])) };
  }

  /** Stops every service, last started first; one that fails to stop does not keep the others running. */
  async stop(): Promise<void> {
    for (const service of this.services.splice(0).reverse()) {
      try {
        await service.stop();
      } catch {
        // already gone
      }
    }
  }
}
