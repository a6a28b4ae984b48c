// SPDX-License-Identifier: MIT
/**
 * snnTorch and Norse, through their own NIR importers, against ffsnn on the same rasters.
 * Exports the checkpoint to NIR (default conventions), encodes K test digits exactly as
 * `ffsnn evaluate` does (same seeds), runs them in snnTorch and Norse (bench/interop/peers.py, one
 * digit at a time from a fresh state) and in ffsnn's float simulation of the exported graph
 * (`importNir` of the same file), then prints per consumer:
 * - identical spikes: digits whose output raster is identical step for step to ffsnn's with
 *   feed-forward spikes delivered within the step (the consumers' timing, `--same-step`), and the
 *   number of (step, neuron) entries that differ;
 * - class agreement: the class read from the output layer's spike counts (FAUST's cosine to the
 *   output layer's class prototypes) agrees with ffsnn's, for ffsnn's same-step run and for its
 *   default run (one step of latency per projection, as `ffsnn evaluate`).
 *
 *   node --import tsx bench/interop/nir-peers.ts [--checkpoint runs/faust-lif-s1/checkpoint.ffsnn] [--digits 200]
 *
 * Needs /usr/bin/python3 with torch and h5py (Debian) and PYTHONPATH holding nir, nirtorch,
 * snntorch and norse sources (bench/interop/README.md).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { digitFrames } from '../../src/cli/simulate-file.js';
import { loadNetwork } from '../../src/cli/load-network.js';
import { exportNetwork } from '../../src/export/export.js';
import { importNir } from '../../src/export/nir/index.js';
import { simulateIR } from '../../src/ir/simulate.js';
import { npyBytes, parseNpy } from '../../src/io/raster.js';

const { values } = parseArgs({
  options: { checkpoint: { type: 'string', default: 'runs/faust-lif-s1/checkpoint.ffsnn' }, digits: { type: 'string', default: '200' }, seed: { type: 'string', default: '1' } },
});
const K = Number(values.digits);
const { net } = await loadNetwork(values.checkpoint!);
const dir = mkdtempSync(join(tmpdir(), 'ffsnn-peers-'));
const file = join(dir, 'net.nir');
await exportNetwork(net, 'nir', file);
const { net: back } = await importNir(file);
const out = back.outputs[back.outputs.length - 1];
const nOut = back.populations.find((p) => p.name === out)!.size;
const width = back.populations.find((p) => p.name === back.inputs[0])!.size;
const { frames, labels, stepsPerDigit: T } = digitFrames(net.encoding, K, width, Number(values.seed), values.checkpoint!);
writeFileSync(join(dir, 'raster.npy'), npyBytes(frames));

const py = spawnSync('/usr/bin/python3', [new URL('./peers.py', import.meta.url).pathname, file, join(dir, 'raster.npy'), String(T), join(dir, 'out')], { encoding: 'utf8' });
if (py.status !== 0) throw new Error(`peers.py failed:\n${py.stderr.split('\n').filter((l) => !l.startsWith('[warning]') && !l.startsWith('w_scale')).slice(-15).join('\n')}`);

// FAUST's read-out restricted to the output layer: cosine of its spike counts to that layer's prototypes.
const r = net.readout!;
const li = r.layers.indexOf(out);
if (li < 0) throw new Error(`output '${out}' is not a read-out layer of the checkpoint`);
const P = r.prototypes![li];
const classOf = (counts: Float64Array) => {
  let best = 0;
  let bestS = -Infinity;
  for (let c = 0; c < r.classes; c++) {
    let s = 0;
    for (let j = 0; j < nOut; j++) s += counts[j] * P[c * nOut + j];
    if (s > bestS) [best, bestS] = [c, s];
  }
  return best;
};
const ffsnn = (sameStep: boolean) =>
  labels.map((_, k) => {
    const sim = simulateIR(back, T, (t) => frames[k * T + t], { record: true, sameStep });
    return sim.raster![out].map((idx) => {
      const a = new Float64Array(nOut);
      for (const i of idx) a[i] = 1;
      return a;
    });
  });
const ours = ffsnn(true);
const oursDefault = ffsnn(false);
const counts = (steps: Float64Array[]) => steps.reduce((s, f) => s.map((x, j) => x + f[j]), new Float64Array(nOut));
const oursClass = ours.map((d) => classOf(counts(d)));
const oursDefaultClass = oursDefault.map((d) => classOf(counts(d)));
const report: Record<string, unknown> = {
  checkpoint: values.checkpoint,
  digits: K,
  steps_per_digit: T,
  output_layer: out,
  ffsnn_same_step: { spikes: ours.flat().reduce((a, f) => a + f.reduce((x, y) => x + y, 0), 0), accuracy: oursClass.filter((c, k) => c === labels[k]).length / K },
  ffsnn_default: { accuracy: oursDefaultClass.filter((c, k) => c === labels[k]).length / K },
};
for (const peer of ['snntorch', 'norse']) {
  const m = parseNpy(readFileSync(join(dir, `out.${peer}.npy`)), peer);
  const theirs = labels.map((_, k) => Array.from({ length: T }, (_, t) => m.data.slice((k * T + t) * nOut, (k * T + t + 1) * nOut)));
  let identical = 0;
  let differing = 0;
  let spikes = 0;
  theirs.forEach((d, k) => {
    let same = true;
    d.forEach((f, t) => f.forEach((x, j) => {
      spikes += x;
      if (x !== ours[k][t][j]) {
        same = false;
        differing++;
      }
    }));
    if (same) identical++;
  });
  const cls = theirs.map((d) => classOf(counts(d)));
  report[peer] = {
    spikes,
    digits_with_identical_spikes: identical,
    differing_step_neuron_entries: differing,
    class_agreement_same_step: cls.filter((c, k) => c === oursClass[k]).length / K,
    class_agreement_default: cls.filter((c, k) => c === oursDefaultClass[k]).length / K,
    accuracy: cls.filter((c, k) => c === labels[k]).length / K,
  };
}
console.log(JSON.stringify(report, null, 2));
