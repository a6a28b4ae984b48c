// SPDX-License-Identifier: MIT
/**
 * Long fuzz run: `npm run fuzz [-- --runs 10000 --seed 1 --reader NAME]`. Prints the counts per
 * reader (accepted, refused by error class, slowest case) and exits non-zero on the first failure,
 * naming the reader and the seed, with the failing input saved for test/fuzz/regressions/.
 * Each reader runs in its own child process: after the HDF5 library (h5wasm) aborts on a damaged
 * file it stays degraded for the rest of the process, so the NIR reader's aborts would otherwise
 * blunt the netx reader's run.
 */
import { spawnSync } from 'node:child_process';
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
if (chosen.length > 1) {
  for (const r of chosen) {
    const child = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, '--runs', String(runs), '--seed', String(seed), '--reader', r.name], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    process.stdout.write(child.stdout.split('\n').slice(1).join('\n'));
    if (child.status !== 0) failed++;
  }
} else {
  const r = chosen[0];
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
