// SPDX-License-Identifier: MIT
import test from 'ava';
import { checkDataset, type Dataset } from '../../src/data/dataset.js';
import { FileFormatError } from '../../src/errors.js';

const ds = (x: number[], y: number[]): Dataset => ({ name: 'folder:/data/imgs', shape: [2], dim: 2, classes: 3, test: { x: Float32Array.from(x), y: Uint8Array.from(y), n: y.length } });

test('NaN, infinite or out-of-range pixels and labels are refused at load, naming the dataset, split, sample and value', (t) => {
  t.notThrows(() => checkDataset(ds([0, 1, 0.5, 0.25], [0, 2])));
  for (const [x, y, msg] of [
    [[0, 1, NaN, 0], [0, 1], /^folder:\/data\/imgs: test sample 1 has pixel 0 = NaN \(expected a finite value in \[0, 1\]\)$/],
    [[0, Infinity, 0, 0], [0, 1], /test sample 0 has pixel 1 = Infinity/],
    [[0, 0, 0, -0.5], [0, 1], /test sample 1 has pixel 1 = -0.5/],
    [[0, 0, 0, 0], [0, 3], /test sample 1 has label 3 \(expected 0\.\.2\)/],
  ] as const) {
    t.throws(() => checkDataset(ds([...x], [...y])), { instanceOf: FileFormatError, message: msg });
  }
});
