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
import { toIR } from '../io/to-ir.js';
import { updatePrototypes } from '../plasticity/faust.js';
import { overlayLabel } from '../plasticity/ff.js';
import { encodeBatch, forwardLif, forwardRate, initModel, layerSizes, lifConstantsOf, activityWeights, prototypeScores, unitRows, type LifLayerRecord, type Model } from '../plasticity/model.js';
import { createOptimizer, optimizerStep, type OptimizerState } from '../plasticity/optimizer.js';
import { applyRule, type BatchRecord } from '../plasticity/rules.js';
import { ReadRecorder } from '../plasticity/signals.js';
import type { Grad } from '../plasticity/three-factor.js';
import { cpuOps, type BatchedOps } from '../sim/batched/ops.js';
import type { AsyncOpsHandle } from '../sim/batched/create-ops.js';
import { Rng } from '../sim/rng.js';
import { ConfigError } from '../errors.js';
import { lrAt } from './config.js';

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

export function startRun(config: RunConfig): RunState {
  const rng = new Rng(config.seed);
  const model = initModel(config, rng.fork('init'));
  const optimizer = createOptimizer(config.optimizer, config.lr, [...model.state.W, ...model.state.b]);
  return { config, model, optimizer, epoch: 0, history: [], rng, recorder: new ReadRecorder() };
}

export function resumeRun(ck: Checkpoint): RunState {
  const rng = new Rng(ck.config.seed);
  rng.setState(ck.rng);
  const recorder = new ReadRecorder();
  for (const s of ck.signalsRead) recorder.seen.add(s as never);
  return { config: ck.config, model: modelOf(ck), optimizer: ck.optimizer, epoch: ck.epoch, history: ck.history, rng, recorder };
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
  };
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

/** Trains one epoch and scores the test split; appends and returns its metrics. */
export function runEpoch(run: RunState, train: Split, test: Split, ops: BatchedOps = cpuOps, onBatch?: (p: BatchProgress) => void): EpochMetrics {
  const g = epoch(run, train, test, ops, null, onBatch);
  const r = g.next();
  if (!r.done) throw new Error('runEpoch: a synchronous epoch waited on an asynchronous op');
  return r.value;
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
  const g = epoch(run, train, test, ops, gpu, onBatch);
  for (let r = g.next(); ; r = g.next(await r.value)) if (r.done) return r.value;
}

/**
 * One epoch as a generator: it yields a Promise wherever an asynchronous op runs (only when `gpu`
 * is given) and is resumed with its value, so one loop serves both drivers above.
 */
function* epoch(
  run: RunState, train: Split, test: Split, ops: BatchedOps, gpu: AsyncOpsHandle | null, onBatch?: (p: BatchProgress) => void,
): Generator<Promise<unknown>, EpochMetrics, unknown> {
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
    else if (!gpu) rec.lif = forwardLif(model, encodeBatch(c, x, B, dim, encRng), B, true, ops);
    else rec.lif = (yield forwardLifAsync(model, encodeBatch(c, x, B, dim, encRng), B, gpu)) as LifLayerRecord[];
    for (const g of gradList) g.fill(0);
    // on the asynchronous path, three-factor updates are collected here and run on the GPU below
    const deferred: Parameters<BatchedOps['threeFactorAccumulate']>[] = [];
    const ruleOps = gpu && rec.lif ? { ...ops, threeFactorAccumulate: (...a: Parameters<BatchedOps['threeFactorAccumulate']>) => void deferred.push(a) } : ops;
    const losses = applyRule(model, rec, grads, ruleOps, run.recorder);
    if (gpu && deferred.length > 0) yield (async () => { for (const a of deferred) await gpu.threeFactorAccumulate(...a); })();
    optimizerStep(run.optimizer, params, gradList, ops);
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
    onBatch?.({
      epoch: e + 1,
      epochs: c.epochs,
      done,
      total: train.n,
      loss: layerLoss.reduce((a, v) => a + v, 0) / layerLoss.length / batches,
      accuracy: c.rule === 'ff' ? null : correct / done,
      samplesPerS: done / ((performance.now() - t0) / 1000),
    });
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
