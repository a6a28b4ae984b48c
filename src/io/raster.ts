// SPDX-License-Identifier: MIT
/**
 * Input spike rasters for `ffsnn simulate FILE --input RASTER`: a NumPy `.npy` file (bool, uint8 or
 * another integer/float dtype holding non-negative values) or JSON (an array of arrays, or
 * `{"raster": [[...]]}`). The raster may be time-major [T][n] or neuron-major [n][T] (what Lava's
 * `io.source.RingBuffer(data=...)` takes); the orientation is decided by which dimension equals the
 * network's input width, and a square raster whose two readings differ is refused as ambiguous.
 * Returns frames[t][i].
 */
import { existsSync, readFileSync } from 'node:fs';
import { FileFormatError } from '../errors.js';

interface Matrix {
  rows: number;
  cols: number;
  /** Row-major values. */
  data: Float64Array;
}

const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

/** Parses a 2-D `.npy` (format 1.x-3.x, C or Fortran order, little-endian or 1-byte dtypes). */
export function parseNpy(bytes: Buffer, file: string): Matrix {
  if (bytes.length < 10 || !bytes.subarray(0, 6).equals(NPY_MAGIC)) throw new FileFormatError(file, 'not a .npy file (missing \\x93NUMPY magic)');
  const major = bytes[6];
  const lenBytes = major === 1 ? 2 : 4;
  if (major < 1 || major > 3) throw new FileFormatError(file, `unsupported .npy format version ${major}`);
  const headerLen = lenBytes === 2 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = 8 + lenBytes + headerLen;
  if (bytes.length < start) throw new FileFormatError(file, `truncated .npy header (${bytes.length} bytes, header needs ${start})`);
  const header = bytes.subarray(8 + lenBytes, start).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new FileFormatError(file, `unreadable .npy header ${JSON.stringify(header.trim())}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.length !== 2 || shape.some((d) => !Number.isInteger(d) || d < 1))
    throw new FileFormatError(file, `raster must be a 2-D array ([T][n] or [n][T]), found shape (${shape.join(', ')})`);
  const readers: Record<string, [number, (b: Buffer, o: number) => number]> = {
    '|b1': [1, (b, o) => b[o]],
    '|u1': [1, (b, o) => b[o]],
    '|i1': [1, (b, o) => b.readInt8(o)],
    '<u2': [2, (b, o) => b.readUInt16LE(o)],
    '<i2': [2, (b, o) => b.readInt16LE(o)],
    '<u4': [4, (b, o) => b.readUInt32LE(o)],
    '<i4': [4, (b, o) => b.readInt32LE(o)],
    '<i8': [8, (b, o) => Number(b.readBigInt64LE(o))],
    '<u8': [8, (b, o) => Number(b.readBigUInt64LE(o))],
    '<f4': [4, (b, o) => b.readFloatLE(o)],
    '<f8': [8, (b, o) => b.readDoubleLE(o)],
  };
  const reader = readers[descr];
  if (!reader) throw new FileFormatError(file, `unsupported .npy dtype '${descr}' (expected bool, uint8 or another little-endian integer or float type)`);
  const [size, read] = reader;
  const [rows, cols] = shape;
  const need = start + rows * cols * size;
  if (bytes.length < need) throw new FileFormatError(file, `truncated .npy data (${bytes.length - start} bytes for shape (${rows}, ${cols}) of '${descr}', expected ${need - start})`);
  const data = new Float64Array(rows * cols);
  for (let k = 0; k < rows * cols; k++) {
    // Fortran order stores column by column.
    const idx = fortran === 'True' ? (k % rows) * cols + Math.floor(k / rows) : k;
    data[idx] = read(bytes, start + k * size);
  }
  return { rows, cols, data };
}

function parseJsonRaster(text: string, file: string): Matrix {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    // V8 quotes the input in the message, newlines included (found by fuzzing): keep it one line
    throw new FileFormatError(file, `unreadable JSON (${(err as Error).message.replace(/\s+/g, ' ')})`);
  }
  const arr = Array.isArray(doc) ? doc : (doc as { raster?: unknown })?.raster;
  if (!Array.isArray(arr) || !arr.length || !arr.every((r) => Array.isArray(r)))
    throw new FileFormatError(file, 'expected a JSON array of arrays (or {"raster": [[...]]})');
  const rows = arr.length;
  const cols = (arr[0] as unknown[]).length;
  const data = new Float64Array(rows * cols);
  arr.forEach((r: unknown[], i) => {
    if (r.length !== cols) throw new FileFormatError(file, `row ${i} has ${r.length} values, row 0 has ${cols}`);
    r.forEach((x, j) => {
      const v = x === true ? 1 : x === false ? 0 : x;
      if (typeof v !== 'number') throw new FileFormatError(file, `value [${i}][${j}] = ${JSON.stringify(x)} is not a number`);
      data[i * cols + j] = v;
    });
  });
  if (!cols) throw new FileFormatError(file, 'raster rows are empty');
  return { rows, cols, data };
}

/** Reads a raster for an input of `width` neurons; returns frames[t][i]. */
export function readRaster(file: string, width: number): Float64Array[] {
  if (!existsSync(file)) throw new FileFormatError(file, 'no such file');
  const bytes = readFileSync(file);
  const m = bytes.subarray(0, 6).equals(NPY_MAGIC) || file.endsWith('.npy') ? parseNpy(bytes, file) : parseJsonRaster(bytes.toString('utf8'), file);
  for (let k = 0; k < m.data.length; k++) {
    const v = m.data[k];
    if (!Number.isFinite(v) || v < 0)
      throw new FileFormatError(file, `value ${v} at [${Math.floor(k / m.cols)}][${k % m.cols}] is not a spike count (expected a finite number >= 0)`);
  }
  const timeMajor = m.cols === width;
  const neuronMajor = m.rows === width;
  if (!timeMajor && !neuronMajor) throw new FileFormatError(file, `raster of shape (${m.rows}, ${m.cols}) has no dimension equal to the network's ${width} inputs`);
  if (timeMajor && neuronMajor) {
    // Square: both readings fit. Refuse unless they are the same raster (a symmetric matrix).
    for (let i = 0; i < width; i++)
      for (let j = i + 1; j < width; j++)
        if (m.data[i * width + j] !== m.data[j * width + i])
          throw new FileFormatError(file, `raster of shape (${width}, ${width}) is ambiguous: both [T][n] and [n][T] match ${width} inputs; give a raster with T != ${width}`);
  }
  if (timeMajor) return Array.from({ length: m.rows }, (_, t) => m.data.slice(t * m.cols, (t + 1) * m.cols));
  return Array.from({ length: m.cols }, (_, t) => Float64Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + t]));
}

/** A raster frames[t][i] as `.npy` bytes (uint8, [T][n]) — what the bench scripts hand to Python. */
export function npyBytes(frames: ArrayLike<number>[], layout: 'time-major' | 'neuron-major' = 'time-major'): Buffer {
  const T = frames.length;
  const n = T ? frames[0].length : 0;
  const [rows, cols] = layout === 'time-major' ? [T, n] : [n, T];
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const head = Buffer.alloc(10);
  NPY_MAGIC.copy(head);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.alloc(rows * cols);
  for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) body[layout === 'time-major' ? t * n + i : i * T + t] = Math.min(255, Math.round(frames[t][i]));
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}
