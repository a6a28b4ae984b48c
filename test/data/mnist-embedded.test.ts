// SPDX-License-Identifier: MIT
import test from 'ava';
import { loadEmbeddedMnist } from '../../src/data/mnist-embedded.js';
import { fractionOf } from '../../src/data/dataset.js';

test('embedded MNIST: fixed 8000/2000 split, disjoint, all classes, stable order', (t) => {
  const d = loadEmbeddedMnist();
  t.is(d.train!.n, 8000);
  t.is(d.test.n, 2000);
  t.is(d.train!.x.length, 8000 * 784);
  // the split is a fixed permutation: these first test labels pin it
  t.deepEqual([...d.test.y.slice(0, 10)], [3, 5, 7, 1, 3, 0, 3, 7, 4, 9]);
  const classes = new Set(d.test.y);
  t.is(classes.size, 10);
  // disjoint: no test image equals a training image byte for byte (checked on a sample by hashing)
  const key = (x: Float32Array, i: number) => x.subarray(i * 784, (i + 1) * 784).join(',');
  const train = new Set(Array.from({ length: 8000 }, (_, i) => key(d.train!.x, i)));
  let dup = 0;
  for (let i = 0; i < 200; i++) if (train.has(key(d.test.x, i))) dup++;
  t.is(dup, 0);
});

test('train fraction keeps each class share and a fixed order', (t) => {
  const d = loadEmbeddedMnist();
  const s = fractionOf(d.train!, 784, 10, 0.1);
  t.true(s.n >= 800 && s.n <= 810);
  const c = new Array(10).fill(0);
  for (const y of s.y) c[y]++;
  const full = new Array(10).fill(0);
  for (const y of d.train!.y) full[y]++;
  c.forEach((k, i) => t.is(k, Math.ceil(full[i] * 0.1)));
  t.deepEqual(fractionOf(d.train!, 784, 10, 0.1).y, s.y);
});
