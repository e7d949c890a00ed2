/**
 * Part of `npm test`: no focused or skipped tests may land. vitest's allowOnly:false
 * catches `.only`; this also catches `.skip`, `.todo` and `xit`/`xdescribe`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const banned = /\b(?:it|test|describe)\s*\.\s*(?:only|skip|todo|skipIf|runIf)\b|\bx(?:it|describe)\s*\(/;

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (name.endsWith('.test.ts')) yield path;
  }
}

const offenders = [...files(join(root, 'test'))].flatMap((file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => banned.test(line))
    .map(({ i }) => `${relative(root, file)}:${i + 1}`),
);
if (offenders.length > 0) {
  console.error(`Focused or skipped tests are not allowed:\n  ${offenders.join('\n  ')}`);
  process.exit(1);
}
