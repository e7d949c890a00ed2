import { allPages, problemText, type Session } from './api';
import { statusLabel, type App } from './app';
import { slaBadges, type Ticket } from './tickets';
import { clear, h, mailTime, relative, text, time, whenPrecise } from './ui';

interface Comment {
  readonly id: string;
  readonly body: string;
  readonly visibility: 'public' | 'internal';
  readonly author: { id: string; role: string; email: string | null };
  readonly channel: string;
  readonly createdAt: string;
}
interface HistoryEvent {
  readonly id: string;
  readonly type: string;
  readonly at: string;
  readonly actor: { id: string; role: string };
  readonly visibility: string;
  readonly changes?: Record<string, { from: unknown; to: unknown }>;
  readonly reason?: string;
  readonly recipients?: string[];
}
export interface WorkflowView {
  readonly executionArn: string | null;
  readonly status: string;
  readonly currentState: string | null;
  readonly waitingSince: string | null;
  readonly consoleUrl: string | null;
  readonly previousExecutions?: string[];
}
export interface ExecutionDetail {
  readonly executionArn: string;
  readonly name: string;
  readonly status: string;
  readonly startDate: string;
  readonly stopDate: string | null;
  readonly error: string | null;
  readonly cause: string | null;
  readonly currentState: string | null;
  readonly states?: { name: string; enteredAt: string; exitedAt: string | null; category: string | null; waiting: boolean }[];
}
interface Schedule {
  readonly kind: string;
  readonly dueAt: string | null;
  readonly state: string | null;
}
interface Mail {
  readonly messageId?: string;
  readonly from?: string;
  readonly destination?: { to?: string[]; cc?: string[] };
  readonly subject?: string;
  readonly body?: { text?: string };
  readonly at?: number;
  readonly headers?: { name: string; value: string }[];
}

/** One line of the merged timeline. */
interface Entry {
  readonly at: string;
  readonly source: 'history' | 'execution' | 'schedule' | 'mail';
  readonly title: string;
  readonly detail?: string;
  readonly internal?: boolean;
  readonly upcoming?: boolean;
}

