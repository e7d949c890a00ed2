import { allPages, problemText } from './api';
import { statusLabel, type App } from './app';
import type { ExecutionDetail } from './ticket';
import type { Ticket } from './tickets';
import { badge, clear, h, relative, table, time } from './ui';

interface ExecutionItem extends ExecutionDetail {
  readonly ticketId: string;
  readonly generation: number;
  readonly enteredAt: string | null;
  /** The ticket category the current waiting state stands for (null when not waiting). */
  readonly waitingFor: string | null;
}

/** Why an execution needs a repair, or null when it is in line with its ticket. */
export function stuckReason(x: ExecutionItem | undefined, ticket: Ticket | undefined, now: number): string | null {
  if (!ticket) return null;
  // The stream wakes the execution a moment after a change: not stuck while it catches up.
  const settling = now - Date.parse(ticket.updatedAt) < 10_000;
  if (!x) return ticket.category === 'draft' || settling ? null : 'no execution';
  if (x.status === 'FAILED') return 'failed';
  if (x.status === 'ABORTED') return 'aborted';
  if (x.status === 'TIMED_OUT') return 'timed out';
  if (x.status === 'SUCCEEDED') return ['closed', 'cancelled'].includes(ticket.category) ? null : `ended while the ticket is ${ticket.category}`;
  if (x.waitingFor && x.waitingFor !== ticket.category && !settling) return `waits in ${x.currentState} (${x.waitingFor}) but the ticket is ${ticket.category}`;
  return null;
}

/** Just changed, and its execution not yet woken by the stream: give it a moment before calling it stuck. */
const catchingUp = (x: ExecutionItem | undefined, ticket: Ticket, now: number) =>
  now - Date.parse(ticket.updatedAt) < 10_000 && (!x || (x.status === 'RUNNING' && !!x.waitingFor && x.waitingFor !== ticket.category));

const canRepair = (app: App) => ['lead', 'admin'].includes(app.session.role);

async function repair(app: App, ticket: Ticket): Promise<void> {
  app.say(`Repairing the lifecycle of ${ticket.key}…`);
  const answer = await app.session.post<{ action: string; status: string; currentState: string | null }>(`/v1/tickets/${ticket.id}/workflow/repair`, {});
  if (!answer.ok) return app.say(problemText(answer.body), 'error');
  app.say(`${ticket.key}: repair ${answer.body.action}; execution ${answer.body.status}${answer.body.currentState ? ` in ${answer.body.currentState}` : ''}.`);
  await app.refresh();
}

const statusBadge = (status: string) => badge(status, `exec exec-${status.toLowerCase()}`);

