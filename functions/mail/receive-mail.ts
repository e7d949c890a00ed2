import type { SESEvent } from 'aws-lambda';
import { receiveMail, type ReceiveOutcome, type Verdicts } from '../../shared/mail/inbound/receive-mail';
import { instrumented } from '../../shared/observability/instrumented';
import { logger } from '../../shared/observability/logger';
import { requireMailIn } from '../../shared/wiring/mail-in';

const receiver = requireMailIn();

/**
 * The SES receipt rule's Lambda action (after its S3 action stored the raw message; locally
 * the SMTP listener stores it and builds the same event). Logs what happened, never the text.
 */
export const handler = instrumented(async (event: SESEvent): Promise<ReceiveOutcome[]> => {
  const outcomes: ReceiveOutcome[] = [];
  for (const record of event.Records) {
    const { mail, receipt } = record.ses;
    const { raw, ref } = await receiver.raw.read(mail.messageId);
    const verdicts: Verdicts = {
      spf: receipt.spfVerdict.status,
      dkim: receipt.dkimVerdict.status,
      dmarc: receipt.dmarcVerdict.status,
      spam: receipt.spamVerdict.status,
      virus: receipt.virusVerdict.status,
    };
    const outcome = await receiveMail(receiver, { raw, verdicts, recipients: receipt.recipients, rawRef: ref, rawId: mail.messageId });
    logger.info('inbound mail', {
      sesMessageId: mail.messageId,
      outcome: outcome.outcome,
      reason: outcome.reason,
      ...('record' in outcome && outcome.record ? { tenantId: outcome.record.tenantId, ticketId: outcome.record.ticketId } : {}),
    });
    outcomes.push(outcome);
  }
  return outcomes;
}, 'asynchronous');
