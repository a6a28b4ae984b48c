// SPDX-License-Identifier: MIT
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, FileFormatError } from '../../src/errors.js';
import { loadCifar10Dir } from '../../src/data/cifar10.js';

function batch(labels: number[]): Buffer {
  const b = Buffer.alloc(labels.length * 3073);
  labels.forEach((y, i) => {
    b[i * 3073] = y;
    b[i * 3073 + 1] = 255; // first red pixel
    b[i * 3073 + 1 + 1024] = 51; // first green pixel
  });
  return b;
}

function dir(files: Record<string, Buffer>): string {
  const d = mkdtempSync(join(tmpdir(), 'ffsnn-cifar-'));
  for (const [name, data] of Object.entries(files)) writeFileSync(join(d, name), data);
  return d;
}

test('reads data_batch_1..k and test_batch in channel-major layout', (t) => {
  const d = dir({ 'data_batch_1.bin': batch([3, 7]), 'data_batch_2.bin': batch([9]), 'test_batch.bin': batch([0]) });
  const ds = loadCifar10Dir(d, true);
  t.deepEqual(ds.shape, [3, 32, 32]);
  t.deepEqual([...ds.train!.y], [3, 7, 9]);
  t.is(ds.train!.x[0], 1);
  t.is(ds.train!.x[1024], Math.fround(0.2));
  t.is(ds.test.n, 1);
  t.is(loadCifar10Dir(dir({ 'test_batch.bin': batch([1]) }), false).train, undefined);
  t.throws(() => loadCifar10Dir(dir({ 'test_batch.bin': batch([1]) }), true), { instanceOf: ConfigError, message: /data_batch_1\.bin/ });
});

test('malformed CIFAR-10: truncated record and label out of range name the file', (t) => {
  const trunc = dir({ 'test_batch.bin': batch([1, 2]).subarray(0, 5000) });
  t.throws(() => loadCifar10Dir(trunc, false), { instanceOf: FileFormatError, message: /test_batch\.bin: size 5000 bytes is not a whole number/ });
  const bad = dir({ 'test_batch.bin': batch([1, 12]) });
  t.throws(() => loadCifar10Dir(bad, false), { instanceOf: FileFormatError, message: /test_batch\.bin: label 12 of record 1 is out of range/ });
});
