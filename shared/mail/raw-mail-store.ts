/**
 * Where the raw inbound messages are kept (CONTRACT section 7: "the raw message is kept").
 * In AWS the SES receipt rule's S3 action writes it before the Lambda action runs; locally
 * the SMTP listener writes `<dataDir>/mail/inbound/<messageId>.eml`. The receiving handler
 * only reads it, by the SES messageId.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
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

/** In AWS: the object the receipt rule's S3 action wrote under `<prefix><messageId>`. */
export class S3RawMailStore implements RawMailStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  async read(sesMessageId: string) {
    if (!SAFE_ID.test(sesMessageId)) throw new Error('invalid SES message id');
    const key = `${this.prefix}${sesMessageId}`;
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return { raw: Buffer.from(await out.Body!.transformToByteArray()), ref: `s3://${this.bucket}/${key}` };
  }
}

export function rawMailStore(mailIn: NonNullable<Config['mailIn']>): RawMailStore {
  if (mailIn.store === 'folder') return new FolderRawMailStore(mailIn.dir);
  return new S3RawMailStore(new S3Client({}), mailIn.bucket, mailIn.prefix);
}
