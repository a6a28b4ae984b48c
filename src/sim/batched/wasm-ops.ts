// SPDX-License-Identifier: MIT
/**
 * The dense products of the batched ops as WebAssembly SIMD kernels (f32x4: four outputs per
 * instruction), emitted with the binary writer of ../../neurons/wasm.ts. Opt-in backend
 * 'wasm-simd' (FFSNN_BACKEND=wasm-simd or `backend: 'wasm-simd'`); 'auto' never picks it.
 *
 * - accumulateInput, outerAccumulate: one kernel, `add_rows`, that adds a weighted sum of rows
 *   into one destination row (8, then 4, then 1 source rows fused per pass over the destination),
 *   after the nonzero inputs are gathered in JS, exactly as the plain path's `addRows`;
 * - backwardInput: `dot_rows`, dot products of one row of M with 4 (then 1) rows of W at a time;
 * - lifStep and traceUpdate run the plain-JS ops (backends[op] says 'cpu-js').
 *
 * Data layout: one wasm Memory per ops object, grown on demand. Each call copies what it reads
 * into it (rows padded to a multiple of 4 floats with zeros, so the kernels have no scalar tail)
 * and copies what it wrote back into the caller's arrays. Only the weight rows an input actually
 * uses are copied for accumulateInput, and only the dW rows touched for outerAccumulate.
 *
 * Numerics: every product and sum is float32 (the plain path sums in float64 and rounds once), so
 * results differ from cpu-js by float32 rounding: |wasm - js| <= ~(terms) * 2^-24 * sum |terms|.
 */
import { BackendUnavailableError, MemoryLimitError, invalidParam } from '../../errors.js';
import { I32, V128, op, simdAvailable, wasmModule } from '../../neurons/wasm.js';
import { checkLen, lifStep, traceUpdate, type BatchedOps } from './ops.js';

const get = op.localGet;
const set = op.localSet;

/** Sums the byte sequences, each leaving one v128, as a balanced tree of f32x4.add. */
function tree(parts: number[][]): number[] {
  if (parts.length === 1) return parts[0];
  const h = parts.length >> 1;
  return [...tree(parts.slice(0, h)), ...tree(parts.slice(h)), ...op.f32x4Add];
}

/**
 * add_rows(dst, rows, vals, m, lenBytes): for j < m, n < lenBytes / 4:
 *   dst[n] += vals[j] * src_j[n],   src_j = the row at byte address rows[j]
 * lenBytes > 0 and a multiple of 16; all addresses in bytes.
 */
function addRowsBody(): number[] {
  const A = { dst: 0, rows: 1, vals: 2, m: 3, len: 4, j: 5, n: 6, p: 7, w: 8, a: 16 } as const;
  const group = (G: number) => {
    const prods = Array.from({ length: G }, (_, g) => [...get(A.w + g), ...get(A.n), ...op.i32Add, ...op.v128Load(), ...get(A.a + g), ...op.f32x4Mul]);
    return [
      ...op.block,
      ...op.loop,
      // while j + G <= m
      ...get(A.m), ...get(A.j), ...op.i32Const(G), ...op.i32Add, ...op.i32LtU, ...op.brIf(1),
      ...get(A.j), ...op.i32Const(2), ...op.i32Shl, ...set(A.p),
      ...Array.from({ length: G }, (_, g) => [
        ...get(A.rows), ...get(A.p), ...op.i32Add, ...op.i32Load(4 * g), ...set(A.w + g),
        ...get(A.vals), ...get(A.p), ...op.i32Add, ...op.f32Load(4 * g), ...op.f32x4Splat, ...set(A.a + g),
      ]).flat(),
      ...op.i32Const(0), ...set(A.n),
      ...op.loop,
      ...get(A.dst), ...get(A.n), ...op.i32Add,
      ...tree(prods),
      ...get(A.dst), ...get(A.n), ...op.i32Add, ...op.v128Load(), ...op.f32x4Add,
      ...op.v128Store(),
      ...get(A.n), ...op.i32Const(16), ...op.i32Add, ...op.localTee(A.n), ...get(A.len), ...op.i32LtU, ...op.brIf(0),
      ...op.end,
      ...get(A.j), ...op.i32Const(G), ...op.i32Add, ...set(A.j),
      ...op.br(0),
      ...op.end,
      ...op.end,
    ];
  };
  return [...group(8), ...group(4), ...group(1)];
}

/**
 * dot_rows(mRow, wBase, rowBytes, nIn, gOut): for k < nIn:
 *   gOut[k] = sum_n mRow[n] * W_k[n],   W_k at byte wBase + k * rowBytes
 * rowBytes > 0 and a multiple of 16 (rows zero-padded).
 */
