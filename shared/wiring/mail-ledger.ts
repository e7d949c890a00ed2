/**
 * The mail ledger (what was sent, bounced and complained about, per tenant): loaded by the
 * functions that send mail or hear back about it (the change follower, SES feedback), not by
 * every table function.
 */
import { DynamoMailLedger } from '../store/dynamo-mail-ledger';
import { guardedUsage, table } from '../wiring';

/** A sent mail is counted (emailsSent) by the ledger write that first records it, where metering is on. */
export const mailLedger = new DynamoMailLedger(table.db, table.tableName, table.meter, guardedUsage);
