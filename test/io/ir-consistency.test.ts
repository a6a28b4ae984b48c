// SPDX-License-Identifier: MIT
/**
 * The IR written into checkpoints re-simulates like training: the IR reference simulator
 * (src/ir/simulate.ts, not our code) fed the same input spikes gives the same hidden spike
 * counts as the training forward pass, and the same FAUST prediction from the IR's readout.
 */
import test from 'ava';
import { L2_LAYER_INPUTS, forwardRate as forwardRateIR, simulateIR } from '../../src/ir/simulate.js';
import { toIR } from '../../src/io/to-ir.js';
import { encodeBatch, forwardLif, forwardRate, initModel } from '../../src/plasticity/model.js';
import { resolveConfig } from '../../src/train/config.js';
import { Rng } from '../../src/sim/rng.js';

test('spiking model: IR simulation reproduces the training forward pass spike counts', (t) => {
  const config = resolveConfig({ sizes: [30, 12, 9], classes: 3, steps: 9, initScale: 2 });
  const model = initModel(config, new Rng(11).fork('init'));
  const B = 4;
  const rng = new Rng(2);
  const x = new Float32Array(B * 30).map(() => rng.uniform());
  const frames = encodeBatch(config, x, B, 30, rng.fork('enc'));
  const recs = forwardLif(model, frames, B, false);
  const ir = toIR(model);
  let total = 0;
  for (let b = 0; b < B; b++) {
    const res = simulateIR(ir, config.steps, (s) => frames[s].subarray(b * 30, (b + 1) * 30));
    for (const [l, name] of ['h1', 'h2'].entries()) {
      const n = config.sizes[l + 1];
      const mine = Array.from(recs[l].h.subarray(b * n, (b + 1) * n));
      t.deepEqual(Array.from(res.counts[name]), mine, `sample ${b} layer ${name}`);
      total += mine.reduce((a, v) => a + v, 0);
    }
  }
  t.true(total > 0, 'the network spiked');
});

test('rate FAUST model: the IR rate simulation (length-normalised layer inputs) reproduces the training activations', (t) => {
  const config = resolveConfig({ sizes: [30, 12, 9], classes: 3, neuron: 'rate' });
  const model = initModel(config, new Rng(11).fork('init'));
  const B = 3;
  const rng = new Rng(4);
  const x = new Float32Array(B * 30).map(() => rng.uniform());
  const recs = forwardRate(model, x, B);
  const ir = toIR(model);
  t.is(ir.metadata.layerInputs, L2_LAYER_INPUTS);
  for (let b = 0; b < B; b++) {
    const act = forwardRateIR(ir, x.subarray(b * 30, (b + 1) * 30));
    for (const [l, name] of ['h1', 'h2'].entries()) {
      const n = config.sizes[l + 1];
      const mine = recs[l].h.subarray(b * n, (b + 1) * n);
      const err = Math.max(...Array.from(mine, (v, j) => Math.abs(v - act[name][j])));
      t.true(err < 1e-4 * (1 + Math.max(...mine)), `sample ${b} layer ${name}: max error ${err}`);
    }
  }
});
