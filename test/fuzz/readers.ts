// SPDX-License-Identifier: MIT
/**
 * Every file reader of ffsnn, one entry each: the fuzz test (quick) and `npm run fuzz` (long) run
 * them all. To fuzz a new reader, add one entry: a name, a file name, valid seed files, and `read`.
 */
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { Packr } from 'msgpackr';
import { readCifarBatch } from '../../src/data/cifar10.js';
import { readIdxImages, readIdxLabels } from '../../src/data/idx.js';
import { readProfileFile, PROFILE_DIR } from '../../src/chips/profile.js';
import { BUNDLE_MAGIC, encodeBundle, readBundle } from '../../src/export/bundle.js';
import { importNir } from '../../src/export/nir/index.js';
import { checkNetwork } from '../../src/ir/simulate.js';
import type { ImportResult } from '../../src/export/nir/to-ir.js';
import { CHECKPOINT_MAGIC, encodeCheckpoint, readCheckpoint, type Checkpoint } from '../../src/io/checkpoint.js';
import { seal } from '../../src/sealed.js';
import { cpuOps } from '../../src/sim/batched/ops.js';
import { resolveConfig } from '../../src/train/config.js';
import { checkpointOf, startRun } from '../../src/train/trainer.js';
import { smallLifNet } from '../helpers/nets.js';
import type { FuzzReader } from './harness.js';

const u32be = (...xs: number[]) => {
  const b = Buffer.alloc(4 * xs.length);
  xs.forEach((x, i) => b.writeUInt32BE(x >>> 0, 4 * i));
  return b;
};
const pixels = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37) & 0xff);

const idxImages = (n: number) => Buffer.concat([u32be(0x803, n, 28, 28), pixels(n * 784)]);
const idxLabels = (n: number) => Buffer.concat([u32be(0x801, n), Uint8Array.from({ length: n }, (_, i) => i % 10)]);
const cifar = (n: number) => Buffer.concat(Array.from({ length: n }, (_, i) => Buffer.concat([Uint8Array.of(i % 10), pixels(3072)])));

/** A header with counts from small to absurd, then a body of any length. */
const count = fc.oneof(fc.nat(4), fc.constantFrom(0x7fffffff, 0xffffffff, 1e6), fc.nat());
const body = fc.uint8Array({ maxLength: 4000 });
const genIdxImages = fc
  .tuple(fc.constantFrom(0x803, 0x801, 0x802, 0x80d), count, fc.constantFrom(28, 0, 1, 0xffffffff), fc.constantFrom(28, 0, 1, 0xffffffff), body)
  .map(([m, n, r, c, b]) => Buffer.concat([u32be(m, n, r, c), b]));
const genIdxLabels = fc.tuple(fc.constantFrom(0x801, 0x803), count, body).map(([m, n, b]) => Buffer.concat([u32be(m, n), b]));
const genCifar = fc.tuple(fc.nat(3), fc.integer({ min: -3, max: 3 }), fc.nat(255)).map(([n, extra, label]) => {
  const b = cifar(n);
  const out = Buffer.alloc(Math.max(0, b.length + extra), 7);
  b.copy(out, 0, 0, out.length);
  if (out.length) out[0] = label;
  return out;
});

const packr = new Packr({ moreTypes: true, useRecords: false, structuredClone: false });
const smallCheckpoint = () => checkpointOf(startRun(resolveConfig({ neuron: 'rate', sizes: [12, 6, 4], classes: 3, seed: 3 })), cpuOps);
const checkpointPayload = () => packr.pack({ ...smallCheckpoint(), version: 2 });
const bundlePayload = () => packr.pack({ format: 'ffsnn-bundle', version: 1, network: smallLifNet(1) });

/** A shipped profile with one value, anywhere in it, replaced by an arbitrary JSON value. */
const profiles = readdirSync(PROFILE_DIR).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(`${PROFILE_DIR}/${f}`, 'utf8')));
const genProfile = fc.tuple(fc.nat(profiles.length - 1), fc.nat(), fc.jsonValue({ maxDepth: 2 })).map(([k, pick, value]) => {
  const doc = structuredClone(profiles[k]);
  const slots: [Record<string, unknown>, string][] = [];
  const walk = (o: unknown) => {
    if (o && typeof o === 'object') for (const [key, v] of Object.entries(o)) (slots.push([o as Record<string, unknown>, key]), walk(v));
  };
  walk(doc);
  const [parent, key] = slots[pick % slots.length];
  if (value === undefined) delete parent[key];
  else parent[key] = value;
  return Buffer.from(JSON.stringify(doc));
});

/** A checkpoint that loads must also train and evaluate: its configuration and network pass their own checks. */
const usableCheckpoint = (ck: Checkpoint) => {
  resolveConfig(ck.config);
  checkNetwork(ck.network);
};

const nirFixtures = ['test/fixtures/nir/sample.nir', 'test/fixtures/nir/foreign/norse_lif.nir', 'test/fixtures/nir/foreign/rockpool_lif.nir'];

export const READERS: FuzzReader[] = [
  { name: 'idx images', fileName: 'train-images-idx3-ubyte', seeds: () => [idxImages(2), idxImages(0)], generate: genIdxImages, read: readIdxImages },
  { name: 'idx images (.gz)', fileName: 'train-images-idx3-ubyte.gz', seeds: () => [gzipSync(idxImages(2))], generate: genIdxImages.map((b) => gzipSync(b)), read: readIdxImages },
  { name: 'idx labels', fileName: 'train-labels-idx1-ubyte', seeds: () => [idxLabels(12)], generate: genIdxLabels, read: (f) => readIdxLabels(f) },
  { name: 'cifar-10 batch', fileName: 'data_batch_1.bin', seeds: () => [cifar(2)], generate: genCifar, read: readCifarBatch },
  { name: 'checkpoint', fileName: 'checkpoint.ffsnn', seeds: () => [encodeCheckpoint(smallCheckpoint()), packr.pack({ ...smallCheckpoint(), version: 1 })], read: (f) => readCheckpoint(f, () => {}), valid: usableCheckpoint },
  // the same content sealed after mutation: fuzzes the validation behind a valid checksum
  { name: 'checkpoint (re-sealed)', fileName: 'checkpoint.ffsnn', seeds: () => [checkpointPayload()], finish: (b) => seal(CHECKPOINT_MAGIC, b), read: (f) => readCheckpoint(f, () => {}), valid: usableCheckpoint },
  { name: 'bundle', fileName: 'net.bundle', seeds: () => [encodeBundle(smallLifNet(1))], read: readBundle },
  { name: 'bundle (re-sealed)', fileName: 'net.bundle', seeds: () => [bundlePayload()], finish: (b) => seal(BUNDLE_MAGIC, b), read: readBundle },
  { name: 'nir (hdf5)', fileName: 'graph.nir', seeds: () => nirFixtures.map((f) => readFileSync(f)), read: (f) => importNir(f), valid: (r: ImportResult) => checkNetwork(r.net) },
  { name: 'hardware profile', fileName: 'profile.json', seeds: () => profiles.map((p) => Buffer.from(JSON.stringify(p, null, 2))), generate: genProfile, read: readProfileFile },
];
