/**
 * Local inbound mail: an SMTP server on 127.0.0.1 (`TICKETFLOW_SMTP_PORT`, default 2525) that
 * does what SES receiving does in AWS. It keeps the raw message (`<dataDir>/mail/inbound/<uuid>.eml`,
 * kept across restarts: the S3 action) and invokes the same handler with the SES receipt event
 * (the Lambda action). Verdicts are PASS, unless the message carries the local-only testing
 * aid `X-Test-Verdicts: spf=FAIL,dkim=FAIL`. No TLS, no authentication: it listens locally only.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { SESEvent } from 'aws-lambda';
import { SMTPServer } from 'smtp-server';
import { INBOUND_LIMITS } from '../../shared/mail/inbound/receive-mail';

export type SesReceiptHandler = (event: SESEvent) => Promise<unknown>;

export interface SmtpListenerOptions {
  readonly dir: string;
  readonly port: number;
  readonly handler: SesReceiptHandler;
  /** Called when a delivery's handling starts and ends, so `settled()` can wait for it. */
  readonly track?: <T>(work: Promise<T>) => Promise<T>;
  readonly log?: (line: string) => void;
}

export interface SmtpListener {
  readonly port: number;
  readonly endpoint: string;
  stop(): Promise<void>;
}

const VERDICTS = ['spf', 'dkim', 'dmarc', 'spam', 'virus'] as const;

export async function startSmtpListener(options: SmtpListenerOptions): Promise<SmtpListener> {
  mkdirSync(options.dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: INBOUND_LIMITS.rawBytes,
    banner: 'Ticketflow local mail in',
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          const error = Object.assign(new Error('Message exceeds the size limit'), { responseCode: 552 });
          return callback(error);
        }
        const raw = Buffer.concat(chunks);
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const work = deliver(options, raw, sender, recipients);
        (options.track ? options.track(work) : work).then(
          () => callback(null),
          (error: unknown) => {
            options.log?.(`smtp: inbound mail handling failed (${error instanceof Error ? error.name : 'error'})`);
            callback(Object.assign(new Error('Temporary failure, try again later'), { responseCode: 451 }));
          },
        );
      });
    },
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port, '127.0.0.1', () => ok());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    endpoint: `smtp://127.0.0.1:${port}`,
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** The S3 action (keep the raw), then the Lambda action (the same handler, the SES event shape). */
async function deliver(options: SmtpListenerOptions, raw: Buffer, sender: string, recipients: string[]): Promise<void> {
  const messageId = randomUUID();
  await writeFile(join(options.dir, `${messageId}.eml`), raw);
  await options.handler(sesEvent(messageId, raw, sender, recipients));
}

function sesEvent(messageId: string, raw: Buffer, sender: string, recipients: string[]): SESEvent {
  const verdicts = testVerdicts(raw);
  const status = (name: (typeof VERDICTS)[number]) => ({ status: verdicts[name] ?? 'PASS' });
  const now = new Date().toISOString();
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp: now,
            source: sender,
            messageId,
            destination: recipients,
            headersTruncated: false,
            headers: [],
            commonHeaders: { returnPath: sender, date: now, messageId },
          },
          receipt: {
            timestamp: now,
            processingTimeMillis: 0,
            recipients,
            spamVerdict: status('spam'),
            virusVerdict: status('virus'),
            spfVerdict: status('spf'),
            dkimVerdict: status('dkim'),
            dmarcVerdict: status('dmarc'),
            dmarcPolicy: 'none',
            action: { type: 'Lambda', functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:ticketflow-ReceiveMail', invocationType: 'Event' },
          },
        },
      },
    ],
  } as unknown as SESEvent;
}

/** `X-Test-Verdicts: spf=FAIL,dkim=FAIL` in the header block (local testing aid only). */
function testVerdicts(raw: Buffer): Partial<Record<(typeof VERDICTS)[number], string>> {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end < 0 ? Math.min(raw.length, 64 * 1024) : end).toString('latin1');
  const line = /^x-test-verdicts:[ \t]*(.*)$/im.exec(head)?.[1] ?? '';
  const out: Partial<Record<(typeof VERDICTS)[number], string>> = {};
  for (const part of line.split(',')) {
    const [name, value] = part.split('=').map((s) => s.trim());
    if (name && value && (VERDICTS as readonly string[]).includes(name.toLowerCase()))
      out[name.toLowerCase() as (typeof VERDICTS)[number]] = value.toUpperCase();
  }
  return out;
}
