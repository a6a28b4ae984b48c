// SPDX-License-Identifier: MIT
/** `ffsnn evaluate CHECKPOINT`: scores a checkpoint on a dataset's test split. */
import { ConfigError } from '../../errors.js';
import { loadDataset } from '../../data/index.js';
import { readCheckpoint } from '../../io/checkpoint.js';
import { evaluateCheckpoint, type EvaluationReport } from '../../eval/report.js';
import { createOps } from '../../sim/batched/create-ops.js';
import { numberOption, parseOptions } from '../args.js';
import { printQuantized, quantizedReport } from '../quantized-report.js';
import { loadProfile } from '../../chips/profile.js';
import { resumeRun } from '../../train/trainer.js';
import { evaluateOnChip } from '../../train/on-chip/epoch.js';

export const summary = 'evaluate a checkpoint';

export const help = `usage: ffsnn evaluate CHECKPOINT [--dataset SPEC] [--json] [--backend B]

Scores the checkpoint on the test split of its training dataset, or of --dataset
(mnist-embedded | idx:DIR, which needs only t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte |
cifar10:DIR, which needs test_batch.bin). Reports accuracy (fraction), confusion matrix
(rows: true class, columns: predicted), forward passes per inference, spikes and synaptic events
per inference per layer, the signals the rule was recorded reading, and the backend that ran.

With --profile NAME|FILE (loihi, loihi2, spinnaker, ...), also simulates the network quantised
for that chip with its bit-accurate model (Lava fixed-point CUBA LIF; sPyNNaker IF_curr_exp in
s16.15) and reports its accuracy beside the float network's on the same encoded inputs
(first --profile-samples test samples, default 500), plus cores, chips and energy per inference.

A checkpoint trained with 'ffsnn train --on-chip CHIP' is evaluated in that chip's fixed point
(Lava bit-accurate Dense + CUBA LIF with the learned integer weights), with the same input encoding
as the run's own test pass.`;

const OPTIONS = {
  dataset: { type: 'string' },
  json: { type: 'boolean' },
  backend: { type: 'string' },
  profile: { type: 'string' },
  'profile-samples': { type: 'string' },
} as const;

function printReport(r: EvaluationReport): void {
  console.log(`dataset ${r.dataset}: ${r.samples} test samples`);
  console.log(`accuracy ${(100 * r.accuracy).toFixed(2)}% (${r.passes_per_inference} forward pass${r.passes_per_inference > 1 ? 'es' : ''} per inference)`);
  console.log('per inference:');
  for (const l of r.layers) {
    console.log(
      `  ${l.projection.padEnd(12)} input events ${l.input_events_per_inference.toFixed(1).padStart(9)}  synaptic events ${l.synaptic_events_per_inference.toFixed(0).padStart(9)}  output events ${l.output_events_per_inference.toFixed(1).padStart(8)}`,
    );
  }
  console.log(`rule ${r.rule.name} (${r.rule.neuron}), ${r.rule.local ? 'local' : 'NON-LOCAL'}; recorded reads: ${r.rule.recorded_reads.join(', ') || '(none recorded)'}`);
  console.log(`backend: ${[...new Set(Object.values(r.backend))].join(', ')}`);
  console.log('confusion (rows true, columns predicted):');
  for (const row of r.confusion) console.log(`  ${row.map((v) => String(v).padStart(5)).join('')}`);
}

export async function run(argv: string[]): Promise<number> {
  const { values: o, positionals } = parseOptions(argv, OPTIONS, true);
  if (positionals.length !== 1) throw new ConfigError('evaluate needs exactly one CHECKPOINT path');
  const ck = readCheckpoint(positionals[0]);
  const spec = o.dataset ?? ck.config.dataset;
  const data = loadDataset(spec, false);
  if (data.dim !== ck.config.sizes[0]) {
    throw new ConfigError(`dataset ${data.name} has ${data.dim} inputs per sample but the checkpoint's network takes ${ck.config.sizes[0]}`);
  }
  if (ck.config.onChip && ck.onChip) {
    const r = evaluateOnChip(resumeRun(ck), data.test, loadProfile(ck.config.onChip.chip));
    if (o.json) console.log(JSON.stringify(r));
    else {
      console.log(`dataset ${data.name}: ${r.samples} test samples, evaluated on ${r.chip} in fixed point (${r.fixed_point})`);
      console.log(`accuracy ${(100 * r.accuracy).toFixed(2)}%`);
      const p = r.per_inference.per_sample;
      console.log(`per inference: synaptic ops ${Math.round(p.synaptic_ops)}, spikes ${p.spikes.toFixed(1)}, neuron updates ${p.neuron_updates}; energy ~${r.per_inference.energy.total_uj.toFixed(2)} uJ (profile figures)`);
      console.log('confusion (rows true, columns predicted):');
      for (const row of r.confusion) console.log(`  ${row.map((v) => String(v).padStart(5)).join('')}`);
    }
    return 0;
  }
  const ops = await createOps({ backend: o.backend });
  const report = evaluateCheckpoint(ck, data.test, data.name, ops);
  await ops.dispose();
  const hw = o.profile ? quantizedReport(ck.network, o.profile, data, numberOption('profile-samples', o['profile-samples'], { integer: true, min: 1 }) ?? 500) : undefined;
  if (o.json) console.log(JSON.stringify(hw ? { ...report, quantized: hw } : report));
  else {
    printReport(report);
    if (hw) printQuantized(hw);
  }
  return 0;
}