export async function renderTicket(app: App, view: HTMLElement, id: string): Promise<void> {
  const s = app.session;
  const first = await s.get<Ticket>(`/v1/tickets/${encodeURIComponent(id)}`);
  if (!first.ok) {
    clear(view, h('h1', { tabindex: -1 }, 'Ticket not found'), h('p', {}, problemText(first.body)), h('a', { href: '#/tickets' }, 'Back to tickets'));
    return;
  }
  let ticket = first.body;
  const heading = h('h1', { tabindex: -1 });
  const fields = h('section', { class: 'card', 'aria-labelledby': 'fields-h' });
  const actions = h('section', { class: 'card', 'aria-labelledby': 'actions-h' });
  const comments = h('section', { class: 'card', 'aria-labelledby': 'comments-h' });
  const timeline = h('section', { class: 'card wide', 'aria-labelledby': 'timeline-h' });

  const renderFields = () => {
    clear(heading, `${ticket.key} · ${ticket.subject}`);
    const rows: [string, Node | string][] = [
      ['Status', h('span', { class: `cat cat-${ticket.category}`, 'data-testid': 'ticket-status' }, statusLabel(app, ticket.status))],
      ['Category', ticket.category],
      ['Type', ticket.type],
      ['Severity', ticket.severity],
      ['Priority', `${ticket.priority}${ticket.escalation?.urgent ? ' (urgent)' : ''}`],
      ['Escalation level', String(ticket.escalation?.level ?? 0)],
      ['Requester', `${ticket.requester.email ?? ticket.requester.id}${ticket.requester.org ? ` (${ticket.requester.org})` : ''}`],
      ['Assignee', text(ticket.assignee)],
      ['Team', text(ticket.team)],
      ['Channel', ticket.channel],
      ['Created', time(ticket.createdAt)],
      ['Updated', time(ticket.updatedAt)],
      ['Reopenable until', time(ticket.reopenableUntil)],
      ['Version', String(ticket.version)],
      ['SLA', slaBadges(app, ticket)],
    ];
    clear(
      fields,
      h('h2', { id: 'fields-h' }, 'Fields'),
      h(
        'dl',
        { class: 'fields' },
        rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
      ),
      h('p', { class: 'description' }, ticket.description || ''),
    );
  };

  const change = async (label: string, run: () => Promise<{ ok: boolean; body: unknown }>) => {
    app.say(`${label}…`);
    const answer = await run();
    if (!answer.ok) return app.say(problemText(answer.body), 'error');
    app.say(`${label}: done.`);
    await reload();
  };

  let actionsFor = -1;
  const renderActions = () => {
    // Re-drawn only when the ticket changed, so a periodic refresh never steals keyboard focus.
    if (actionsFor === ticket.version) return;
    actionsFor = ticket.version;
    const hadFocus = actions.contains(document.activeElement);
    const wf = app.workflow;
    const possible = (wf?.transitions ?? []).filter((t) => t.from === ticket.status && t.roles.includes(s.role) && (!t.types || t.types.includes(ticket.type)));
    const buttons = possible.map((t) => {
      const target = wf?.statuses.find((st) => st.id === t.to);
      const missing = (target?.requires ?? []).filter((field) => !(ticket as unknown as Record<string, unknown>)[field]);
      const label = statusLabel(app, t.to);
      return h(
        'button',
        {
          type: 'button',
          class: 'transition',
          'data-to': t.to,
          disabled: missing.length > 0,
          title: missing.length ? `Needs ${missing.join(', ')} first` : `Move to ${t.to}`,
          onclick: () => void change(`Moving to ${label}`, () => s.post(`/v1/tickets/${ticket.id}/transitions`, { to: t.to })),
        },
        label,
        missing.length ? ` (needs ${missing.join(', ')})` : '',
      );
    });
    const extra: HTMLElement[] = [];
    if (s.staff && ticket.assignee !== s.user.sub)
      extra.push(
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () => void change('Assigning to you', () => s.patch(`/v1/tickets/${ticket.id}`, { assignee: s.user.sub })),
          },
          'Assign to me',
        ),
      );
    if (s.role === 'customer' && ticket.category === 'resolved')
      extra.push(
        h('button', { type: 'button', onclick: () => void change('Confirming', () => s.post(`/v1/tickets/${ticket.id}/close`, {})) }, 'Confirm and close'),
      );
    clear(
      actions,
      h('h2', { id: 'actions-h', tabindex: -1 }, 'Actions'),
      buttons.length
        ? h('div', { class: 'buttons', role: 'group', 'aria-label': 'Transitions' }, buttons)
        : h('p', { class: 'empty' }, 'No transition is open to your role from this status.'),
      extra.length ? h('div', { class: 'buttons' }, extra) : '',
    );
    if (hadFocus) (actions.querySelector<HTMLElement>('button:not([disabled])') ?? actions.querySelector<HTMLElement>('h2'))?.focus();
  };

  const commentList = h('ol', { class: 'comments' });
  const renderComments = async () => {
    const items = await allPages<Comment>(s, `/v1/tickets/${ticket.id}/comments`, 5);
    clear(
      commentList,
      ...(items.length
        ? items.map((c) =>
            h(
              'li',
              { class: `comment ${c.visibility}` },
              h(
                'div',
                { class: 'meta' },
                h('strong', {}, c.author.email ?? c.author.id),
                ` · ${c.author.role} · `,
                time(c.createdAt),
                ' ',
                h('span', { class: `badge vis-${c.visibility}` }, c.visibility),
              ),
              h('p', {}, c.body),
            ),
          )
        : [h('li', { class: 'empty' }, 'No comments yet.')]),
    );
  };
  const body = h('textarea', { id: 'c-body', name: 'body', rows: 3, required: true, maxlength: 65536 });
  const visibility = h(
    'select',
    { id: 'c-visibility', name: 'visibility' },
    h('option', { value: 'public' }, 'Public (the customer sees it)'),
    s.staff ? h('option', { value: 'internal' }, 'Internal (staff only)') : null,
  );
  const commentForm = h(
    'form',
    { class: 'comment-form', 'aria-label': 'Add a comment' },
    h('div', { class: 'field' }, h('label', { for: 'c-body' }, 'Comment'), body),
    h('div', { class: 'field' }, h('label', { for: 'c-visibility' }, 'Visibility'), visibility),
    h('button', { type: 'submit' }, 'Add comment'),
  );
  commentForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!body.value.trim()) return app.say('Write a comment first.', 'error');
    void change('Adding the comment', async () => {
      const answer = await s.post(`/v1/tickets/${ticket.id}/comments`, { body: body.value, visibility: visibility.value });
      if (answer.ok) body.value = '';
      return answer;
    });
  });
  clear(comments, h('h2', { id: 'comments-h' }, 'Comments'), commentList, commentForm);

  const timelineList = h('div', { id: 'timeline' });
  const renderTimeline = async () => {
    const entries = await timelineEntries(app, s, ticket);
    const now = app.now();
    clear(
      timelineList,
      entries.length
        ? h(
            'ol',
            { class: 'timeline' },
            entries.map((e) =>
              h(
                'li',
                { class: `entry src-${e.source}${e.upcoming ? ' upcoming' : ''}${e.internal ? ' internal' : ''}`, 'data-source': e.source },
                h('span', { class: 'src' }, e.upcoming ? 'due' : e.source),
                h('time', { datetime: e.at, title: e.at }, whenPrecise(e.at), e.upcoming ? ` (${relative(e.at, now)})` : ''),
                h('span', { class: 'what' }, e.title),
                e.detail ? h('span', { class: 'detail' }, e.detail) : '',
              ),
            ),
          )
        : h('p', { class: 'empty' }, 'Nothing yet.'),
    );
  };
  clear(
    timeline,
    h('h2', { id: 'timeline-h' }, 'Timeline'),
    h('p', { class: 'hint' }, 'History, lifecycle execution states, schedules and mail, oldest first; what is still due comes last.'),
    timelineList,
  );

  const reload = async () => {
    const fresh = await s.get<Ticket>(`/v1/tickets/${ticket.id}`);
    if (fresh.ok) ticket = fresh.body;
    renderFields();
    renderActions();
    await Promise.all([renderComments(), renderTimeline()]);
  };

  renderFields();
  renderActions();
  await Promise.all([renderComments(), renderTimeline()]);
  let ticks = 0;
  app.onTick = () => {
    renderFields();
    if (++ticks % 3 === 0) void reload();
  };
  clear(
    view,
    h('p', { class: 'crumbs' }, h('a', { href: '#/tickets' }, '← Tickets')),
    heading,
    h('div', { class: 'grid' }, fields, actions, comments, timeline),
  );
}

