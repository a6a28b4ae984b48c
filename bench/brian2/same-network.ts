// SPDX-License-Identifier: MIT
/**
 * Runs Brian2 (cuba_brian.py --net, Debian's /usr/bin/python3) on ffsnn's own CUBA network: the
 * connectivity and initial potentials ffsnn drew, so the two spike trains can be compared spike
 * for spike. Shared by bench/cuba-spike-check.ts and the CUBA test.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Network } from '../../src/sim/network.js';

/** Brian2's spikes (neuron index and step of each) on `net`, a buildCuba network of n neurons. */
export function brianSpikesOnSameNetwork(
  net: Network,
  n: number,
  opts: { target: string; durationS?: number; showErrors?: boolean },
): { i: number[]; t: number[] } {
  const i: number[] = [];
  const j: number[] = [];
  for (const proj of net.projections) {
    if (proj.format !== 'csr') continue;
    for (let a = 0; a < n; a++) for (let s = proj.rowPtr[a]; s < proj.rowPtr[a + 1]; s++) (i.push(a), j.push(proj.col[s]));
  }
  const pop = net.population('P');
  const v0 = pop.kind === 'neurons' ? Array.from(pop.init.v as Float64Array) : [];
  const dir = mkdtempSync(join(tmpdir(), 'ffsnn-cuba-brian-'));
  writeFileSync(join(dir, 'net.json'), JSON.stringify({ i, j, v0, n_e: Math.round(0.8 * n) }));
  const duration = opts.durationS === undefined ? [] : ['--duration', String(opts.durationS)];
  execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'cuba_brian.py'), '--target', opts.target, '--n', String(n), ...duration, '--outdir', dir, '--net', join(dir, 'net.json'), '--spikes-out', join(dir, 'spikes.json')], {
    env: { ...process.env, PYTHONWARNINGS: 'ignore' },
    stdio: ['ignore', 'ignore', opts.showErrors ? 'inherit' : 'ignore'],
  });
  return JSON.parse(readFileSync(join(dir, 'spikes.json'), 'utf8')) as { i: number[]; t: number[] };
}
