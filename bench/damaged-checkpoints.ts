// SPDX-License-Identifier: MIT
/**
 * How many randomly damaged copies of a trained checkpoint are accepted? Each copy gets, seeded,
 * 1-8 flipped bits anywhere in the file, a truncation at a random length, or both; it is then read
 * the way `ffsnn evaluate` reads it (readCheckpoint's decoder). Target: 0 accepted. The same damage
 * applied to the checkpoint saved in the version-1 layout (bare msgpack, no checksum) is the baseline.
 *
 *   node --import tsx bench/damaged-checkpoints.ts [CHECKPOINT] [--copies 1000] [--seed 1]
 *
 * Without CHECKPOINT it first trains a small one (rate FAUST 784-64-64, 2 epochs on 20 % of the
 * embedded MNIST split, about half a minute).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Packr } from 'msgpackr';
import { loadDataset } from '../src/data/index.js';
import { SnnError } from '../src/errors.js';
import { checkCheckpoint, type Checkpoint } from '../src/io/checkpoint.js';
import { cpuOps } from '../src/sim/batched/ops.js';
import { Rng } from '../src/sim/rng.js';
import { resolveConfig } from '../src/train/config.js';
import { checkpointOf, runEpoch, startRun, trainingSplit } from '../src/train/trainer.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { copies: { type: 'string', default: '1000' }, seed: { type: 'string', default: '1' } } });
const copies = Number(values.copies);

function trained(): Checkpoint {
  const run = startRun(resolveConfig({ neuron: 'rate', sizes: [784, 64, 64], epochs: 2, trainFraction: 0.2, seed: 1 }));
  const data = loadDataset('mnist-embedded', true);
  const train = trainingSplit(run.config, data);
  while (run.epoch < run.config.epochs) runEpoch(run, train, data.test, cpuOps);
  return checkpointOf(run, cpuOps);
}

const sealed: Uint8Array = positionals[0] ? readFileSync(positionals[0]) : (await import('../src/io/checkpoint.js')).encodeCheckpoint(trained());
const ck = checkCheckpoint(sealed, 'original').checkpoint;
const legacy = new Packr({ moreTypes: true, useRecords: false, structuredClone: false }).pack({ ...ck, version: 1 });

function damage(bytes: Uint8Array, rng: Rng): { copy: Uint8Array; what: string } {
  const kind = rng.int(3); // 0 flips, 1 truncation, 2 both
  let copy = Uint8Array.from(bytes);
  const parts: string[] = [];
  if (kind !== 1) {
    const flips = 1 + rng.int(8);
    for (let k = 0; k < flips; k++) copy[rng.int(copy.length)] ^= 1 << rng.int(8);
    parts.push(`${flips} bit flip(s)`);
  }
  if (kind !== 0) {
    const len = rng.int(copy.length); // 0 .. length-1: always shorter
    copy = copy.subarray(0, len);
    parts.push(`truncated to ${len}`);
  }
  return { copy, what: parts.join(' + ') };
}

function trial(bytes: Uint8Array, label: string) {
  const rng = new Rng(Number(values.seed)).fork('damage');
  let accepted = 0, refusedDamaged = 0, refusedOther = 0, otherExceptions = 0;
  const examples: string[] = [];
  for (let i = 0; i < copies; i++) {
    const { copy, what } = damage(bytes, rng);
    try {
      checkCheckpoint(copy, `copy-${i}.ffsnn`);
      accepted++;
      if (examples.length < 3) examples.push(`accepted: ${what}`);
    } catch (err) {
      if (!(err instanceof SnnError)) {
        otherExceptions++;
        examples.push(`untyped ${(err as Error).name}: ${what}`);
      } else if (/damaged/.test(err.message) && !err.message.includes('\n')) refusedDamaged++;
      else refusedOther++;
    }
  }
  console.log(`${label.padEnd(34)} ${copies} copies: accepted ${accepted}, refused as damaged ${refusedDamaged}, refused otherwise ${refusedOther}, untyped exceptions ${otherExceptions}`);
  for (const e of examples) console.log(`  e.g. ${e}`);
  return accepted;
}

console.log(`checkpoint: ${positionals[0] ?? 'trained here (rate FAUST 784-64-64, 2 epochs, 20 % of embedded MNIST)'}, ${sealed.length.toLocaleString('en-US')} bytes sealed; seed ${values.seed}`);
const acceptedV2 = trial(sealed, 'version 2 (sealed, SHA-256)');
trial(legacy, 'baseline: version 1 (bare msgpack)');
process.exitCode = acceptedV2 === 0 ? 0 : 1;
