// SPDX-License-Identifier: MIT
/**
 * The batched ops as WebAssembly SIMD kernels (f32x4: four lanes per instruction), emitted with
 * the binary writer of ../../neurons/wasm.ts. Backend 'wasm-simd': what 'auto' runs without a GPU
 * (or FFSNN_BACKEND=wasm-simd / `backend: 'wasm-simd'`).
 *
 * - accumulateInput (`acc_input`), outerAccumulate (`outer_acc`): gather the nonzero inputs inside
 *   wasm, then `add_rows` adds their weighted rows into one destination row (8, then 4, then 1
 *   source rows fused per pass over the destination), exactly as the plain path's `addRows`;
 * - backwardInput: `dot_rows`, dot products of one row of M with 4 (then 1) rows of W at a time;
 * - adamStep: `poison` (any NaN or infinite gradient?) then `adam`; normaliseRows: `norm_rows`;
 * - lifStep, traceUpdate and the whole-layer spiking ops (lifLayerForward, threeFactorAccumulate,
 *   bpttLayerBackward) run the AssemblyScript kernels of ./spiking.as.ts (spiking.wasm), on the
 *   same memory, optionally cut across worker threads (./slice-pool.ts).
 *
 * Data layout: see WasmSimdKernels. Rows are padded to a multiple of 4 floats with zeros, so the
 * kernels have no scalar tail.
 *
 * Numerics: every product and sum is float32 (the plain path sums in float64 and rounds once), so
 * results differ from cpu-js by float32 rounding: |wasm - js| <= ~(terms) * 2^-24 * sum |terms|.
 */
import { BackendUnavailableError, MemoryLimitError, invalidParam } from '../../errors.js';
import { F32, I32, V128, op, simdAvailable, wasmModule } from '../../neurons/wasm.js';
import { instantiateKernel, wasmModule as compiledWasm } from '../../wasm-module.js';
import { SlicePool, sliceStart, type SliceJob } from './slice-pool.js';
import {
  checkLen, lifLayerForward as cpuLifLayerForward, threeFactorAccumulate as cpuThreeFactor, bpttLayerBackward as cpuBptt,
  type AdamConstants, type BatchedOps, type FilterKernel, type LifConstants, type LifLayerResult,
} from './ops.js';

/** Exports of spiking.wasm (AssemblyScript, ./spiking.as.ts); addresses are byte offsets. */
interface SpikingKernels {
  set_lif(aMem: number, aExc: number, aInh: number, kExc: number, kInh: number, vRest: number, vReset: number, vTh: number, refSteps: number, psiBeta: number): void;
  lif_step(len: number, v: number, iExc: number, iInh: number, ref: number, spikes: number, psi: number): number;
  trace_update(len: number, x: number, s: number, decay: number): void;
  lif_layer(frames: number, T: number, B: number, nIn: number, w: number, bias: number, nOut: number, rowB: number,
    v: number, iExc: number, ref: number, h: number, spikes: number, psi: number, wt: number, rows: number, vals: number): number;
  three_factor(pre: number, T: number, B: number, nIn: number, psi: number, m: number, nOut: number, rowB: number,
    dW: number, db: number, f1: number, f2: number, G: number, wt: number, rows: number, vals: number, aMem: number, aSyn: number, kSyn: number): void;
  bptt_layer(inSp: number, T: number, B: number, nIn: number, spikes: number, psi: number, dS: number, nOut: number, rowB: number,
    w: number, dW: number, db: number, dv: number, dc: number, dSin: number, rows: number, vals: number, aMem: number, aSyn: number, kSyn: number): void;
}
const SPIKING_WASM = new URL('./spiking.wasm', import.meta.url);

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

/** for (i = 0; i < limit; i += step) body — i and limit are locals; body may nest blocks. */
function forUp(i: number, limit: number, step: number, body: number[]): number[] {
  return [
    ...op.i32Const(0), ...set(i),
    ...op.block, ...op.loop,
    ...get(i), ...get(limit), ...op.i32LtU, ...op.i32Eqz, ...op.brIf(1),
    ...body,
    ...get(i), ...op.i32Const(step), ...op.i32Add, ...set(i),
    ...op.br(0), ...op.end, ...op.end,
  ];
}

/** Byte address base + 4 * index (locals). */
const at4 = (base: number, index: number) => [...get(base), ...get(index), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add];

/**
 * acc_input(x, B, nIn, w, rowB, out, rows, vals): for each sample b, gathers the nonzero
 * x[b][k] (dense [B][nIn]) with the addresses of their weight rows w + k * rowB, then add_rows
 * them into out + b * rowB. The whole op in one call: no per-row crossing into JS.
 */
function accInputBody(): number[] {
  const A = { x: 0, B: 1, nIn: 2, w: 3, rowB: 4, out: 5, rows: 6, vals: 7, b: 8, k: 9, cnt: 10, xo: 11, xv: 12 } as const;
  return forUp(A.b, A.B, 1, [
    ...op.i32Const(0), ...set(A.cnt),
    ...get(A.x), ...get(A.b), ...get(A.nIn), ...op.i32Mul, ...op.i32Const(2), ...op.i32Shl, ...op.i32Add, ...set(A.xo),
    ...forUp(A.k, A.nIn, 1, [
      ...at4(A.xo, A.k), ...op.f32Load(), ...op.localTee(A.xv), ...op.f32Const(0), ...op.f32Ne,
      ...op.if,
      ...at4(A.rows, A.cnt), ...get(A.w), ...get(A.k), ...get(A.rowB), ...op.i32Mul, ...op.i32Add, ...op.i32Store(),
      ...at4(A.vals, A.cnt), ...get(A.xv), ...op.f32Store(),
      ...get(A.cnt), ...op.i32Const(1), ...op.i32Add, ...set(A.cnt),
      ...op.end,
    ]),
    ...get(A.cnt),
    ...op.if,
    ...get(A.out), ...get(A.b), ...get(A.rowB), ...op.i32Mul, ...op.i32Add, ...get(A.rows), ...get(A.vals), ...get(A.cnt), ...get(A.rowB), ...op.call(0),
    ...op.end,
  ]);
}

