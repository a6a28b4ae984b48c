// SPDX-License-Identifier: MIT
/**
 * The LIF float64 step as a WebAssembly SIMD kernel (f64x2: two neurons per instruction),
 * emitted from TypeScript with ../wasm.ts. It performs the SAME float64 operations in the SAME
 * order as lifFloatStep (wasm never fuses multiply-add), so its results are bit-identical to the
 * reference; the branches become lane masks:
 *
 *   e, g   = ge, gi;        ge = e * de;   gi = g * di
 *   x      = ((vInf + (v - vInf) * dm) + e * ce) + g * ci,    vInf = vRest + r * iExt
 *   free   = refr <= 0
 *   spike  = free & (x > vTh)
 *   v      = spike ? vReset : (free ? x : v)
 *   refr   = spike ? R : max(refr - 1, 0)
 *
 * and the spiking lanes (i64x2.bitmask) append their indices to the spike list.
 */
import type { NeuronState, WasmPopulation } from '../model.js';
import { I32, V128, op, simdAvailable, wasmModule } from '../wasm.js';


// parameter and local indices of the kernel function
const P = { n: 0, c: 1, sp: 2, v: 3, ge: 4, gi: 5, refr: 6, iExt: 7, input: 8 } as const;
const L = {
  i: 9, k: 10, off: 11, end: 12, mask: 13,
  dm: 14, ce: 15, ci: 16, de: 17, di: 18, vRest: 19, r: 20, vTh: 21, vReset: 22, refS: 23,
  zero: 24, one: 25, e: 26, g: 27, rr: 28, vInf: 29, x: 30, free: 31, spk: 32, vOld: 33,
} as const;

const get = op.localGet;
const set = op.localSet;
/** Address `base + off` on the stack (the pair's own offset goes in the memarg). */
const at = (base: number) => [...get(base), ...get(L.off), ...op.i32Add];
/** Appends index `i + lane` to the spike list if it is a real neuron (< n): sp[k++] = i + lane. */
const pushSpike = (lane: number) => [
  ...get(L.i), ...op.i32Const(lane), ...op.i32Add, ...get(P.n), ...op.i32LtU, ...op.if,
  ...get(P.sp), ...get(L.k), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add,
  ...get(L.i), ...op.i32Const(lane), ...op.i32Add, ...op.i32Store(),
  ...get(L.k), ...op.i32Const(1), ...op.i32Add, ...set(L.k),
  ...op.end,
];

