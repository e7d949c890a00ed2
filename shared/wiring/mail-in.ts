/**
 * The mail-in capability (manifest `mailIn`): the raw-message store (S3 in AWS, a folder
 * locally) and the inbound-mail log, loaded only by the inbound-mail function. The
 * mailbox registry is shared with the settings routes, which claim support addresses.
 */
import { ENV } from '../config-names';
import type { ReceiveMailDeps } from '../mail/inbound/receive-mail';
import { rawMailStore, type RawMailStore } from '../mail/raw-mail-store';
import { DynamoInboundMailLog } from '../store/dynamo-inbound-mail';
import { DynamoMailLedger } from '../store/dynamo-mail-ledger';
import { config, countUsage, deps, table } from '../wiring';
import { mailboxes } from './mailboxes';

/** For the inbound-mail function (`MAIL_IN` declared: s3 in AWS, folder locally); fails the cold start without it. */
export function requireMailIn(): ReceiveMailDeps & { readonly raw: RawMailStore } {
  if (!config.mailIn) throw new Error(`${ENV.mailIn} is not configured`);
  return {
    ...deps,
    mailboxes,
    inbound: new DynamoInboundMailLog(table.db, table.tableName, table.meter),
    secrets: new DynamoMailLedger(table.db, table.tableName, table.meter),
    raw: rawMailStore(config.mailIn),
    onReceived: async (tenantId, messageKey) => {
      await countUsage(tenantId, deps.clock.now().toISOString().slice(0, 7), { emailsReceived: 1 }, `mail-in:${messageKey}`);
    },
  };
}
