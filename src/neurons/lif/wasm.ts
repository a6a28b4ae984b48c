// SPDX-License-Identifier: MIT
/**
 * The LIF float64 step as a WebAssembly SIMD kernel (f64x2: two neurons per instruction),
 * emitted from TypeScript with ../wasm.ts. Results are bit-identical to lifFloatStep: the kernel
 * performs the same float64 operations in the same order (wasm never fuses multiply-add).
 *
 * To keep the per-neuron loop minimal, refractoriness is handled off the hot loop, on a list of
 * the (few) refractory neurons kept next to the `refr` counters:
 *
 *   1. each refractory neuron q holds the v it had when it entered the list (JS, O(refractory))
 *   2. for every neuron, in SIMD (wasm):
 *        e, g = ge, gi;   ge = e * de;   gi = g * di
 *        v    = ((vInf + (v - vInf) * dm) + e * ce) + g * ci,    vInf = vRest + r * iExt
 *        v > vTh  ->  candidate index appended (rare path, i64x2.bitmask)
 *   3. candidates that are not refractory spike: v = vReset, refr = R   (JS)
 *   4. refractory neurons get their held v back and count down; new spikers join the list (JS)
 *
 * which is exactly the reference's "if (refr > 0) { refr--; hold v } else integrate" per neuron.
 * The list is rebuilt from `refr` by `sync()` whenever the state may have been written from
 * outside (the engine calls it when a run starts).
 */
import type { NeuronState, WasmPopulation } from '../model.js';
import { I32, V128, op, simdAvailable, wasmModule } from '../wasm.js';
import { LIF_C } from './float.js';

/** Byte offsets of the arrays in a population's memory; compiled into the kernel as constants. */
interface Layout {
  c: number;
  cand: number;
  v: number;
  ge: number;
  gi: number;
  iExt: number;
}

// parameter and local indices of the kernel function
const P = { n: 0, input: 1 } as const;
const L = {
  i: 2, k: 3, off: 4, end: 5, mask: 6,
  dm: 7, ce: 8, ci: 9, de: 10, di: 11, vRest: 12, r: 13, vTh: 14,
  e: 15, g: 16, vInf: 17, x: 18,
} as const;

const get = op.localGet;
const set = op.localSet;

/**
 * The kernel for one memory layout. Array base addresses are memarg immediates, so every access
 * is `off + constant` with no address arithmetic in the loop (hence one compiled module per
 * population size, cached).
 */
function kernelBody(lay: Layout): number[] {
  /** Appends index `i + lane` to the candidate list if it is a real neuron (< n). */
  const pushCandidate = (lane: number) => [
    ...get(L.i), ...op.i32Const(lane), ...op.i32Add, ...get(P.n), ...op.i32LtU, ...op.if,
    ...get(L.k), ...op.i32Const(2), ...op.i32Shl,
    ...get(L.i), ...op.i32Const(lane), ...op.i32Add, ...op.i32Store(lay.cand),
    ...get(L.k), ...op.i32Const(1), ...op.i32Add, ...set(L.k),
    ...op.end,
  ];
  /** One f64x2 pair of neurons at byte offset off + o (o = 0 or 16): lanes i + lane0, i + lane0 + 1. */
  const pair = (o: number, lane0: number, input: boolean) => [
    ...get(L.off), ...op.v128Load(lay.ge + o), ...set(L.e),
    ...get(L.off), ...op.v128Load(lay.gi + o), ...set(L.g),
    ...get(L.off), ...get(L.e), ...get(L.de), ...op.f64x2Mul, ...op.v128Store(lay.ge + o),
    ...get(L.off), ...get(L.g), ...get(L.di), ...op.f64x2Mul, ...op.v128Store(lay.gi + o),
    // vInf = vRest + r * iExt (without external input: r * 0 = +0 and vInf = vRest exactly)
    ...(input
      ? [...get(L.vRest), ...get(L.r), ...get(L.off), ...op.v128Load(lay.iExt + o), ...op.f64x2Mul, ...op.f64x2Add, ...set(L.vInf)]
      : [...get(L.vRest), ...set(L.vInf)]),
    // x = ((vInf + (v - vInf) * dm) + e * ce) + g * ci
    ...get(L.vInf), ...get(L.off), ...op.v128Load(lay.v + o), ...get(L.vInf), ...op.f64x2Sub, ...get(L.dm), ...op.f64x2Mul, ...op.f64x2Add,
    ...get(L.e), ...get(L.ce), ...op.f64x2Mul, ...op.f64x2Add,
    ...get(L.g), ...get(L.ci), ...op.f64x2Mul, ...op.f64x2Add, ...set(L.x),
    ...get(L.off), ...get(L.x), ...op.v128Store(lay.v + o),
    // threshold candidates (rare path)
    ...get(L.x), ...get(L.vTh), ...op.f64x2Gt, ...op.i64x2Bitmask, ...op.localTee(L.mask),
    ...op.if,
    ...get(L.mask), ...op.i32Const(1), ...op.i32And, ...op.if, ...pushCandidate(lane0), ...op.end,
    ...get(L.mask), ...op.i32Const(2), ...op.i32And, ...op.if, ...pushCandidate(lane0 + 1), ...op.end,
    ...op.end,
  ];
  const loop = (input: boolean) => [
    ...op.loop,
    ...pair(0, 0, input),
    ...pair(16, 2, input),
    ...get(L.i), ...op.i32Const(4), ...op.i32Add, ...set(L.i),
    ...get(L.off), ...op.i32Const(32), ...op.i32Add, ...op.localTee(L.off), ...get(L.end), ...op.i32LtU, ...op.brIf(0),
    ...op.end,
  ];
  return [
    // broadcast the coefficients used in the loop to both lanes
    ...([[L.dm, LIF_C.dm], [L.ce, LIF_C.ce], [L.ci, LIF_C.ci], [L.de, LIF_C.de], [L.di, LIF_C.di], [L.vRest, LIF_C.vRest], [L.r, LIF_C.r], [L.vTh, LIF_C.vTh]] as const).flatMap(
      ([local, j]) => [...op.i32Const(0), ...op.f64Load(lay.c + 8 * j), ...op.f64x2Splat, ...set(local)],
    ),
    // end = bytes of ceil(n / 4) groups of 4 neurons (arrays are padded to a multiple of 4)
    ...get(P.n), ...op.i32Const(3), ...op.i32Add, ...op.i32Const(2), ...op.i32ShrU, ...op.i32Const(5), ...op.i32Shl, ...set(L.end),
    ...op.block,
    ...get(L.end), ...op.i32Eqz, ...op.brIf(0),
    // a separate loop without the iExt load when the population has no external input
    ...get(P.input), ...op.if, ...loop(true), ...op.br(1), ...op.end,
    ...loop(false),
    ...op.end,
    ...get(L.k),
  ];
}

