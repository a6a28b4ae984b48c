// SPDX-License-Identifier: MIT
/** `folder:DIR` (ImageFolder layout) on tiny generated PNG/JPEG trees. */
import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { loadDataset } from '../../src/data/index.js';
import { loadImageFolder } from '../../src/data/image-folder.js';
import { ConfigError, FileFormatError } from '../../src/errors.js';

/** An RGB (channels 3) or grey (1) PNG whose first pixel is (v, v/2, v/4) and the rest 0. */
function png(w: number, h: number, channels: 1 | 3 | 4, v: number): Uint8Array {
  const data = new Uint8Array(w * h * channels);
  data[0] = v;
  if (channels >= 3) {
    data[1] = v >> 1;
    data[2] = v >> 2;
  }
  if (channels === 4) data.fill(255, 3, 4);
  return encodePng({ width: w, height: h, data, channels, depth: 8 });
}

/** Writes DIR/<split>/<class>/<name> for each entry; returns DIR. */
function tree(files: Record<string, Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), 'ffsnn-folder-'));
  for (const [rel, bytes] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, bytes);
  }
  return root;
}

test('classes sorted by name, files in name order, channel-major RGB in [0, 1], checksums per split', (t) => {
  const root = tree({
    'train/cat/b.png': png(4, 3, 3, 200),
    'train/cat/a.png': png(4, 3, 3, 100),
    'train/ant/x.png': png(4, 3, 4, 40), // RGBA: alpha dropped
    'train/ant/notes.txt': new Uint8Array([1]), // not an image: ignored
    'test/ant/t.png': png(4, 3, 3, 8),
    'test/cat/t.png': png(4, 3, 3, 255),
  });
  const ds = loadDataset(`folder:${root}`, true);
  t.is(ds.name, `folder:${root}`);
  t.deepEqual(ds.shape, [3, 3, 4]);
  t.is(ds.dim, 36);
  t.is(ds.classes, 2);
  t.deepEqual(ds.classNames, ['ant', 'cat']);
  t.deepEqual([...ds.train!.y], [0, 1, 1]);
  t.deepEqual([...ds.test.y], [0, 1]);
  // row 1 is cat/a.png (v = 100): red plane starts at 0, green at 12, blue at 24
  const row = ds.train!.x.subarray(36, 72);
  t.is(row[0], Math.fround(100 / 255));
  t.is(row[12], Math.fround(50 / 255));
  t.is(row[24], Math.fround(25 / 255));
  t.is(row.reduce((a, v) => a + v, 0), Math.fround(100 / 255) + Math.fround(50 / 255) + Math.fround(25 / 255));
  t.deepEqual(Object.keys(ds.checksums!), ['train/ (3 files)', 'test/ (2 files)']);
  t.regex(ds.checksums!['train/ (3 files)'], /^sha256:[0-9a-f]{64}$/);
  // one changed pixel changes the split's checksum
  const other = tree({
    'train/cat/b.png': png(4, 3, 3, 201),
    'train/cat/a.png': png(4, 3, 3, 100),
    'train/ant/x.png': png(4, 3, 4, 40),
    'test/ant/t.png': png(4, 3, 3, 8),
    'test/cat/t.png': png(4, 3, 3, 255),
  });
  t.not(loadImageFolder(other, true).checksums!['train/ (3 files)'], ds.checksums!['train/ (3 files)']);
  t.is(loadImageFolder(other, true).checksums!['test/ (2 files)'], ds.checksums!['test/ (2 files)']);
  t.is(loadImageFolder(root, false).train, undefined);
});

test('grey PNG trees are [H, W]; JPEG files decode', (t) => {
  const grey = tree({ 'train/0/a.png': png(5, 2, 1, 255), 'train/1/a.png': png(5, 2, 1, 0), 'test/0/a.png': png(5, 2, 1, 51), 'test/1/a.png': png(5, 2, 1, 0) });
  const g = loadImageFolder(grey, true);
  t.deepEqual(g.shape, [2, 5]);
  t.is(g.train!.x[0], 1);
  t.is(g.test.x[0], Math.fround(0.2));
  const rgb = new Uint8Array(8 * 8 * 4).fill(255);
  const jpg = jpeg.encode({ width: 8, height: 8, data: rgb }, 95).data;
  const j = loadImageFolder(tree({ 'train/a/1.jpg': jpg, 'train/b/1.jpeg': jpg, 'test/a/1.jpg': jpg, 'test/b/1.JPG': jpg }), true);
  t.deepEqual(j.shape, [3, 8, 8]);
  t.true(j.train!.x.every((v) => v > 0.97), 'white JPEG reads as ~1');
});

test('faults name the file: other size, other channel count, undecodable image, class mismatch, missing folder', (t) => {
  const good = png(4, 4, 3, 9);
  const size = tree({ 'train/a/1.png': good, 'train/b/1.png': png(5, 4, 3, 9), 'test/a/1.png': good, 'test/b/1.png': good });
  t.throws(() => loadImageFolder(size, true), { instanceOf: FileFormatError, message: /train\/b\/1\.png: image is 5x4 with 3 colour channel\(s\) but .*train\/a\/1\.png is 4x4 with 3/ });
  const chan = tree({ 'train/a/1.png': good, 'train/b/1.png': good, 'test/a/1.png': good, 'test/b/1.png': png(4, 4, 1, 9) });
  t.throws(() => loadImageFolder(chan, true), { instanceOf: FileFormatError, message: /test\/b\/1\.png: image is 4x4 with 1 colour channel/ });
  const broken = tree({ 'train/a/1.png': good, 'train/b/1.png': good.subarray(0, 30), 'test/a/1.png': good, 'test/b/1.png': good });
  t.throws(() => loadImageFolder(broken, true), { instanceOf: FileFormatError, message: /train\/b\/1\.png: not a readable image/ });
  const classes = tree({ 'train/a/1.png': good, 'train/b/1.png': good, 'test/a/1.png': good });
  t.throws(() => loadImageFolder(classes, true), { instanceOf: ConfigError, message: /test lacks class folder 'b'/ });
  t.throws(() => loadDataset('folder:/nonexistent/ffsnn-x', true), { instanceOf: ConfigError, message: /dataset folder \/nonexistent\/ffsnn-x does not exist/ });
  const noTest = tree({ 'train/a/1.png': good, 'train/b/1.png': good });
  t.throws(() => loadImageFolder(noTest, true), { instanceOf: ConfigError, message: /missing test\// });
});