/**
 * outer_acc(x, B, nIn, mBase, rowB, dW, rows, vals, scale): for each input k, gathers the
 * nonzero x[b][k] (dense [B][nIn]) times scale with the addresses of the rows M_b = mBase + b * rowB,
 * then add_rows them into dW + k * rowB.
 */
function outerAccBody(): number[] {
  const A = { x: 0, B: 1, nIn: 2, mBase: 3, rowB: 4, dW: 5, rows: 6, vals: 7, scale: 8, k: 9, b: 10, cnt: 11, xv: 12 } as const;
  return forUp(A.k, A.nIn, 1, [
    ...op.i32Const(0), ...set(A.cnt),
    ...forUp(A.b, A.B, 1, [
      ...get(A.x), ...get(A.b), ...get(A.nIn), ...op.i32Mul, ...get(A.k), ...op.i32Add, ...op.i32Const(2), ...op.i32Shl, ...op.i32Add,
      ...op.f32Load(), ...op.localTee(A.xv), ...op.f32Const(0), ...op.f32Ne,
      ...op.if,
      ...at4(A.rows, A.cnt), ...get(A.mBase), ...get(A.b), ...get(A.rowB), ...op.i32Mul, ...op.i32Add, ...op.i32Store(),
      ...at4(A.vals, A.cnt), ...get(A.xv), ...get(A.scale), ...op.f32Mul, ...op.f32Store(),
      ...get(A.cnt), ...op.i32Const(1), ...op.i32Add, ...set(A.cnt),
      ...op.end,
    ]),
    ...get(A.cnt),
    ...op.if,
    ...get(A.dW), ...get(A.k), ...get(A.rowB), ...op.i32Mul, ...op.i32Add, ...get(A.rows), ...get(A.vals), ...get(A.cnt), ...get(A.rowB), ...op.call(0),
    ...op.end,
  ]);
}

/** poison(g, nBytes) -> f32: sum of g * 0, which is NaN exactly when some g is NaN or ±Infinity. */
function poisonBody(): number[] {
  const A = { g: 0, n: 1, i: 2, acc: 3, zero: 4 } as const;
  const lane = (l: number) => [...get(A.acc), ...op.f32x4ExtractLane(l)];
  return [
    ...forUp(A.i, A.n, 16, [...get(A.acc), ...get(A.g), ...get(A.i), ...op.i32Add, ...op.v128Load(), ...get(A.zero), ...op.f32x4Mul, ...op.f32x4Add, ...set(A.acc)]),
    ...lane(0), ...lane(1), ...op.f32Add, ...lane(2), ...op.f32Add, ...lane(3), ...op.f32Add,
  ];
}

/**
 * adam(p, g, m, v, nBytes, b1, ob1, b2, ob2, a, sc2, eps), four lanes at a time:
 *   m <- b1 m + ob1 g;  v <- b2 v + ob2 g^2;  p <- p - a m / (sqrt(v) sc2 + eps)
 * nBytes a multiple of 16.
 */
function adamBody(): number[] {
  const A = { p: 0, g: 1, m: 2, v: 3, n: 4, i: 12, gv: 13, mv: 14, vv: 15, k: 16 } as const;
  const K = { b1: A.k, ob1: A.k + 1, b2: A.k + 2, ob2: A.k + 3, a: A.k + 4, sc2: A.k + 5, eps: A.k + 6 };
  const addr = (base: number) => [...get(base), ...get(A.i), ...op.i32Add];
  const load = (base: number) => [...addr(base), ...op.v128Load()];
  return [
    ...Array.from({ length: 7 }, (_, j) => [...get(5 + j), ...op.f32x4Splat, ...set(A.k + j)]).flat(),
    ...forUp(A.i, A.n, 16, [
      ...load(A.g), ...set(A.gv),
      ...addr(A.m), ...get(K.b1), ...load(A.m), ...op.f32x4Mul, ...get(K.ob1), ...get(A.gv), ...op.f32x4Mul, ...op.f32x4Add, ...op.localTee(A.mv), ...op.v128Store(),
      ...addr(A.v), ...get(K.b2), ...load(A.v), ...op.f32x4Mul, ...get(K.ob2), ...get(A.gv), ...get(A.gv), ...op.f32x4Mul, ...op.f32x4Mul, ...op.f32x4Add, ...op.localTee(A.vv), ...op.v128Store(),
      ...addr(A.p), ...load(A.p),
      ...get(K.a), ...get(A.mv), ...op.f32x4Mul,
      ...get(A.vv), ...op.f32x4Sqrt, ...get(K.sc2), ...op.f32x4Mul, ...get(K.eps), ...op.f32x4Add,
      ...op.f32x4Div, ...op.f32x4Sub, ...op.v128Store(),
    ]),
  ];
}

/**
 * norm_rows(src, dst, B, rowB, k, norms): per row b of rowB bytes (zero-padded):
 *   r = ||src_b||,  norms[b] = r (f32),  dst_b = src_b * (r > 0 ? k / r : 0)
 */
