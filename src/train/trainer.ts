// SPDX-License-Identifier: MIT
/**
 * The training loop: epochs of shuffled mini-batches, each layer updated by its rule, the test
 * split scored after every epoch.
 *
 * Determinism: every random stream is forked from the run seed by a label that names the epoch
 * (`shuffle-e`, `encode-e`, `negative-e`) or the purpose (`init`, `eval`), never drawn from a
 * shared running state, so a run resumed after epoch e consumes exactly the numbers the
 * uninterrupted run would have, and ends with bit-identical weights.
 */
import type { Dataset, Split } from '../data/dataset.js';
import { fractionOf } from '../data/dataset.js';
import { accuracyOf, argmaxRows, scoreSplit } from '../eval/inference.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, modelOf, type Checkpoint, type EpochMetrics } from '../io/checkpoint.js';
import type { RunConfig } from '../io/run-config.js';
import { populationNames, toIR } from '../io/to-ir.js';
import { updatePrototypes } from '../plasticity/faust.js';
import { overlayLabel, relabelFrames } from '../plasticity/ff.js';
import { encodeBatch, forwardLif, forwardRate, initModel, layerSizes, lifConstantsOf, activityWeights, prototypeScores, unitRows, type LifLayerRecord, type Model } from '../plasticity/model.js';
import { createOptimizer, optimizerStep, type OptimizerState } from '../plasticity/optimizer.js';
import { applyRule, type BatchRecord } from '../plasticity/rules.js';
import { ReadRecorder } from '../plasticity/signals.js';
import type { Grad } from '../plasticity/three-factor.js';
import { cpuOps, type BatchedOps } from '../sim/batched/ops.js';
import type { AsyncOpsHandle } from '../sim/batched/create-ops.js';
import { Rng } from '../sim/rng.js';
import { totalmem } from 'node:os';
import { ConfigError, DivergenceError, MemoryLimitError, SnnError } from '../errors.js';
import { lrAt } from './config.js';
import { isSpinnaker, type OnChipState } from '../chips/on-chip.js';
import { initSpinnakerState } from './on-chip/spinnaker.js';
import { initOnChipState } from './on-chip/loihi.js';

export interface RunState {
  config: RunConfig;
  model: Model;
  optimizer: OptimizerState;
  /** Epochs completed. */
  epoch: number;
  history: EpochMetrics[];
  rng: Rng;
  recorder: ReadRecorder;
  /** Gradient buffers, one per projection (not saved; made by the first epoch). */
  grads?: Grad[];
  /** On-chip runs: the chip's integer state. */
  onChip?: OnChipState;
}

export interface BatchProgress {
  epoch: number;
  epochs: number;
  done: number;
  total: number;
  loss: number;
  accuracy: number | null;
  samplesPerS: number;
}

/**
 * Bytes a run holds at its peak, estimated from its configuration: per parameter the weight, its
 * gradient, Adam's two moments and two copies while a checkpoint is encoded; per sample of a batch
 * and neuron the activity and, for spiking layers, membrane, current and trace at every step.
 */
export function trainingBytes(c: RunConfig): number {
  const sizes = layerSizes(c);
  let params = 0;
  let neurons = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    params += sizes[l] * sizes[l + 1] + sizes[l + 1];
    neurons += sizes[l + 1];
  }
  const floatsPerParam = 2 + (c.optimizer === 'adam' ? 2 : 0) + 2;
  const batchRows = c.rule === 'ff' ? 2 * c.batch : c.batch;
  const perNeuron = c.neuron === 'lif' ? 3 * c.steps + 2 : 3;
  return 4 * (params * floatsPerParam + neurons * (batchRows * perNeuron + c.classes) + batchRows * sizes[0] * (c.neuron === 'lif' ? c.steps : 1));
}

/** The memory a run may use unless told otherwise: half the machine's RAM, as for simulated networks. */
export const defaultMemoryBudget = (): number => Math.floor(totalmem() / 2);

/** @throws MemoryLimitError, before allocating anything, when the run would not fit `budget` bytes. */
export function startRun(config: RunConfig, budget = defaultMemoryBudget()): RunState {
  const need = trainingBytes(config);
  if (need > budget) throw new MemoryLimitError(`training a ${layerSizes(config).join('-')} network (weights, gradients, optimizer state, activations)`, need, budget);
  const rng = new Rng(config.seed);
  const model = initModel(config, rng.fork('init'));
  const optimizer = createOptimizer(config.optimizer, config.lr, [...model.state.W, ...model.state.b]);
  const run: RunState = { config, model, optimizer, epoch: 0, history: [], rng, recorder: new ReadRecorder() };
  if (config.onChip) {
    const s = config.onChip;
    run.onChip = isSpinnaker(s) ? initSpinnakerState(config, s, rng.fork('init')) : initOnChipState(config, s, rng.fork('init'));
    syncFloatWeights(run);
  }
  return run;
}

