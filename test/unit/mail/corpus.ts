/**
 * The real-world mail corpus in test/fixtures/mail: every `<name>.eml` has either
 * `<name>.expected.txt` (the text a careful human keeps from the reply) or
 * `<name>.expected.json` (`{"kind":"ignored","reason":…}`). Shared by the corpus test and
 * scripts/mail-corpus-report.ts so both judge a fixture the same way.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classificationInput, classifyInbound, readInbound, replyText } from '../../../shared/mail/inbound/index.js';
import type { Classification, OwnMailMarkers } from '../../../shared/mail/inbound/index.js';

export const CORPUS_DIR = new URL('../../fixtures/mail/', import.meta.url).pathname;

/** What the tenant in the corpus (support@demo.ticketflow.test) tells the classifier about its own mail. */
export const CORPUS_MARKERS: OwnMailMarkers = {
  supportAddresses: ['support@demo.ticketflow.test'],
  messageIdDomain: 'mail.ticketflow.test',
  markerHeader: 'X-Ticketflow-Ticket',
};

export interface Fixture {
  name: string;
  raw: Buffer;
  expected: { kind: 'reply'; text: string } | Classification;
}

export function loadCorpus(dir = CORPUS_DIR): Fixture[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.eml'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.eml'.length);
      const textPath = join(dir, `${name}.expected.txt`);
      const jsonPath = join(dir, `${name}.expected.json`);
      const expected = existsSync(textPath)
        ? { kind: 'reply' as const, text: readFileSync(textPath, 'utf8').replace(/\n$/, '') }
        : (JSON.parse(readFileSync(jsonPath, 'utf8')) as Classification);
      return { name, raw: readFileSync(join(dir, file)), expected };
    });
}

export interface Outcome {
  classification: Classification;
  text: string | undefined;
}

/** The whole inbound understanding of one message: parse, classify, and (for replies) extract. */
export async function understand(raw: Buffer): Promise<Outcome> {
  const mail = await readInbound(raw);
  const classification = classifyInbound(classificationInput(mail), CORPUS_MARKERS);
  return { classification, text: classification.kind === 'reply' ? replyText(mail) : undefined };
}

export function passes(fixture: Fixture, outcome: Outcome): boolean {
  if (fixture.expected.kind === 'reply' && 'text' in fixture.expected) {
    return outcome.classification.kind === 'reply' && outcome.text === fixture.expected.text;
  }
  return outcome.classification.kind === fixture.expected.kind && outcome.classification.reason === fixture.expected.reason;
}