const modules = new Map<string, WebAssembly.Module>();

/** The compiled kernel for a layout (cached), or null when WebAssembly SIMD is not available here. */
function kernelModule(lay: Layout): WebAssembly.Module | null {
  if (!simdAvailableCached()) return null;
  const key = JSON.stringify(lay);
  let mod = modules.get(key);
  if (!mod) {
    mod = new WebAssembly.Module(
      wasmModule([
        {
          name: 'lif_integrate',
          params: [I32, I32],
          results: [I32],
          locals: [I32, I32, I32, I32, I32, ...Array<number>(12).fill(V128)],
          body: kernelBody(lay),
        },
      ]),
    );
    modules.set(key, mod);
  }
  return mod;
}

let simd: boolean | undefined;
function simdAvailableCached(): boolean {
  return (simd ??= simdAvailable());
}

/** Allocates a LIF population of n neurons in its own wasm memory; null without SIMD support. */
export function createLifWasm(n: number): WasmPopulation | null {
  if (!simdAvailableCached()) return null;
  const padded = Math.ceil(n / 4) * 4; // whole groups of 4 lanes
  const vars = ['v', 'ge', 'gi', 'iExt'] as const;
  const cand = 128;
  const first = cand + Math.ceil((4 * padded) / 16) * 16;
  const lay: Layout = { c: 0, cand, v: first, ge: first + 8 * padded, gi: first + 16 * padded, iExt: first + 24 * padded };
  const memory = new WebAssembly.Memory({ initial: Math.ceil((first + vars.length * 8 * padded) / 65536) });
  const kernel = new WebAssembly.Instance(kernelModule(lay)!, { env: { memory } }).exports.lif_integrate as (n: number, input: number) => number;
  const buf = memory.buffer;
  const coeffs = new Float64Array(buf, lay.c, 16);
  const candidates = new Uint32Array(buf, lay.cand, n);
  const state: NeuronState = {};
  for (const name of vars) state[name] = new Float64Array(buf, lay[name], n);
  // refractory bookkeeping stays in JS memory: counters, the list of refractory neurons and the v
  // each holds (its v when it entered the list: vReset after a spike, the current v at sync)
  const refr = (state.refr = new Float64Array(n));
  const v = state.v;
  const spikes = new Uint32Array(n);
  const list = new Uint32Array(n);
  const held = new Float64Array(n);
  let listLen = 0;
  let lastC: Float64Array | null = null;

  return {
    kernel: 'wasm-simd-f64x2',
    state,
    spikes,
    sync() {
      listLen = 0;
      lastC = null;
      for (let i = 0; i < n; i++) {
        if (refr[i] > 0) {
          list[listLen] = i;
          held[listLen++] = v[i];
        }
      }
    },
    step(c: Float64Array, hasInput: boolean): number {
      if (c !== lastC) {
        coeffs.set(c);
        lastC = c;
      }
      const len = listLen;
      const k = kernel(n, hasInput ? 1 : 0);
      const vReset = c[LIF_C.vReset];
      const refSteps = c[LIF_C.refr];
      let m = 0;
      for (let q = 0; q < k; q++) {
        const i = candidates[q];
        if (refr[i] > 0) continue; // refractory: its v is restored below
        spikes[m++] = i;
        v[i] = vReset;
        refr[i] = refSteps;
      }
      let w = 0;
      for (let q = 0; q < len; q++) {
        const i = list[q];
        v[i] = held[q];
        if (--refr[i] > 0) {
          list[w] = i;
          held[w++] = held[q];
        }
      }
      if (refSteps > 0) {
        for (let q = 0; q < m; q++) {
          list[w] = spikes[q];
          held[w++] = vReset;
        }
      }
      listLen = w;
      return m;
    },
  };
}
