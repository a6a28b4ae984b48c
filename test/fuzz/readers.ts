// SPDX-License-Identifier: MIT
/**
 * Every file reader of ffsnn, one entry each: the fuzz test (quick) and `npm run fuzz` (long) run
 * them all. To fuzz a new reader, add one entry: a name, a file name, valid seed files, and `read`.
 */
import fc from 'fast-check';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { Packr } from 'msgpackr';
import { loadImageFolder } from '../../src/data/image-folder.js';
import type { Dataset } from '../../src/data/dataset.js';
import { readNetx } from '../../src/export/lava/netx.js';
import { checkLava, readGoldenFile } from '../../src/chips/loihi/check-lava.js';
import { npyBytes, readRaster } from '../../src/io/raster.js';
import { expandCells, readSpec } from '../../src/sweep/spec.js';
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

/** One of `docs` with one value, anywhere in it, replaced by an arbitrary JSON value (or removed). */
const jsonEdit = (docs: unknown[]) =>
  fc.tuple(fc.nat(docs.length - 1), fc.nat(), fc.jsonValue({ maxDepth: 2 })).map(([k, pick, value]) => {
    const doc = structuredClone(docs[k]);
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

const profiles = readdirSync(PROFILE_DIR).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(`${PROFILE_DIR}/${f}`, 'utf8')));

/** A checkpoint that loads must also train and evaluate: its configuration and network pass their own checks. */
const usableCheckpoint = (ck: Checkpoint) => {
  resolveConfig(ck.config);
  checkNetwork(ck.network);
};

// ---- image folders: one fuzzed image in a tiny tree, or a generated tree shape
const W = 4;
const H = 3;
const rgbPixels = (channels: number, depth: 8 | 16) => {
  const values = Array.from({ length: W * H * channels }, (_, i) => ((i * 53) << (depth - 8)) % 2 ** depth);
  return depth === 8 ? Uint8Array.from(values) : Uint16Array.from(values);
};
const png = (channels: number, depth: 8 | 16 = 8) => encodePng({ width: W, height: H, channels, depth, data: rgbPixels(channels, depth) });
const jpg = () => jpeg.encode({ width: W, height: H, data: Buffer.from(rgbPixels(4, 8)) }, 90).data;
const TREE_MAGIC = 'TREE\n';
/** What a generated tree entry holds: an image of the tree's shape, one of another shape, a folder, or a non-image. */
const TREE_CONTENT: Record<string, () => Uint8Array | null> = { png: () => png(3), jpg, grey: () => png(1), big: () => encodePng({ width: 5, height: 3, channels: 3, data: new Uint8Array(45) }), dir: () => null, text: () => Buffer.from('not an image'), empty: () => new Uint8Array(0) };
const genTree = fc
  .array(fc.tuple(fc.constantFrom('train', 'test', 'other'), fc.constantFrom('a', 'b', 'c', '.hidden'), fc.constantFrom('0.png', '1.jpg', '2.JPEG', '3.png', 'x.txt', ''), fc.constantFrom(...Object.keys(TREE_CONTENT))), { maxLength: 10 })
  .map((entries) => Buffer.from(TREE_MAGIC + JSON.stringify(entries)));
/**
 * Builds the tree the input describes next to `file` and loads it: a generated shape (TREE_MAGIC +
 * [split, class, name, content][]), or else the input is train/a/0.(png|jpg) (by its magic bytes)
 * beside three valid RGB PNGs of the same size.
 */
function readImageTree(file: string): Dataset {
  const root = join(dirname(file), 'tree');
  rmSync(root, { recursive: true, force: true });
  const put = (rel: string, bytes: Uint8Array | null) => {
    const p = join(root, rel);
    try {
      mkdirSync(bytes ? dirname(p) : p, { recursive: true });
      if (bytes) writeFileSync(p, bytes);
    } catch {
      // an entry clashing with an earlier one (a file where a folder is, or the reverse): the earlier stays
    }
  };
  const bytes = readFileSync(file);
  if (bytes.subarray(0, TREE_MAGIC.length).toString('latin1') === TREE_MAGIC) {
    for (const [split, cls, name, content] of JSON.parse(bytes.subarray(TREE_MAGIC.length).toString()) as string[][]) put(join(split, cls, name), TREE_CONTENT[content]());
  } else {
    const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
    put(`train/a/0.${isJpeg ? 'jpg' : 'png'}`, bytes);
    for (const rel of ['train/b/0.png', 'test/a/0.png', 'test/b/0.png']) put(rel, png(3));
  }
  return loadImageFolder(root, true);
}
/** An accepted tree gives samples in [0, 1] of the declared shape and labels below the class count. */
function usableDataset(d: Dataset): void {
  if (d.dim !== d.shape.reduce((a, b) => a * b, 1)) throw new Error(`shape ${d.shape} does not give dim ${d.dim}`);
  for (const s of [d.train!, d.test]) {
    if (s.n < 1 || s.x.length !== s.n * d.dim || s.y.length !== s.n) throw new Error(`split of ${s.n} samples has ${s.x.length} values and ${s.y.length} labels`);
    if (!s.x.every((v) => v >= 0 && v <= 1)) throw new Error('a sample value is outside [0, 1]');
    if (!s.y.every((y) => y < d.classes)) throw new Error('a label is not below the class count');
  }
}

