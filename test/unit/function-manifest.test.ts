import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../shared/function-manifest';
import { ROUTES } from '../../shared/http/routes';
import { LIFECYCLE_FUNCTIONS } from '../../shared/lifecycle/lifecycle-functions';

const ROOT = join(import.meta.dirname, '..', '..');
const source = (entry: string) => readFileSync(join(ROOT, entry), 'utf8');

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

  it.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s wires exactly the capabilities it declares', (_id, spec) => {
    const code = source(spec.entry);
    expect(/\brequireLifecycle\(\)/.test(code), 'requireLifecycle() ⇔ lifecycle').toBe(spec.capabilities.lifecycle !== undefined);
    expect(/\brequireTimers\(\)/.test(code), 'requireTimers() ⇔ timers').toBe(spec.capabilities.timers === true);
    expect(/\brequireMailIn\(\)/.test(code), 'requireMailIn() ⇔ mailIn').toBe(spec.capabilities.mailIn === true);
    expect(/\brequireMailOut\(\)/.test(code), 'requireMailOut() ⇔ mailOut').toBe(spec.capabilities.mailOut === true);
    // No table access: the handler does not even load the wiring (which needs TABLE_NAME).
    if (spec.capabilities.table === 'none') expect(code).not.toMatch(/shared\/wiring/);
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
