import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand, DeleteTableCommand, DescribeTableCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { ensureTable } from '../../../local/dynamodb/ensure-table';
import { localDynamoClient } from '../../../local/local-aws';
import { LocalStreamPoller, type LocalStreamPollerOptions } from '../../../local/streams/local-stream-poller';
import { keys, CHANGE_FILTERS } from '../../../shared/store/table-design';

/**
 * The local stand-in for the Lambda event source mapping, against DynamoDB Local's own
 * stream: the event shape, the key filter, at-least-once delivery from a checkpoint,
 * partial batch responses and dead letters. Each test has its own table and data dir.
 */
const endpoint = inject('dynamoEndpoint');
const tenantId = 'acme';

let dynamo: DynamoDBClient;
let table: string;
let dataDir: string;
let running: Set<LocalStreamPoller>;
let tables = 0;

beforeEach(async () => {
  dynamo = localDynamoClient(endpoint);
  table = `stream-${process.pid}-${Date.now()}-${++tables}`;
  await ensureTable(dynamo, table);
  dataDir = mkdtempSync(join(tmpdir(), 'stream-poller-'));
  running = new Set();
});

afterEach(async () => {
  for (const poller of running) await poller.stop();
  await dynamo.send(new DeleteTableCommand({ TableName: table }));
  dynamo.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A stand-in for the consumer: records every batch; `respond` decides its answer. */
function consumer(
  respond: (event: DynamoDBStreamEvent, call: number) => Promise<DynamoDBBatchResponse> | DynamoDBBatchResponse = () => ({ batchItemFailures: [] }),
) {
  const batches: DynamoDBRecord[][] = [];
  return {
    batches,
    /** The ticket ids of each batch, in order. */
    tickets: () => batches.map((b) => b.map(ticketOf)),
    handler: async (event: DynamoDBStreamEvent) => {
      batches.push(event.Records);
      return respond(event, batches.length);
    },
  };
}

const ticketOf = (r: DynamoDBRecord) => r.dynamodb!.Keys!.pk!.S!.split('#TK#')[1]!;
const sequenceOf = (r: DynamoDBRecord) => r.dynamodb!.SequenceNumber!;
const failing = (r: DynamoDBRecord | undefined): DynamoDBBatchResponse => ({ batchItemFailures: r ? [{ itemIdentifier: sequenceOf(r) }] : [] });

/**
 * Starts a poller whose background loop stays idle after its first read (nobody kicks it,
 * and its idle pause outlasts the test), so the test drives delivery with drain().
 */
async function startPoller(handler: LocalStreamPollerOptions['handler'], options: Partial<LocalStreamPollerOptions> = {}): Promise<LocalStreamPoller> {
  const poller = new LocalStreamPoller({ dynamo, endpoint, tableName: table, dataDir, filters: CHANGE_FILTERS, handler, idleMs: 600_000, ...options });
  running.add(poller);
  await poller.start();
  // Twice: the first waits for the loop's first read, the second for the read it may chain after it.
  await poller.drain();
  await poller.drain();
  return poller;
}

async function stopPoller(poller: LocalStreamPoller): Promise<void> {
  running.delete(poller);
  await poller.stop();
}

const putTicket = (id: string, version = 1) =>
  dynamo.send(
    new PutItemCommand({
      TableName: table,
      Item: {
        pk: { S: keys.ticketPartition(tenantId, id) },
        sk: { S: 'TICKET' },
        id: { S: id },
        version: { N: String(version) },
        subject: { S: `Printer ${id} on fire` },
      },
    }),
  );

const putItem = (key: { pk: string; sk: string }) =>
  dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: key.pk }, sk: { S: key.sk }, note: { S: 'not a ticket' } } }));

