// SPDX-License-Identifier: MIT
/**
 * CIFAR-10 binary reader: files data_batch_1.bin .. data_batch_5.bin (training; those present
 * from 1 upward, at least data_batch_1.bin) and test_batch.bin. Each record is 1 label byte
 * (0..9) then 3072 pixel bytes (1024 red, 1024 green, 1024 blue, row-major 32x32).
 * Samples keep that channel-major layout ([3, 32, 32]), scaled to [0, 1].
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError, FileFormatError } from '../errors.js';
import type { Dataset, Split } from './dataset.js';

const RECORD = 3073;
const DIM = 3072;

/** Checks a batch file's size and labels, then converts it; size is checked before reading. */
export function readCifarBatch(file: string, sums?: Record<string, string>): Split {
  const size = statSync(file).size;
  if (size === 0 || size % RECORD !== 0) {
    throw new FileFormatError(file, `size ${size} bytes is not a whole number of 3073-byte records (truncated or not a CIFAR-10 binary batch)`);
  }
  const buf = readFileSync(file);
  if (sums) sums[basename(file)] = `md5:${createHash('md5').update(buf).digest('hex')}`;
  const n = size / RECORD;
  for (let i = 0; i < n; i++) {
    const label = buf[i * RECORD];
    if (label > 9) throw new FileFormatError(file, `label ${label} of record ${i} is out of range (expected 0..9)`);
  }
  const x = new Float32Array(n * DIM);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = buf[i * RECORD];
    const src = i * RECORD + 1;
    for (let k = 0; k < DIM; k++) x[i * DIM + k] = buf[src + k] / 255;
  }
  return { x, y, n };
}

function concat(parts: Split[]): Split {
  const n = parts.reduce((a, p) => a + p.n, 0);
  const x = new Float32Array(n * DIM);
  const y = new Uint8Array(n);
  let r = 0;
  for (const p of parts) {
    x.set(p.x, r * DIM);
    y.set(p.y, r);
    r += p.n;
  }
  return { x, y, n };
}

export function loadCifar10Dir(dir: string, withTrain: boolean): Dataset {
  const testFile = join(dir, 'test_batch.bin');
  if (!existsSync(testFile)) throw new ConfigError(`dataset directory ${dir}: missing test_batch.bin`);
  const checksums: Record<string, string> = {};
  let train: Split | undefined;
  if (withTrain) {
    const files: string[] = [];
    for (let b = 1; b <= 5 && existsSync(join(dir, `data_batch_${b}.bin`)); b++) files.push(join(dir, `data_batch_${b}.bin`));
    if (files.length === 0) throw new ConfigError(`dataset directory ${dir}: missing data_batch_1.bin`);
    train = concat(files.map((f) => readCifarBatch(f, checksums)));
  }
  const test = readCifarBatch(testFile, checksums);
  return { name: `cifar10:${dir}`, shape: [3, 32, 32], dim: DIM, classes: 10, train, test, checksums };
}
