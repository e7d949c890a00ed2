/**
 * Which tenant receives a support address's mail: claimed when an admin sets `supportAddress`
 * (the settings routes) and read by the inbound-mail function; no other function loads it.
 */
import { DynamoMailboxRegistry } from '../store/dynamo-inbound-mail';
import { table } from '../wiring';

export const mailboxes = new DynamoMailboxRegistry(table.db, table.tableName, table.meter);
