// SPDX-License-Identifier: MIT
/**
 * The asynchronous training step (what `ffsnn train` runs when 'auto' finds a WebGPU adapter)
 * against the synchronous CPU step: here its gpu.js kernels run in gpu.js's CPU mode
 * ('gpujs-cpu'), the one mode available without a GPU, which executes the same kernel bodies.
 * After the same batches, weights, biases and prototypes agree within float32 rounding.
 */
import test from 'ava';
import type { RunConfig } from '../../src/io/run-config.js';
import { resolveConfig } from '../../src/train/config.js';
import { runEpoch, runEpochAsync, startRun } from '../../src/train/trainer.js';
import { cpuOps } from '../../src/sim/batched/ops.js';
import { createAsyncOps } from '../../src/sim/batched/create-ops.js';
import { syntheticSplit } from './synthetic.js';

const train = syntheticSplit(32, 1);
const testSplit = syntheticSplit(10, 2);

function maxRel(a: Float32Array, b: Float32Array): number {
  let d = 0, m = 1e-3;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}

for (const rule of ['faust'] as const) {
  test(`spiking ${rule}: the asynchronous step on gpu.js kernels (CPU mode) equals the CPU step within float32 rounding`, async (t) => {
    const config: RunConfig = resolveConfig({ rule, sizes: [784, 20, 12], steps: 6, inputRate: 1, initScale: 2, batch: 16, epochs: 1, seed: 3 });
    const gpu = await createAsyncOps({ backend: 'gpujs-cpu' });
    try {
      const a = startRun(config), b = startRun(config), before = startRun(config);
      const ma = await runEpochAsync(a, train, testSplit, cpuOps, gpu);
      const mb = runEpoch(b, train, testSplit, cpuOps);
      t.is(gpu.backends.outerAccumulate, 'cpu', 'the products ran as gpu.js kernels');
      t.is(gpu.backends.lifStep, 'cpu');
      for (let l = 0; l < 2; l++) {
        t.true(maxRel(a.model.state.W[l], before.model.state.W[l]) > 1e-4, 'training changed the weights');
        t.true(maxRel(a.model.state.W[l], b.model.state.W[l]) < 1e-4, `W${l}: ${maxRel(a.model.state.W[l], b.model.state.W[l])}`);
        t.true(maxRel(a.model.state.b[l], b.model.state.b[l]) < 1e-4, `b${l}`);
      }
      for (let l = 0; l < a.model.state.prototypes.length; l++) t.true(maxRel(a.model.state.prototypes[l], b.model.state.prototypes[l]) < 1e-4);
      t.is(ma.test_accuracy, mb.test_accuracy);
      t.true(Math.abs(ma.loss - mb.loss) < 1e-4 * Math.max(1, Math.abs(mb.loss)));
    } finally {
      await gpu.dispose();
    }
  });
}