const HISTORY_TITLES: Record<string, string> = {
  created: 'Created',
  submitted: 'Submitted',
  'status-changed': 'Status changed',
  'fields-changed': 'Fields changed',
  'comment-added': 'Comment added',
  reopened: 'Reopened',
  'closed-by-customer': 'Closed by the customer',
  escalated: 'Escalated',
  split: 'Split',
  notification: 'Notification',
  reminder: 'Reminder',
  'sla-warning': 'SLA warning',
  'sla-breached': 'SLA breached',
  automation: 'Automation',
  'third-party-requested': 'Third party asked',
  'third-party-answered': 'Third party answered',
  'workflow-repaired': 'Lifecycle repaired',
};

/** The skeleton states of the lifecycle (read, route, advance) are not worth a line each. */
const PLUMBING = new Set(['ReadTicket', 'Route', 'AdvanceTicket']);

async function timelineEntries(app: App, s: Session, ticket: Ticket): Promise<Entry[]> {
  const entries: Entry[] = [];
  const history = await allPages<HistoryEvent>(s, `/v1/tickets/${ticket.id}/history`, 5);
  for (const e of history) {
    const changes = Object.entries(e.changes ?? {})
      .filter(([, c]) => c.from !== c.to)
      .map(
        ([field, c]) =>
          `${field}: ${field === 'status' ? statusLabel(app, c.from as string) : text(c.from)} → ${field === 'status' ? statusLabel(app, c.to as string) : text(c.to)}`,
      );
    const detail = [e.reason, changes.join(', '), e.recipients?.length ? `to ${e.recipients.join(', ')}` : ''].filter(Boolean).join(' · ');
    entries.push({
      at: e.at,
      source: 'history',
      title: `${HISTORY_TITLES[e.type] ?? e.type} by ${e.actor.id} (${e.actor.role})`,
      detail,
      internal: e.visibility === 'internal',
    });
  }
  if (s.staff) {
    const wf = await s.get<WorkflowView>(`/v1/tickets/${ticket.id}/workflow`);
    const arns = wf.ok ? [...(wf.body.previousExecutions ?? []), ...(wf.body.executionArn ? [wf.body.executionArn] : [])] : [];
    const executions = await Promise.all(arns.map((arn) => s.get<ExecutionDetail>(`/_local/execution?arn=${encodeURIComponent(arn)}`)));
    for (const answer of executions) {
      if (!answer.ok) continue;
      const x = answer.body;
      entries.push({ at: x.startDate, source: 'execution', title: `Execution started: ${x.name}` });
      for (const state of x.states ?? [])
        if (!PLUMBING.has(state.name))
          entries.push({
            at: state.enteredAt,
            source: 'execution',
            title: `Execution entered ${state.name}`,
            detail: state.category ? `waits while the ticket is ${state.category}` : '',
          });
      if (x.stopDate)
        entries.push({
          at: x.stopDate,
          source: 'execution',
          title: `Execution ${x.status.toLowerCase()}`,
          detail: [x.error, x.cause].filter(Boolean).join(': '),
        });
    }
    const schedules = await s.get<{ items: Schedule[] }>(`/_local/schedules?ticket=${encodeURIComponent(ticket.id)}`);
    if (schedules.ok)
      for (const sch of schedules.body.items)
        if (sch.dueAt)
          entries.push({
            at: sch.dueAt,
            source: 'schedule',
            title: `Schedule ${sch.kind}`,
            detail: sch.state === 'ENABLED' ? 'pending' : (sch.state ?? ''),
            upcoming: true,
          });
    if (app.config.outbox) {
      const outbox = await s.get<{ items: Mail[] }>('/_local/outbox');
      if (outbox.ok)
        for (const m of outbox.body.items)
          if ((m.subject ?? '').includes(`[${ticket.key}]`))
            entries.push({
              at: mailTime(m),
              source: 'mail',
              title: `Mail sent: ${m.subject ?? ''}`,
              detail: `to ${[...(m.destination?.to ?? []), ...(m.destination?.cc ?? [])].join(', ')}`,
            });
    }
    // mail received for this ticket (accepted, ignored or refused), from the inbound log
    const inbox = await s.get<{ items: { receivedAt: string; outcome: string; reason: string; sender: string | null; ticketKey: string | null }[] }>(
      '/_local/inbox?limit=100',
    );
    if (inbox.ok)
      for (const r of inbox.body.items)
        if (r.ticketKey === ticket.key)
          entries.push({ at: r.receivedAt, source: 'mail', title: `Mail received: ${r.outcome}`, detail: `${r.reason}${r.sender ? ` from ${r.sender}` : ''}` });
  }
  const now = app.now();
  return entries
    .sort((a, b) => Number(a.upcoming ?? false) - Number(b.upcoming ?? false) || Date.parse(a.at) - Date.parse(b.at))
    .map((e) => ({ ...e, upcoming: e.upcoming && Date.parse(e.at) >= now }));
}
