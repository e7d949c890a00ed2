import './style.css';
import { call, problemText, Session, type ConsoleConfig } from './api';
import type { App, Workflow } from './app';
import { clear, h, when } from './ui';
import { renderTickets } from './tickets';
import { renderTicket } from './ticket';
import { renderExecutions, renderExecution } from './executions';
import { renderOutbox } from './outbox';
import { renderUsage } from './usage';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const main = $<HTMLElement>('main');
const status = $<HTMLElement>('status');
const userSelect = $<HTMLSelectElement>('as-user');
const localeSelect = $<HTMLSelectElement>('as-locale');
const clockNow = $<HTMLElement>('clock-now');
const clockButtons = $<HTMLElement>('clock-buttons');
const nav = $<HTMLElement>('nav');

const clock = { now: Date.now(), frozen: false, readAt: Date.now() };
const clockValue = () => (clock.frozen ? clock.now : clock.now + (Date.now() - clock.readAt));

async function readClock(): Promise<void> {
  const answer = await call<{ now: string; frozen: boolean }>('GET', '/_local/clock', null);
  if (answer.ok) Object.assign(clock, { now: Date.parse(answer.body.now), frozen: answer.body.frozen, readAt: Date.now() });
  showClock();
}

function showClock(): void {
  const iso = new Date(clockValue()).toISOString();
  clockNow.replaceChildren(h('span', { class: 'sr-only' }, 'Local clock: '), h('time', { datetime: iso }, when(iso)), clock.frozen ? ' (frozen)' : '');
}

function say(message: string, kind: 'info' | 'error' = 'info'): void {
  status.textContent = message;
  status.className = `status ${kind}`;
}

let app: App;
let renderSeq = 0;

async function route(): Promise<void> {
  const seq = ++renderSeq;
  app.onTick = null;
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  const [section = '', ...rest] = hash.split('/');
  const arg = rest.join('/');
  markNav(section || 'tickets');
  const view = h('div', { class: 'view' });
  try {
    if (section === 'executions' && arg) await renderExecution(app, view, arg);
    else if (section === 'executions') await renderExecutions(app, view);
    else if (section === 'tickets' && arg) await renderTicket(app, view, arg);
    else if (section === 'outbox') await renderOutbox(app, view);
    else if (section === 'usage') await renderUsage(app, view);
    else if (app.session.role === 'finance') await renderUsage(app, view);
    else await renderTickets(app, view);
  } catch (error) {
    clear(view, h('h1', { tabindex: -1 }, 'Something went wrong'), h('p', { class: 'error' }, error instanceof Error ? error.message : String(error)));
  }
  if (seq !== renderSeq) return;
  const keepFocus = main.contains(document.activeElement) && document.activeElement !== main;
  const focusedId = keepFocus ? document.activeElement?.id : undefined;
  clear(main, view);
  if (focusedId) document.getElementById(focusedId)?.focus();
}

function markNav(section: string): void {
  for (const link of nav.querySelectorAll('a')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function buildNav(): void {
  const role = app.session.role;
  const links: [string, string][] = [];
  if (role !== 'finance') links.push(['tickets', 'Tickets']);
  if (app.session.staff) links.push(['executions', 'Executions'], ['outbox', 'Outbox']);
  if (role === 'finance' || role === 'admin') links.push(['usage', 'Usage']);
  clear(nav, ...links.map(([section, label]) => h('a', { href: `#/${section}`, 'data-section': section }, label)));
}

async function switchUser(): Promise<void> {
  const user = app.config.users.find((u) => u.sub === userSelect.value) ?? app.config.users[0]!;
  app.session.user = user;
  app.session.locale = localeSelect.value;
  localStorage.setItem('tf-console-user', user.sub);
  localStorage.setItem('tf-console-locale', localeSelect.value);
  await app.session.signIn();
  app.workflow = null;
  if (app.session.role !== 'finance') {
    const wf = await app.session.get<Workflow>('/v1/workflow');
    if (wf.ok) app.workflow = wf.body;
  }
  buildNav();
  say(`Acting as ${user.name} (${user.role}).`);
  const section = location.hash.replace(/^#\/?/, '').split('/')[0];
  const allowed = [...nav.querySelectorAll('a')].map((a) => a.dataset.section);
  if (section && !allowed.includes(section)) location.hash = `#/${allowed[0] ?? ''}`;
  else await route();
}

async function moveClock(body: object, label: string): Promise<void> {
  const buttons = [...clockButtons.querySelectorAll('button')];
  buttons.forEach((b) => (b.disabled = true));
  say(`Moving the clock ${label}…`);
  try {
    const answer = await call<{ now: string; frozen: boolean }>('POST', '/_local/clock', null, body);
    if (!answer.ok) return say(problemText(answer.body), 'error');
    Object.assign(clock, { now: Date.parse(answer.body.now), frozen: answer.body.frozen, readAt: Date.now() });
    showClock();
    say(`Clock moved ${label}: now ${when(answer.body.now)}.`);
    await route();
  } finally {
    buttons.forEach((b) => (b.disabled = false));
    renderClockButtons();
  }
}

function renderClockButtons(): void {
  const steps: [string, string][] = [
    ['PT1H', '+1 h'],
    ['P1D', '+1 day'],
    ['P3D', '+3 days'],
    ['P7D', '+7 days'],
  ];
  clear(
    clockButtons,
    ...steps.map(([iso, label]) =>
      h('button', { type: 'button', 'aria-label': `Advance clock ${label}`, onclick: () => void moveClock({ advance: iso }, label) }, label),
    ),
    h(
      'button',
      {
        type: 'button',
        'aria-pressed': String(clock.frozen),
        onclick: () => void moveClock({ freeze: !clock.frozen }, clock.frozen ? '(unfrozen)' : '(frozen)'),
      },
      clock.frozen ? 'Unfreeze' : 'Freeze',
    ),
  );
}

async function start(): Promise<void> {
  const started = performance.now();
  const answer = await call<ConsoleConfig>('GET', '/_local/console', null);
  if (!answer.ok) throw new Error(problemText(answer.body));
  const config = answer.body;
  for (const u of config.users) userSelect.append(h('option', { value: u.sub }, `${u.name} — ${u.role}`));
  const saved = new URLSearchParams(location.search).get('as') ?? localStorage.getItem('tf-console-user');
  const first = config.users.find((u) => u.sub === saved) ?? config.users.find((u) => u.role === 'agent') ?? config.users[0]!;
  userSelect.value = first.sub;
  localeSelect.value = localStorage.getItem('tf-console-locale') ?? 'en';
  app = {
    session: new Session(first, localeSelect.value, config.tenant),
    config,
    workflow: null,
    now: clockValue,
    say,
    refresh: route,
    onTick: null,
  };
  userSelect.addEventListener('change', () => void switchUser().catch((e: unknown) => say(String(e), 'error')));
  localeSelect.addEventListener('change', () => void switchUser().catch((e: unknown) => say(String(e), 'error')));
  window.addEventListener('hashchange', () => void route().then(() => main.focus()));
  await readClock();
  renderClockButtons();
  await switchUser();
  document.documentElement.dataset.ready = String(Math.round(performance.now() - started));
  // Live: the clock ticks, badges re-count, and the shown view re-reads now and then.
  setInterval(showClock, 1000);
  setInterval(() => void readClock().then(() => app.onTick?.()), 5000);
}

start().catch((error: unknown) => say(`The console could not start: ${error instanceof Error ? error.message : String(error)}`, 'error'));
