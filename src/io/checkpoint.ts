// SPDX-License-Identifier: MIT
/**
 * Checkpoints: one msgpackr file (`checkpoint.ffsnn`) holding the format name and version, the run
 * configuration, the network as IR (read by the mapper and exporters), the training state
 * (weights, biases, prototypes, optimiser moments, RNG state, completed epochs) and the metrics.
 *
 * Writes are atomic: the bytes go to a temporary file in the same directory, are flushed, and the
 * file is renamed over the target, so a crash leaves the previous checkpoint intact.
 * Reads validate everything used later; a truncated or foreign file is a FileFormatError naming it.
 *
 * Version 2 is a sealed file (src/sealed.ts: magic `FFSNNC2\n`, SHA-256 of the payload, msgpack
 * payload): any flipped bit or truncation is refused as damaged. Version 1 files (bare msgpack, no
 * checksum) still load, with a warning that they cannot be checked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Packr } from 'msgpackr';
import { ConfigError, FileFormatError } from '../errors.js';
import { writeFileAtomicSync, type WriteData } from '../atomic.js';
import type { OnChipState } from '../chips/on-chip.js';
import type { NetworkIR } from '../ir/ir.js';
import { checkNetwork } from '../ir/simulate.js';
import { looksSealed, seal, sha256, unseal } from '../sealed.js';
import { layerSizes, type Model, type ModelState } from '../plasticity/model.js';
import type { OptimizerState } from '../plasticity/optimizer.js';
import { checkRunConfig, type RunConfig } from './run-config.js';

export const CHECKPOINT_FORMAT = 'ffsnn-checkpoint';
export const CHECKPOINT_VERSION = 2;
/** The version before checksums: bare msgpack, loaded with a warning. */
const LEGACY_VERSION = 1;
export const CHECKPOINT_MAGIC = Buffer.from('FFSNNC2\n', 'latin1');

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
  version: typeof CHECKPOINT_VERSION | typeof LEGACY_VERSION;
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
  /** On-chip runs: the integer weights the chip learned (state.W holds them times the weight unit). */
  onChip?: OnChipState;
}

const packr = new Packr({ moreTypes: true, useRecords: false, structuredClone: false });

export function encodeCheckpoint(ck: Checkpoint): Uint8Array {
  return seal(CHECKPOINT_MAGIC, packr.pack({ ...ck, version: CHECKPOINT_VERSION }));
}

/** A decoded checkpoint and where its integrity stands. */
export interface CheckedCheckpoint {
  checkpoint: Checkpoint;
  /** SHA-256 (hex) of the content as stored in the file, verified; null for a version-1 file. */
  contentSha256: string | null;
  /** Set when the file could not be checked (version 1, no checksum). */
  warning?: string;
}

/** Writes `ck` to `path` atomically (temp file in the same directory, fsync, rename). */
export function writeCheckpoint(path: string, ck: Checkpoint, writeData?: WriteData): void {
  writeFileAtomicSync(path, encodeCheckpoint(ck), writeData);
}

function fail(file: string, fault: string): never {
  throw new FileFormatError(file, fault);
}

function isF32(v: unknown, len: number): boolean {
  return v instanceof Float32Array && v.length === len;
}

/**
 * Decodes and validates checkpoint bytes; `file` names the source in errors. A sealed (version 2)
 * file whose checksum does not match is refused as damaged; a bare msgpack file must be version 1.
 */
export function checkCheckpoint(bytes: Uint8Array, file: string): CheckedCheckpoint {
  // a version-1 file is bare msgpack; one whose header is near the magic is a damaged version 2
  const sealed = looksSealed(bytes, CHECKPOINT_MAGIC);
  const { payload, digest } = sealed ? unseal(bytes, CHECKPOINT_MAGIC, file, 'checkpoint') : { payload: bytes, digest: null };
  let ck: Checkpoint;
  try {
    ck = packr.unpack(payload) as Checkpoint;
  } catch (err) {
    fail(file, `not a readable checkpoint (truncated or corrupted msgpack: ${(err as Error).message})`);
  }
  if (!ck || typeof ck !== 'object') fail(file, 'not a checkpoint (top level is not a map)');
  if (ck.format !== CHECKPOINT_FORMAT) fail(file, `not an ffsnn checkpoint (format field ${JSON.stringify(ck.format)}, expected "${CHECKPOINT_FORMAT}")`);
  const expected = sealed ? CHECKPOINT_VERSION : LEGACY_VERSION;
  if (ck.version !== expected) {
    fail(file, `unsupported checkpoint version ${JSON.stringify(ck.version)} in a ${sealed ? 'sealed' : 'bare msgpack'} file (expected ${expected}; this ffsnn reads ${LEGACY_VERSION} and ${CHECKPOINT_VERSION})`);
  }
  try {
    validate(ck, file);
  } catch (err) {
    // a field of the wrong type can fail deep inside a check: still a malformed file, said in one line
    if (err instanceof FileFormatError) throw err;
    fail(file, `malformed content (${(err as Error).message.replace(/\s+/g, ' ')})`);
  }
  return sealed
    ? { checkpoint: ck, contentSha256: digest }
    : { checkpoint: ck, contentSha256: null, warning: `${file}: checkpoint version ${LEGACY_VERSION} carries no checksum, so damage to it cannot be detected; re-save it with this ffsnn (e.g. 'ffsnn train --resume') to add one` };
}

