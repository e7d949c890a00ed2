/**
 * The mail-out capability (manifest `mailOut`): the SES v2 client and the mailer, loaded
 * only by the function that sends notifications (the change follower).
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { ENV } from '../config-names';
import type { MailDeps } from '../mail/outbound/send-notification';
import { SesMailSender } from '../mail/ses-mail-sender';
import { config, deps } from '../wiring';
import { mailLedger } from './mail-ledger';

/** Mail out exists where it is declared (`MAIL_OUT=ses`: in AWS and in `npm start`). */
const mailDeps: MailDeps | undefined = config.mail
  ? {
      tickets: deps.tickets,
      settings: deps.settings,
      users: deps.users,
      ledger: mailLedger,
      sender: new SesMailSender(new SESv2Client(config.mail.sesEndpoint ? { endpoint: config.mail.sesEndpoint } : {}), {
        configurationSet: config.mail.configurationSet,
        messageIdDomain: config.mail.messageIdDomain,
      }),
      clock: deps.clock,
      sendConfirmationMs: config.mail.sendConfirmationMs,
    }
  : undefined;

/** For the change follower, which mails notifications: fails the cold start where mail out is not configured. */
export function requireMailOut(): MailDeps {
  if (!mailDeps) throw new Error(`${ENV.mailOut} is not configured`);
  return mailDeps;
}