/** One f64x2 pair of neurons at byte offset off + o (o = 0 or 16), lanes i + lane0 and i + lane0 + 1. */
const pair = (o: number, lane0: number, input: boolean) => [
  ...at(P.ge), ...op.v128Load(o), ...set(L.e),
  ...at(P.gi), ...op.v128Load(o), ...set(L.g),
  ...at(P.ge), ...get(L.e), ...get(L.de), ...op.f64x2Mul, ...op.v128Store(o),
  ...at(P.gi), ...get(L.g), ...get(L.di), ...op.f64x2Mul, ...op.v128Store(o),
  ...at(P.refr), ...op.v128Load(o), ...set(L.rr),
  ...at(P.v), ...op.v128Load(o), ...set(L.vOld),
  // vInf = vRest + r * iExt (without external input: r * 0 = +0 and vInf = vRest exactly)
  ...(input
    ? [...get(L.vRest), ...get(L.r), ...at(P.iExt), ...op.v128Load(o), ...op.f64x2Mul, ...op.f64x2Add, ...set(L.vInf)]
    : [...get(L.vRest), ...set(L.vInf)]),
  // x = ((vInf + (v - vInf) * dm) + e * ce) + g * ci
  ...get(L.vInf), ...get(L.vOld), ...get(L.vInf), ...op.f64x2Sub, ...get(L.dm), ...op.f64x2Mul, ...op.f64x2Add,
  ...get(L.e), ...get(L.ce), ...op.f64x2Mul, ...op.f64x2Add,
  ...get(L.g), ...get(L.ci), ...op.f64x2Mul, ...op.f64x2Add, ...set(L.x),
  ...get(L.rr), ...get(L.zero), ...op.f64x2Le, ...set(L.free),
  ...get(L.free), ...get(L.x), ...get(L.vTh), ...op.f64x2Gt, ...op.v128And, ...set(L.spk),
  // v = spike ? vReset : (free ? x : v)
  ...at(P.v), ...get(L.vReset), ...get(L.x), ...get(L.vOld), ...get(L.free), ...op.v128Bitselect, ...get(L.spk), ...op.v128Bitselect, ...op.v128Store(o),
  // refr = spike ? R : max(refr - 1, 0)
  ...at(P.refr), ...get(L.refS), ...get(L.rr), ...get(L.one), ...op.f64x2Sub, ...get(L.zero), ...op.f64x2Max, ...get(L.spk), ...op.v128Bitselect, ...op.v128Store(o),
  // spike list (rare path); padding lanes past n are skipped
  ...get(L.spk), ...op.i64x2Bitmask, ...op.localTee(L.mask),
  ...op.if,
  ...get(L.mask), ...op.i32Const(1), ...op.i32And, ...op.if, ...pushSpike(lane0), ...op.end,
  ...get(L.mask), ...op.i32Const(2), ...op.i32And, ...op.if, ...pushSpike(lane0 + 1), ...op.end,
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

const body = [
  // broadcast the 10 coefficients, 0 and 1 to both lanes
  ...[L.dm, L.ce, L.ci, L.de, L.di, L.vRest, L.r, L.vTh, L.vReset, L.refS].flatMap((local, j) => [
    ...get(P.c), ...op.f64Load(8 * j), ...op.f64x2Splat, ...set(local),
  ]),
  ...op.f64Const(0), ...op.f64x2Splat, ...set(L.zero),
  ...op.f64Const(1), ...op.f64x2Splat, ...set(L.one),
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

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel module, or null when WebAssembly SIMD is not available here. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    compiled = simdAvailable()
      ? new WebAssembly.Module(
          wasmModule([
            {
              name: 'lif_step',
              params: [I32, I32, I32, I32, I32, I32, I32, I32, I32],
              results: [I32],
              locals: [I32, I32, I32, I32, I32, ...Array<number>(20).fill(V128)],
              body,
            },
          ]),
        )
      : null;
  }
  return compiled;
}

const STATE_VARS = ['v', 'ge', 'gi', 'refr', 'iExt'] as const;

/** Allocates a LIF population of n neurons in its own wasm memory; null without SIMD support. */
export function createLifWasm(n: number): WasmPopulation | null {
  const mod = kernelModule();
  if (!mod) return null;
  const pairs = Math.ceil(n / 4) * 4; // padded to whole groups of 4 lanes
  const spikeBytes = Math.ceil((4 * pairs) / 16) * 16;
  const cBytes = 128;
  const bytes = cBytes + spikeBytes + STATE_VARS.length * 8 * pairs;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
  const instance = new WebAssembly.Instance(mod, { env: { memory } });
  const kernel = instance.exports.lif_step as (...a: number[]) => number;
  const buf = memory.buffer;
  const coeffs = new Float64Array(buf, 0, 10);
  const spikes = new Uint32Array(buf, cBytes, n);
  const state: NeuronState = {};
  const ptr: number[] = [];
  STATE_VARS.forEach((name, j) => {
    const offset = cBytes + spikeBytes + j * 8 * pairs;
    ptr.push(offset);
    state[name] = new Float64Array(buf, offset, n);
  });
  return {
    kernel: 'wasm-simd-f64x2',
    state,
    spikes,
    step(c: Float64Array, hasInput: boolean): number {
      coeffs.set(c);
      return kernel(n, 0, cBytes, ptr[0], ptr[1], ptr[2], ptr[3], ptr[4], hasInput ? 1 : 0);
    },
  };
}
