// SPDX-License-Identifier: MIT
/**
 * Long fuzz run: `npm run fuzz [-- --runs 10000 --seed 1 --reader NAME]`. Prints the counts per
 * reader (accepted, refused by error class, slowest case) and exits non-zero on the first failure,
 * naming the reader and the seed, with the failing input saved for test/fuzz/regressions/.
 */
import { parseArgs } from 'node:util';
import { fuzzReader } from './harness.js';
import { READERS } from './readers.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' }, reader: { type: 'string', multiple: true } } });
const runs = Number(values.runs);
const seed = Number(values.seed);
const chosen = values.reader?.length ? READERS.filter((r) => values.reader!.includes(r.name)) : READERS;
if (chosen.length === 0) throw new Error(`no reader named ${values.reader?.join(', ')}; readers: ${READERS.map((r) => r.name).join(', ')}`);

let failed = 0;
console.log(`fuzzing ${chosen.length} readers, ${runs} cases each, seed ${seed}`);
for (const r of chosen) {
  const t0 = performance.now();
  try {
    const c = await fuzzReader(r, runs, seed);
    const errs = Object.entries(c.byError).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(`${r.name.padEnd(24)} ${c.cases} cases: ${c.accepted} accepted, ${c.refused} refused (${errs}); 0 crashes, 0 hangs; slowest ${c.maxMs.toFixed(0)} ms; ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } catch (err) {
    failed++;
    console.log(`${r.name.padEnd(24)} FAILED: ${(err as Error).message}`);
  }
}
process.exitCode = failed ? 1 : 0;