function normRowsBody(): number[] {
  const A = { src: 0, dst: 1, B: 2, rowB: 3, k: 4, norms: 5, b: 6, i: 7, o: 8, acc: 9, f: 10, r: 11 } as const;
  const lane = (l: number) => [...get(A.acc), ...op.f32x4ExtractLane(l)];
  return forUp(A.b, A.B, 1, [
    ...get(A.b), ...get(A.rowB), ...op.i32Mul, ...set(A.o),
    ...op.i32Const(0), ...op.i32x4Splat, ...set(A.acc),
    ...forUp(A.i, A.rowB, 16, [
      ...get(A.acc), ...get(A.src), ...get(A.o), ...op.i32Add, ...get(A.i), ...op.i32Add, ...op.v128Load(), ...op.localTee(A.f), ...get(A.f), ...op.f32x4Mul, ...op.f32x4Add, ...set(A.acc),
    ]),
    ...at4(A.norms, A.b),
    ...lane(0), ...lane(1), ...op.f32Add, ...lane(2), ...op.f32Add, ...lane(3), ...op.f32Add, ...op.f32Sqrt, ...op.localTee(A.r),
    ...op.f32Store(),
    // f = r > 0 ? k / r : 0, splatted
    ...get(A.k), ...get(A.r), ...op.f32Div, ...op.f32Const(0), ...get(A.r), ...op.f32Const(0), ...op.f32Gt, ...op.select, ...op.f32x4Splat, ...set(A.f),
    ...forUp(A.i, A.rowB, 16, [
      ...get(A.dst), ...get(A.o), ...op.i32Add, ...get(A.i), ...op.i32Add,
      ...get(A.src), ...get(A.o), ...op.i32Add, ...get(A.i), ...op.i32Add, ...op.v128Load(), ...get(A.f), ...op.f32x4Mul,
      ...op.v128Store(),
    ]),
  ]);
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
      { name: 'acc_input', params: Array<number>(8).fill(I32), results: [], locals: [I32, I32, I32, I32, F32], body: accInputBody() },
      { name: 'outer_acc', params: [...Array<number>(8).fill(I32), F32], results: [], locals: [I32, I32, I32, F32], body: outerAccBody() },
      { name: 'norm_rows', params: [I32, I32, I32, I32, F32, I32], results: [], locals: [I32, I32, I32, V128, V128, F32], body: normRowsBody() },
      { name: 'poison', params: [I32, I32], results: [F32], locals: [I32, V128, V128], body: poisonBody() },
      { name: 'adam', params: [...Array<number>(5).fill(I32), ...Array<number>(7).fill(F32)], results: [], locals: [I32, ...Array<number>(10).fill(V128)], body: adamBody() },
    ], MAX_PAGES),
  );
  return compiled;
}

/** True when the 'wasm-simd' backend can run here. */
export function wasmSimdAvailable(): boolean {
  return kernelModule() !== null;
}

const PAGE = 65536;
const MAX_PAGES = 32767; // byte addresses are passed as (signed) i32
const MAX_BYTES = MAX_PAGES * PAGE;

/**
 * Byte offsets of consecutive regions of the given byte lengths (16-byte aligned), plus the end.
 * Each region starts a further 256 bytes on, so regions do not sit on 4 KiB boundaries: a copy
 * out of wasm memory at a 4 KiB-aligned address into a page-aligned typed array measured 10x
 * slower (0.65 vs 0.05 ms per 1.5 MB, 4K aliasing between the copy's loads and stores).
 */
function regions(...bytes: number[]): { at: number[]; end: number } {
  const at: number[] = [];
  let next = 0;
  for (const b of bytes) {
    next += 256;
    at.push(next);
    next = (next + b + 15) & ~15;
  }
  return { at, end: next };
}

/** Whether frames is T arrays of at least n floats each (the plain ops throw the precise error). */
function checkedFrames(frames: Float32Array[], T: number, n: number): boolean {
  return Array.isArray(frames) && frames.length === T && frames.every((f) => f instanceof Float32Array && f.length >= n);
}

function checkedLayer(frames: Float32Array[], n: number, wt: ArrayLike<number>): boolean {
  return Array.isArray(frames) && checkedFrames(frames, frames.length, n) && wt.length >= frames.length;
}

/** Rounds a row length up to whole f32x4 vectors. */
const padded = (n: number) => (n + 3) & ~3;

/**
 * Memory: one shared wasm Memory per ops object (shared so that growing it never detaches a view),
 * bump-allocated. `adopt` moves an array into it for good (training adopts its weights, biases,
 * gradients and Adam moments); the ops use adopted arrays in place, with no copy, when their rows
 * need no padding. Everything else is copied into a scratch area per call (regrown, never
 * shrunk) and the outputs copied back.
 */
class WasmSimdKernels {
  private readonly memory: WebAssembly.Memory;
  private readonly addRows: (dst: number, rows: number, vals: number, m: number, lenBytes: number) => void;
  private readonly dotRows: (mRow: number, wBase: number, rowBytes: number, nIn: number, gOut: number) => void;
  private readonly accInput: (x: number, B: number, nIn: number, w: number, rowB: number, out: number, rows: number, vals: number) => void;
  private readonly outerAcc: (x: number, B: number, nIn: number, mBase: number, rowB: number, dW: number, rows: number, vals: number, scale: number) => void;
  private readonly poison: (g: number, nBytes: number) => number;
  private readonly normRows: (src: number, dst: number, B: number, rowB: number, k: number, norms: number) => void;
  private readonly adam: (p: number, g: number, m: number, v: number, nBytes: number, b1: number, ob1: number, b2: number, ob2: number, a: number, sc2: number, eps: number) => void;
  /** The AssemblyScript kernels of spiking training, on the same memory. */
  private readonly sk: SpikingKernels;
  /** Threads a batch is cut across (./slice-pool.ts); 1: all on the calling thread. */
  readonly threads: number;
  readonly pool: SlicePool | null;
  f32: Float32Array;
  i32: Int32Array;
  /** Bytes in use (adopted arrays and scratch areas). */
  private top = 0;
  private scratchAt = 0;
  private scratchBytes = 0;
  /** Arrays made by `adopt`: in this memory, 16-byte aligned, zero-padded to whole f32x4 vectors. */
  private readonly adopted = new WeakSet<Float32Array>();

