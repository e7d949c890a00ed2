/**
 * Corpus report for the inbound-mail module: how many fixtures of test/fixtures/mail pass, and how
 * long the full understanding of one message takes (readInbound + classifyInbound + replyText).
 * Prints JSON only, and never any message text.  Run: npx tsx scripts/mail-corpus-report.ts
 */
import { performance } from 'node:perf_hooks';
import { loadCorpus, passes, understand } from '../test/unit/mail/corpus.js';

const ROUNDS = 5;

const corpus = loadCorpus();
let passed = 0;
for (const fixture of corpus) if (passes(fixture, await understand(fixture.raw))) passed += 1;

// Timed rounds after the first pass above, which also warmed up the JIT and module loading.
const samples: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  for (const fixture of corpus) {
    const start = performance.now();
    await understand(fixture.raw);
    samples.push(performance.now() - start);
  }
}
samples.sort((a, b) => a - b);
const percentile = (p: number): number => Math.round(samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)]! * 1000) / 1000;

console.log(
  JSON.stringify({
    fixtures: corpus.length,
    passed,
    passRate: Math.round((passed / corpus.length) * 10000) / 10000,
    parseMs: { p50: percentile(50), p99: percentile(99) },
  }),
);
