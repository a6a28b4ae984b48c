// SPDX-License-Identifier: MIT
/**
 * IDX reader (MNIST / Fashion-MNIST layout): big-endian header, magic 0x00000803 for images
 * (u8, 3 dims: count, rows, cols) and 0x00000801 for labels (u8, 1 dim: count). Files may be raw
 * or gzip-compressed (`.gz`). Standard names in the directory:
 *   train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte
 * Every fault (bad magic, wrong dimensions, truncated body, header claiming more data than the file
 * holds, label out of range, image/label count mismatch) is a FileFormatError naming the file,
 * raised before the pixel buffer is allocated.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ConfigError, FileFormatError } from '../errors.js';
import type { Dataset, Split } from './dataset.js';

const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;
/** Decompressed size cap for .gz files: full MNIST train images are 47 MB. */
const MAX_GUNZIP_BYTES = 512 * 1024 * 1024;
export const IDX_ROWS = 28;
export const IDX_COLS = 28;

/** md5 of each IDX file's decompressed bytes (comparable with MNIST's published MD5SUMS), by base name. */
type Sums = Record<string, string>;

function readMaybeGz(file: string, sums?: Sums): Buffer {
  const raw = readFileSync(file);
  let buf = raw;
  if (file.endsWith('.gz')) {
    try {
      buf = gunzipSync(raw, { maxOutputLength: MAX_GUNZIP_BYTES });
    } catch (err) {
      throw new FileFormatError(file, `not a valid gzip file (${(err as Error).message})`);
    }
  }
  if (sums) sums[basename(file).replace(/\.gz$/, '')] = `md5:${createHash('md5').update(buf).digest('hex')}`;
  return buf;
}

function findFile(dir: string, base: string): string {
  for (const name of [base, `${base}.gz`]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new ConfigError(`dataset directory ${dir}: missing ${base} (or ${base}.gz)`);
}

function u32(buf: Buffer, off: number): number {
  return buf.readUInt32BE(off);
}

/** Parses an IDX image file; returns pixels scaled to [0, 1]. */
export function readIdxImages(file: string, sums?: Sums): { x: Float32Array; n: number; rows: number; cols: number } {
  const buf = readMaybeGz(file, sums);
  if (buf.length < 16) throw new FileFormatError(file, `truncated header (${buf.length} bytes, expected at least 16)`);
  const magic = u32(buf, 0);
  if (magic !== IMAGES_MAGIC) {
    throw new FileFormatError(file, `bad magic number 0x${magic.toString(16).padStart(8, '0')} (expected 0x00000803 for u8 images with 3 dimensions)`);
  }
  const n = u32(buf, 4);
  const rows = u32(buf, 8);
  const cols = u32(buf, 12);
  if (rows !== IDX_ROWS || cols !== IDX_COLS) {
    throw new FileFormatError(file, `wrong image dimensions ${rows}x${cols} (expected ${IDX_ROWS}x${IDX_COLS})`);
  }
  const need = 16 + n * rows * cols;
  if (buf.length < need) {
    throw new FileFormatError(file, `header claims ${n} images (${need} bytes) but the file holds ${buf.length} bytes (truncated)`);
  }
  if (buf.length > need) throw new FileFormatError(file, `${buf.length - need} unexpected trailing bytes after ${n} images`);
  const x = new Float32Array(n * rows * cols);
  for (let i = 0; i < x.length; i++) x[i] = buf[16 + i] / 255;
  return { x, n, rows, cols };
}

/** Parses an IDX label file; every label must be < `classes`. */
export function readIdxLabels(file: string, classes = 10, sums?: Sums): Uint8Array {
  const buf = readMaybeGz(file, sums);
  if (buf.length < 8) throw new FileFormatError(file, `truncated header (${buf.length} bytes, expected at least 8)`);
  const magic = u32(buf, 0);
  if (magic !== LABELS_MAGIC) {
    throw new FileFormatError(file, `bad magic number 0x${magic.toString(16).padStart(8, '0')} (expected 0x00000801 for u8 labels with 1 dimension)`);
  }
  const n = u32(buf, 4);
  if (buf.length < 8 + n) {
    throw new FileFormatError(file, `header claims ${n} labels but the file holds only ${buf.length - 8} (truncated)`);
  }
  if (buf.length > 8 + n) throw new FileFormatError(file, `${buf.length - 8 - n} unexpected trailing bytes after ${n} labels`);
  const y = new Uint8Array(buf.subarray(8, 8 + n));
  for (let i = 0; i < n; i++) {
    if (y[i] >= classes) throw new FileFormatError(file, `label ${y[i]} at index ${i} is out of range (expected 0..${classes - 1})`);
  }
  return y;
}

function readPair(dir: string, prefix: 'train' | 't10k', sums: Sums): Split {
  const imgFile = findFile(dir, `${prefix}-images-idx3-ubyte`);
  const lblFile = findFile(dir, `${prefix}-labels-idx1-ubyte`);
  // Labels first: the small file fails fast before the image buffer is allocated.
  const y = readIdxLabels(lblFile, 10, sums);
  const { x, n } = readIdxImages(imgFile, sums);
  if (n !== y.length) throw new FileFormatError(imgFile, `${n} images but ${lblFile} holds ${y.length} labels`);
  return { x, y, n };
}

/** Loads an IDX directory; the training pair is read only when `withTrain`. */
export function loadIdxDir(dir: string, withTrain: boolean): Dataset {
  if (!existsSync(dir)) throw new ConfigError(`dataset directory ${dir} does not exist`);
  const checksums: Sums = {};
  const train = withTrain ? readPair(dir, 'train', checksums) : undefined;
  const test = readPair(dir, 't10k', checksums);
  return {
    name: `idx:${dir}`,
    shape: [IDX_ROWS, IDX_COLS],
    dim: IDX_ROWS * IDX_COLS,
    classes: 10,
    train,
    test,
    checksums,
  };
}