  constructor(mod: WebAssembly.Module, threads = 1) {
    this.memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    const ex = new WebAssembly.Instance(mod, { env: { memory: this.memory } }).exports;
    this.addRows = ex.add_rows as WasmSimdKernels['addRows'];
    this.dotRows = ex.dot_rows as WasmSimdKernels['dotRows'];
    this.accInput = ex.acc_input as WasmSimdKernels['accInput'];
    this.outerAcc = ex.outer_acc as WasmSimdKernels['outerAcc'];
    this.poison = ex.poison as WasmSimdKernels['poison'];
    this.normRows = ex.norm_rows as WasmSimdKernels['normRows'];
    this.adam = ex.adam as WasmSimdKernels['adam'];
    this.sk = instantiateKernel<SpikingKernels>(SPIKING_WASM, this.memory);
    this.threads = threads;
    this.pool = threads > 1 ? new SlicePool(threads, compiledWasm(SPIKING_WASM), this.memory) : null;
    this.f32 = new Float32Array(this.memory.buffer);
    this.i32 = new Int32Array(this.memory.buffer);
  }

  /** Byte offset of a fresh (zeroed) region of `bytes`, 16-byte aligned, off 4 KiB boundaries. */
  private alloc(op: string, bytes: number): number {
    const at = ((this.top + 15) & ~15) + 256;
    const end = at + bytes;
    if (end > MAX_BYTES) throw new MemoryLimitError(`wasm-simd ${op}`, end, MAX_BYTES);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch {
        throw new MemoryLimitError(`wasm-simd ${op}`, end, have);
      }
      this.f32 = new Float32Array(this.memory.buffer);
      this.i32 = new Int32Array(this.memory.buffer);
    }
    this.top = end;
    return at;
  }

  /** Absolute byte offsets of this call's scratch regions (see `regions`), the area regrown when short. */
  private scratch(op: string, ...bytes: number[]): number[] {
    const { at, end } = regions(...bytes);
    if (end > this.scratchBytes) {
      this.scratchBytes = Math.max(end, Math.ceil(1.5 * this.scratchBytes));
      this.scratchAt = this.alloc(op, this.scratchBytes);
    }
    return at.map((a) => a + this.scratchAt);
  }

  /** Byte offset of `a` when it was adopted (usable in place), else -1. */
  private placeOf(a: Float32Array): number {
    return this.adopted.has(a) ? a.byteOffset : -1;
  }

  /**
   * A copy of `a` in this memory, used in place by later calls; `a` itself when already adopted,
   * or when the memory cannot hold it (the ops then copy it per call, as for any other array).
   */
  adopt = (a: Float32Array): Float32Array => {
    if (this.adopted.has(a)) return a;
    let at: number;
    try {
      at = this.alloc('adopt', 4 * padded(a.length));
    } catch (e) {
      if (e instanceof MemoryLimitError) return a;
      throw e;
    }
    const view = new Float32Array(this.memory.buffer, at, a.length);
    view.set(a);
    this.adopted.add(view);
    return view;
  };

  /** Copies row r of src (cols wide) to float index `at`, zero-padding to P. */
  private putRow(src: Float32Array, r: number, cols: number, P: number, at: number): void {
    this.f32.set(src.subarray(r * cols, r * cols + cols), at);
    if (P !== cols) this.f32.fill(0, at + cols, at + P);
  }

  private putRows(src: Float32Array, rows: number, cols: number, P: number, at: number): void {
    if (P === cols) this.f32.set(src.subarray(0, rows * cols), at);
    else for (let r = 0; r < rows; r++) this.putRow(src, r, cols, P, at + r * P);
  }

  /** Copies rows x cols of the wasm floats at `at` (row stride P) into dst. */
  private getRows(dst: Float32Array, rows: number, cols: number, P: number, at: number): void {
    if (P === cols) dst.set(this.f32.subarray(at, at + rows * cols));
    else for (let r = 0; r < rows; r++) dst.set(this.f32.subarray(at + r * P, at + r * P + cols), r * cols);
  }

  accumulateInput = (x: Float32Array, B: number, nIn: number, W: Float32Array, nOut: number, out: Float32Array): void => {
    checkLen('accumulateInput', 'x', x, B * nIn);
    checkLen('accumulateInput', 'W', W, nIn * nOut);
    checkLen('accumulateInput', 'out', out, B * nOut);
    if (B * nIn * nOut === 0) return;
    const P = padded(nOut), rowB = 4 * P;
    const placed = P === nOut ? this.placeOf(W) : -1;
    const [wAt, xOff, oOff, idxOff, valOff] = this.scratch('accumulateInput', placed >= 0 ? 0 : nIn * rowB, 4 * B * nIn, B * rowB, 4 * nIn, 4 * nIn);
    const wOff = placed >= 0 ? placed : wAt;
    if (placed < 0) this.putRows(W, nIn, nOut, P, wOff / 4);
    this.f32.set(x.subarray(0, B * nIn), xOff / 4);
    this.putRows(out, B, nOut, P, oOff / 4);
    this.accInput(xOff, B, nIn, wOff, rowB, oOff, idxOff, valOff);
    this.getRows(out, B, nOut, P, oOff / 4);
  };

  outerAccumulate = (X: Float32Array, M: Float32Array, B: number, nIn: number, nOut: number, dW: Float32Array, scale: number): void => {
    checkLen('outerAccumulate', 'X', X, B * nIn);
    checkLen('outerAccumulate', 'M', M, B * nOut);
    checkLen('outerAccumulate', 'dW', dW, nIn * nOut);
    if (!Number.isFinite(scale)) throw invalidParam('outerAccumulate', 'scale', scale, 'a finite number');
    if (B * nIn * nOut === 0) return;
    const P = padded(nOut), rowB = 4 * P;
    const placed = P === nOut ? this.placeOf(dW) : -1;
    const [mOff, dAt, xOff, idxOff, valOff] = this.scratch('outerAccumulate', B * rowB, placed >= 0 ? 0 : nIn * rowB, 4 * B * nIn, 4 * B, 4 * B);
    const dOff = placed >= 0 ? placed : dAt;
    this.putRows(M, B, nOut, P, mOff / 4);
    if (placed < 0) this.putRows(dW, nIn, nOut, P, dOff / 4);
    this.f32.set(X.subarray(0, B * nIn), xOff / 4);
    this.outerAcc(xOff, B, nIn, mOff, rowB, dOff, idxOff, valOff, scale);
    if (placed < 0) this.getRows(dW, nIn, nOut, P, dOff / 4);
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
    const placed = P === nOut ? this.placeOf(W) : -1;
    const [wAt, mOff, gOff] = this.scratch('backwardInput', placed >= 0 ? 0 : nIn * rowB, B * rowB, 4 * nIn);
    const wOff = placed >= 0 ? placed : wAt;
    if (placed < 0) this.putRows(W, nIn, nOut, P, wOff / 4);
    this.putRows(M, B, nOut, P, mOff / 4);
    for (let b = 0; b < B; b++) {
      this.dotRows(mOff + b * rowB, wOff, rowB, nIn, gOff);
      G.set(this.f32.subarray(gOff / 4, gOff / 4 + nIn), b * nIn);
    }
  };

  normaliseRows = (x: Float32Array, B: number, n: number, out: Float32Array, k: number, norms?: Float64Array): void => {
    checkLen('normaliseRows', 'x', x, B * n);
    checkLen('normaliseRows', 'out', out, B * n);
    if (norms) checkLen('normaliseRows', 'norms', norms, B);
    if (B * n === 0) return;
    const P = padded(n), rowB = 4 * P;
    const at = this.scratch('normaliseRows', B * rowB, B * rowB, 4 * B);
    this.putRows(x, B, n, P, at[0] / 4);
    this.normRows(at[0], at[1], B, rowB, k, at[2]);
    this.getRows(out, B, n, P, at[1] / 4);
    if (norms) for (let b = 0; b < B; b++) norms[b] = this.f32[at[2] / 4 + b];
  };

  /**
   * Checks every gradient first (a NaN or infinite one stops the step before any parameter
   * changes), then updates. Adopted arrays are updated in place; others are copied in and out.
   */
  adamStep = (p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, k: AdamConstants): void => {
    const n = p.length;
    checkLen('adamStep', 'g', g, n);
    checkLen('adamStep', 'm', m, n);
    checkLen('adamStep', 'v', v, n);
    if (n === 0) return;
    const P = padded(n);
    const arrays = [p, g, m, v];
    const inPlace = arrays.every((a) => this.adopted.has(a) && a.length === n);
    const at = inPlace ? arrays.map((a) => a.byteOffset) : this.scratch('adamStep', 4 * P, 4 * P, 4 * P, 4 * P);
    if (!inPlace) arrays.forEach((a, i) => this.putRow(a, 0, n, P, at[i] / 4));
    if (this.poison(at[1], 4 * P) !== 0) throw invalidParam('optimizer', 'gradient', 'NaN or Infinity', 'finite numbers (training diverged)');
    this.adam(at[0], at[1], at[2], at[3], 4 * P, k.b1, 1 - k.b1, k.b2, 1 - k.b2, k.a, k.sc2, k.eps);
    if (!inPlace) for (const i of [0, 2, 3]) arrays[i].set(this.f32.subarray(at[i] / 4, at[i] / 4 + n));
  };

  /** Byte offset of W ([nIn][P]) in this memory: in place when adopted, else copied to `scratchAt`. */
  private weightsAt(W: Float32Array, nIn: number, nOut: number, P: number, scratchAt: number): number {
    const placed = P === nOut ? this.placeOf(W) : -1;
    if (placed >= 0) return placed;
    this.putRows(W, nIn, nOut, P, scratchAt / 4);
    return scratchAt;
  }

  private setLif(c: LifConstants): void {
    this.sk.set_lif(c.aMem, c.aExc, c.aInh, c.kExc, c.kInh, c.vRest, c.vReset, c.vTh, c.refSteps, c.psiBeta);
  }

  lifStep = (c: LifConstants, v: Float32Array, iExc: Float32Array, iInh: Float32Array | null, ref: Float32Array, spikes: Float32Array, psi: Float32Array | null): number => {
    const len = v.length;
    checkLen('lifStep', 'iExc', iExc, len);
    checkLen('lifStep', 'ref', ref, len);
    checkLen('lifStep', 'spikes', spikes, len);
    if (iInh) checkLen('lifStep', 'iInh', iInh, len);
    if (psi) checkLen('lifStep', 'psi', psi, len);
    if (len === 0) return 0;
    const at = this.scratch('lifStep', 4 * len, 4 * len, 4 * len, 4 * len, 4 * len, 4 * len);
    const ins: [Float32Array | null, number][] = [[v, at[0]], [iExc, at[1]], [iInh, at[2]], [ref, at[3]]];
    for (const [a, o] of ins) if (a) this.f32.set(a.subarray(0, len), o / 4);
    this.setLif(c);
    const n = this.sk.lif_step(len, at[0], at[1], iInh ? at[2] : 0, at[3], at[4], psi ? at[5] : 0);
    const outs: [Float32Array | null, number][] = [...ins, [spikes, at[4]], [psi, at[5]]];
    for (const [a, o] of outs) if (a) a.set(this.f32.subarray(o / 4, o / 4 + len));
    return n;
  };

  traceUpdate = (x: Float32Array, s: Float32Array, decay: number): void => {
    checkLen('traceUpdate', 's', s, x.length);
    if (!Number.isFinite(decay) || decay < 0 || decay > 1) throw invalidParam('traceUpdate', 'decay', decay, 'a number in [0, 1]');
    const len = x.length;
    if (len === 0) return;
    const [xAt, sAt] = this.scratch('traceUpdate', 4 * len, 4 * len);
    this.f32.set(x, xAt / 4);
    this.f32.set(s.subarray(0, len), sAt / 4);
    this.sk.trace_update(len, xAt, sAt, decay);
    x.set(this.f32.subarray(xAt / 4, xAt / 4 + len));
  };

  /** Where dW ([nIn][P]) and db (P) are used in place (adopted, rows unpadded), else -1. */
  private gradientsAt(dW: Float32Array, db: Float32Array, nIn: number, nOut: number, P: number): { dW: number; db: number } {
    return { dW: P === nOut ? this.placeOf(dW) : -1, db: this.placeOf(db) };
  }

  /** Byte offsets of the gradients the kernel accumulates into: in place, or copies at the scratch offsets. */
  private putGradients(at: { dW: number; db: number }, dW: Float32Array, db: Float32Array, nIn: number, nOut: number, P: number, dwAt: number, dbAt: number): { dW: number; db: number } {
    if (at.dW < 0) this.putRows(dW, nIn, nOut, P, dwAt / 4);
    if (at.db < 0) this.putRow(db, 0, nOut, P, dbAt / 4);
    return { dW: at.dW >= 0 ? at.dW : dwAt, db: at.db >= 0 ? at.db : dbAt };
  }

  private getGradients(at: { dW: number; db: number }, used: { dW: number; db: number }, dW: Float32Array, db: Float32Array, nIn: number, nOut: number, P: number): void {
    if (at.dW < 0) this.getRows(dW, nIn, nOut, P, used.dW / 4);
    if (at.db < 0) db.set(this.f32.subarray(used.db / 4, used.db / 4 + nOut));
  }

  /** Runs one kernel call per slice: slice 0 here, the others on the pool's workers. */
  private runSlices(jobs: SliceJob[]): void {
    const local = (j: SliceJob) => {
      if (j.lif) this.sk.set_lif(...(j.lif as Parameters<SpikingKernels['set_lif']>));
      (this.sk[j.kernel] as unknown as (...a: number[]) => unknown)(...j.args);
    };
    if (this.pool && jobs.length > 1) this.pool.run(jobs, local);
    else for (const j of jobs) local(j);
  }

  /** Sample ranges [b0, b1) of the slices a batch of B is cut into (one per thread). */
  private slices(B: number): [number, number][] {
    const S = Math.min(this.threads, B);
    return Array.from({ length: S }, (_, s) => [sliceStart(B, S, s), sliceStart(B, S, s + 1)]);
  }

  /** Copies rows [b0, b1) of every frame (rows of n floats) to consecutive floats from byte `at`. */
  private putFrameRows(frames: Float32Array[], b0: number, b1: number, n: number, at: number): void {
    const len = (b1 - b0) * n;
    for (let t = 0; t < frames.length; t++) this.f32.set(frames[t].subarray(b0 * n, b1 * n), at / 4 + t * len);
  }

  /** Copies T frames of (b1 - b0) padded rows from byte `at` into rows [b0, b1) of `out` ([T] x [B][n]). */
  private getFrameRows(out: Float32Array[], b0: number, b1: number, n: number, P: number, at: number): void {
    for (let t = 0; t < out.length; t++) this.getRows(out[t].subarray(b0 * n, b1 * n), b1 - b0, n, P, at / 4 + t * (b1 - b0) * P);
  }

  /**
   * Where each slice accumulates its weight and bias gradients: with one slice, dW and db
   * themselves (in place, or copies); with several, zeroed partial sums that `reduceGradients`
   * adds, in slice order, into dW and db.
   */
  private gradientTargets(dW: Float32Array, db: Float32Array, nIn: number, nOut: number, P: number, S: number) {
    const rowB = 4 * P;
    const grad = this.gradientsAt(dW, db, nIn, nOut, P);
    /** Scratch bytes: dW and db per slice (none for one slice in place). */
    const bytes = Array.from({ length: S }, () => [S === 1 && grad.dW >= 0 ? 0 : nIn * rowB, S === 1 && grad.db >= 0 ? 0 : rowB]).flat();
    /** Binds the targets to the offsets the scratch call gave for `bytes`. */
    const bind = (at: number[]) => {
      const parts = Array.from({ length: S }, (_, s) => ({ dW: at[2 * s], db: at[2 * s + 1] }));
      if (S === 1) parts[0] = this.putGradients(grad, dW, db, nIn, nOut, P, parts[0].dW, parts[0].db);
      else for (const q of parts) this.f32.fill(0, q.dW / 4, q.dW / 4 + nIn * P), this.f32.fill(0, q.db / 4, q.db / 4 + P);
      return { grad, parts };
    };
    return { bytes, bind };
  }

  private reduceGradients(t: { grad: { dW: number; db: number }; parts: { dW: number; db: number }[] }, dW: Float32Array, db: Float32Array, nIn: number, nOut: number, P: number): void {
    if (t.parts.length === 1) {
      this.getGradients(t.grad, t.parts[0], dW, db, nIn, nOut, P);
      return;
    }
    // into the first partial, then into dW / db (in place, or copied back)
    for (let s = 1; s < t.parts.length; s++) {
      this.sk.trace_update(nIn * P, t.parts[0].dW, t.parts[s].dW, 1);
      this.sk.trace_update(P, t.parts[0].db, t.parts[s].db, 1);
    }
    if (t.grad.dW >= 0) this.sk.trace_update(nIn * P, t.grad.dW, t.parts[0].dW, 1);
    else for (let k = 0; k < nIn; k++) for (let j = 0, o = t.parts[0].dW / 4 + k * P; j < nOut; j++) dW[k * nOut + j] += this.f32[o + j];
    if (t.grad.db >= 0) this.sk.trace_update(P, t.grad.db, t.parts[0].db, 1);
    else for (let j = 0; j < nOut; j++) db[j] += this.f32[t.parts[0].db / 4 + j];
  }

  lifLayerForward = (
    c: LifConstants, frames: Float32Array[], B: number, nIn: number, W: Float32Array, nOut: number,
    bias: Float32Array, wt: ArrayLike<number>, record: boolean,
  ): LifLayerResult => {
    const T = frames.length;
    // the plain op checks every argument (and handles empty shapes) without touching anything
    if (B * nIn * nOut * T === 0 || !checkedLayer(frames, B * nIn, wt) || W.length < nIn * nOut || bias.length < nOut) {
      return cpuLifLayerForward(c, frames, B, nIn, W, nOut, bias, wt, record);
    }
    const P = padded(nOut), rowB = 4 * P;
    const biasPlaced = P === nOut && this.placeOf(bias) >= 0;
    const sl = this.slices(B);
    const [wAt, bAt, tAt, ...at] = this.scratch('lifLayerForward', P === nOut && this.placeOf(W) >= 0 ? 0 : nIn * rowB, biasPlaced ? 0 : rowB, 4 * T,
      ...sl.flatMap(([b0, b1]) => {
        const stateB = (b1 - b0) * rowB;
        return [4 * T * (b1 - b0) * nIn, stateB, stateB, stateB, stateB, T * stateB, record ? T * stateB : 0, 4 * nIn, 4 * nIn];
      }));
    const w = this.weightsAt(W, nIn, nOut, P, wAt);
    const b = biasPlaced ? bias.byteOffset : bAt;
    if (!biasPlaced) this.putRow(bias, 0, nOut, P, bAt / 4);
    for (let t = 0; t < T; t++) this.f32[tAt / 4 + t] = wt[t];
    const lif = [c.aMem, c.aExc, c.aInh, c.kExc, c.kInh, c.vRest, c.vReset, c.vTh, c.refSteps, c.psiBeta];
    const jobs = sl.map(([b0, b1], s) => {
      const [fAt, vAt, iAt, rAt, hAt, sAt, pAt, rowsAt, valsAt] = at.slice(9 * s, 9 * s + 9);
      this.putFrameRows(frames, b0, b1, nIn, fAt);
      return { kernel: 'lif_layer' as const, lif, args: [fAt, T, b1 - b0, nIn, w, b, nOut, rowB, vAt, iAt, rAt, hAt, sAt, record ? pAt : 0, tAt, rowsAt, valsAt] };
    });
    this.runSlices(jobs);
    let spikeCount = 0;
    const h = new Float32Array(B * nOut);
    const spikes = Array.from({ length: T }, () => new Float32Array(B * nOut));
    const psi = record ? Array.from({ length: T }, () => new Float32Array(B * nOut)) : [];
    sl.forEach(([b0, b1], s) => {
      const [, , , , hAt, sAt, pAt] = at.slice(9 * s, 9 * s + 9);
      this.getRows(h.subarray(b0 * nOut, b1 * nOut), b1 - b0, nOut, P, hAt / 4);
      this.getFrameRows(spikes, b0, b1, nOut, P, sAt);
      if (record) this.getFrameRows(psi, b0, b1, nOut, P, pAt);
    });
    for (let t = 0; t < T; t++) for (const x of spikes[t]) spikeCount += x;
    return { spikes, psi, h, spikeCount };
  };

  threeFactorAccumulate = (
    pre: Float32Array[], psi: Float32Array[], m: Float32Array, B: number, nIn: number, nOut: number,
    k: FilterKernel, dW: Float32Array, db: Float32Array,
  ): void => {
    const T = pre.length, len = B * nOut;
    const P = padded(nOut), rowB = 4 * P;
    if (B * nIn * nOut * T === 0 || !checkedLayer(pre, B * nIn, k.w) || !checkedFrames(psi, T, len) || m.length < len || dW.length < nIn * nOut || db.length < nOut) {
      cpuThreeFactor(pre, psi, m, B, nIn, nOut, k, dW, db);
      return;
    }
    const sl = this.slices(B);
    const gt = this.gradientTargets(dW, db, nIn, nOut, P, sl.length);
    const [tAt, ...rest] = this.scratch('threeFactorAccumulate', 4 * T, ...gt.bytes, ...sl.flatMap(([b0, b1]) => {
      const stateB = (b1 - b0) * rowB;
      return [4 * T * (b1 - b0) * nIn, T * stateB, stateB, stateB, stateB, stateB, 4 * (b1 - b0), 4 * (b1 - b0)];
    }));
    const targets = gt.bind(rest.slice(0, gt.bytes.length));
    const at = rest.slice(gt.bytes.length);
    for (let t = 0; t < T; t++) this.f32[tAt / 4 + t] = k.w[t];
    const jobs = sl.map(([b0, b1], s) => {
      const [preAt, psiAt, mAt, f1, f2, G, rowsAt, valsAt] = at.slice(8 * s, 8 * s + 8);
      const Bs = b1 - b0;
      this.putFrameRows(pre, b0, b1, nIn, preAt);
      for (let t = 0; t < T; t++) this.putRows(psi[t].subarray(b0 * nOut, b1 * nOut), Bs, nOut, P, psiAt / 4 + t * Bs * P);
      this.putRows(m.subarray(b0 * nOut, b1 * nOut), Bs, nOut, P, mAt / 4);
      const g = targets.parts[s];
      return { kernel: 'three_factor' as const, args: [preAt, T, Bs, nIn, psiAt, mAt, nOut, rowB, g.dW, g.db, f1, f2, G, tAt, rowsAt, valsAt, k.aMem, k.aSyn, k.kSyn] };
    });
    this.runSlices(jobs);
    this.reduceGradients(targets, dW, db, nIn, nOut, P);
  };

  bpttLayerBackward = (
    inSpikes: Float32Array[], spikes: Float32Array[], psi: Float32Array[], dS: Float32Array[], B: number, nIn: number, nOut: number,
    k: FilterKernel, W: Float32Array, dW: Float32Array, db: Float32Array, inputGrad: boolean,
  ): Float32Array[] | null => {
    const T = inSpikes.length, len = B * nOut;
    const P = padded(nOut), rowB = 4 * P;
    if (B * nIn * nOut * T === 0 || !checkedLayer(inSpikes, B * nIn, k.w) || ![spikes, psi, dS].every((f) => checkedFrames(f, T, len)) ||
      W.length < nIn * nOut || dW.length < nIn * nOut || db.length < nOut) {
      return cpuBptt(inSpikes, spikes, psi, dS, B, nIn, nOut, k, W, dW, db, inputGrad);
    }
    const sl = this.slices(B);
    const gt = this.gradientTargets(dW, db, nIn, nOut, P, sl.length);
    const [wAt, ...rest] = this.scratch('bpttLayerBackward', P === nOut && this.placeOf(W) >= 0 ? 0 : nIn * rowB, ...gt.bytes, ...sl.flatMap(([b0, b1]) => {
      const Bs = b1 - b0, stateB = Bs * rowB;
      return [4 * T * Bs * nIn, T * stateB, T * stateB, T * stateB, stateB, stateB, inputGrad ? 4 * T * Bs * nIn : 0, 4 * Bs, 4 * Bs];
    }));
    const targets = gt.bind(rest.slice(0, gt.bytes.length));
    const at = rest.slice(gt.bytes.length);
    const w = this.weightsAt(W, nIn, nOut, P, wAt);
    const jobs = sl.map(([b0, b1], s) => {
      const [inAt, sAt, pAt, dsAt, dv, dc, gAt, rowsAt, valsAt] = at.slice(9 * s, 9 * s + 9);
      const Bs = b1 - b0;
      this.putFrameRows(inSpikes, b0, b1, nIn, inAt);
      for (const [f, a] of [[spikes, sAt], [psi, pAt], [dS, dsAt]] as const) {
        for (let t = 0; t < T; t++) this.putRows(f[t].subarray(b0 * nOut, b1 * nOut), Bs, nOut, P, a / 4 + t * Bs * P);
      }
      const g = targets.parts[s];
      return { kernel: 'bptt_layer' as const, args: [inAt, T, Bs, nIn, sAt, pAt, dsAt, nOut, rowB, w, g.dW, g.db, dv, dc, inputGrad ? gAt : 0, rowsAt, valsAt, k.aMem, k.aSyn, k.kSyn] };
    });
    this.runSlices(jobs);
    this.reduceGradients(targets, dW, db, nIn, nOut, P);
    if (!inputGrad) return null;
    const out = Array.from({ length: T }, () => new Float32Array(B * nIn));
    sl.forEach(([b0, b1], s) => this.getFrameRows(out, b0, b1, nIn, nIn, at[9 * s + 6]));
    return out;
  };
}