describe('LocalStreamPoller', () => {
  it('hands the ticket and settings items, and only those, to the handler in the Lambda event shape; drain() resolves with the count delivered', async () => {
    const seen = consumer();
    const poller = await startPoller(seen.handler);
    const before = Math.floor(Date.now() / 1000);

    await putTicket('T1');
    await putItem(keys.history(tenantId, 'T1', '01JHIST'));
    await putItem(keys.comment(tenantId, 'T1', '01JCOMMENT'));
    await putItem(keys.lifecycle(tenantId, 'T1'));
    await putItem(keys.timers(tenantId, 'T1'));
    await putItem(keys.settings(tenantId));
    await dynamo.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: keys.ticketPartition(tenantId, 'T1') }, sk: { S: 'TICKET' } },
        UpdateExpression: 'SET version = :two',
        ExpressionAttributeValues: { ':two': { N: '2' } },
      }),
    );
    await dynamo.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: keys.ticketPartition(tenantId, 'T1') }, sk: { S: 'TICKET' } } }));
    const after = Math.ceil(Date.now() / 1000);

    expect(await poller.drain()).toBe(4);

    const delivered = seen.batches.flat();
    // the settings item passes too: its writes drive a workflow migration's steps
    expect(delivered.map((r) => r.dynamodb!.Keys!.sk!.S)).toEqual(['TICKET', 'SETTINGS', 'TICKET', 'TICKET']);
    const records = delivered.filter((r) => r.dynamodb!.Keys!.sk!.S === 'TICKET');
    const streamArn = (await dynamo.send(new DescribeTableCommand({ TableName: table }))).Table!.LatestStreamArn!;
    const ticketKey = { pk: { S: keys.ticketPartition(tenantId, 'T1') }, sk: { S: 'TICKET' } };
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    for (const r of records) {
      expect(r).toMatchObject({ eventSource: 'aws:dynamodb', eventSourceARN: streamArn, awsRegion: expect.any(String), eventID: expect.any(String) });
      expect(r.dynamodb!.Keys).toEqual(ticketKey);
      expect(r.dynamodb!.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
      expect(r.dynamodb!.SequenceNumber).toMatch(/^\d+$/);
      // epoch seconds, as Lambda delivers them (not a Date, not milliseconds); DynamoDB Local rounds down to the minute
      const created = r.dynamodb!.ApproximateCreationDateTime;
      expect(typeof created).toBe('number');
      expect(Number.isInteger(created)).toBe(true);
      expect(created).toBeGreaterThanOrEqual(before - 60);
      expect(created).toBeLessThanOrEqual(after + 1);
    }
    const [inserted, modified, removed] = records;
    expect(inserted!.dynamodb!.NewImage).toMatchObject({ ...ticketKey, id: { S: 'T1' }, version: { N: '1' }, subject: { S: 'Printer T1 on fire' } });
    expect(inserted!.dynamodb!.OldImage).toBeUndefined();
    expect(modified!.dynamodb!.OldImage).toMatchObject({ version: { N: '1' } });
    expect(modified!.dynamodb!.NewImage).toMatchObject({ version: { N: '2' } });
    expect(removed!.dynamodb!.OldImage).toMatchObject({ version: { N: '2' } });
    expect(removed!.dynamodb!.NewImage).toBeUndefined();
    const sequences = records.map((r) => BigInt(sequenceOf(r)));
    expect([...sequences].sort((a, b) => (a < b ? -1 : 1))).toEqual(sequences);

    expect(poller.health()).toEqual({ status: 'ok', deadLetters: 0, delivered: 4 });
    // nothing new: nothing delivered
    expect(await poller.drain()).toBe(0);
    expect(seen.batches.flat()).toHaveLength(4);
  });

  it('resumes from its checkpoint: after stop() a new poller delivers nothing already handled, and every new write', async () => {
    const firstRun = consumer();
    const first = await startPoller(firstRun.handler);
    await putTicket('T1');
    await putTicket('T2');
    expect(await first.drain()).toBe(2);
    await stopPoller(first);

    await putTicket('T3'); // written while no poller runs
    const secondRun = consumer();
    const second = await startPoller(secondRun.handler);
    await putTicket('T4');
    expect(await second.drain()).toBe(1);

    expect(firstRun.tickets().flat()).toEqual(['T1', 'T2']);
    expect(secondRun.tickets().flat()).toEqual(['T3', 'T4']);
  });

  it('redelivers the batch in flight when it crashed in the handler, before the checkpoint (at least once)', async () => {
    let crashed: (records: DynamoDBRecord[]) => void = () => undefined;
    const inHandler = new Promise<DynamoDBRecord[]>((resolve) => (crashed = resolve));
    const firstRun = consumer((event, call) => {
      if (call === 1) return { batchItemFailures: [] };
      // the process dies here: the handler saw the batch and never returns
      crashed(event.Records);
      return new Promise<never>(() => undefined);
    });
    const first = await startPoller(firstRun.handler);
    await putTicket('T1');
    expect(await first.drain()).toBe(1);
    await putTicket('T2');
    await putTicket('T3');
    void first.drain();
    const inFlight = await inHandler;
    expect(inFlight.map(ticketOf)).toEqual(['T2', 'T3']);
    await stopPoller(first);

    const secondRun = consumer();
    const second = await startPoller(secondRun.handler);
    expect(await second.drain()).toBe(0);

    // the same records again (same sequence numbers), and nothing that was handled before them
    expect(secondRun.batches.flat().map(sequenceOf)).toEqual(inFlight.map(sequenceOf));
  });

  it('honours a partial batch response: the records before the failed one are done, it and the later ones come again', async () => {
    const seen = consumer((event, call) => (call === 1 ? failing(event.Records.find((r) => ticketOf(r) === 'T3')) : { batchItemFailures: [] }));
    const poller = await startPoller(seen.handler);
    await putTicket('T1');
    await putTicket('T2');
    await putItem(keys.history(tenantId, 'T2', '01JHIST')); // filtered out, between the done and the failed record
    await putTicket('T3');
    await putTicket('T4');
    await putTicket('T5');

    expect(await poller.drain()).toBe(5 + 3);
    expect(seen.tickets()).toEqual([
      ['T1', 'T2', 'T3', 'T4', 'T5'],
      ['T3', 'T4', 'T5'],
    ]);
    expect(poller.health().deadLetters).toBe(0);

    // and that position is what was checkpointed
    await stopPoller(poller);
    const again = consumer();
    await startPoller(again.handler);
    expect(again.batches).toEqual([]);
  });

  it('takes an empty or unknown itemIdentifier for a failure of the whole batch, as Lambda does', async () => {
    // first an empty identifier, then one that names no record of the batch, for as long as T1 is in it
    const seen = consumer((event, call) =>
      call === 1
        ? { batchItemFailures: [{ itemIdentifier: '' }] }
        : { batchItemFailures: event.Records.some((r) => ticketOf(r) === 'T1') ? [{ itemIdentifier: '1' }] : [] },
    );
    const poller = await startPoller(seen.handler, { maxAttempts: 3 });
    await putTicket('T1');
    await putTicket('T2');

    await poller.drain();

    // nothing was taken for done: the whole batch came again until its first record ran out of attempts
    expect(seen.tickets()).toEqual([['T1', 'T2'], ['T1', 'T2'], ['T1', 'T2'], ['T2']]);
    const letters = readFileSync(join(dataDir, `${table}.dead-letters.jsonl`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(letters).toEqual([expect.objectContaining({ sequenceNumber: sequenceOf(seen.batches[0]![0]!), attempts: 3 })]);
  });

  it('dead-letters a record that keeps failing (metadata only) and still delivers the records after it', async () => {
    const seen = consumer((event) => failing(event.Records.find((r) => ticketOf(r) === 'POISON')));
    const poller = await startPoller(seen.handler, { maxAttempts: 3 });
    await putTicket('T1');
    await putTicket('POISON');
    await putTicket('T2');
    await putTicket('T3');

    await poller.drain();

    expect(seen.tickets()).toEqual([
      ['T1', 'POISON', 'T2', 'T3'],
      ['POISON', 'T2', 'T3'],
      ['POISON', 'T2', 'T3'],
      ['T2', 'T3'],
    ]);
    const poison = seen.batches[0]!.find((r) => ticketOf(r) === 'POISON')!;
    const file = join(dataDir, `${table}.dead-letters.jsonl`);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const letter = JSON.parse(lines[0]!);
    expect(letter).toMatchObject({
      sequenceNumber: sequenceOf(poison),
      eventName: 'INSERT',
      keys: { pk: keys.ticketPartition(tenantId, 'POISON'), sk: 'TICKET' },
      attempts: 3,
    });
    // no item images, no customer text
    expect(lines[0]).not.toContain('Printer');
    expect(letter).not.toHaveProperty('NewImage');
    expect(poller.health()).toMatchObject({ status: 'dead-letters', deadLetters: 1 });

    // the stream goes on past it
    await putTicket('T4');
    expect(await poller.drain()).toBe(1);
    expect(seen.tickets().at(-1)).toEqual(['T4']);

    // the count survives a restart (it is read from the file), and the poison record is not retried
    await stopPoller(poller);
    const after = consumer();
    const restarted = await startPoller(after.handler);
    expect(restarted.health()).toMatchObject({ status: 'dead-letters', deadLetters: 1 });
    expect(after.batches).toEqual([]);
    expect(existsSync(file)).toBe(true);
  });

  it('describes the stream once per drain, not before every read of its shard', async () => {
    const proxy = await streamsProxy(() => false);
    try {
      const seen = consumer();
      // the list's age limit out of reach: however slow this machine, only the drain describes it
      const poller = await startPoller(seen.handler, { endpoint: proxy.url, shardListMaxAgeMs: 600_000 });
      const [described, read] = [proxy.calls('DescribeStream'), proxy.calls('GetRecords')];
      await putTicket('T1');
      expect(await poller.drain()).toBe(1);
      // the drain read the shard at least twice (the record, then nothing new) and described the stream once
      expect(proxy.calls('GetRecords') - read).toBeGreaterThanOrEqual(2);
      expect(proxy.calls('DescribeStream') - described).toBe(1);
      expect(seen.tickets().flat()).toEqual(['T1']);
    } finally {
      await proxy.close();
    }
  });

  it('a read DynamoDB Local refuses as trimmed, though the records are there, resumes from the checkpoint: nothing lost, nothing repeated', async () => {
    // DynamoDB Streams' wire protocol through a proxy that refuses chosen GetRecords calls as DynamoDB Local now and then does
    let refuse = 0;
    const proxy = await streamsProxy(() => refuse-- > 0);
    try {
      const seen = consumer();
      const poller = await startPoller(seen.handler, { endpoint: proxy.url });
      await putTicket('T1');
      expect(await poller.drain()).toBe(1);
      await putTicket('T2');
      refuse = 1;
      expect(await poller.drain()).toBe(1);
      expect(seen.tickets().flat()).toEqual(['T1', 'T2']);
      expect(proxy.refused()).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});

/** Forwards every call to DynamoDB Local (and counts them by operation), except a GetRecords that `refuse()` picks: TrimmedDataAccessException. */
async function streamsProxy(
  refuse: () => boolean,
): Promise<{ url: string; refused: () => number; calls: (operation: string) => number; close: () => Promise<void> }> {
  let refused = 0;
  const calls = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const operation = String(req.headers['x-amz-target']).split('.').at(-1)!;
      calls.set(operation, (calls.get(operation) ?? 0) + 1);
      if (String(req.headers['x-amz-target']).endsWith('.GetRecords') && refuse()) {
        refused++;
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#TrimmedDataAccessException',
            message: 'The operation attempted to read past the oldest stream record in a shard.',
          }),
        );
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'connection')) as Record<string, string>;
      const answer = await fetch(`${endpoint}${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.0' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refused: () => refused,
    calls: (operation) => calls.get(operation) ?? 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
