// SPDX-License-Identifier: MIT
/** Same seed, same result; 1 epoch + checkpoint + resume 1 epoch == 2 uninterrupted epochs, bit for bit. */
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint, writeCheckpoint } from '../../src/io/checkpoint.js';
import type { RunConfig } from '../../src/io/run-config.js';
import { resolveConfig } from '../../src/train/config.js';
import { checkpointOf, resumeRun, runEpoch, startRun, type RunState } from '../../src/train/trainer.js';
import { cpuOps, type BatchedOps } from '../../src/sim/batched/ops.js';
import { createWasmSimdOps, wasmSimdAvailable } from '../../src/sim/batched/wasm-ops.js';
import { syntheticSplit } from './synthetic.js';

const train = syntheticSplit(60, 1);
const testSplit = syntheticSplit(20, 2);

function config(over: Partial<RunConfig>): RunConfig {
  return resolveConfig({ sizes: [784, 24, 16], steps: 8, inputRate: 1, initScale: 2, batch: 16, epochs: 2, seed: 7, ...over });
}

function sameState(t: import('ava').ExecutionContext, a: RunState, b: RunState): void {
  a.model.state.W.forEach((w, l) => t.deepEqual(Buffer.from(w.buffer, w.byteOffset, w.byteLength), Buffer.from(b.model.state.W[l].buffer, b.model.state.W[l].byteOffset, b.model.state.W[l].byteLength)));
  a.model.state.b.forEach((v, l) => t.deepEqual(v, b.model.state.b[l]));
  a.model.state.prototypes.forEach((p, l) => t.deepEqual(p, b.model.state.prototypes[l]));
  t.deepEqual(a.optimizer.m, b.optimizer.m);
  t.is(a.optimizer.t, b.optimizer.t);
  t.deepEqual(a.history.map((m) => m.test_accuracy), b.history.map((m) => m.test_accuracy));
}

for (const over of [{ rule: 'faust', neuron: 'lif' }, { rule: 'ff', neuron: 'rate' }, { rule: 'ff', neuron: 'lif' }, { rule: 'stdp', neuron: 'lif', lr: 0.01 }] as Partial<RunConfig>[]) {
  test(`${over.rule}/${over.neuron}: resume after epoch 1 equals 2 uninterrupted epochs; reruns are identical`, (t) => {
    const full = startRun(config(over));
    runEpoch(full, train, testSplit, cpuOps);
    runEpoch(full, train, testSplit, cpuOps);

    const again = startRun(config(over));
    runEpoch(again, train, testSplit, cpuOps);
    runEpoch(again, train, testSplit, cpuOps);
    sameState(t, full, again);

    const part = startRun(config(over));
    runEpoch(part, train, testSplit, cpuOps);
    const file = join(mkdtempSync(join(tmpdir(), 'ffsnn-resume-')), 'checkpoint.ffsnn');
    writeCheckpoint(file, checkpointOf(part, cpuOps));
    const resumed = resumeRun(readCheckpoint(file));
    t.is(resumed.epoch, 1);
    runEpoch(resumed, train, testSplit, cpuOps);
    sameState(t, full, resumed);
    // and training did change the weights
    t.notDeepEqual(full.model.state.W[0], startRun(config(over)).model.state.W[0]);
  });
}

const simdTest = wasmSimdAvailable() ? test : test.skip;
for (const [rule, threads] of [['faust', 1], ['faust', 2], ['bp', 2]] as const) {
  simdTest(`${rule}/lif on wasm-simd, ${threads} thread(s): resume after epoch 1 equals 2 uninterrupted epochs, bit for bit`, async (t) => {
    const ops = () => createWasmSimdOps({ threads });
    const opened: BatchedOps[] = [];
    const epoch = (run: RunState) => {
      const o = ops();
      opened.push(o);
      runEpoch(run, train, testSplit, o);
      return o;
    };
    const over = { rule, neuron: 'lif' } as Partial<RunConfig>;
    const full = startRun(config(over));
    const o = epoch(full);
    runEpoch(full, train, testSplit, o);
    const part = startRun(config(over));
    const o2 = epoch(part);
    const file = join(mkdtempSync(join(tmpdir(), 'ffsnn-resume-')), 'checkpoint.ffsnn');
    writeCheckpoint(file, checkpointOf(part, o2));
    const resumed = resumeRun(readCheckpoint(file));
    epoch(resumed);
    sameState(t, full, resumed);
    // the SIMD kernels ran (not a fallback) and the run matches the plain-JS one to float32 rounding
    t.is(o.backends.threeFactorAccumulate, 'wasm-simd');
    const plain = startRun(config(over));
    runEpoch(plain, train, testSplit, cpuOps);
    runEpoch(plain, train, testSplit, cpuOps);
    t.true(Math.abs(plain.history[1].test_accuracy - full.history[1].test_accuracy) <= 0.1, `accuracy ${full.history[1].test_accuracy} vs plain JS ${plain.history[1].test_accuracy}`);
    for (const x of opened) await x.release?.();
  });
}
