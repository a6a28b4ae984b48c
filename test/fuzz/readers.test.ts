// SPDX-License-Identifier: MIT
/**
 * Quick fuzz run of every reader in test/fuzz/readers.ts (the long run: `npm run fuzz`). Seeded, so a
 * failure is reproducible; the seed and shrunk input are in the failure message.
 */
import test from 'ava';
import { fuzzReader } from './harness.js';
import { READERS } from './readers.js';

const QUICK_RUNS = process.env.FFSNN_FUZZ_RUNS ? Number(process.env.FFSNN_FUZZ_RUNS) : undefined;

for (const r of READERS) {
  const runs = QUICK_RUNS ?? r.quickRuns ?? 200;
  test(`fuzz ${r.name}: ${runs} mutated and generated inputs give a valid object or a typed error, in bounded time and memory`, async (t) => {
    const c = await fuzzReader(r, runs, 13);
    t.is(c.cases, runs);
    t.log(`${r.name}: ${c.accepted} accepted, ${c.refused} refused ${JSON.stringify(c.byError)}, slowest ${c.maxMs.toFixed(1)} ms`);
  });
}
