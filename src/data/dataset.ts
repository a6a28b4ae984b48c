// SPDX-License-Identifier: MIT
/**
 * In-memory labelled image datasets shared by every reader (embedded MNIST, IDX, CIFAR-10).
 * Pixels are float32 in [0, 1], one row of `dim` values per sample.
 */
import { ConfigError, FileFormatError } from '../errors.js';

export interface Split {
  /** Row-major [n][dim], values in [0, 1]. */
  x: Float32Array;
  y: Uint8Array;
  n: number;
}

export interface Dataset {
  /** Canonical name, e.g. `mnist-embedded`, `idx:/data/mnist`. */
  name: string;
  /** Sample shape, e.g. [28, 28] or [3, 32, 32]. */
  shape: number[];
  dim: number;
  classes: number;
  train?: Split;
  test: Split;
  /** Class names in label order, where the files name them (image folders). */
  classNames?: string[];
  /** What was read, so a result says exactly what it was trained on: file (or split) -> `md5:...`/`sha256:...`. */
  checksums?: Record<string, string>;
}

/** A new split holding the rows `idx` of `s`, in that order. */
export function takeRows(s: Split, dim: number, idx: ArrayLike<number>): Split {
  const x = new Float32Array(idx.length * dim);
  const y = new Uint8Array(idx.length);
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r];
    x.set(s.x.subarray(i * dim, (i + 1) * dim), r * dim);
    y[r] = s.y[i];
  }
  return { x, y, n: idx.length };
}

/**
 * The first `ceil(fraction * n)` rows of `s` in a fixed stratified order (every class keeps the
 * same share), so a 10%-data run sees the same samples whatever the training seed.
 */
export function fractionOf(s: Split, dim: number, classes: number, fraction: number): Split {
  if (!(fraction > 0 && fraction <= 1)) throw new ConfigError(`train fraction ${fraction} is invalid (expected 0 < f <= 1)`);
  if (fraction === 1) return s;
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < s.n; i++) byClass[s.y[i]].push(i);
  const idx: number[] = [];
  for (const rows of byClass) idx.push(...rows.slice(0, Math.ceil(fraction * rows.length)));
  idx.sort((a, b) => a - b);
  return takeRows(s, dim, idx);
}

/**
 * Refuses a dataset whose pixels are NaN, infinite or outside [0, 1], or whose labels are out of
 * range, naming the dataset, the split, the sample and the value: a bad pixel would otherwise
 * turn into NaN weights batches later.
 */
export function checkDataset(ds: Dataset): Dataset {
  for (const [split, s] of [['train', ds.train], ['test', ds.test]] as const) {
    if (!s) continue;
    if (s.x.length !== s.n * ds.dim || s.y.length !== s.n) throw new FileFormatError(ds.name, `${split} split holds ${s.x.length} values and ${s.y.length} labels for ${s.n} samples of ${ds.dim}`);
    for (let i = 0; i < s.x.length; i++) {
      const v = s.x[i];
      if (!(v >= 0 && v <= 1)) {
        throw new FileFormatError(ds.name, `${split} sample ${Math.floor(i / ds.dim)} has pixel ${i % ds.dim} = ${v} (expected a finite value in [0, 1])`);
      }
    }
    for (let i = 0; i < s.n; i++) {
      if (s.y[i] >= ds.classes) throw new FileFormatError(ds.name, `${split} sample ${i} has label ${s.y[i]} (expected 0..${ds.classes - 1})`);
    }
  }
  return ds;
}
