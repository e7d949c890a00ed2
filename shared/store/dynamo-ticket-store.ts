import { TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { invalid, StaleWrite } from '../domain/errors';
import type { Page, PageRequest, TicketChange, TicketListIndex, TicketQuery, TicketStore } from '../domain/ports';
import type { ThirdPartyWait } from '../domain/third-party';
import type { Comment, HistoryEvent, Ticket } from '../domain/ticket';
import { ticketItem, ticketOfItem } from './ticket-item';
import { decodeCursor, encodeCursor, ignoreCapacity, reportCapacity, InvalidCursor, withoutKeys, type CapacityListener } from './dynamo-client';
import { keys, LIST_INDEXES, type IndexDesign } from './table-design';

/** A filtered list reads at most this many index pages per request, so a page's cost stays bounded. */
const MAX_QUERY_ROUNDS = 5;

type FilterField = keyof TicketQuery['filters'];

const FIELD: Record<FilterField, (t: Ticket) => string | null> = {
  status: (t) => t.status,
  category: (t) => t.category,
  assignee: (t) => t.assignee,
  org: (t) => t.requester.org,
  requesterId: (t) => t.requester.id,
};

/** The condition an index's partition stands for, re-checked on the ticket as read. */
const OWN_FILTER: Record<TicketListIndex, (value: string) => Partial<Record<FilterField, string>>> = {
  all: () => ({}),
  status: (value) => ({ status: value }),
  category: (value) => ({ category: value }),
  assignee: (value) => ({ assignee: value }),
  org: (value) => ({ org: value }),
  requester: (value) => ({ requesterId: value }),
};

const matches = (ticket: Ticket, wanted: Partial<Record<FilterField, string>>) =>
  Object.entries(wanted).every(([field, value]) => FIELD[field as FilterField](ticket) === value);

export class DynamoTicketStore implements TicketStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly onCapacity: CapacityListener = ignoreCapacity,
  ) {}

  async nextTicketNumber(tenantId: string): Promise<number> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.ticketCounter(tenantId),
        UpdateExpression: 'ADD #seq :one',
        ExpressionAttributeNames: { '#seq': 'seq' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    reportCapacity(this.onCapacity, 'nextTicketNumber', 'write', out.ConsumedCapacity);
    return Number(out.Attributes?.seq);
  }

  async create(tenantId: string, change: TicketChange): Promise<void> {
    const { ticket } = change;
    await this.transact('createTicket', [
      { Put: { TableName: this.tableName, Item: ticketItem(tenantId, ticket), ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.ticketKey(tenantId, ticket.key), entity: 'ticketKey', ticketId: ticket.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...this.appendItems(tenantId, ticket.id, change),
    ]);
  }

  async update(tenantId: string, expectedVersion: number, change: TicketChange): Promise<void> {
    await this.transact(
      'updateTicket',
      [
        {
          Put: {
            TableName: this.tableName,
            Item: ticketItem(tenantId, change.ticket),
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
            // A lost race hands back the winner's ticket (at no extra cost): the loser retries on it without reading it.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        ...this.appendItems(tenantId, change.ticket.id, change),
      ],
      (item) => ticketOfItem(unmarshall(item)),
    );
  }

  async get(tenantId: string, ticketId: string): Promise<Ticket | null> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.ticket(tenantId, ticketId), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    reportCapacity(this.onCapacity, 'getTicket', 'read', out.ConsumedCapacity);
    return out.Item ? ticketOfItem(out.Item) : null;
  }

  async getByKey(tenantId: string, key: string): Promise<Ticket | null> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.ticketKey(tenantId, key), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    reportCapacity(this.onCapacity, 'getTicketKey', 'read', out.ConsumedCapacity);
    return out.Item ? this.get(tenantId, String(out.Item.ticketId)) : null;
  }

  async list(tenantId: string, query: TicketQuery): Promise<Page<Ticket>> {
    const index = LIST_INDEXES[query.index];
    const partition = keys.listPartition(tenantId, query.index, query.value);
    const itemPrefix = `${keys.ticketPartition(tenantId, '')}`;
    let startKey = this.cursor(query.cursor, {
      pk: (v) => v.startsWith(itemPrefix),
      sk: 'TICKET',
      [index.partitionKey]: partition,
      [index.sortKey]: () => true,
    });
    // The indexes project keys only: each round is one Query for the next keys and one
    // BatchGetItem of those tickets, checked against the index's own value (the index may
    // lag the ticket) and the further filters. Without further filters that is one round.
    const wanted: Partial<Record<keyof TicketQuery['filters'], string>> = { ...query.filters, ...OWN_FILTER[query.index](query.value) };
    const items: Ticket[] = [];
    for (let round = 0; round < MAX_QUERY_ROUNDS && items.length < query.limit; round++) {
      const out = await this.db.send(
        new QueryCommand({
          ...this.onePartition(index, partition),
          ScanIndexForward: false,
          Limit: query.limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      reportCapacity(this.onCapacity, 'listTickets', 'read', out.ConsumedCapacity);
      const found = await this.fetchTickets((out.Items ?? []).map((i) => ({ pk: String(i.pk), sk: String(i.sk) })));
      items.push(...found.filter((t) => matches(t, wanted)));
      startKey = out.LastEvaluatedKey as Record<string, string> | undefined;
      if (!startKey) break;
    }
    return { items, nextCursor: encodeCursor(startKey) };
  }

  /** A Query of one partition of a list index (what `list` pages through and `countInStatus` counts). */
  private onePartition(index: IndexDesign, partition: string) {
    return {
      TableName: this.tableName,
      IndexName: index.name,
      KeyConditionExpression: '#ipk = :ipk',
      ExpressionAttributeNames: { '#ipk': index.partitionKey },
      ExpressionAttributeValues: { ':ipk': partition },
      ReturnConsumedCapacity: 'TOTAL' as const,
    };
  }

  /** The tickets of a page, in the order of their keys (one BatchGetItem; at most 100 keys). */
  private async fetchTickets(itemKeys: { pk: string; sk: string }[]): Promise<Ticket[]> {
    if (itemKeys.length === 0) return [];
    const byKey = new Map<string, Record<string, unknown>>();
    let pending: Record<string, unknown>[] | undefined = itemKeys;
    for (let attempt = 0; pending && pending.length > 0 && attempt < 5; attempt++) {
      const out: BatchGetCommandOutput = await this.db.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } }, ReturnConsumedCapacity: 'TOTAL' }),
      );
      reportCapacity(this.onCapacity, 'listTicketsFetch', 'read', out.ConsumedCapacity);
      for (const item of out.Responses?.[this.tableName] ?? []) byKey.set(`${String(item.pk)}|${String(item.sk)}`, item);
      pending = out.UnprocessedKeys?.[this.tableName]?.Keys;
    }
    if (pending && pending.length > 0) throw new Error('BatchGetItem left keys unprocessed');
    return itemKeys.flatMap((k) => {
      const item = byKey.get(`${k.pk}|${k.sk}`);
      return item ? [ticketOfItem(item)] : [];
    });
  }

  async countInStatus(tenantId: string, status: string): Promise<number> {
    const index = LIST_INDEXES.status;
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({ ...this.onePartition(index, keys.listPartition(tenantId, 'status', status)), Select: 'COUNT', ExclusiveStartKey: startKey }),
      );
      reportCapacity(this.onCapacity, 'countInStatus', 'read', out.ConsumedCapacity);
      count += out.Count ?? 0;
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return count;
  }

  listComments(tenantId: string, ticketId: string, page: PageRequest, includeInternal: boolean): Promise<Page<Comment>> {
    return this.listCollection<Comment>(tenantId, ticketId, 'C#', page, includeInternal);
  }

  listHistory(tenantId: string, ticketId: string, page: PageRequest, includeInternal: boolean): Promise<Page<HistoryEvent>> {
    return this.listCollection<HistoryEvent>(tenantId, ticketId, 'H#', page, includeInternal);
  }

  async listWaits(tenantId: string, ticketId: string): Promise<ThirdPartyWait[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.ticketPartition(tenantId, ticketId), ':prefix': 'TP#' },
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    reportCapacity(this.onCapacity, 'listWaits', 'read', out.ConsumedCapacity);
    return (out.Items ?? []).map((i) => withoutKeys<ThirdPartyWait>(i));
  }

  async getWait(tenantId: string, ticketId: string, waitId: string): Promise<ThirdPartyWait | null> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.thirdPartyWait(tenantId, ticketId, waitId),
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    reportCapacity(this.onCapacity, 'getWait', 'read', out.ConsumedCapacity);
    return out.Item ? withoutKeys<ThirdPartyWait>(out.Item) : null;
  }

  /** Comments and history live in the ticket's own partition, oldest first. */
  private async listCollection<T>(tenantId: string, ticketId: string, prefix: string, page: PageRequest, includeInternal: boolean): Promise<Page<T>> {
    const pk = keys.ticketPartition(tenantId, ticketId);
    let startKey = this.cursor(page.cursor, { pk, sk: (v) => v.startsWith(prefix) });
    const items: T[] = [];
    for (let round = 0; round < MAX_QUERY_ROUNDS && items.length < page.limit; round++) {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix, ...(includeInternal ? {} : { ':public': 'public' }) },
          ...(includeInternal ? {} : { FilterExpression: '#visibility = :public', ExpressionAttributeNames: { '#visibility': 'visibility' } }),
          ConsistentRead: true,
          Limit: page.limit - items.length,
          ExclusiveStartKey: startKey,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      reportCapacity(this.onCapacity, prefix === 'C#' ? 'listComments' : 'listHistory', 'read', out.ConsumedCapacity);
      items.push(...(out.Items ?? []).map((i) => withoutKeys<T>(i)));
      startKey = out.LastEvaluatedKey as Record<string, string> | undefined;
      if (!startKey) break;
    }
    return { items, nextCursor: encodeCursor(startKey) };
  }

  private cursor(cursor: string | null, expected: Parameters<typeof decodeCursor>[1]) {
    try {
      return decodeCursor(cursor, expected);
    } catch (error) {
      if (error instanceof InvalidCursor) throw invalid(error.message, [{ path: 'cursor', message: error.message }]);
      throw error;
    }
  }

  private appendItems(tenantId: string, ticketId: string, change: TicketChange) {
    const append = (key: { pk: string; sk: string }, entity: string, body: object) => ({
      Put: { TableName: this.tableName, Item: { ...key, entity, ...body }, ConditionExpression: 'attribute_not_exists(pk)' },
    });
    return [
      ...change.events.map((e) => append(keys.history(tenantId, ticketId, e.id), 'history', e)),
      ...change.comments.map((c) => append(keys.comment(tenantId, ticketId, c.id), 'comment', c)),
      // A wait changes only with its ticket, whose version condition already serializes writers.
      ...(change.waits ?? []).map((w) => ({
        Put: { TableName: this.tableName, Item: { ...keys.thirdPartyWait(tenantId, ticketId, w.id), entity: 'thirdPartyWait', ...w } },
      })),
    ];
  }

  /**
   * `currentOf` reads the first item as the condition found it, where the transaction asked
   * for it back (ReturnValuesOnConditionCheckFailure) and its condition was what failed.
   */
  private async transact(
    operation: string,
    items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>,
    currentOf?: (item: Record<string, AttributeValue>) => Ticket,
  ) {
    try {
      const out = await this.db.send(new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'TOTAL' }));
      reportCapacity(this.onCapacity, operation, 'write', out.ConsumedCapacity);
    } catch (error) {
      // A failed version condition or a concurrent transaction on the same item: the caller re-reads.
      if (error instanceof TransactionCanceledException) {
        const reasons = error.CancellationReasons ?? [];
        const codes = reasons.map((r) => r.Code);
        if (codes.includes('ConditionalCheckFailed') || codes.includes('TransactionConflict')) {
          const first = reasons[0];
          throw new StaleWrite(first?.Code === 'ConditionalCheckFailed' && first.Item && currentOf ? currentOf(first.Item) : undefined);
        }
      }
      throw error;
    }
  }
}
