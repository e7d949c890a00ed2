/**
 * One test per fixture of the real-world corpus (see test/fixtures/mail/SOURCES.md): human replies
 * must classify as replies and keep exactly the expected text; auto-replies, bounces, list mail,
 * receipts and our own mail must be ignored for the expected reason.
 */
import { describe, expect, it } from 'vitest';
import { loadCorpus, understand } from './corpus.js';

const corpus = loadCorpus();

describe('inbound mail corpus', () => {
  it('has a substantial corpus of both replies and ignored mail', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    expect(corpus.filter((f) => 'text' in f.expected).length).toBeGreaterThanOrEqual(30);
    expect(corpus.filter((f) => f.expected.kind === 'ignored').length).toBeGreaterThanOrEqual(10);
  });

  for (const fixture of corpus) {
    it(fixture.name, async () => {
      const outcome = await understand(fixture.raw);
      if ('text' in fixture.expected) {
        expect(outcome.classification).toEqual({ kind: 'reply', reason: 'human' });
        expect(outcome.text).toBe(fixture.expected.text);
      } else {
        expect(outcome.classification).toEqual(fixture.expected);
      }
    });
  }
});
