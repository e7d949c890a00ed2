import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS, type Capabilities } from '../../shared/function-manifest';
import { ROUTES } from '../../shared/http/routes';
import { LIFECYCLE_FUNCTIONS } from '../../shared/lifecycle/lifecycle-functions';

const ROOT = join(import.meta.dirname, '..', '..');
const source = (entry: string) => readFileSync(join(ROOT, entry), 'utf8');

/** The specifiers a module loads at run time (type-only imports are erased). */
const runtimeImports = (code: string): string[] =>
  [...code.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?'([^']+)'|\bimport\('([^']+)'\)/gm)].map((m) => (m[1] ?? m[2])!);

/** Every project file (relative to the root) a module loads at run time, itself included. */
function moduleGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of runtimeImports(source(file))) {
      if (!spec.startsWith('.')) continue;
      const base = join(dirname(file), spec);
      const found = [`${base}.ts`, `${base}/index.ts`, base].find((f) => existsSync(join(ROOT, f)) && f.endsWith('.ts'));
      if (found) visit(found);
    }
  };
  visit(entry);
  return seen;
}

/**
 * The manifest is the one place that says what each function may do: CDK grants from it,
 * and the handler must wire exactly that. A handler that wires the lifecycle or timers
 * without declaring it would fail its cold start in AWS (no configuration, no rights); one
 * that declares what it never uses holds rights it does not need.
 */
describe('the function manifest', () => {
  it('lists every route, every lifecycle task, the timer, the stream consumer and the Cognito trigger, once each', () => {
    expect(FUNCTIONS.length).toBe(ROUTES.length + LIFECYCLE_FUNCTIONS.length + 5);
    expect(new Set(FUNCTIONS.map((f) => f.id)).size).toBe(FUNCTIONS.length);
    expect(new Set(FUNCTIONS.map((f) => f.trigger.kind))).toEqual(
      new Set(['http', 'lifecycle-task', 'schedule-target', 'table-stream', 'ses-receipt', 'ses-feedback', 'cognito-pre-token']),
    );
  });

  /** Each capability: the call that wires it at cold start and the module that alone loads its SDK client. */
  const CAPABILITIES = [
    { declared: (c: Capabilities) => c.lifecycle !== undefined, call: 'requireLifecycle', module: 'lifecycle' },
    { declared: (c: Capabilities) => c.timers === true, call: 'requireTimers', module: 'timers' },
    { declared: (c: Capabilities) => c.mailOut === true, call: 'requireMailOut', module: 'mail-out' },
    { declared: (c: Capabilities) => c.mailIn === true, call: 'requireMailIn', module: 'mail-in' },
  ] as const;

  it.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s wires exactly the capabilities it declares, and loads no other', (_id, spec) => {
    const code = source(spec.entry);
    const loaded = moduleGraph(spec.entry);
    for (const { declared, call, module } of CAPABILITIES) {
      const wanted = declared(spec.capabilities);
      expect(new RegExp(`\\b${call}\\(\\)`).test(code), `${call}() ⇔ declared`).toBe(wanted);
      // Not only the handler's own imports: nothing it loads may reach an undeclared capability's module.
      expect(loaded.has(`shared/wiring/${module}.ts`), `shared/wiring/${module}.ts loaded ⇔ declared`).toBe(wanted);
    }
    // No table access: the handler does not even load the wiring (which needs TABLE_NAME).
    if (spec.capabilities.table === 'none') expect([...loaded].filter((f) => f.startsWith('shared/wiring'))).toEqual([]);
  });

  it('only the capability modules import the SDK clients of Step Functions, Scheduler, SES and S3', () => {
    const clients = { 'client-sfn': 'shared/wiring/lifecycle.ts', 'client-scheduler': 'shared/wiring/timers.ts', 'client-sesv2': 'shared/wiring/mail-out.ts' };
    const core = moduleGraph('shared/wiring.ts');
    for (const [pkg, module] of Object.entries(clients)) {
      expect(runtimeImports(source(module)), module).toContain(`@aws-sdk/${pkg}`);
      for (const file of core) expect(runtimeImports(source(file)), `${file} (loaded by the core wiring)`).not.toContain(`@aws-sdk/${pkg}`);
    }
    expect(moduleGraph('shared/wiring/mail-in.ts')).toContain('shared/mail/raw-mail-store.ts');
    for (const file of core) expect(runtimeImports(source(file)), file).not.toContain('@aws-sdk/client-s3');
  });

  it('no ticket-changing route starts, wakes or schedules anything: the stream does', () => {
    const changing = ROUTES.filter((r) => r.tableAccess === 'readwrite' && r.path.startsWith('/v1/tickets') && !r.path.endsWith('/workflow/repair'));
    expect(changing.map((r) => r.operationId)).toContain('transitionTicket');
    for (const route of changing) {
      const spec = FUNCTIONS.find((f) => f.entry === route.entry)!;
      expect(spec.capabilities.lifecycle, route.operationId).toBeUndefined();
      expect(spec.capabilities.timers, route.operationId).toBeUndefined();
    }
  });
});