/** Decodes and validates checkpoint bytes (see checkCheckpoint); a version-1 file's warning goes to `warn`. */
export function decodeCheckpoint(bytes: Uint8Array, file: string, warn: (msg: string) => void = defaultWarn): Checkpoint {
  const r = checkCheckpoint(bytes, file);
  if (r.warning) warn(r.warning);
  return r.checkpoint;
}

function defaultWarn(msg: string): void {
  console.error(`ffsnn: warning: ${msg}`);
}

function validate(ck: Checkpoint, file: string): void {
  const c = ck.config;
  try {
    checkRunConfig(c);
  } catch (err) {
    fail(file, `malformed 'config': ${(err as Error).message}`);
  }
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
  for (const [name, arrays] of [['W', s.W], ['b', s.b], ['prototypes', s.prototypes]] as const) {
    arrays.forEach((a, l) => {
      for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) fail(file, `state.${name}[${l}][${i}] is ${a[i]} (a checkpoint holds finite numbers only)`);
    });
  }
  const n = ck.network;
  if (!n || n.format !== 'ffsnn-ir' || !Array.isArray(n.populations) || !Array.isArray(n.projections)) fail(file, "missing or malformed 'network' (IR)");
  try {
    checkNetwork(n);
  } catch (err) {
    fail(file, `malformed 'network' (IR): ${(err as Error).message}`);
  }
  if (!Array.isArray(ck.rng) || ck.rng.length !== 4) fail(file, "'rng' must hold 4 state words");
  if (!Number.isInteger(ck.epoch) || ck.epoch < 0) fail(file, "'epoch' must be a non-negative integer");
  if (!ck.optimizer || (ck.optimizer.kind !== 'adam' && ck.optimizer.kind !== 'sgd')) fail(file, "missing or malformed 'optimizer'");
  if (!Array.isArray(ck.history)) fail(file, "missing 'history'");
  if (c.onChip || ck.onChip) {
    const oc = ck.onChip;
    if (!c.onChip || !oc || !Array.isArray(oc.weights) || oc.weights.length !== sizes.length - 1) fail(file, "an on-chip run needs both 'config.onChip' and 'onChip' with one weight array per layer");
    oc.weights.forEach((w, l) => {
      if (!(w instanceof Int16Array) || w.length !== sizes[l] * sizes[l + 1]) fail(file, `onChip.weights[${l}] must be an Int16Array of ${sizes[l] * sizes[l + 1]} weights`);
    });
    if (!Array.isArray(oc.thirdFactorScale) || oc.thirdFactorScale.length !== sizes.length - 1) fail(file, "onChip.thirdFactorScale must hold one number per layer");
    const pm = (c.onChip as { prototypeMomentum?: unknown }).prototypeMomentum;
    if (pm !== undefined && !(typeof pm === 'number' && pm >= 0 && pm < 1)) fail(file, `config.onChip.prototypeMomentum must be a number in [0, 1) (got ${JSON.stringify(pm)})`);
    const mr = (c.onChip as { thirdFactorRounding?: unknown }).thirdFactorRounding;
    if (mr !== undefined && mr !== 'nearest' && mr !== 'stochastic') fail(file, `config.onChip.thirdFactorRounding must be 'nearest' or 'stochastic' (got ${JSON.stringify(mr)})`);
    const withBias = 'biasNeurons' in c.onChip && c.onChip.biasNeurons === true;
    if (withBias !== (oc.biases !== undefined)) fail(file, withBias ? "onChip.biases is missing (config.onChip.biasNeurons is true)" : "onChip.biases is present but config.onChip.biasNeurons is not true");
    if (oc.biases && (!Array.isArray(oc.biases) || oc.biases.length !== sizes.length - 1)) fail(file, 'onChip.biases must hold one array per layer');
    oc.biases?.forEach((b, l) => {
      if (!(b instanceof Int16Array) || b.length !== sizes[l + 1]) fail(file, `onChip.biases[${l}] must be an Int16Array of ${sizes[l + 1]} weights`);
    });
  }
}

/** Reads and validates a checkpoint file; a version-1 file's warning goes to `warn` (stderr by default). */
export function readCheckpoint(path: string, warn: (msg: string) => void = defaultWarn): Checkpoint {
  if (!existsSync(path)) throw new ConfigError(`checkpoint ${path} does not exist`);
  return decodeCheckpoint(readFileSync(path), path, warn);
}

/** Reads and validates a checkpoint file, with its checksums: the file's SHA-256 and the verified content one. */
export function readCheckedCheckpoint(path: string): CheckedCheckpoint & { fileSha256: string } {
  if (!existsSync(path)) throw new ConfigError(`checkpoint ${path} does not exist`);
  const bytes = readFileSync(path);
  return { ...checkCheckpoint(bytes, path), fileSha256: sha256(bytes).toString('hex') };
}

export function modelOf(ck: Checkpoint): Model {
  return { config: ck.config, state: ck.state };
}
