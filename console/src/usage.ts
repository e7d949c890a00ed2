import { problemText } from './api';
import type { App } from './app';
import { clear, h, table } from './ui';

interface TenantUsage {
  readonly tenant: string;
  readonly counters: Record<string, number>;
  readonly estimatedCostUsd: Record<string, number>;
}

const formatCount = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(4));

export async function renderUsage(app: App, view: HTMLElement): Promise<void> {
  const heading = h('h1', { tabindex: -1 }, 'Usage');
  if (!app.config.usage) {
    clear(view, heading, h('p', { class: 'empty', 'data-testid': 'usage-missing' }, 'Usage is not available in this build yet (GET /v1/usage).'));
    return;
  }
  const month = new Date(app.now()).toISOString().slice(0, 7);
  const input = h('input', { id: 'u-month', name: 'month', type: 'month', value: month, required: true });
  const out = h('div', { id: 'usage-out' });
  const load = async () => {
    const answer = await app.session.get<Record<string, unknown> & { tenants?: TenantUsage[] }>(`/v1/usage?month=${encodeURIComponent(input.value)}`);
    if (answer.status === 404) return clear(out, h('p', { class: 'empty' }, 'Usage is not available (404).'));
    if (!answer.ok) return clear(out, h('p', { class: 'error' }, problemText(answer.body)));
    const { tenants = [], ...about } = answer.body;
    // Top-level facts (month, the price table's date and region…), nested objects one level deep.
    const facts = Object.entries(about).flatMap(([k, v]): [string, string][] =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.entries(v as Record<string, unknown>)
            .filter(([, inner]) => inner === null || typeof inner !== 'object')
            .map(([inner, value]) => [`${k} ${inner}`, String(value)])
        : v === null || typeof v === 'object'
          ? []
          : [[k, String(v)]],
    );
    const keys = <T extends Record<string, number>>(pick: (t: TenantUsage) => T | undefined) => [
      ...new Set(tenants.flatMap((t) => Object.keys(pick(t) ?? {}))),
    ];
    const counterKeys = keys((t) => t.counters);
    const costKeys = keys((t) => t.estimatedCostUsd);
    clear(
      out,
      h(
        'dl',
        { class: 'fields' },
        facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]),
      ),
      h('h2', {}, 'Counters'),
      table(
        'Usage counters',
        ['Tenant', ...counterKeys],
        tenants.map((t) => [h('span', {}, t.tenant), ...counterKeys.map((k) => h('span', { class: 'num' }, formatCount(t.counters?.[k] ?? 0)))]),
        'No tenant had activity this month.',
      ),
      h('h2', {}, 'Estimated cost (USD)'),
      table(
        'Estimated cost',
        ['Tenant', ...costKeys],
        tenants.map((t) => [h('span', {}, t.tenant), ...costKeys.map((k) => h('span', { class: 'num' }, (t.estimatedCostUsd?.[k] ?? 0).toFixed(4)))]),
        'No cost this month.',
      ),
    );
  };
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Usage month' },
    h('div', { class: 'field' }, h('label', { for: 'u-month' }, 'Month'), input),
    h('button', { type: 'submit' }, 'Show'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load().catch((e: unknown) => app.say(String(e), 'error'));
  });
  await load();
  clear(view, heading, form, out);
}
