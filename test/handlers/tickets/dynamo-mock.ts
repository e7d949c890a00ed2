/**
 * One DynamoDBDocumentClient mock per test file (vitest isolates modules per file),
 * the aws-sdk-client-mock-vitest matchers, and the ticket the handler tests assume
 * (a stored ticket item is the adapter's own `ticketItem`).
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import { expect } from 'vitest';
import type { Ticket } from '../../../shared/domain/ticket';
import { aTicket as baseTicket } from '../../support/ticket-builder';

expect.extend(allCustomMatcher);

export const ddb = mockClient(DynamoDBDocumentClient);

/** The shared ticket builder, with the ids and requester the handler tests assume. */
export const aTicket = (overrides: Partial<Ticket> = {}): Ticket =>
  baseTicket({ id: '01JTICKET0000000000000001', requester: { id: 'alice', email: 'alice@globex.example', org: 'globex' }, ...overrides });

/** Keys of every GetCommand the mock received. */
export const getKeys = (): Record<string, unknown>[] => ddb.commandCalls(GetCommand).map((c) => c.args[0].input.Key ?? {});
