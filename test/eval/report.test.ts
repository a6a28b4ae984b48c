// SPDX-License-Identifier: MIT
import test from 'ava';
import { evaluateCheckpoint } from '../../src/eval/report.js';
import { resolveConfig } from '../../src/train/config.js';
import { checkpointOf, runEpoch, startRun } from '../../src/train/trainer.js';
import { cpuOps } from '../../src/sim/batched/ops.js';
import { syntheticSplit } from '../train/synthetic.js';

test('spiking report: events per inference are consistent, recorded reads come from training', (t) => {
  const run = startRun(resolveConfig({ sizes: [784, 20, 12], steps: 8, initScale: 2, batch: 20, epochs: 1, seed: 3 }));
  const train = syntheticSplit(60, 1);
  const testSplit = syntheticSplit(30, 2);
  const m = runEpoch(run, train, testSplit, cpuOps);
  const r = evaluateCheckpoint(checkpointOf(run, cpuOps), testSplit, 'synthetic', cpuOps);
  t.is(r.accuracy, m.test_accuracy, 'evaluate reproduces the epoch metric (same eval stream)');
  t.is(r.samples, 30);
  t.is(r.passes_per_inference, 1);
  t.deepEqual(r.layers.map((l) => l.projection), ['input->h1', 'h1->h2']);
  t.is(r.layers[0].synaptic_events_per_inference, r.layers[0].input_events_per_inference * 20);
  t.is(r.layers[1].synaptic_events_per_inference, r.layers[1].input_events_per_inference * 12);
  // h2 receives the h1 spikes of every step but the last (one-step delay)
  t.true(r.layers[1].input_events_per_inference <= r.layers[0].output_events_per_inference);
  t.true(r.layers[0].output_events_per_inference > 0);
  t.deepEqual(r.rule.recorded_reads, ['global.label', 'layer.local', 'post.trace', 'post.v', 'pre.spike']);
  t.true(r.rule.local);
  t.is(r.backend.lifStep, 'cpu-js');
  t.is(r.confusion.flat().reduce((a, v) => a + v, 0), 30);
});