function dotRowsBody(): number[] {
  const A = { m: 0, wBase: 1, row: 2, nIn: 3, g: 4, k: 5, n: 6, w: 7, mv: 11, s: 12 } as const;
  const group = (G: number) => [
    ...op.block,
    ...op.loop,
    ...get(A.nIn), ...get(A.k), ...op.i32Const(G), ...op.i32Add, ...op.i32LtU, ...op.brIf(1),
    ...Array.from({ length: G }, (_, g) => [
      ...get(A.wBase), ...get(A.k), ...op.i32Const(g), ...op.i32Add, ...get(A.row), ...op.i32Mul, ...op.i32Add, ...set(A.w + g),
      ...op.i32Const(0), ...op.i32x4Splat, ...set(A.s + g),
    ]).flat(),
    ...op.i32Const(0), ...set(A.n),
    ...op.loop,
    ...get(A.m), ...get(A.n), ...op.i32Add, ...op.v128Load(), ...set(A.mv),
    ...Array.from({ length: G }, (_, g) => [
      ...get(A.s + g), ...get(A.w + g), ...get(A.n), ...op.i32Add, ...op.v128Load(), ...get(A.mv), ...op.f32x4Mul, ...op.f32x4Add, ...set(A.s + g),
    ]).flat(),
    ...get(A.n), ...op.i32Const(16), ...op.i32Add, ...op.localTee(A.n), ...get(A.row), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
    ...Array.from({ length: G }, (_, g) => [
      ...get(A.g), ...get(A.k), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add,
      ...get(A.s + g), ...op.f32x4ExtractLane(0), ...get(A.s + g), ...op.f32x4ExtractLane(1), ...op.f32Add,
      ...get(A.s + g), ...op.f32x4ExtractLane(2), ...get(A.s + g), ...op.f32x4ExtractLane(3), ...op.f32Add, ...op.f32Add,
      ...op.f32Store(4 * g),
    ]).flat(),
    ...get(A.k), ...op.i32Const(G), ...op.i32Add, ...set(A.k),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return [...group(4), ...group(1)];
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernels (cached), or null when this runtime has no WebAssembly SIMD. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  if (!simdAvailable()) return (compiled = null);
  compiled = new WebAssembly.Module(
    wasmModule([
      { name: 'add_rows', params: [I32, I32, I32, I32, I32], results: [], locals: [I32, I32, I32, ...Array<number>(8).fill(I32), ...Array<number>(8).fill(V128)], body: addRowsBody() },
      { name: 'dot_rows', params: [I32, I32, I32, I32, I32], results: [], locals: [I32, I32, I32, I32, I32, I32, V128, V128, V128, V128, V128], body: dotRowsBody() },
    ]),
  );
  return compiled;
}

/** True when the 'wasm-simd' backend can run here. */
export function wasmSimdAvailable(): boolean {
  return kernelModule() !== null;
}

const PAGE = 65536;
const MAX_BYTES = 2 ** 31; // byte addresses are passed as (signed) i32

/** Rounds a row length up to whole f32x4 vectors. */
const padded = (n: number) => (n + 3) & ~3;

class WasmSimdKernels {
  private readonly memory: WebAssembly.Memory;
  private readonly addRows: (dst: number, rows: number, vals: number, m: number, lenBytes: number) => void;
  private readonly dotRows: (mRow: number, wBase: number, rowBytes: number, nIn: number, gOut: number) => void;
  f32: Float32Array;
  i32: Int32Array;
  private mark = new Uint8Array(0);

  constructor(mod: WebAssembly.Module) {
    this.memory = new WebAssembly.Memory({ initial: 1 });
    const ex = new WebAssembly.Instance(mod, { env: { memory: this.memory } }).exports;
    this.addRows = ex.add_rows as WasmSimdKernels['addRows'];
    this.dotRows = ex.dot_rows as WasmSimdKernels['dotRows'];
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }

  /** Makes the memory at least `bytes` long (views refreshed). */
  private ensure(op: string, bytes: number): void {
    if (bytes > MAX_BYTES) throw new MemoryLimitError(`wasm-simd ${op}`, bytes, MAX_BYTES);
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      try {
        this.memory.grow(Math.ceil((bytes - have) / PAGE));
      } catch {
        throw new MemoryLimitError(`wasm-simd ${op}`, bytes, have);
      }
      this.f32 = new Float32Array(this.memory.buffer);
      this.i32 = new Int32Array(this.memory.buffer);
    }
  }

  /** Copies row r of src (cols wide) to float index `at`, zero-padding to P. */
  private putRow(src: Float32Array, r: number, cols: number, P: number, at: number): void {
    this.f32.set(src.subarray(r * cols, r * cols + cols), at);
    if (P !== cols) this.f32.fill(0, at + cols, at + P);
  }

  private putRows(src: Float32Array, rows: number, cols: number, P: number, at: number): void {
    if (P === cols) this.f32.set(src.subarray(0, rows * cols), at);
    else for (let r = 0; r < rows; r++) this.putRow(src, r, cols, P, at + r * P);
  }

  private marks(n: number): Uint8Array {
    if (this.mark.length < n) this.mark = new Uint8Array(n);
    this.mark.fill(0, 0, n);
    return this.mark;
  }

  accumulateInput = (x: Float32Array, B: number, nIn: number, W: Float32Array, nOut: number, out: Float32Array): void => {
    checkLen('accumulateInput', 'x', x, B * nIn);
    checkLen('accumulateInput', 'W', W, nIn * nOut);
    checkLen('accumulateInput', 'out', out, B * nOut);
    if (B * nIn * nOut === 0) return;
    const P = padded(nOut), rowB = 4 * P;
    const wOff = 0, oOff = nIn * rowB, idxOff = oOff + rowB, valOff = idxOff + 4 * nIn;
    this.ensure('accumulateInput', valOff + 4 * nIn);
    // copy only the weight rows some sample uses
    const mark = this.marks(nIn);
    let used = 0;
    for (let b = 0; b < B; b++) {
      const xo = b * nIn;
      for (let k = 0; k < nIn; k++) if (x[xo + k] !== 0 && mark[k] === 0) { mark[k] = 1; used++; }
    }
    if (used === 0) return;
    if (used === nIn) this.putRows(W, nIn, nOut, P, wOff / 4);
    else for (let k = 0; k < nIn; k++) if (mark[k]) this.putRow(W, k, nOut, P, wOff / 4 + k * P);
    const f32 = this.f32, i32 = this.i32;
    for (let b = 0; b < B; b++) {
      const xo = b * nIn;
      let m = 0;
      for (let k = 0; k < nIn; k++) {
        const xv = x[xo + k];
        if (xv !== 0) {
          i32[idxOff / 4 + m] = wOff + k * rowB;
          f32[valOff / 4 + m++] = xv;
        }
      }
      if (m === 0) continue;
      this.putRow(out, b, nOut, P, oOff / 4);
      this.addRows(oOff, idxOff, valOff, m, rowB);
      out.set(f32.subarray(oOff / 4, oOff / 4 + nOut), b * nOut);
    }
  };

  outerAccumulate = (X: Float32Array, M: Float32Array, B: number, nIn: number, nOut: number, dW: Float32Array, scale: number): void => {
    checkLen('outerAccumulate', 'X', X, B * nIn);
    checkLen('outerAccumulate', 'M', M, B * nOut);
    checkLen('outerAccumulate', 'dW', dW, nIn * nOut);
    if (!Number.isFinite(scale)) throw invalidParam('outerAccumulate', 'scale', scale, 'a finite number');
    if (B * nIn * nOut === 0) return;
    const P = padded(nOut), rowB = 4 * P;
    const mOff = 0, dOff = B * rowB, idxOff = dOff + rowB, valOff = idxOff + 4 * B;
    this.ensure('outerAccumulate', valOff + 4 * B);
    this.putRows(M, B, nOut, P, mOff / 4);
    const f32 = this.f32, i32 = this.i32;
    for (let k = 0; k < nIn; k++) {
      let m = 0;
      for (let b = 0; b < B; b++) {
        const xv = X[b * nIn + k];
        if (xv !== 0) {
          i32[idxOff / 4 + m] = mOff + b * rowB;
          f32[valOff / 4 + m++] = scale * xv;
        }
      }
      if (m === 0) continue;
      this.putRow(dW, k, nOut, P, dOff / 4);
      this.addRows(dOff, idxOff, valOff, m, rowB);
      dW.set(f32.subarray(dOff / 4, dOff / 4 + nOut), k * nOut);
    }
  };

  backwardInput = (M: Float32Array, B: number, nOut: number, W: Float32Array, nIn: number, G: Float32Array): void => {
    checkLen('backwardInput', 'M', M, B * nOut);
    checkLen('backwardInput', 'W', W, nIn * nOut);
    checkLen('backwardInput', 'G', G, B * nIn);
    if (B * nIn === 0) return;
    if (nOut === 0) {
      G.fill(0, 0, B * nIn);
      return;
    }
    const P = padded(nOut), rowB = 4 * P;
    const wOff = 0, mOff = nIn * rowB, gOff = mOff + B * rowB;
    this.ensure('backwardInput', gOff + 4 * nIn);
    this.putRows(W, nIn, nOut, P, wOff / 4);
    this.putRows(M, B, nOut, P, mOff / 4);
    for (let b = 0; b < B; b++) {
      this.dotRows(mOff + b * rowB, wOff, rowB, nIn, gOff);
      G.set(this.f32.subarray(gOff / 4, gOff / 4 + nIn), b * nIn);
    }
  };
}

/**
 * A new set of 'wasm-simd' ops (own wasm memory). The products run in wasm; lifStep and
 * traceUpdate are the plain-JS ones.
 * @throws BackendUnavailableError when this runtime has no WebAssembly SIMD.
 */
export function createWasmSimdOps(): BatchedOps {
  const mod = kernelModule();
  if (!mod) throw new BackendUnavailableError('wasm-simd', 'this runtime does not validate WebAssembly fixed-width SIMD');
  const k = new WasmSimdKernels(mod);
  return {
    backends: {
      accumulateInput: 'wasm-simd',
      outerAccumulate: 'wasm-simd',
      backwardInput: 'wasm-simd',
      lifStep: 'cpu-js',
      traceUpdate: 'cpu-js',
    },
    accumulateInput: k.accumulateInput,
    outerAccumulate: k.outerAccumulate,
    backwardInput: k.backwardInput,
    lifStep,
    traceUpdate,
  };
}
