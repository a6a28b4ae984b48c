// SPDX-License-Identifier: MIT
/**
 * One epoch of on-chip training (shuffled batches through the chip model, the test split scored
 * in the chip's fixed point), and the per-learning-sample costs with the profile's energy figures.
 * Random streams are forked from the run seed by epoch and batch, as in the float trainer, so a
 * resumed run is bit-identical.
 */
import type { Split } from '../../data/dataset.js';
import { accuracyOf, argmaxRows } from '../../eval/inference.js';
import type { EpochMetrics } from '../../io/checkpoint.js';
import type { HardwareProfile, Quantity } from '../../chips/profile.js';
import { layerSizes } from '../../plasticity/model.js';
import { Rng } from '../../sim/rng.js';
import { ConfigError } from '../../errors.js';
import { lrAt } from '../config.js';
import { syncFloatWeights, type BatchProgress, type RunState } from '../trainer.js';
import { chipMatrices, emptyCounts, extraRows, faustScores, fromChipMatrices, inferBatch, learnBatch, learnBuffers, type OnChipCounts } from './loihi.js';
import { emptySpinnakerCounts, inferSpinnakerBatch, learnSpinnakerBatch, spinnakerBuffers, spinnakerCostsPerSample, type SpinnakerCounts } from './spinnaker.js';
import { ChipKernels } from '../../chips/loihi/on-chip/learning-wasm.js';
import { energyOf, isSpinnaker, type EnergyTerm, type OnChipSettings, type OnChipState } from '../../chips/on-chip.js';
import type { ModelConfig } from '../../plasticity/model.js';
import { learnStdpBatch } from './stdp.js';

export interface OnChipEpochMetrics extends EpochMetrics {
  /** Summed operation counts of the epoch's learning samples, per layer. */
  learning_counts: ChipCounts[];
  /** Summed counts of the test pass (inference only), per layer. */
  inference_counts: ChipCounts[];
}

type ChipCounts = OnChipCounts | SpinnakerCounts;

/**
 * What the epoch loop needs of a chip: its counters, a batch of learning on the epoch's buffers
 * (which hold the chip's copy of the weights), and inference on given weights.
 */
interface ChipTrainer {
  emptyCounts(): ChipCounts;
  /** Learning buffers of an epoch, and how to read their weights (and biases) back at its end. */
  buffers(sizes: number[], batch: number, state: OnChipState): { learned(): Pick<OnChipState, 'weights' | 'biases'>; learn: LearnFn };
  /** Inference over batches of at most `batch` samples on these weights. */
  inferer(sizes: number[], batch: number, state: OnChipState): InferFn;
}
type LearnFn = (run: RunState, x: Float32Array, y: Uint8Array, B: number, lrScale: number, rng: Rng, counts: ChipCounts[]) => { loss: number[]; h: Float32Array[] };
type InferFn = (config: ModelConfig, x: Float32Array, B: number, rng: Rng, counts: ChipCounts[]) => Float32Array[];

function trainerOf(s: OnChipSettings): ChipTrainer {
  if (isSpinnaker(s)) {
    return {
      emptyCounts: emptySpinnakerCounts,
      buffers: (sizes, _batch, state) => {
        const buf = spinnakerBuffers(sizes, s, state.weights);
        return {
          learned: () => ({ weights: buf.learners.map((tf) => Int16Array.from(tf.weights)) }),
          learn: (run, x, y, B, lrScale, rng, counts) => learnSpinnakerBatch(run.config, s, run.onChip!, run.model.state.prototypes, x, y, B, buf, lrScale, rng, counts as SpinnakerCounts[]),
        };
      },
      inferer: (_sizes, _batch, state) => (config, x, B, rng, counts) => inferSpinnakerBatch(config, s, state.weights, x, B, rng, counts as SpinnakerCounts[]),
    };
  }
  return {
    emptyCounts,
    buffers: (sizes, batch, state) => {
      const buf = learnBuffers(sizes, batch, state, s);
      return {
        learned: () => fromChipMatrices(buf.kernels.weights, sizes, s),
        learn: (run, x, y, B, lrScale, rng, counts) =>
          s.rule === 'stdp'
            ? { loss: sizes.slice(1).map(() => 0), h: learnStdpBatch(run.config, s, run.model.state.prototypes, x, y, B, buf.kernels, rng, counts as OnChipCounts[]) }
            : learnBatch(run.config, s, run.onChip!, run.model.state.prototypes, x, y, B, buf, lrScale, rng, counts as OnChipCounts[]),
      };
    },
    inferer: (sizes, batch, state) => {
      const kernels = new ChipKernels(sizes, batch, chipMatrices(state), false, extraRows(s));
      return (config, x, B, rng, counts) => inferBatch(config, s, kernels, x, B, rng, counts as OnChipCounts[]);
    },
  };
}

