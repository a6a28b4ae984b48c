// SPDX-License-Identifier: MIT
import test from 'ava';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FileFormatError, ConfigError } from '../../src/errors.js';
import { loadIdxDir, readIdxImages, readIdxLabels } from '../../src/data/idx.js';

function header(magic: number, dims: number[]): Buffer {
  const b = Buffer.alloc(4 + 4 * dims.length);
  b.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
  return b;
}
const images = (n: number, rows = 28, cols = 28, body = n * rows * cols) =>
  Buffer.concat([header(0x803, [n, rows, cols]), Buffer.alloc(body, 255)]);
const labels = (ys: number[]) => Buffer.concat([header(0x801, [ys.length]), Buffer.from(ys)]);

function dir(files: Record<string, Buffer>): string {
  const d = mkdtempSync(join(tmpdir(), 'ffsnn-idx-'));
  for (const [name, data] of Object.entries(files)) writeFileSync(join(d, name), data);
  return d;
}

test('reads raw and gzipped IDX pairs; evaluate needs only t10k', (t) => {
  const d = dir({
    'train-images-idx3-ubyte.gz': gzipSync(images(3)),
    'train-labels-idx1-ubyte': labels([0, 1, 9]),
    't10k-images-idx3-ubyte': images(2),
    't10k-labels-idx1-ubyte.gz': gzipSync(labels([4, 5])),
  });
  const ds = loadIdxDir(d, true);
  t.is(ds.train!.n, 3);
  t.deepEqual([...ds.train!.y], [0, 1, 9]);
  t.is(ds.train!.x[0], 1);
  t.is(ds.test.n, 2);
  const testOnly = dir({ 't10k-images-idx3-ubyte': images(2), 't10k-labels-idx1-ubyte': labels([4, 5]) });
  t.is(loadIdxDir(testOnly, false).test.n, 2);
  t.throws(() => loadIdxDir(testOnly, true), { instanceOf: ConfigError, message: /train-images-idx3-ubyte/ });
});

const faults: [string, Buffer, 'images' | 'labels', RegExp][] = [
  ['bad image magic', Buffer.concat([header(0x801, [1, 28, 28]), Buffer.alloc(784)]), 'images', /bad magic number 0x00000801/],
  ['bad label magic', Buffer.concat([header(0x803, [1]), Buffer.alloc(1)]), 'labels', /bad magic number 0x00000803/],
  ['truncated header', Buffer.from([0, 0, 8]), 'images', /truncated header/],
  ['wrong dimensions', images(1, 32, 32), 'images', /wrong image dimensions 32x32/],
  ['header claims more images than the file holds', images(5, 28, 28, 784), 'images', /claims 5 images .* holds/],
  ['truncated labels', Buffer.concat([header(0x801, [4]), Buffer.from([1, 2])]), 'labels', /claims 4 labels/],
  ['label out of range', labels([1, 10]), 'labels', /label 10 at index 1 is out of range/],
  ['trailing bytes', Buffer.concat([labels([1]), Buffer.from([0])]), 'labels', /trailing bytes/],
];

for (const [name, data, kind, msg] of faults) {
  test(`malformed IDX: ${name} -> FileFormatError naming the file`, (t) => {
    const d = dir({ [kind === 'images' ? 'x-images' : 'x-labels']: data });
    const file = join(d, kind === 'images' ? 'x-images' : 'x-labels');
    const err = t.throws(() => (kind === 'images' ? readIdxImages(file) : readIdxLabels(file)), { instanceOf: FileFormatError });
    t.regex(err!.message, msg);
    t.true(err!.message.startsWith(file));
  });
}

test('malformed IDX: corrupt gzip and image/label count mismatch', (t) => {
  const d = dir({ 'a.gz': Buffer.from('not gzip at all') });
  t.throws(() => readIdxImages(join(d, 'a.gz')), { instanceOf: FileFormatError, message: /a\.gz: not a valid gzip/ });
  const m = dir({ 't10k-images-idx3-ubyte': images(3), 't10k-labels-idx1-ubyte': labels([1, 2]) });
  t.throws(() => loadIdxDir(m, false), { instanceOf: FileFormatError, message: /3 images but .* 2 labels/ });
});

test('checksums: md5 of each decompressed IDX file, comparable with MNIST\'s MD5SUMS', (t) => {
  const md5 = (b: Buffer) => `md5:${createHash('md5').update(b).digest('hex')}`;
  const trainImages = images(3);
  const d = dir({
    'train-images-idx3-ubyte.gz': gzipSync(trainImages),
    'train-labels-idx1-ubyte': labels([0, 1, 9]),
    't10k-images-idx3-ubyte': images(2),
    't10k-labels-idx1-ubyte': labels([4, 5]),
  });
  t.deepEqual(loadIdxDir(d, true).checksums, {
    'train-labels-idx1-ubyte': md5(labels([0, 1, 9])),
    'train-images-idx3-ubyte': md5(trainImages),
    't10k-labels-idx1-ubyte': md5(labels([4, 5])),
    't10k-images-idx3-ubyte': md5(images(2)),
  });
});
