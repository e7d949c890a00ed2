import { allPages, problemText } from './api';
import { CATEGORIES, statusLabel, type App } from './app';
import { clear, h, slaBadge, table, text, time, type SlaClock } from './ui';

export interface Ticket {
  readonly id: string;
  readonly key: string;
  readonly subject: string;
  readonly description: string;
  readonly type: string;
  readonly severity: string;
  readonly priority: string;
  readonly status: string;
  readonly category: string;
  readonly requester: { id: string; email: string | null; org: string | null };
  readonly assignee: string | null;
  readonly team: string | null;
  readonly channel: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
  readonly sla: Record<'response' | 'resolution' | 'update', SlaClock>;
  readonly escalation: { level: number; urgent: boolean };
  readonly reopenableUntil: string | null;
  readonly links: { type: string; ticketId: string; key?: string }[];
}

const filters = { status: '', category: '', assignee: '' };

export function slaBadges(app: App, ticket: Ticket): HTMLElement {
  const now = app.now();
  return h(
    'span',
    { class: 'badges' },
    slaBadge('response', ticket.sla?.response, now),
    slaBadge('resolution', ticket.sla?.resolution, now),
    slaBadge('update', ticket.sla?.update, now),
  );
}

export async function renderTickets(app: App, view: HTMLElement): Promise<void> {
  const s = app.session;
  const form = h('form', { class: 'filters', 'aria-label': 'Filter tickets' });
  const statusSelect = h(
    'select',
    { id: 'f-status', name: 'status' },
    h('option', { value: '' }, 'Any status'),
    (app.workflow?.statuses ?? []).map((st) => h('option', { value: st.id }, statusLabel(app, st.id))),
  );
  const categorySelect = h(
    'select',
    { id: 'f-category', name: 'category' },
    h('option', { value: '' }, 'Any category'),
    CATEGORIES.map((c) => h('option', { value: c }, c)),
  );
  const assigneeInput = h('input', { id: 'f-assignee', name: 'assignee', type: 'text', placeholder: 'user id, e.g. agent', autocomplete: 'off' });
  statusSelect.value = filters.status;
  categorySelect.value = filters.category;
  assigneeInput.value = filters.assignee;
  form.append(
    ...[
      h('div', { class: 'field' }, h('label', { for: 'f-status' }, 'Status'), statusSelect),
      h('div', { class: 'field' }, h('label', { for: 'f-category' }, 'Category'), categorySelect),
      s.staff ? h('div', { class: 'field' }, h('label', { for: 'f-assignee' }, 'Assignee'), assigneeInput) : null,
      h('button', { type: 'submit' }, 'Apply filters'),
      h(
        'button',
        { type: 'button', class: 'secondary', onclick: () => ((filters.status = filters.category = filters.assignee = ''), void app.refresh()) },
        'Clear',
      ),
    ].filter((el) => el !== null),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    Object.assign(filters, { status: statusSelect.value, category: categorySelect.value, assignee: assigneeInput.value.trim() });
    void app.refresh();
  });

  const list = h('div', { id: 'ticket-list' });
  const load = async () => {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v) query.set(k, v);
    const tickets = await allPages<Ticket>(s, `/v1/tickets${query.size ? `?${query}` : ''}`, 3);
    clear(
      list,
      table(
        'Tickets',
        ['Key', 'Subject', 'Status', 'Priority', 'Assignee', 'SLA', 'Updated'],
        tickets.map((t) => [
          h('a', { href: `#/tickets/${t.id}` }, t.key),
          h('span', {}, t.subject),
          h('span', { class: `cat cat-${t.category}`, title: t.category }, statusLabel(app, t.status)),
          h('span', {}, t.priority, t.escalation?.urgent ? ' (urgent)' : ''),
          h('span', {}, text(t.assignee)),
          slaBadges(app, t),
          time(t.updatedAt),
        ]),
        'No tickets match.',
      ),
    );
  };
  await load();
  let ticks = 0;
  app.onTick = () => void (++ticks % 3 === 0 ? load() : Promise.resolve());

  clear(view, h('h1', { tabindex: -1 }, 'Tickets'), form, list, s.role === 'customer' ? newTicketForm(app) : '');
}

function newTicketForm(app: App): HTMLElement {
  const subject = h('input', { id: 'n-subject', name: 'subject', required: true, maxlength: 200 });
  const description = h('textarea', { id: 'n-description', name: 'description', rows: 3 });
  const priority = h(
    'select',
    { id: 'n-priority', name: 'priority' },
    ['normal', 'high', 'urgent'].map((p) => h('option', { value: p }, p)),
  );
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'new-ticket' },
    h('h2', { id: 'new-ticket' }, 'New ticket'),
    h('div', { class: 'field' }, h('label', { for: 'n-subject' }, 'Subject'), subject),
    h('div', { class: 'field' }, h('label', { for: 'n-description' }, 'Description'), description),
    h('div', { class: 'field' }, h('label', { for: 'n-priority' }, 'Priority'), priority),
    h('button', { type: 'submit' }, 'Create ticket'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const answer = await app.session.post<Ticket>('/v1/tickets', {
        subject: subject.value,
        description: description.value,
        priority: priority.value,
        channel: 'portal',
      });
      if (!answer.ok) return app.say(problemText(answer.body), 'error');
      app.say(`Created ${answer.body.key}.`);
      location.hash = `#/tickets/${answer.body.id}`;
    })();
  });
  return form;
}
