// SPDX-License-Identifier: MIT
/**
 * Checkpoints: one msgpackr file (`checkpoint.ffsnn`) holding the format name and version, the run
 * configuration, the network as IR (read by the mapper and exporters), the training state
 * (weights, biases, prototypes, optimiser moments, RNG state, completed epochs) and the metrics.
 *
 * Writes are atomic: the bytes go to a temporary file in the same directory, are flushed, and the
 * file is renamed over the target, so a crash leaves the previous checkpoint intact.
 * Reads validate everything used later; a truncated or foreign file is a FileFormatError naming it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Packr } from 'msgpackr';
import { ConfigError, FileFormatError } from '../errors.js';
import { writeFileAtomicSync } from '../atomic.js';
import type { NetworkIR } from '../ir/ir.js';
import { layerSizes, type Model, type ModelState } from '../plasticity/model.js';
import type { OptimizerState } from '../plasticity/optimizer.js';
import type { RunConfig } from './run-config.js';

export const CHECKPOINT_FORMAT = 'ffsnn-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** Metrics of one completed epoch (accuracies are fractions in 0..1). */
export interface EpochMetrics {
  epoch: number;
  loss: number;
  /** Mean loss per layer (BP: one entry). */
  layer_loss: number[];
  /** Accuracy on the training batches as they were seen (null when it would need extra passes, FF). */
  train_accuracy: number | null;
  test_accuracy: number;
  seconds: number;
  samples_per_s: number;
}

/** The paper's convergence figure: the first epoch whose test accuracy reaches 95 % of the final one. */
export function epochsTo95(history: { epoch: number; test_accuracy: number }[]): number | null {
  const last = history[history.length - 1];
  return last ? history.find((m) => m.test_accuracy >= 0.95 * last.test_accuracy)?.epoch ?? null : null;
}

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  config: RunConfig;
  network: NetworkIR;
  state: ModelState;
  optimizer: OptimizerState;
  /** State of the run's RNG (xoshiro128**), for bit-exact resumption. */
  rng: number[];
  /** Epochs completed. */
  epoch: number;
  history: EpochMetrics[];
  /** Backend of each batched op that ran. */
  backend: Record<string, string>;
  /** Signals the rule was recorded reading during training (audit). */
  signalsRead: string[];
}

const packr = new Packr({ moreTypes: true, useRecords: false, structuredClone: false });

export function encodeCheckpoint(ck: Checkpoint): Uint8Array {
  return packr.pack(ck);
}

/** Writes `ck` to `path` atomically (temp file in the same directory, fsync, rename). */
export function writeCheckpoint(path: string, ck: Checkpoint): void {
  writeFileAtomicSync(path, encodeCheckpoint(ck));
}

function fail(file: string, fault: string): never {
  throw new FileFormatError(file, fault);
}

function isF32(v: unknown, len: number): boolean {
  return v instanceof Float32Array && v.length === len;
}

/** Decodes and validates checkpoint bytes; `file` names the source in errors. */
export function decodeCheckpoint(bytes: Uint8Array, file: string): Checkpoint {
  let ck: Checkpoint;
  try {
    ck = packr.unpack(bytes) as Checkpoint;
  } catch (err) {
    fail(file, `not a readable checkpoint (truncated or corrupted msgpack: ${(err as Error).message})`);
  }
  if (!ck || typeof ck !== 'object') fail(file, 'not a checkpoint (top level is not a map)');
  if (ck.format !== CHECKPOINT_FORMAT) fail(file, `not an ffsnn checkpoint (format field ${JSON.stringify(ck.format)}, expected "${CHECKPOINT_FORMAT}")`);
  if (ck.version !== CHECKPOINT_VERSION) fail(file, `unsupported checkpoint version ${JSON.stringify(ck.version)} (this ffsnn reads version ${CHECKPOINT_VERSION})`);
  const c = ck.config;
  if (!c || !Array.isArray(c.sizes) || typeof c.rule !== 'string' || typeof c.neuron !== 'string') fail(file, "missing or malformed 'config'");
  const sizes = layerSizes(c);
  const s = ck.state;
  if (!s || !Array.isArray(s.W) || !Array.isArray(s.b) || s.W.length !== sizes.length - 1 || s.b.length !== sizes.length - 1) {
    fail(file, `'state' must hold ${sizes.length - 1} weight and bias arrays`);
  }
  for (let l = 0; l + 1 < sizes.length; l++) {
    if (!isF32(s.W[l], sizes[l] * sizes[l + 1])) fail(file, `state.W[${l}] must be a Float32Array of ${sizes[l] * sizes[l + 1]} weights`);
    if (!isF32(s.b[l], sizes[l + 1])) fail(file, `state.b[${l}] must be a Float32Array of ${sizes[l + 1]} biases`);
  }
  if (!Array.isArray(s.prototypes)) fail(file, "missing 'state.prototypes'");
  s.prototypes.forEach((p, l) => {
    if (!isF32(p, c.classes * sizes[l + 1])) fail(file, `state.prototypes[${l}] must be a Float32Array of ${c.classes * sizes[l + 1]} values`);
  });
  const n = ck.network;
  if (!n || n.format !== 'ffsnn-ir' || !Array.isArray(n.populations) || !Array.isArray(n.projections)) fail(file, "missing or malformed 'network' (IR)");
  if (!Array.isArray(ck.rng) || ck.rng.length !== 4) fail(file, "'rng' must hold 4 state words");
  if (!Number.isInteger(ck.epoch) || ck.epoch < 0) fail(file, "'epoch' must be a non-negative integer");
  if (!ck.optimizer || (ck.optimizer.kind !== 'adam' && ck.optimizer.kind !== 'sgd')) fail(file, "missing or malformed 'optimizer'");
  if (!Array.isArray(ck.history)) fail(file, "missing 'history'");
  return ck;
}

/** Reads and validates a checkpoint file. */
export function readCheckpoint(path: string): Checkpoint {
  if (!existsSync(path)) throw new ConfigError(`checkpoint ${path} does not exist`);
  return decodeCheckpoint(readFileSync(path), path);
}

export function modelOf(ck: Checkpoint): Model {
  return { config: ck.config, state: ck.state };
}
