import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The HTTP plumbing the local AWS emulators share: a JSON API server that answers every request
 * with a JSON body (the service's own errors as the service's protocol spells them), bound to
 * loopback only. The SigV4 signature is never checked, which is why nothing else may reach it.
 */

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Dates become epoch seconds, as the restJson1 and AWS JSON 1.0 protocols send timestamps by default. */
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

/** The request body as text; past `maxBytes` it stops reading and throws `tooLarge()`. */
export async function readBody(req: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An error as it goes on the wire: HTTP status, JSON body and, for restJson1, `x-amzn-ErrorType`. */
export interface ErrorAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly errorType?: string;
}

/** What one service adds to the shared server: its protocol and its error class. */
export interface JsonProtocol<E extends Error> {
  readonly contentType: string;
  /** Routes, reads and runs one request; resolves with the operation's output (Dates allowed), throws `E`. */
  readonly serve: (req: IncomingMessage) => Promise<unknown>;
  /** The service's own API errors, answered as they are. */
  readonly isApiError: (error: unknown) => error is E;
  /** The answer to any other error, which is reported by name only (its message may carry data). */
  readonly internalError: () => E;
  readonly errorAnswer: (error: E) => ErrorAnswer;
}

function send(res: ServerResponse, contentType: string, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

function sendError<E extends Error>(res: ServerResponse, protocol: JsonProtocol<E>, error: E): void {
  const answer = protocol.errorAnswer(error);
  send(res, protocol.contentType, answer.status, answer.body, answer.errorType);
}

export function createJsonServer<E extends Error>(protocol: JsonProtocol<E>, onError: (message: string) => void): Server {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const output = await protocol.serve(req);
        send(res, protocol.contentType, 200, toWire(output ?? {}));
      } catch (error) {
        if (protocol.isApiError(error)) {
          sendError(res, protocol, error);
        } else {
          onError(`internal error: ${(error as Error)?.name ?? 'unknown'}`);
          sendError(res, protocol, protocol.internalError());
        }
      }
    })();
  });
  server.keepAliveTimeout = 5_000;
  return server;
}

/**
 * Listens on a loopback `host` only (`service` names the emulator in the refusal); resolves with
 * the bound port (useful with port 0) and the endpoint to hand to an SDK client.
 */
export async function listenLoopback(server: Server, port: number, host: string, service: string): Promise<{ port: number; endpoint: string }> {
  if (!LOOPBACK.has(host)) throw new Error(`local ${service} binds to loopback only, not ${host}`);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return { port: bound, endpoint: `http://${hostPart}:${bound}` };
}

/** Closes the server, cutting kept-alive connections so it does not wait for idle clients. */
export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
