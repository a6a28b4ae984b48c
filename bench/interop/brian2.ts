// SPDX-License-Identifier: MIT
/**
 * Brian2 against ffsnn on a small network, spike for spike: a seeded network of exact-integration
 * LIF populations (input 40 -> hidden 30 with a recurrent inhibitory projection of delay 2 and a
 * refractory period -> output 10 with a bias) is handed to Brian2 (bench/interop/brian2_net.py,
 * Brian2's own `method='exact'` integration) and run in ffsnn's float simulator on the same raster.
 * Prints the spikes of both and how many (step, neuron) spikes differ.
 *
 *   node --import tsx bench/interop/brian2.ts [--steps 500] [--seed 1]
 *
 * Needs Debian's python3-brian (/usr/bin/python3).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { denseWeights } from '../../src/ir/ir.js';
import { simulateIR } from '../../src/ir/simulate.js';
import { poissonRaster, smallLifNet } from '../../test/helpers/nets.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '500' }, seed: { type: 'string', default: '1' } } });
const steps = Number(values.steps);
const seed = Number(values.seed);
const net = smallLifNet(seed, 40, 30, 10);
// Scale the seeded weights so that every layer fires at a moderate rate; give the output a bias.
for (const pr of net.projections) if (pr.weights.format === 'dense') pr.weights.weight = pr.weights.weight.map((w) => w * (pr.pre === 'in' ? 0.35 : 0.3));
net.projections[2].bias = Float32Array.from({ length: 10 }, (_, j) => 0.02 * (j % 3));
const raster = poissonRaster(seed + 100, steps, 40, 0.1);

const sizes = new Map(net.populations.map((p) => [p.name, p.size]));
const spec = {
  dt_ms: net.dt,
  steps,
  input: { name: 'in', size: 40, raster: raster.flatMap((f, t) => Array.from(f).flatMap((x, i) => (x ? [[t, i]] : []))) },
  populations: net.populations.filter((p) => p.model === 'LIF').map((p) => ({ name: p.name, size: p.size, params: p.params })),
  projections: net.projections.map((pr) => {
    const nPre = sizes.get(pr.pre)!;
    const nPost = sizes.get(pr.post)!;
    const w = denseWeights(pr, nPre, nPost);
    const i: number[] = [];
    const j: number[] = [];
    const ws: number[] = [];
    for (let b = 0; b < nPost; b++)
      for (let a = 0; a < nPre; a++)
        if (w[b * nPre + a] !== 0) {
          i.push(a);
          j.push(b);
          ws.push(w[b * nPre + a]);
        }
    return { pre: pr.pre, post: pr.post, receptor: pr.receptor, delay_steps: pr.delaySteps, i, j, w: ws, bias: pr.bias ? Array.from(pr.bias) : null };
  }),
};
const dir = mkdtempSync(join(tmpdir(), 'ffsnn-brian2-'));
writeFileSync(join(dir, 'net.json'), JSON.stringify(spec));
const t0 = performance.now();
const py = spawnSync('/usr/bin/python3', [new URL('./brian2_net.py', import.meta.url).pathname, join(dir, 'net.json'), join(dir, 'out.json')], { encoding: 'utf8' });
if (py.status !== 0) throw new Error(`brian2_net.py failed:\n${py.stderr.split('\n').slice(-15).join('\n')}`);
const brianS = (performance.now() - t0) / 1000;
const brian = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Record<string, { i: number[]; t: number[] }>;
// The float32 weights Brian2 got are the ones ffsnn simulates.
const ours = simulateIR(net, steps, (t) => raster[t], { record: true });
const report: Record<string, unknown> = { steps, dt_ms: net.dt, seed, brian2_seconds: brianS };
for (const name of ['hid', 'out']) {
  const a = new Set(ours.raster![name].flatMap((idx, t) => idx.map((i) => `${t}:${i}`)));
  const b = new Set(brian[name].t.map((t, k) => `${t}:${brian[name].i[k]}`));
  const onlyOurs = [...a].filter((x) => !b.has(x)).length;
  const onlyBrian = [...b].filter((x) => !a.has(x)).length;
  report[name] = { ffsnn_spikes: a.size, brian2_spikes: b.size, only_in_ffsnn: onlyOurs, only_in_brian2: onlyBrian, identical: onlyOurs === 0 && onlyBrian === 0 };
}
console.log(JSON.stringify(report, null, 2));