export async function renderExecutions(app: App, view: HTMLElement): Promise<void> {
  const s = app.session;
  const [executions, tickets] = await Promise.all([s.get<{ items: ExecutionItem[] }>('/_local/executions'), allPages<Ticket>(s, '/v1/tickets', 10)]);
  if (!executions.ok) throw new Error(problemText(executions.body));
  const byTicket = new Map<string, ExecutionItem[]>();
  for (const x of executions.body.items) byTicket.set(x.ticketId, [...(byTicket.get(x.ticketId) ?? []), x]);
  for (const list of byTicket.values()) list.sort((a, b) => b.generation - a.generation || Date.parse(b.startDate) - Date.parse(a.startDate));
  const now = app.now();
  const rows = tickets.map((t) => {
    const [current, ...older] = byTicket.get(t.id) ?? [];
    const reason = stuckReason(current, t, now);
    const since = current?.status === 'RUNNING' ? current.enteredAt : (current?.stopDate ?? null);
    return {
      stuck: reason !== null,
      cells: [
        h('a', { href: `#/tickets/${t.id}` }, t.key),
        h('span', {}, statusLabel(app, t.status), h('br'), h('small', {}, t.category)),
        current ? h('a', { href: `#/executions/${current.executionArn}`, class: 'mono' }, current.name) : h('span', {}, '—'),
        current ? statusBadge(current.status) : h('span', {}, '—'),
        h('span', {}, current?.currentState ?? '—'),
        since ? h('span', {}, time(since), h('br'), h('small', {}, relative(since, now))) : h('span', {}, '—'),
        reason
          ? h('span', { class: 'badge stuck', 'data-stuck': 'true' }, `Stuck: ${reason}`)
          : h('span', { class: 'badge ok' }, catchingUp(current, t, now) ? 'catching up' : 'in line'),
        h(
          'span',
          {},
          reason && canRepair(app)
            ? h('button', { type: 'button', class: 'repair', 'aria-label': `Repair ${t.key}`, onclick: () => void repair(app, t) }, 'Repair')
            : older.length
              ? h('small', {}, `${older.length} earlier`)
              : '',
        ),
      ],
    };
  });
  rows.sort((a, b) => Number(b.stuck) - Number(a.stuck));
  const stuckCount = rows.filter((r) => r.stuck).length;
  clear(
    view,
    h('h1', { tabindex: -1 }, 'Executions'),
    h('p', {}, h('button', { type: 'button', class: 'secondary', onclick: () => void app.refresh() }, 'Refresh')),
    h(
      'p',
      { class: 'hint' },
      `One lifecycle execution per ticket (the newest generation). ${stuckCount} need${stuckCount === 1 ? 's' : ''} a repair`,
      canRepair(app) ? '.' : ' (a team lead or admin can repair).',
    ),
    table(
      'Executions',
      ['Ticket', 'Ticket status', 'Execution', 'Status', 'State', 'Since', 'Check', ''],
      rows.map((r) => r.cells),
      'No tickets, so no executions.',
    ),
  );
  app.onTick = null;
}

export async function renderExecution(app: App, view: HTMLElement, arn: string): Promise<void> {
  const s = app.session;
  const answer = await s.get<ExecutionItem>(`/_local/execution?arn=${encodeURIComponent(arn)}`);
  if (!answer.ok) {
    clear(view, h('h1', { tabindex: -1 }, 'Execution not found'), h('p', {}, problemText(answer.body)), h('a', { href: '#/executions' }, 'Back to executions'));
    return;
  }
  const x = answer.body;
  const ticketAnswer = await s.get<Ticket>(`/v1/tickets/${x.ticketId}`);
  const ticket = ticketAnswer.ok ? ticketAnswer.body : undefined;
  const reason = stuckReason(x, ticket, app.now());
  clear(
    view,
    h('p', { class: 'crumbs' }, h('a', { href: '#/executions' }, '← Executions')),
    h('h1', { tabindex: -1, class: 'mono' }, x.name),
    h(
      'dl',
      { class: 'fields card' },
      h('dt', {}, 'Ticket'),
      h('dd', {}, ticket ? h('a', { href: `#/tickets/${ticket.id}` }, `${ticket.key} · ${statusLabel(app, ticket.status)} (${ticket.category})`) : x.ticketId),
      h('dt', {}, 'Status'),
      h('dd', {}, statusBadge(x.status), ' ', reason ? h('span', { class: 'badge stuck' }, `Stuck: ${reason}`) : h('span', { class: 'badge ok' }, 'in line')),
      h('dt', {}, 'Current state'),
      h('dd', {}, x.currentState ?? '—'),
      h('dt', {}, 'Started'),
      h('dd', {}, time(x.startDate)),
      h('dt', {}, 'Stopped'),
      h('dd', {}, time(x.stopDate)),
      x.error || x.cause ? [h('dt', {}, 'Error'), h('dd', {}, [x.error, x.cause].filter(Boolean).join(': '))] : [],
      h('dt', {}, 'ARN'),
      h('dd', { class: 'mono' }, x.executionArn),
    ),
    reason && ticket && canRepair(app)
      ? h('p', {}, h('button', { type: 'button', class: 'repair', onclick: () => void repair(app, ticket) }, `Repair ${ticket.key}`))
      : '',
    h('h2', {}, 'States'),
    table(
      'States',
      ['State', 'Entered', 'Exited', 'Waits for'],
      (x.states ?? []).map((st) => [h('span', {}, st.name), time(st.enteredAt), time(st.exitedAt), h('span', {}, st.category ?? '')]),
    ),
  );
}
