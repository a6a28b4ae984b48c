// SPDX-License-Identifier: MIT
/**
 * The on-chip kernels in WebAssembly (learning.as.ts), with the arrays they update (weights, tags,
 * Dense input) kept in their own memory so they are never copied. Each method computes the same
 * integers as its scalar counterpart in kernels.ts / dense-lif-batched.ts (tests), and falls back
 * to it outside the SIMD kernel's conditions.
 */
import { instantiateKernel, sharedMemory } from '../../../wasm-module.js';
import { clipFactor, eligibilityStep, productShift, THIRD_OFFSET, weightRange, W_SYNVAR, W_TRACE, type Rounding, type SignModeName } from './kernels.js';

interface Exports {
  eligibility(tagPtr: number, activePtr: number, nActive: number, xPtr: number, yPtr: number, nOut: number, mant: number, shift: number, sExp: number, thr: number): void;
  commit(wPtr: number, tagPtr: number, activePtr: number, nActive: number, fwPtr: number, gatePtr: number, nOut: number, shiftW: number, sExpW: number, shiftT: number, gBits: number, wThr: number, hi: number, lo: number, mode: number, cExp: number): number;
  denseAccumulate(wPtr: number, spikePtr: number, nIn: number, accPtr: number, nOut: number): void;
}

const URL_WASM = new URL('./learning.wasm', import.meta.url);
const align = (n: number) => Math.ceil(n / 64) * 64;

export class ChipKernels {
  /** Weights per layer, pre-major [nIn][nOut]. */
  readonly weights: Int16Array[];
  /** Tags per layer, [B][nIn][nOut]. */
  readonly tags: Int16Array[];
  /** Dense input of the current step, [B][maxOut]. */
  readonly acc: Int32Array;
  private readonly exp: Exports;
  private readonly memory: WebAssembly.Memory;
  private readonly wPtr: number[] = [];
  private readonly tagPtr: number[] = [];
  private readonly accPtr: number;
  private readonly activePtr: number;
  private readonly xPtr: number;
  private readonly yPtr: number;
  private readonly fwPtr: number;
  private readonly gatePtr: number;
  private readonly spikePtr: number;

  /**
   * sizes: input first, then the layers; B: samples per batch; tags only for learning; extraRows:
   * inputs every layer has beyond sizes[l] (bias neurons). Weights are copied in.
   */
  constructor(sizes: number[], B: number, weights: Int16Array[], withTags = true, extraRows = 0) {
    let off = 1024;
    const take = (bytes: number) => {
      const p = off;
      off = align(off + bytes);
      return p;
    };
    const maxN = Math.max(...sizes) + extraRows;
    const rows = sizes.slice(0, -1).map((n) => n + extraRows);
    for (let l = 0; l + 1 < sizes.length; l++) {
      this.wPtr.push(take(2 * rows[l] * sizes[l + 1]));
      this.tagPtr.push(take(withTags ? 2 * B * rows[l] * sizes[l + 1] : 0));
    }
    this.accPtr = take(4 * B * maxN);
    this.activePtr = take(4 * maxN);
    this.xPtr = take(maxN);
    this.yPtr = take(2 * maxN);
    this.fwPtr = take(4 * maxN);
    this.gatePtr = take(4 * maxN);
    this.spikePtr = take(B * maxN);
    this.memory = sharedMemory(Math.ceil(off / 65536) + 1);
    this.exp = instantiateKernel<Exports>(URL_WASM, this.memory);
    const buf = this.memory.buffer;
    this.weights = weights.map((w, l) => {
      if (w.length !== rows[l] * sizes[l + 1]) throw new RangeError(`ChipKernels: layer ${l} needs ${rows[l] * sizes[l + 1]} weights, got ${w.length}`);
      const v = new Int16Array(buf, this.wPtr[l], w.length);
      v.set(w);
      return v;
    });
    this.tags = sizes.slice(1).map((n, l) => new Int16Array(buf, this.tagPtr[l], withTags ? B * rows[l] * n : 0));
    this.acc = new Int32Array(buf, this.accPtr, B * maxN);
  }

  /** Dense input of B samples of layer l: acc[b][j] = sum of the rows of the spiking inputs. */
  dense(l: number, spikes: Uint8Array, B: number, nIn: number, nOut: number): Int32Array {
    new Uint8Array(this.memory.buffer, this.spikePtr, B * nIn).set(spikes);
    const acc = this.acc.subarray(0, B * nOut);
    acc.fill(0);
    for (let b = 0; b < B; b++) this.exp.denseAccumulate(this.wPtr[l], this.spikePtr + b * nIn, nIn, this.accPtr + 4 * b * nOut, nOut);
    return acc;
  }

  /** `eligibilityStep` on layer l's tags. */
  eligibility(l: number, tagOff: number, active: Int32Array, nActive: number, x1: Uint8Array, xOff: number, y1: Uint8Array, yOff: number, nIn: number, nOut: number, mant: number, sExp: number, rw: number, rounding: Rounding): void {
    if (mant < 1 || mant > 2 || sExp < 0 || sExp > 3) {
      eligibilityStep(this.tags[l], tagOff, active, nActive, x1, xOff, y1, yOff, nOut, mant, sExp, rw, rounding);
      return;
    }
    const buf = this.memory.buffer;
    new Int32Array(buf, this.activePtr, nActive).set(active.subarray(0, nActive));
    new Uint8Array(buf, this.xPtr, nIn).set(x1.subarray(xOff, xOff + nIn));
    new Int16Array(buf, this.yPtr, nOut).set(y1.subarray(yOff, yOff + nOut));
    const thr = rounding === 'stochastic' ? Math.floor(rw * 128) : 63;
    this.exp.eligibility(this.tagPtr[l] + 2 * tagOff, this.activePtr, nActive, this.xPtr, this.yPtr, nOut, mant, productShift([W_TRACE, W_TRACE]), sExp, thr);
  }

  /** `commitStep` on layer l's weights and tags (same arguments). */
  commit(l: number, tagOff: number, active: Int32Array, nActive: number, y2: Int32Array, y1: Int32Array, yOff: number, nOut: number, mantW: number, sExpW: number, rw: number, mode: SignModeName, g: number, rounding: Rounding, compSExp = -1): number {
    const buf = this.memory.buffer;
    const fw = new Int32Array(buf, this.fwPtr, nOut);
    const gate = new Int32Array(buf, this.gatePtr, nOut);
    for (let j = 0; j < nOut; j++) {
      gate[j] = clipFactor(y2[yOff + j], W_TRACE);
      fw[j] = clipFactor(y1[yOff + j] - THIRD_OFFSET, W_TRACE) * gate[j] * mantW;
    }
    new Int32Array(buf, this.activePtr, nActive).set(active.subarray(0, nActive));
    const { min, max } = weightRange(mode);
    const gBits = Math.log2(g);
    const unitBits = 7 + gBits;
    const wThr = rounding === 'stochastic' ? Math.floor(rw * 2 ** unitBits) : 2 ** (unitBits - 1) - 1;
    return this.exp.commit(
      this.wPtr[l], this.tagPtr[l] + 2 * tagOff, this.activePtr, nActive, this.fwPtr, this.gatePtr, nOut,
      productShift([W_SYNVAR, W_TRACE, W_TRACE]), sExpW, productShift([W_SYNVAR, W_TRACE]), gBits, wThr,
      Math.floor(max / g) * g, Math.ceil(min / g) * g, mode === 'MIXED' ? 0 : mode === 'EXCITATORY' ? 1 : 2, compSExp,
    );
  }
}
