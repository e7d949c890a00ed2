import type { IncomingMessage, Server } from 'node:http';
import { createJsonServer, readBody } from '../common/loopback-server';
import { SfnApiError } from './errors';

/** Step Functions payloads are at most 256 KiB; leave room for the JSON envelope. */
const MAX_BODY_BYTES = 1024 * 1024;
const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';

export type OperationHandler = (operation: string, input: Record<string, unknown>) => Promise<unknown>;

/**
 * AWS JSON 1.0 over HTTP, as the SDK and the AWS CLI speak it: `POST /`, operation in
 * `X-Amz-Target: AWSStepFunctions.<Operation>`. The SigV4 signature is not checked.
 */
export function createProtocolServer(handle: OperationHandler, onError: (message: string) => void): Server {
  return createJsonServer<SfnApiError>(
    {
      contentType: CONTENT_TYPE,
      serve: (req) => serve(req, handle),
      isApiError: (error) => error instanceof SfnApiError,
      internalError: () => new SfnApiError('InternalFailure', 'Internal error', 'InternalFailure', 500),
      errorAnswer: (error) => ({ status: error.status, body: { __type: error.wireType, message: error.message } }),
    },
    onError,
  );
}

async function serve(req: IncomingMessage, handle: OperationHandler): Promise<unknown> {
  if (req.method !== 'POST') throw new SfnApiError('UnknownOperationException', 'Only POST is supported', 'UnknownOperationException', 404);
  const target = String(req.headers['x-amz-target'] ?? '');
  if (!target.startsWith(TARGET_PREFIX)) throw new SfnApiError('UnknownOperationException', 'Missing or unknown X-Amz-Target');
  const text = await readBody(req, MAX_BODY_BYTES, () => new SfnApiError('ValidationException', 'Request body too large'));
  let input: unknown = {};
  if (text.trim()) {
    try {
      input = JSON.parse(text);
    } catch {
      throw new SfnApiError('SerializationException', 'Request body is not valid JSON');
    }
  }
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new SfnApiError('SerializationException', 'Request body must be a JSON object');
  return handle(target.slice(TARGET_PREFIX.length), input as Record<string, unknown>);
}