export function resumeRun(ck: Checkpoint): RunState {
  const rng = new Rng(ck.config.seed);
  rng.setState(ck.rng);
  const recorder = new ReadRecorder();
  for (const s of ck.signalsRead) recorder.seen.add(s as never);
  return { config: ck.config, model: modelOf(ck), optimizer: ck.optimizer, epoch: ck.epoch, history: ck.history, rng, recorder, onChip: ck.onChip };
}

export function checkpointOf(run: RunState, ops: BatchedOps): Checkpoint {
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    config: run.config,
    network: toIR(run.model),
    state: run.model.state,
    optimizer: run.optimizer,
    rng: run.rng.getState(),
    epoch: run.epoch,
    history: run.history,
    backend: { ...ops.backends },
    signalsRead: [...run.recorder.seen].sort(),
    ...(run.onChip ? { onChip: run.onChip } : {}),
  };
}

/** On-chip runs: the float weights of the model (IR, mapper, exports) are the integers times the weight unit. */
export function syncFloatWeights(run: RunState): void {
  const oc = run.onChip;
  const s = run.config.onChip;
  if (!oc || !s) return;
  oc.weights.forEach((w, l) => {
    const f = run.model.state.W[l];
    for (let k = 0; k < w.length; k++) f[k] = w[k] * s.weightUnit;
  });
  oc.biases?.forEach((bias, l) => {
    const f = run.model.state.b[l];
    for (let j = 0; j < bias.length; j++) f[j] = bias[j] * s.weightUnit;
  });
}

/** The training rows a run uses (its `trainFraction` of the dataset's training split). */
export function trainingSplit(config: RunConfig, data: Dataset): Split {
  if (!data.train) throw new ConfigError(`dataset ${data.name} has no training split`);
  if (data.dim !== config.sizes[0]) {
    throw new ConfigError(`dataset ${data.name} has ${data.dim} inputs per sample but the network's input layer has ${config.sizes[0]}`);
  }
  return fractionOf(data.train, data.dim, data.classes, config.trainFraction);
}

/**
 * The run's gradient buffers (made once per run). Where the ops keep their own memory (wasm-simd),
 * weights, biases, prototypes, gradients and Adam moments are first adopted into it, so the
 * products and the optimizer use them in place instead of copying them in and out every batch.
 */
function placeState(run: RunState, ops: BatchedOps): Grad[] {
  const { state } = run.model;
  run.grads ??= state.W.map((w, l) => ({ dW: new Float32Array(w.length), db: new Float32Array(state.b[l].length) }));
  const adopt = ops.adopt;
  if (adopt) {
    state.W = state.W.map(adopt);
    state.b = state.b.map(adopt);
    state.prototypes = state.prototypes.map(adopt);
    run.optimizer.m = run.optimizer.m.map(adopt);
    run.optimizer.v = run.optimizer.v.map(adopt);
    run.grads = run.grads.map((g) => ({ dW: adopt(g.dW), db: adopt(g.db) }));
  }
  return run.grads;
}

/**
 * Spiking FF batch: rows 0..B0-1 (positives) are encoded; each negative row B0 + r gets the spike
 * train of row r with the label spikes moved to its wrong label (relabelFrames).
 */
function encodeLabelVariants(c: RunConfig, x: Float32Array, B0: number, dim: number, y: Uint8Array, rng: Rng): Float32Array[] {
  const pos = encodeBatch(c, x.subarray(0, B0 * dim), B0, dim, rng);
  const frames = pos.map((f) => {
    const g = new Float32Array(2 * B0 * dim);
    g.set(f);
    return g;
  });
  for (let r = 0; r < B0; r++) {
    let neg = 0;
    while (x[(B0 + r) * dim + neg] === 0) neg++;
    relabelFrames(frames, dim, r, B0 + r, y[r], neg, c.classes);
  }
  return frames;
}

/** Trains one epoch and scores the test split; appends and returns its metrics. */
export function runEpoch(run: RunState, train: Split, test: Split, ops: BatchedOps = cpuOps, onBatch?: (p: BatchProgress) => void): EpochMetrics {
  const steps = epochSteps(run, train, test, ops);
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done) return r.value;
    if (r.value instanceof Promise) throw new Error('runEpoch: a synchronous epoch waited on an asynchronous op');
    onBatch?.(r.value);
  }
}

