/**
 * One DynamoDBDocumentClient mock per test file (vitest isolates modules per file),
 * the aws-sdk-client-mock-vitest matchers, and stored items shaped like the ones
 * the DynamoDB adapter writes.
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import { expect } from 'vitest';
import { slaClock, type Ticket } from '../../../shared/domain/ticket';
import { keys } from '../../../shared/store/table-design';

expect.extend(allCustomMatcher);

export const ddb = mockClient(DynamoDBDocumentClient);

export function aTicket(overrides: Partial<Ticket> = {}): Ticket {
  const created = '2026-03-01T09:00:00.000Z';
  return {
    id: '01JTICKET0000000000000001',
    key: 'ACME-1',
    subject: 'Printer on fire',
    description: 'It smokes.',
    type: 'incident',
    severity: 'medium',
    priority: 'normal',
    status: 'new',
    category: 'new',
    requester: { id: 'alice', email: 'alice@globex.example', org: 'globex' },
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
    ...overrides,
  };
}

/** The ticket as GetCommand returns it: with its table and index keys. */
export function storedTicket(tenantId: string, ticket: Ticket): Record<string, unknown> {
  return {
    ...keys.ticket(tenantId, ticket.id),
    entity: 'ticket',
    gsiAllPk: `T#${tenantId}#TICKETS`,
    gsiSk: `${ticket.createdAt}#${ticket.id}`,
    ...ticket,
  };
}

/** Keys of every GetCommand the mock received. */
export const getKeys = (): Record<string, unknown>[] => ddb.commandCalls(GetCommand).map((c) => c.args[0].input.Key ?? {});
