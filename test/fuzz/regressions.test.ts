// SPDX-License-Identifier: MIT
/**
 * Inputs the fuzzer once found failing, kept after the fix: test/fuzz/regressions/<reader>/<case>.bin,
 * each replayed through its reader with the fuzz property (valid object or typed one-line error,
 * bounded time and memory).
 */
import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOne, slug, warmUp } from './harness.js';
import { READERS } from './readers.js';

const ROOT = join(import.meta.dirname, 'regressions');

test('every regression folder belongs to a reader of the table', (t) => {
  const names = new Set(READERS.map((r) => slug(r.name)));
  for (const d of readdirSync(ROOT)) t.true(names.has(d), `test/fuzz/regressions/${d} matches no reader in test/fuzz/readers.ts`);
});

for (const r of READERS) {
  const dir = join(ROOT, slug(r.name));
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir)) {
    test(`fuzz regression ${r.name}: ${f}`, async (t) => {
      const tmp = mkdtempSync(join(tmpdir(), 'ffsnn-fuzz-reg-'));
      await warmUp(r, tmp);
      const outcome = await readOne(r, readFileSync(join(dir, f)), tmp);
      t.log(outcome ?? 'accepted');
      t.pass();
    });
  }
}
