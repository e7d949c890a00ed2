/**
 * Local stand-in for the SES configuration set's event destination (SES → SNS →
 * RecordMailFeedback in AWS). The SES emulator (aws-ses-v2-local) publishes no events, so
 * the local SES endpoint is this small proxy in front of it: every request goes to the
 * emulator unchanged, and a SendEmail the emulator accepted with a configuration set
 * becomes an SES `Send` event (mail.messageId, destination, tags, headers), delivered as
 * SNS delivers it to the same feedback handler, before the sender gets its answer.
 * Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SNSEvent } from 'aws-lambda';

export type FeedbackHandler = (event: SNSEvent) => Promise<unknown>;

/** The SESv2 SendEmail request fields a Send event echoes. */
interface SendEmailRequest {
  readonly ConfigurationSetName?: string;
  readonly FromEmailAddress?: string;
  readonly Destination?: { readonly ToAddresses?: readonly string[] };
  readonly EmailTags?: readonly { readonly Name: string; readonly Value: string }[];
  readonly Content?: { readonly Simple?: { readonly Headers?: readonly { readonly Name: string; readonly Value: string }[] } };
}

const SEND_EMAIL_PATH = '/v2/email/outbound-emails';

export async function startSesEventPublisher(options: {
  readonly port: number;
  /** Where the emulator itself listens. */
  readonly emulator: string;
  readonly deliver: FeedbackHandler;
  readonly log?: (line: string) => void;
}): Promise<{ readonly server: Server; readonly port: number }> {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readAll(req);
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([name, v]) => typeof v === 'string' && !HOP_BY_HOP.has(name))) as Record<
          string,
          string
        >;
        const answer = await fetch(`${options.emulator}${req.url ?? '/'}`, {
          method: req.method,
          headers,
          ...(body.length && req.method !== 'GET' && req.method !== 'HEAD' ? { body } : {}),
        });
        const payload = Buffer.from(await answer.arrayBuffer());
        if (req.method === 'POST' && req.url?.split('?')[0] === SEND_EMAIL_PATH && answer.ok) await publishSend(options, body, payload);
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(payload);
      } catch (error) {
        options.log?.(`ses: ${(error as Error).name}`);
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end('{"message":"local SES proxy failed"}');
      }
    })();
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port, '127.0.0.1', () => ok());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

async function publishSend(options: { deliver: FeedbackHandler }, requestBody: Buffer, answerBody: Buffer): Promise<void> {
  const request = JSON.parse(requestBody.toString('utf8')) as SendEmailRequest;
  // As in AWS: events are published for mail sent with a configuration set only.
  if (!request.ConfigurationSetName) return;
  const messageId = String((JSON.parse(answerBody.toString('utf8')) as { MessageId?: string }).MessageId ?? '');
  const timestamp = new Date().toISOString();
  const sesEvent = {
    eventType: 'Send',
    mail: {
      timestamp,
      messageId,
      source: request.FromEmailAddress,
      destination: request.Destination?.ToAddresses ?? [],
      headers: (request.Content?.Simple?.Headers ?? []).map((h) => ({ name: h.Name, value: h.Value })),
      tags: Object.fromEntries((request.EmailTags ?? []).map((t) => [t.Name, [t.Value]])),
    },
    send: {},
  };
  await options.deliver({
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:local:000000000000:ticketflow-mail-feedback:local',
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: 'arn:aws:sns:local:000000000000:ticketflow-mail-feedback',
          Subject: '',
          Message: JSON.stringify(sesEvent),
          Timestamp: timestamp,
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  });
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => ok(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}