/**
 * A new set of 'wasm-simd' ops (own wasm memory), every op in wasm. With `threads` > 1 the
 * whole-layer spiking ops cut each batch across that many threads (./slice-pool.ts): the result
 * depends on the thread count only through the order the per-slice gradients are summed in.
 * @throws BackendUnavailableError when this runtime has no WebAssembly SIMD.
 */
export function createWasmSimdOps(opts: { threads?: number } = {}): BatchedOps {
  const mod = kernelModule();
  if (!mod) throw new BackendUnavailableError('wasm-simd', 'this runtime does not validate WebAssembly fixed-width SIMD');
  const threads = opts.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw invalidParam('wasm-simd ops', 'threads', threads, 'an integer from 1 to 256');
  const k = new WasmSimdKernels(mod, threads);
  return {
    threads,
    release: async () => {
      await k.pool?.dispose();
    },
    backends: {
      accumulateInput: 'wasm-simd',
      outerAccumulate: 'wasm-simd',
      backwardInput: 'wasm-simd',
      lifStep: 'wasm-simd',
      traceUpdate: 'wasm-simd',
      adamStep: 'wasm-simd',
      normaliseRows: 'wasm-simd',
      lifLayerForward: 'wasm-simd',
      threeFactorAccumulate: 'wasm-simd',
      bpttLayerBackward: 'wasm-simd',
    },
    accumulateInput: k.accumulateInput,
    outerAccumulate: k.outerAccumulate,
    backwardInput: k.backwardInput,
    lifStep: k.lifStep,
    traceUpdate: k.traceUpdate,
    adamStep: k.adamStep,
    normaliseRows: k.normaliseRows,
    lifLayerForward: k.lifLayerForward,
    threeFactorAccumulate: k.threeFactorAccumulate,
    bpttLayerBackward: k.bpttLayerBackward,
    adopt: k.adopt,
  };
}
