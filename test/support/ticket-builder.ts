import { slaClock, type Ticket } from '../../shared/domain/ticket';

/** A complete ticket for tests below the HTTP layer; override what the test is about. */
export function aTicket(overrides: Partial<Ticket> = {}): Ticket {
  const created = '2026-03-01T09:00:00.000Z';
  return {
    id: 'TK1',
    key: 'ACME-1',
    subject: 'Printer on fire',
    description: 'It smokes.',
    type: 'incident',
    severity: 'medium',
    priority: 'normal',
    status: 'new',
    category: 'new',
    requester: { id: 'customer-1', email: 'customer@example.test', org: 'globex' },
    assignee: null,
    team: null,
    channel: 'api',
    createdAt: created,
    updatedAt: created,
    submittedAt: created,
    version: 1,
    sla: { response: slaClock(480), resolution: slaClock(5760) },
    escalation: { level: 0, escalatedAt: null, urgent: false },
    resolution: null,
    reopenableUntil: null,
    links: [],
    statusSince: created,
    lastTouchedAt: created,
    categoryLog: [{ at: created, category: 'new' }],
    ...overrides,
  };
}
