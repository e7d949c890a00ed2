/** Tiny DOM helpers: every piece of data goes in as text, never as HTML. */
type Child = Node | string | number | null | undefined | false;
export type Children = Child | Children[];
type Attrs = Record<string, string | number | boolean | EventListener | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Children[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of (children as unknown[]).flat(Infinity) as Child[]) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export const clear = (el: Element, ...children: (Node | string)[]) => el.replaceChildren(...children);

/** A table that scrolls sideways on a phone instead of breaking the layout. */
export function table(caption: string, head: string[], rows: Node[][], empty = 'Nothing here yet.'): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: 0 },
    // Explicit roles: the phone layout turns rows into blocks, which must stay a table to a screen reader.
    h(
      'table',
      { role: 'table' },
      h('caption', { class: 'sr-only' }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          { role: 'row' },
          head.map((c) => h('th', { scope: 'col', role: 'columnheader' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((cells) =>
          h(
            'tr',
            { role: 'row' },
            cells.map((c, i) => h('td', { role: 'cell', 'data-label': head[i] ?? '' }, c)),
          ),
        ),
      ),
    ),
  );
}

export const text = (value: unknown): string => (value === null || value === undefined || value === '' ? '—' : String(value));

const dateFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const preciseFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
/** With seconds: events of one minute still read in order. */
export const whenPrecise = (iso: string): string => preciseFormat.format(new Date(iso));
export const when = (iso: string | null | undefined): string => (iso ? dateFormat.format(new Date(iso)) : '—');

/** "in 2 h 5 min" / "3 d ago", relative to the local clock (which may run ahead of this machine). */
export function relative(iso: string | null | undefined, now: number): string {
  if (!iso) return '';
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  const minutes = Math.round(abs / 60_000);
  const parts =
    minutes < 1
      ? 'now'
      : minutes < 60
        ? `${minutes} min`
        : minutes < 48 * 60
          ? `${Math.floor(minutes / 60)} h ${minutes % 60} min`
          : `${Math.round(minutes / 1440)} d`;
  if (parts === 'now') return 'now';
  return ms >= 0 ? `in ${parts}` : `${parts} ago`;
}

export function time(iso: string | null | undefined, now?: number): HTMLElement {
  if (!iso) return h('span', {}, '—');
  return h('time', { datetime: iso, title: iso }, when(iso), now === undefined ? '' : ` (${relative(iso, now)})`);
}

export interface SlaClock {
  readonly targetMinutes: number | null;
  readonly elapsedMinutes: number;
  readonly state: string;
  readonly dueAt: string | null;
  readonly breachedAt: string | null;
}

/** One SLA clock as a badge: its state in words and, while running, when it is due. */
export function slaBadge(metric: string, clock: SlaClock | undefined, now: number): HTMLElement | null {
  if (!clock || clock.state === 'none') return null;
  const due = clock.state === 'running' && clock.dueAt ? ` · due ${relative(clock.dueAt, now)}` : '';
  const breached = clock.state === 'breached' && clock.breachedAt ? ` · ${relative(clock.breachedAt, now)}` : '';
  const label = `${metric} ${clock.state}${due}${breached}`;
  return h(
    'span',
    {
      class: `badge sla sla-${clock.state}`,
      'data-metric': metric,
      'data-state': clock.state,
      title: `${metric}: ${clock.elapsedMinutes} of ${clock.targetMinutes ?? '—'} working minutes${clock.dueAt ? `, due ${when(clock.dueAt)}` : ''}`,
    },
    label,
  );
}

export function badge(label: string, kind: string): HTMLElement {
  return h('span', { class: `badge ${kind}` }, label);
}

/** When a mail was sent: its Date header (written on the local clock) if it has one, else when the SES emulator took it. */
export function mailTime(m: { at?: number; headers?: { name: string; value: string }[] }): string {
  const header = m.headers?.find((x) => x.name.toLowerCase() === 'date')?.value;
  if (header && !Number.isNaN(Date.parse(header))) return new Date(header).toISOString();
  if (m.at === undefined) return new Date(0).toISOString();
  return new Date(m.at < 1e12 ? m.at * 1000 : m.at).toISOString();
}
