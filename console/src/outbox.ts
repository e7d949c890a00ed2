import { problemText } from './api';
import type { App } from './app';
import { clear, h, mailTime, table, when } from './ui';

interface Mail {
  readonly from?: string;
  readonly destination?: { to?: string[]; cc?: string[] };
  readonly subject?: string;
  readonly body?: { text?: string; html?: string };
  readonly at?: number;
  readonly headers?: { name: string; value: string }[];
}

/** One inbound mail's outcome (`GET /_local/inbox`): what happened, never its text. */
interface Received {
  readonly receivedAt: string;
  readonly outcome: string;
  readonly reason: string;
  readonly sender: string | null;
  readonly ticketKey: string | null;
}

/** The tenant's inbound mail, newest first, as received. */
async function receivedSection(app: App): Promise<Node[]> {
  const answer = await app.session.get<{ items: Received[] }>('/_local/inbox');
  if (!answer.ok) return [h('h2', {}, 'Received'), h('p', { class: 'empty' }, `No inbox: ${problemText(answer.body)}`)];
  return [
    h('h2', {}, 'Received'),
    table(
      'Received',
      ['Received', 'From', 'Outcome', 'Ticket'],
      answer.body.items.map((r) => [
        h('span', {}, when(r.receivedAt)),
        h('span', {}, r.sender ?? ''),
        h('span', {}, `${r.outcome}: ${r.reason}`),
        h('span', {}, r.ticketKey ?? ''),
      ]),
      'No mail received yet.',
    ),
  ];
}

export async function renderOutbox(app: App, view: HTMLElement): Promise<void> {
  const heading = h('h1', { tabindex: -1 }, 'Outbox');
  const received = await receivedSection(app);
  if (!app.config.outbox) {
    clear(view, heading, h('p', { class: 'empty', 'data-testid': 'no-outbox' }, 'No outbox: the SES emulator (127.0.0.1:8005) is not running.'), ...received);
    return;
  }
  const answer = await app.session.get<{ items: Mail[] }>('/_local/outbox');
  if (!answer.ok) {
    clear(view, heading, h('p', { class: 'empty', 'data-testid': 'no-outbox' }, `No outbox: ${problemText(answer.body)}`), ...received);
    return;
  }
  const mails = [...answer.body.items].sort((a, b) => Date.parse(mailTime(b)) - Date.parse(mailTime(a)));
  clear(
    view,
    heading,
    h('p', { class: 'hint' }, 'Mail the tenant sent, as the SES emulator received it (newest first).'),
    table(
      'Outbox',
      ['Sent', 'To', 'Subject'],
      mails.map((m) => [
        h('span', {}, when(mailTime(m))),
        h('span', {}, [...(m.destination?.to ?? []), ...(m.destination?.cc ?? [])].join(', ')),
        h('details', {}, h('summary', {}, m.subject ?? '(no subject)'), h('pre', {}, m.body?.text ?? '')),
      ]),
      'No mail sent yet.',
    ),
    ...received,
  );
}
