/**
 * Where the raw inbound messages are kept (CONTRACT section 7: "the raw message is kept").
 * In AWS the SES receipt rule's S3 action writes it before the Lambda action runs; locally
 * the SMTP listener writes `<dataDir>/mail/inbound/<messageId>.eml`. The receiving handler
 * only reads it, by the SES messageId.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config';

export interface RawMailStore {
  /** The raw bytes and a reference to show in the record (file path or s3:// URL). */
  read(sesMessageId: string): Promise<{ raw: Buffer; ref: string }>;
}

/** SES message ids (and the local listener's UUIDs) are [0-9a-z-]; anything else never names a file. */
const SAFE_ID = /^[0-9A-Za-z-]{1,128}$/;

export class FolderRawMailStore implements RawMailStore {
  constructor(private readonly dir: string) {}

  async read(sesMessageId: string) {
    if (!SAFE_ID.test(sesMessageId)) throw new Error('invalid SES message id');
    const path = join(this.dir, `${sesMessageId}.eml`);
    return { raw: await readFile(path), ref: path };
  }
}

export function rawMailStore(mailIn: NonNullable<Config['mailIn']>): RawMailStore {
  if (mailIn.store === 'folder') return new FolderRawMailStore(mailIn.dir);
  // TODO(mail-in): the S3 adapter needs @aws-sdk/client-s3, not a dependency yet (no npm install in this change).
  throw new Error(`MAIL_IN=s3 (bucket ${mailIn.bucket}) is declared but the S3 raw-mail reader is not built yet`);
}