// ---- sweep specs
const sweepSpecs = ['bench/paper-table-quick.json', 'bench/paper-table.json'].map((f) => JSON.parse(readFileSync(f, 'utf8')));
/** Grids of any number of flags and values: a small file can name very many cells. */
const genSweep = fc.oneof(
  jsonEdit(sweepSpecs),
  fc.dictionary(fc.constantFrom('seed', 'rule', 'lr', 'hidden', 'epochs', 'a', 'b', 'c', 'd', 'e', 'f', 'g'), fc.array(fc.oneof(fc.nat(20), fc.constantFrom('x', true, 0.5)), { maxLength: 12 }), { maxKeys: 12 }).map((grid) => Buffer.from(JSON.stringify({ grid }))),
);
const readSweep = (file: string) => expandCells(readSpec(file));

// ---- input rasters (.npy and JSON; read for a 4-neuron input)
const RASTER_WIDTH = 4;
const frames = (T: number) => Array.from({ length: T }, (_, t) => Array.from({ length: RASTER_WIDTH }, (_, i) => (t + i) % 3));
const rasterJson = [{ raster: frames(5) }, frames(3).map((r) => r.map((v) => v > 0))];
const genRaster = fc.oneof(
  jsonEdit(rasterJson),
  // a .npy header with any dtype and shape, then a body of any length
  fc.tuple(fc.constantFrom('|b1', '|u1', '<i8', '<f8', '>f4', '<c8', 'O'), fc.constantFrom('True', 'False'), fc.array(fc.oneof(fc.nat(6), fc.constantFrom(0, 4, 2 ** 31, 2 ** 53, 1e300)), { maxLength: 3 }), body).map(([descr, fortran, shape, b]) => {
    const head = Buffer.from(npyBytes(frames(2)).subarray(0, 10));
    const text = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }\n`;
    head.writeUInt16LE(text.length, 8);
    return Buffer.concat([head, Buffer.from(text, 'latin1'), b]);
  }),
);
/** An accepted raster holds frames of RASTER_WIDTH finite non-negative counts. */
const usableRaster = (r: Float64Array[]) => {
  if (!r.length || !r.every((f) => f.length === RASTER_WIDTH && f.every((v) => Number.isFinite(v) && v >= 0))) throw new Error('a frame is not RASTER_WIDTH finite counts >= 0');
};

// ---- Lava golden files (`ffsnn check-lava`): the smallest case of each fixture, alone in its file
const goldenCases = ['lif', 'learning'].map((f) => {
  const doc = JSON.parse(readFileSync(`test/fixtures/lava/loihi_${f}_golden.json`, 'utf8')) as { cases: unknown[] };
  const smallest = doc.cases.map((c) => JSON.stringify(c)).sort((a, b) => a.length - b.length)[0];
  return { cases: [JSON.parse(smallest)] };
});
const readGolden = (file: string) => checkLava(readGoldenFile(file), file);

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
  { name: 'image folder (png/jpeg)', fileName: 'image', quickRuns: 50, seeds: () => [png(3), png(4), png(3, 16), jpg()], generate: genTree, read: readImageTree, valid: usableDataset },
  { name: 'sweep spec', fileName: 'sweep.json', seeds: () => sweepSpecs.map((s) => Buffer.from(JSON.stringify(s, null, 2))), generate: genSweep, read: readSweep },
  { name: 'input raster (npy/json)', fileName: 'raster.json', seeds: () => [npyBytes(frames(5)), npyBytes(frames(3), 'neuron-major'), ...rasterJson.map((r) => Buffer.from(JSON.stringify(r)))], generate: genRaster, read: (f) => readRaster(f, RASTER_WIDTH), valid: usableRaster },
  { name: 'lava golden file', fileName: 'golden.json', seeds: () => goldenCases.map((g) => Buffer.from(JSON.stringify(g))), generate: jsonEdit(goldenCases), read: readGolden },
  { name: 'lava netx (hdf5)', fileName: 'net.net', quickRuns: 50, seeds: () => [readFileSync('test/fuzz/seeds/netx-4-3-2.net')], read: readNetx },
  { name: 'hardware profile', fileName: 'profile.json', seeds: () => profiles.map((p) => Buffer.from(JSON.stringify(p, null, 2))), generate: jsonEdit(profiles), read: readProfileFile },
];
