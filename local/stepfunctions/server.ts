import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SfnApiError } from './errors';

/** Step Functions payloads are at most 256 KiB; leave room for the JSON envelope. */
const MAX_BODY_BYTES = 1024 * 1024;
const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export type OperationHandler = (operation: string, input: Record<string, unknown>) => Promise<unknown>;

/** Dates become epoch seconds, as the AWS JSON 1.0 protocol sends timestamps. */
export function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = toWire(item);
    return out;
  }
  return value;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: SfnApiError): void {
  send(res, error.status, { __type: error.wireType, message: error.message });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SfnApiError('ValidationException', 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * AWS JSON 1.0 over HTTP, as the SDK and the AWS CLI speak it: `POST /`, operation in
 * `X-Amz-Target: AWSStepFunctions.<Operation>`. The SigV4 signature is not checked.
 */
export function createProtocolServer(handle: OperationHandler, onError: (message: string) => void): Server {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        if (req.method !== 'POST') throw new SfnApiError('UnknownOperationException', 'Only POST is supported', 'UnknownOperationException', 404);
        const target = String(req.headers['x-amz-target'] ?? '');
        if (!target.startsWith(TARGET_PREFIX)) throw new SfnApiError('UnknownOperationException', 'Missing or unknown X-Amz-Target');
        const text = await readBody(req);
        let input: unknown = {};
        if (text.trim()) {
          try {
            input = JSON.parse(text);
          } catch {
            throw new SfnApiError('SerializationException', 'Request body is not valid JSON');
          }
        }
        if (!input || typeof input !== 'object' || Array.isArray(input)) throw new SfnApiError('SerializationException', 'Request body must be a JSON object');
        const output = await handle(target.slice(TARGET_PREFIX.length), input as Record<string, unknown>);
        send(res, 200, toWire(output ?? {}));
      } catch (error) {
        if (error instanceof SfnApiError) {
          sendError(res, error);
        } else {
          onError(`internal error: ${(error as Error)?.name ?? 'unknown'}`);
          sendError(res, new SfnApiError('InternalFailure', 'Internal error', 'InternalFailure', 500));
        }
      }
    })();
  });
  server.keepAliveTimeout = 5_000;
  return server;
}

export async function listenLoopback(server: Server, port: number, host: string): Promise<number> {
  if (!LOOPBACK.has(host)) throw new Error(`local Step Functions binds to loopback only, not ${host}`);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
