import type { SNSEvent } from 'aws-lambda';
import { feedbackTenant, recordDeliveryFeedback, type SesFeedback } from '../../shared/mail/outbound/delivery-feedback';
import { instrumented } from '../../shared/observability/instrumented';
import { logger } from '../../shared/observability/logger';
import { inTenant, meterTenant } from '../../shared/usage/invocation-meter';
import { deps } from '../../shared/wiring';
import { mailLedger } from '../../shared/wiring/mail-ledger';

/**
 * SES configuration set → SNS → here: bounces and complaints stop mail to the address.
 * Idempotent (a suppression is a put), so SNS's at-least-once delivery is harmless.
 */
export const handler = instrumented(async (event: SNSEvent): Promise<void> => {
  for (const record of event.Records) {
    let feedback: SesFeedback;
    try {
      feedback = JSON.parse(record.Sns.Message) as SesFeedback;
    } catch {
      logger.warn('SES feedback that is not JSON ignored');
      continue;
    }
    // The event is about one tenant's mail (its tag): this invocation and what it reads and writes are that tenant's usage.
    const tenantId = feedbackTenant(feedback);
    if (tenantId) meterTenant(tenantId);
    const recordIt = () => recordDeliveryFeedback(mailLedger, feedback, deps.clock.now());
    const outcome = tenantId ? await inTenant(tenantId, recordIt) : await recordIt();
    // counts only: addresses are personal data
    logger.info('SES feedback', { suppressed: outcome.suppressed.length, ignored: outcome.ignored });
  }
}, 'asynchronous');