/** Scores a split in the chip's fixed point; returns predictions and the inference counts. */
export function scoreOnChip(run: RunState, split: Split, rng: Rng, batch = 200): { predictions: Uint8Array; counts: ChipCounts[] } {
  const c = run.config;
  const trainer = trainerOf(c.onChip!);
  const sizes = layerSizes(c);
  const dim = sizes[0];
  const counts = sizes.slice(1).map(() => trainer.emptyCounts());
  const predictions = new Uint8Array(split.n);
  const infer = trainer.inferer(sizes, batch, run.onChip!);
  for (let k = 0; k < split.n; k += batch) {
    const B = Math.min(batch, split.n - k);
    const hs = infer(c, split.x.subarray(k * dim, (k + B) * dim), B, rng.fork(`batch-${k}`), counts);
    predictions.set(argmaxRows(faustScores(c, hs, run.model.state.prototypes, B), B, c.classes), k);
  }
  return { predictions, counts };
}

export function runOnChipEpoch(run: RunState, train: Split, test: Split, onBatch?: (p: BatchProgress) => void): OnChipEpochMetrics {
  const c = run.config;
  if (!c.onChip || !run.onChip) throw new ConfigError('runOnChipEpoch needs an on-chip run');
  const e = run.epoch;
  const sizes = layerSizes(c);
  const dim = sizes[0];
  const root = new Rng(c.seed);
  const order = Array.from({ length: train.n }, (_, i) => i);
  root.fork(`shuffle-${e}`).shuffle(order);
  const chipRng = root.fork(`chip-${e}`);
  const lrScale = lrAt({ ...c, lr: 1 }, e);
  const trainer = trainerOf(c.onChip);
  const buf = trainer.buffers(sizes, c.batch, run.onChip);
  const counts = sizes.slice(1).map(() => trainer.emptyCounts());
  const layerLoss = new Array<number>(sizes.length - 1).fill(0);
  let batches = 0;
  let correct = 0;
  const t0 = performance.now();
  for (let s = 0; s < train.n; s += c.batch) {
    const B = Math.min(c.batch, train.n - s);
    const x = new Float32Array(B * dim);
    const y = new Uint8Array(B);
    for (let r = 0; r < B; r++) {
      const i = order[s + r];
      x.set(train.x.subarray(i * dim, (i + 1) * dim), r * dim);
      y[r] = train.y[i];
    }
    const { loss, h } = buf.learn(run, x, y, B, lrScale, chipRng.fork(`batch-${s}`), counts);
    loss.forEach((v, l) => (layerLoss[l] += v));
    batches++;
    const pred = argmaxRows(faustScores(c, h, run.model.state.prototypes, B), B, c.classes);
    for (let r = 0; r < B; r++) if (pred[r] === y[r]) correct++;
    const done = s + B;
    onBatch?.({
      epoch: e + 1,
      epochs: c.epochs,
      done,
      total: train.n,
      loss: layerLoss.reduce((a, v) => a + v, 0) / layerLoss.length / batches,
      accuracy: correct / done,
      samplesPerS: done / ((performance.now() - t0) / 1000),
    });
  }
  const seconds = (performance.now() - t0) / 1000;
  Object.assign(run.onChip, buf.learned());
  syncFloatWeights(run);
  const scored = scoreOnChip(run, test, root.fork('eval'));
  const perLayer = layerLoss.map((v) => v / batches);
  const m: OnChipEpochMetrics = {
    epoch: e + 1,
    loss: perLayer.reduce((a, v) => a + v, 0) / perLayer.length,
    layer_loss: perLayer,
    train_accuracy: correct / train.n,
    test_accuracy: accuracyOf(scored.predictions, test.y),
    seconds,
    samples_per_s: train.n / seconds,
    learning_counts: counts,
    inference_counts: scored.counts,
  };
  run.epoch++;
  run.history.push(m);
  return m;
}

