/**
 * One DynamoDBDocumentClient mock per test file (vitest isolates modules per file),
 * the aws-sdk-client-mock-vitest matchers, and stored items shaped like the ones
 * the DynamoDB adapter writes.
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import { expect } from 'vitest';
import type { Ticket } from '../../../shared/domain/ticket';
import { aTicket as baseTicket } from '../../support/ticket-builder';
import { ticketItem } from '../../../shared/store/ticket-item';

expect.extend(allCustomMatcher);

export const ddb = mockClient(DynamoDBDocumentClient);

/** The shared ticket builder, with the ids and requester the handler tests assume. */
export const aTicket = (overrides: Partial<Ticket> = {}): Ticket =>
  baseTicket({ id: '01JTICKET0000000000000001', requester: { id: 'alice', email: 'alice@globex.example', org: 'globex' }, ...overrides });

/** The ticket as GetCommand returns it: the item the adapter writes. */
export const storedTicket = (tenantId: string, ticket: Ticket): Record<string, unknown> => ticketItem(tenantId, ticket);

/** Keys of every GetCommand the mock received. */
export const getKeys = (): Record<string, unknown>[] => ddb.commandCalls(GetCommand).map((c) => c.args[0].input.Key ?? {});
