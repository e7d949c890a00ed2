/**
 * Local stand-in for the SES configuration set's event destination (SES → SNS →
 * RecordMailFeedback in AWS). The SES emulator (aws-ses-v2-local) publishes no events, so
 * the local SES endpoint is this small proxy in front of it: every request goes to the
 * emulator unchanged, and a SendEmail the emulator accepted with a configuration set
 * becomes an SES `Send` event (mail.messageId, destination, tags, headers), delivered as
 * SNS delivers it to the same feedback handler, before the sender gets its answer.
 *
 * In AWS, SES and SNS outlive a Lambda that dies mid-send; here they share its process. So
 * the acceptance is durable first: each accepted mail's Send event is appended to
 * `sentLog` (JSON lines, kept across restarts like SES's own record of what it sent; the
 * emulator's `GET /store` forgets on restart), then delivered, then marked delivered.
 * `redeliver()` (at start, before the stream is followed) delivers what a kill cut off,
 * as SNS would retry it. Listens on 127.0.0.1 only.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { dirname } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { SNSEvent } from 'aws-lambda';
import { platformClock } from '../../shared/time/platform-clock';

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

/** One line of the sent log: a mail SES accepted (its Send event), or that event delivered. */
type SentLogLine = { readonly sent: SesSendEvent } | { readonly delivered: string };

interface SesSendEvent {
  readonly eventType: 'Send';
  readonly mail: {
    readonly timestamp: string;
    readonly messageId: string;
    readonly source: string | undefined;
    readonly destination: readonly string[];
    readonly headers: readonly { readonly name: string; readonly value: string }[];
    readonly tags: Readonly<Record<string, readonly string[]>>;
  };
  readonly send: Record<string, never>;
}

export interface SesEventPublisher {
  readonly server: Server;
  readonly port: number;
  /** Delivers the Send events a kill cut off (logged, not marked delivered). */
  redeliver(): Promise<number>;
}

export async function startSesEventPublisher(options: {
  readonly port: number;
  /** Where the emulator itself listens. */
  readonly emulator: string;
  readonly deliver: FeedbackHandler;
  /** The JSON-lines file of every mail SES accepted and of each Send event delivered. */
  readonly sentLog: string;
  /** Told of each delivery in flight (the runtime's settled() waits for them). */
  readonly track?: (delivery: Promise<unknown>) => unknown;
  readonly log?: (line: string) => void;
}): Promise<SesEventPublisher> {
  mkdirSync(dirname(options.sentLog), { recursive: true });
  const append = (line: SentLogLine) => appendFileSync(options.sentLog, `${JSON.stringify(line)}\n`);
  const publish = async (event: SesSendEvent) => {
    await options.deliver(snsDelivery(event));
    append({ delivered: event.mail.messageId });
  };
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
        let event: SesSendEvent | undefined;
        if (req.method === 'POST' && req.url?.split('?')[0] === SEND_EMAIL_PATH && answer.ok) {
          const request = JSON.parse(body.toString('utf8')) as SendEmailRequest;
          const sent = sendEventOf(request, String((JSON.parse(payload.toString('utf8')) as { MessageId?: string }).MessageId ?? ''));
          // On disk before the answer: a kill before the delivery leaves it to redeliver().
          append({ sent });
          // As in AWS: events are published for mail sent with a configuration set only.
          if (request.ConfigurationSetName) event = sent;
        }
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(payload);
        // As in AWS, the event follows the answer (SES → SNS → Lambda): the sender records its mail first, as a rule.
        if (event) {
          const delivery = publish(event).catch((error: unknown) =>
            options.log?.(`ses: Send event not delivered (${(error as Error).name}), redelivered at the next start`),
          );
          options.track?.(delivery);
        }
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
  return {
    server,
    port: (server.address() as AddressInfo).port,
    redeliver: async () => {
      const lines = readSentLog(options.sentLog);
      const delivered = new Set(lines.flatMap((l) => ('delivered' in l ? [l.delivered] : [])));
      const cutOff = lines.flatMap((l) => ('sent' in l && !delivered.has(l.sent.mail.messageId) ? [l.sent] : []));
      for (const event of cutOff) await publish(event);
      return cutOff.length;
    },
  };
}

/** What SES accepted, oldest first: every line of the sent log that records a mail. */
export function sentMails(sentLog: string): SesSendEvent['mail'][] {
  return readSentLog(sentLog).flatMap((l) => ('sent' in l ? [l.sent.mail] : []));
}

function readSentLog(sentLog: string): SentLogLine[] {
  if (!existsSync(sentLog)) return [];
  // A kill may cut the last line short: it was never acknowledged, so it never happened.
  return readFileSync(sentLog, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return line ? [JSON.parse(line) as SentLogLine] : [];
      } catch {
        return [];
      }
    });
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

function sendEventOf(request: SendEmailRequest, messageId: string): SesSendEvent {
  return {
    eventType: 'Send',
    mail: {
      // SES stamps the time it took the mail; locally that is the local clock, as every other time is
      timestamp: platformClock.now().toISOString(),
      messageId,
      source: request.FromEmailAddress,
      destination: request.Destination?.ToAddresses ?? [],
      headers: (request.Content?.Simple?.Headers ?? []).map((h) => ({ name: h.Name, value: h.Value })),
      tags: Object.fromEntries((request.EmailTags ?? []).map((t) => [t.Name, [t.Value]])),
    },
    send: {},
  };
}

/** The event as SNS hands it to a subscribed Lambda. */
function snsDelivery(event: SesSendEvent): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:local:000000000000:ticketflow-mail-feedback:local',
        Sns: {
          Type: 'Notification',
          MessageId: event.mail.messageId,
          TopicArn: 'arn:aws:sns:local:000000000000:ticketflow-mail-feedback',
          Subject: '',
          Message: JSON.stringify(event),
          Timestamp: event.mail.timestamp,
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => ok(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}