const pj = (q: Quantity<number | null> | undefined) => (q && q.value !== null ? q.value : null);

/**
 * Costs per sample (learning or inference) summed over layers, and the energy estimate from the
 * profile's per-operation figures, each term with its confidence. A term whose figure the profile
 * lacks is left out and named.
 */
export function onChipCosts(counts: ChipCounts[], s: OnChipSettings, sizes: number[], profile: HardwareProfile) {
  return isSpinnaker(s) ? spinnakerCostsPerSample(counts as SpinnakerCounts[], s, sizes, profile) : costsPerSample(counts as OnChipCounts[], profile);
}

export function costsPerSample(counts: OnChipCounts[], profile: HardwareProfile) {
  const n = Math.max(1, counts[0]?.samples ?? 0);
  const sum = (k: keyof OnChipCounts) => counts.reduce((a, c) => a + c[k], 0) / n;
  const per = {
    synaptic_ops: sum('synapticOps'),
    spikes: sum('spikes'),
    neuron_updates: sum('neuronUpdates'),
    trace_updates: sum('traceUpdates'),
    synapse_updates: sum('synapseUpdates'),
    weight_changes: sum('weightChanges'),
    third_factor_messages: sum('thirdFactorMessages'),
    count_reads: sum('countReads'),
    embedded_ops: sum('embeddedOps'),
  };
  const en = profile.energy;
  const terms: EnergyTerm[] = [
    { term: 'synaptic ops', count: per.synaptic_ops, pj_each: pj(en.synOpPj), confidence: en.synOpPj.confidence, source: en.synOpPj.source },
    { term: 'neuron updates', count: per.neuron_updates, pj_each: pj(en.neuronUpdatePj), confidence: en.neuronUpdatePj.confidence, source: en.neuronUpdatePj.source },
    { term: 'spikes', count: per.spikes, pj_each: pj(en.spikePj), confidence: en.spikePj?.confidence ?? 'unconfirmed', source: en.spikePj?.source ?? 'not in the profile' },
    { term: 'synapse updates (learning engine)', count: per.synapse_updates, pj_each: pj(en.synUpdatePj), confidence: en.synUpdatePj?.confidence ?? 'unconfirmed', source: en.synUpdatePj?.source ?? 'not in the profile' },
    { term: 'embedded-processor ops', count: per.embedded_ops, pj_each: null, confidence: 'unconfirmed', source: 'no per-operation energy of the embedded x86 cores in the profile' },
  ];
  return { per_sample: per, energy: energyOf(terms) };
}

/**
 * `ffsnn evaluate` of an on-chip checkpoint: the test split scored in the chip's fixed point, with
 * the same input encoding as the run's own test pass (so it reproduces the run's test_accuracy).
 */
export function evaluateOnChip(run: RunState, split: Split, profile: HardwareProfile) {
  const { predictions, counts } = scoreOnChip(run, split, new Rng(run.config.seed).fork('eval'));
  const C = run.config.classes;
  const confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  for (let k = 0; k < split.n; k++) confusion[split.y[k]][predictions[k]]++;
  return {
    chip: run.config.onChip!.chip,
    fixed_point: isSpinnaker(run.config.onChip!) ? "sPyNNaker IF_curr_exp in s16.15 with the learned 16-bit weights" : 'Lava bit-accurate Dense + CUBA LIF with the learned integer weights',
    samples: split.n,
    accuracy: accuracyOf(predictions, split.y),
    confusion,
    per_inference: onChipCosts(counts, run.config.onChip!, layerSizes(run.config), profile),
  };
}