/**
 * The asynchronous training step (WebGPU through gpu.js, whose kernels return Promises): the same
 * epoch as `runEpoch`, with the spiking forward pass (`lifLayerForward`) and the three-factor
 * weight updates (`threeFactorAccumulate`, FAUST and FF) on `gpu`, each awaited; the rest (learning
 * signals, BPTT's backward pass, Adam, the test pass) on the synchronous `ops`. The three-factor
 * updates of a batch only add to the gradients, which nothing reads before the optimizer, so they
 * are collected while the rule runs and then run in the same order on `gpu`. Rate networks run
 * entirely on `ops`.
 */
export async function runEpochAsync(
  run: RunState, train: Split, test: Split, ops: BatchedOps, gpu: AsyncOpsHandle, onBatch?: (p: BatchProgress) => void,
): Promise<EpochMetrics> {
  const steps = epochSteps(run, train, test, ops, gpu);
  for (let r = steps.next(); ; ) {
    if (r.done) return r.value;
    if (r.value instanceof Promise) r = steps.next(await r.value);
    else {
      onBatch?.(r.value);
      r = steps.next();
    }
  }
}

/** Index of the first NaN or infinite value of `a`, or -1. */
function firstNonFinite(a: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

/**
 * One epoch as a generator that yields a BatchProgress after every batch (so a caller can let
 * signals through between batches and stop cleanly) and, only when `gpu` is given, a Promise
 * wherever an asynchronous op runs (resume it with the Promise's value); it returns the epoch's
 * metrics. The model is changed batch by batch: a caller that stops early must not save it (the
 * last checkpoint stays the last complete epoch). A NaN or infinite activity, loss, gradient or
 * weight stops it with a DivergenceError naming the layer, the epoch, the batch and the run's step
 * (batches since the start of the run).
 */
export function* epochSteps(
  run: RunState, train: Split, test: Split, ops: BatchedOps = cpuOps, gpu: AsyncOpsHandle | null = null,
): Generator<BatchProgress | Promise<unknown>, EpochMetrics, unknown> {
  const { config: c, model } = run;
  const e = run.epoch;
  const sizes = layerSizes(c);
  const dim = sizes[0];
  const C = c.classes;
  const root = new Rng(c.seed);
  const order = Array.from({ length: train.n }, (_, i) => i);
  root.fork(`shuffle-${e}`).shuffle(order);
  const encRng = root.fork(`encode-${e}`);
  run.optimizer.lr = lrAt(c, e);
  const negRng = root.fork(`negative-${e}`);
  const grads = placeState(run, ops);
  const params = [...model.state.W, ...model.state.b];
  const gradList = [...grads.map((g) => g.dW), ...grads.map((g) => g.db)];
  const layerLoss = new Array<number>(c.rule === 'bp' ? 1 : sizes.length - 1).fill(0);
  let batches = 0;
  let correct = 0;
  const nBatches = Math.ceil(train.n / c.batch);
  const names = populationNames(model);
  const t0 = performance.now();
  for (let s = 0; s < train.n; s += c.batch) {
    const B0 = Math.min(c.batch, train.n - s);
    const ff = c.rule === 'ff';
    const B = ff ? 2 * B0 : B0;
    const x = new Float32Array(B * dim);
    const y = new Uint8Array(B);
    const phase = ff ? new Int8Array(B) : undefined;
    for (let r = 0; r < B0; r++) {
      const i = order[s + r];
      x.set(train.x.subarray(i * dim, (i + 1) * dim), r * dim);
      y[r] = train.y[i];
    }
    if (ff) {
      // rows B0.. are the negatives: same image, a wrong label drawn uniformly
      x.copyWithin(B0 * dim, 0, B0 * dim);
      for (let r = 0; r < B0; r++) {
        y[B0 + r] = y[r];
        phase![r] = 1;
        phase![B0 + r] = -1;
        overlayLabel(x, dim, r, y[r], C);
        overlayLabel(x, dim, B0 + r, (y[r] + 1 + negRng.int(C - 1)) % C, C);
      }
    }
    const rec: BatchRecord = { B, y, phase };
    if (c.neuron === 'rate') rec.rate = forwardRate(model, x, B, ops);
    else {
      const frames = ff ? encodeLabelVariants(c, x, B0, dim, y, encRng) : encodeBatch(c, x, B, dim, encRng);
      if (!gpu) rec.lif = forwardLif(model, frames, B, true, ops);
      else rec.lif = (yield forwardLifAsync(model, frames, B, gpu)) as LifLayerRecord[];
    }
    const where = () => `epoch ${e + 1}, batch ${batches + 1} of ${nBatches} (step ${e * nBatches + batches + 1} of the run)`;
    const diverged = (what: string, l: number, v: number) =>
      new DivergenceError(`training diverged at ${where()}: ${what} of layer ${names[l + 1]} is ${v} (try a smaller --lr)`, { epoch: e + 1, batch: batches + 1, layer: names[l + 1] });
    (rec.rate ?? rec.lif)!.forEach((r, l) => {
      const i = firstNonFinite(r.h);
      if (i >= 0) throw diverged('the activity', l, r.h[i]);
    });
    for (const g of gradList) g.fill(0);
    // on the asynchronous path, three-factor updates are collected here and run on the GPU below
    const deferred: Parameters<BatchedOps['threeFactorAccumulate']>[] = [];
    const ruleOps = gpu && rec.lif ? { ...ops, threeFactorAccumulate: (...a: Parameters<BatchedOps['threeFactorAccumulate']>) => void deferred.push(a) } : ops;
    const losses = applyRule(model, rec, grads, ruleOps, run.recorder);
    if (gpu && deferred.length > 0) yield (async () => { for (const a of deferred) await gpu.threeFactorAccumulate(...a); })();
    losses.forEach((v, l) => {
      if (!Number.isFinite(v)) throw diverged(c.rule === 'bp' ? 'the loss (backprop, computed at the output)' : 'the loss', c.rule === 'bp' ? sizes.length - 2 : l, v);
    });
    try {
      optimizerStep(run.optimizer, params, gradList, ops);
    } catch (err) {
      // the optimizer refuses a non-finite gradient before changing anything: say whose it is
      const l = grads.findIndex((g) => firstNonFinite(g.dW) >= 0 || firstNonFinite(g.db) >= 0);
      if (!(err instanceof SnnError) || l < 0) throw err;
      const g = firstNonFinite(grads[l].dW) >= 0 ? grads[l].dW : grads[l].db;
      throw diverged('the weight gradient', l, g[firstNonFinite(g)]);
    }
    for (let l = 0; l < model.state.W.length; l++) {
      for (const w of [model.state.W[l], model.state.b[l]]) {
        const i = firstNonFinite(w);
        if (i >= 0) throw diverged('a weight', l, w[i]);
      }
    }
    losses.forEach((v, l) => (layerLoss[l] += v));
    batches++;
    const hs = (rec.rate ?? rec.lif)!.map((r) => r.h);
    if (c.rule === 'stdp') {
      hs.forEach((h, l) => updatePrototypes(h, y, { prototypes: model.state.prototypes[l] }, B, sizes[l + 1], C, c.protoMomentum));
    }
    if (c.rule !== 'ff') {
      const sc = new Float32Array(B * C);
      if (c.rule === 'bp') sc.set(hs[hs.length - 1]);
      else hs.forEach((h, l) => prototypeScores(unitRows(h, B, sizes[l + 1], ops).z, B, sizes[l + 1], model.state.prototypes[l], C, sc, ops));
      const pred = argmaxRows(sc, B, C);
      for (let r = 0; r < B; r++) if (pred[r] === y[r]) correct++;
    }
    const done = s + B0;
    yield {
      epoch: e + 1,
      epochs: c.epochs,
      done,
      total: train.n,
      loss: layerLoss.reduce((a, v) => a + v, 0) / layerLoss.length / batches,
      accuracy: c.rule === 'ff' ? null : correct / done,
      samplesPerS: done / ((performance.now() - t0) / 1000),
    };
  }
  const seconds = (performance.now() - t0) / 1000;
  const scored = scoreSplit(model, test, root.fork('eval'), ops);
  const perLayer = layerLoss.map((v) => v / batches);
  const m: EpochMetrics = {
    epoch: e + 1,
    loss: perLayer.reduce((a, v) => a + v, 0) / perLayer.length,
    layer_loss: perLayer,
    train_accuracy: c.rule === 'ff' ? null : correct / train.n,
    test_accuracy: accuracyOf(scored.predictions, test.y),
    seconds,
    samples_per_s: train.n / seconds,
  };
  run.epoch++;
  run.history.push(m);
  return m;
}

/** `forwardLif` (all layers, surrogate recorded) with each layer on the asynchronous ops. */
async function forwardLifAsync(model: Model, frames: Float32Array[], B: number, gpu: AsyncOpsHandle): Promise<LifLayerRecord[]> {
  const { config, state } = model;
  const sizes = layerSizes(config);
  const k = lifConstantsOf(config);
  const wt = activityWeights(config);
  const recs: LifLayerRecord[] = [];
  let emitted = frames;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const input = [new Float32Array(B * sizes[l]), ...emitted.slice(0, config.steps - 1)];
    const r = await gpu.lifLayerForward(k, input, B, sizes[l], state.W[l], sizes[l + 1], state.b[l], wt, true);
    recs.push({ inSpikes: input, ...r });
    emitted = r.spikes;
  }
  return recs;
}
