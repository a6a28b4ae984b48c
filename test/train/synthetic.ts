// SPDX-License-Identifier: MIT
/** A small seeded 10-class image set: class c lights a 6x6 block at a class-specific place. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Split } from '../../src/data/dataset.js';
import { Rng } from '../../src/sim/rng.js';

export function syntheticSplit(n: number, seed: number, side = 28): Split {
  const rng = new Rng(seed);
  const dim = side * side;
  const x = new Float32Array(n * dim);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    y[i] = c;
    const r0 = 2 + 5 * Math.floor(c / 4) + rng.int(3);
    const c0 = 2 + 6 * (c % 4) + rng.int(3);
    for (let r = r0; r < Math.min(side, r0 + 6); r++) for (let k = c0; k < Math.min(side, c0 + 6); k++) x[i * dim + r * side + k] = 0.6 + 0.4 * rng.uniform();
    for (let k = 0; k < 20; k++) x[i * dim + rng.int(dim)] = rng.uniform();
  }
  return { x, y, n };
}

/** Writes train/t10k IDX files of synthetic 28x28 digits; returns the directory. */
export function syntheticIdxDir(nTrain: number, nTest: number): string {
  const d = mkdtempSync(join(tmpdir(), 'ffsnn-synth-'));
  const write = (prefix: string, s: Split) => {
    const img = Buffer.alloc(16 + s.n * 784);
    img.writeUInt32BE(0x803, 0);
    img.writeUInt32BE(s.n, 4);
    img.writeUInt32BE(28, 8);
    img.writeUInt32BE(28, 12);
    for (let i = 0; i < s.x.length; i++) img[16 + i] = Math.round(255 * s.x[i]);
    const lbl = Buffer.alloc(8 + s.n);
    lbl.writeUInt32BE(0x801, 0);
    lbl.writeUInt32BE(s.n, 4);
    lbl.set(s.y, 8);
    writeFileSync(join(d, `${prefix}-images-idx3-ubyte`), img);
    writeFileSync(join(d, `${prefix}-labels-idx1-ubyte`), lbl);
  };
  write('train', syntheticSplit(nTrain, 1));
  write('t10k', syntheticSplit(nTest, 2));
  return d;
}
