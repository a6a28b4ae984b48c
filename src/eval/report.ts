// SPDX-License-Identifier: MIT
/**
 * The evaluation report of a checkpoint on a dataset's test split: accuracy, confusion matrix,
 * forward passes per inference, per-layer spikes and synaptic events per inference, the signals
 * the rule was RECORDED reading during training (beside its declaration), and the backend.
 */
import type { Split } from '../data/dataset.js';
import { modelOf, type Checkpoint } from '../io/checkpoint.js';
import { populationNames } from '../io/to-ir.js';
import { ruleSpec } from '../plasticity/rules.js';
import { isLocal } from '../plasticity/signals.js';
import { cpuOps, type BatchedOps } from '../sim/batched/ops.js';
import { Rng } from '../sim/rng.js';
import { accuracyOf, confusionMatrix, scoreSplit } from './inference.js';

export interface LayerActivity {
  projection: string;
  /** Spikes (spiking) or non-zero values (rate) arriving at the projection, per inference. */
  input_events_per_inference: number;
  synaptic_events_per_inference: number;
  /** Spikes (spiking) or non-zero outputs (rate) of the post layer, per inference. */
  output_events_per_inference: number;
}

export interface EvaluationReport {
  dataset: string;
  samples: number;
  accuracy: number;
  confusion: number[][];
  passes_per_inference: number;
  layers: LayerActivity[];
  rule: { name: string; neuron: string; local: boolean; declared_reads: string[]; recorded_reads: string[] };
  backend: Record<string, string>;
}

export function evaluateCheckpoint(ck: Checkpoint, test: Split, datasetName: string, ops: BatchedOps = cpuOps): EvaluationReport {
  const model = modelOf(ck);
  const scored = scoreSplit(model, test, new Rng(ck.config.seed).fork('eval'), ops);
  const names = populationNames(model);
  const per = (v: number) => v / Math.max(test.n, 1);
  const spec = ruleSpec(ck.config);
  return {
    dataset: datasetName,
    samples: test.n,
    accuracy: accuracyOf(scored.predictions, test.y),
    confusion: confusionMatrix(scored.predictions, test.y, ck.config.classes),
    passes_per_inference: scored.passes,
    layers: scored.counts.inputEvents.map((_, l) => ({
      projection: `${names[l]}->${names[l + 1]}`,
      input_events_per_inference: per(scored.counts.inputEvents[l]),
      synaptic_events_per_inference: per(scored.counts.synapticEvents[l]),
      output_events_per_inference: per(scored.counts.outputEvents[l]),
    })),
    rule: { name: spec.name, neuron: ck.config.neuron, local: isLocal(spec), declared_reads: [...spec.reads], recorded_reads: ck.signalsRead },
    backend: { ...ops.backends },
  };
}
