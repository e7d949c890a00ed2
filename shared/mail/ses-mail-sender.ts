import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { MailSender, OutgoingMail } from './outbound/ports';

/**
 * Notifications through SES v2 with Simple content and headers: SES builds the MIME, keeps
 * our threading headers, and (in AWS) replaces Message-ID with `<id@<region>.amazonses.com>`,
 * which `wireMessageId` reproduces so the next mail threads on what was really sent.
 */
export class SesMailSender implements MailSender {
  constructor(
    private readonly ses: SESv2Client,
    private readonly options: { readonly configurationSet: string | undefined; readonly messageIdDomain: string | null },
  ) {}

  async send(mail: OutgoingMail): Promise<{ providerMessageId: string }> {
    const out = await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: mail.from,
        Destination: { ToAddresses: [mail.to] },
        ReplyToAddresses: mail.replyTo ? [mail.replyTo] : undefined,
        ConfigurationSetName: this.options.configurationSet,
        EmailTags: Object.entries(mail.tags).map(([Name, Value]) => ({ Name, Value: Value.replace(/[^A-Za-z0-9_-]/g, '_') })),
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' }, Html: { Data: mail.html, Charset: 'UTF-8' } },
            Headers: Object.entries(mail.headers).map(([Name, Value]) => ({ Name, Value })),
          },
        },
      }),
    );
    return { providerMessageId: out.MessageId ?? '' };
  }

  wireMessageId(providerMessageId: string): string | null {
    return this.options.messageIdDomain && providerMessageId ? `<${providerMessageId}@${this.options.messageIdDomain}>` : null;
  }
}
