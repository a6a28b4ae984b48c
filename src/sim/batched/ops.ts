// SPDX-License-Identifier: MIT
/**
 * Batched primitive ops: B independent copies of a layer, one per sample, in plain typed arrays.
 * These are the building blocks of the batched engine and of training.
 *
 * Layouts (fixed for every op, so the ops compose without copies):
 * - activity / state arrays are batch-major `[b][i]`: element (b, i) is at `b * n + i`;
 * - weights are PRE-major `[in][out]`: row k (the outgoing weights of input k) is contiguous,
 *   element (k, n) at `k * nOut + n`. Event-driven delivery (add the rows of the inputs that
 *   spiked) and dense products share this one layout. NOTE: this is the transpose of the IR's
 *   dense `[post][pre]`; use `transposeWeights` when taking weights from the IR.
 *
 * All ops write into caller-owned Float32Arrays, never allocate per call (except tiny index
 * scratch, reused), and skip zero inputs: binary spikes and ReLU outputs are mostly zero.
 *
 * The functions exported here are the plain-JavaScript path (`backend: 'cpu-js'`), also bundled
 * as `cpuOps`. `createOps` / `createAsyncOps` (./create-ops.ts) give the same methods on gpu.js
 * kernels, saying in `backends` what runs each.
 */
import { invalidParam } from '../../errors.js';
import { stepsOf } from '../../neurons/spec.js';

/** The ops a batched backend provides. */
export type OpName =
  | 'accumulateInput' | 'outerAccumulate' | 'backwardInput' | 'lifStep' | 'traceUpdate' | 'adamStep' | 'normaliseRows'
  // whole-layer loops of spiking training (one call per layer and batch instead of one per step)
  | 'lifLayerForward' | 'threeFactorAccumulate' | 'bpttLayerBackward';

/**
 * What ran an op: 'cpu-js' is the plain-JavaScript path of this file; any other value is the
 * gpu.js mode that actually ran the kernel ('webasm', 'cpu', 'headlessgl', 'webgl2', 'webgpu', ...).
 */
export type OpBackend = string;

/** A set of batched ops. Every implementation records which backend runs each op. */
export interface BatchedOps {
  /** Which backend runs each op (recorded so no run is silently on a path the user did not see). */
  readonly backends: Readonly<Record<OpName, OpBackend>>;
  accumulateInput: typeof accumulateInput;
  outerAccumulate: typeof outerAccumulate;
  backwardInput: typeof backwardInput;
  lifStep: typeof lifStep;
  traceUpdate: typeof traceUpdate;
  adamStep: typeof adamStep;
  normaliseRows: typeof normaliseRows;
  lifLayerForward: typeof lifLayerForward;
  threeFactorAccumulate: typeof threeFactorAccumulate;
  bpttLayerBackward: typeof bpttLayerBackward;
  /**
   * Where a backend keeps its own memory (wasm-simd): a copy of `a` in it, which later calls use in
   * place instead of copying (the same array when already adopted). Absent where ops read the
   * caller's arrays directly.
   */
  adopt?: (a: Float32Array) => Float32Array;
  /** Threads the whole-layer spiking ops cut a batch across (wasm-simd; absent: 1). */
  threads?: number;
  /** Stops the ops' worker threads, if any. */
  release?: () => Promise<void>;
}

// Scratch for the gathered nonzeros of one row; grown on demand, shared by the (synchronous) ops.
let scratchIdx = new Int32Array(1024);
let scratchVal = new Float64Array(1024);
function scratch(n: number): void {
  if (scratchIdx.length < n) {
    scratchIdx = new Int32Array(n);
    scratchVal = new Float64Array(n);
  }
}

/**
 * dst[dOff + n] += sum_j val[j] * src[idx[j] + n] for n < len.
 * Eight (then four, then one) source rows are fused per pass over dst: that cuts the loads and
 * stores of dst eight-fold, which measured 2-3x faster than one axpy per row on V8
 * (bench/batched-ops.ts). Sums are formed in float64 and rounded once into float32.
 */
export function addRows(
  dst: Float32Array,
  dOff: number,
  src: Float32Array,
  idx: Int32Array,
  val: Float64Array,
  m: number,
  len: number,
): void {
  let j = 0;
  for (; j + 8 <= m; j += 8) {
    const a0 = val[j], a1 = val[j + 1], a2 = val[j + 2], a3 = val[j + 3];
    const a4 = val[j + 4], a5 = val[j + 5], a6 = val[j + 6], a7 = val[j + 7];
    const w0 = idx[j], w1 = idx[j + 1], w2 = idx[j + 2], w3 = idx[j + 3];
    const w4 = idx[j + 4], w5 = idx[j + 5], w6 = idx[j + 6], w7 = idx[j + 7];
    for (let n = 0; n < len; n++) {
      dst[dOff + n] +=
        a0 * src[w0 + n] + a1 * src[w1 + n] + a2 * src[w2 + n] + a3 * src[w3 + n] +
        a4 * src[w4 + n] + a5 * src[w5 + n] + a6 * src[w6 + n] + a7 * src[w7 + n];
    }
  }
  for (; j + 4 <= m; j += 4) {
    const a0 = val[j], a1 = val[j + 1], a2 = val[j + 2], a3 = val[j + 3];
    const w0 = idx[j], w1 = idx[j + 1], w2 = idx[j + 2], w3 = idx[j + 3];
    for (let n = 0; n < len; n++) {
      dst[dOff + n] += a0 * src[w0 + n] + a1 * src[w1 + n] + a2 * src[w2 + n] + a3 * src[w3 + n];
    }
  }
  for (; j < m; j++) {
    const a = val[j], w = idx[j];
    for (let n = 0; n < len; n++) dst[dOff + n] += a * src[w + n];
  }
}

/** Throws a ConfigError naming `op` and the argument when `a` is shorter than `n`. */
export function checkLen(op: string, name: string, a: ArrayLike<number>, n: number): void {
  if (a.length < n) throw invalidParam(op, name, `length ${a.length}`, `a Float32Array of at least ${n} elements`);
}

/**
 * Synaptic input of B copies, event-driven style:
 *
 *   out[b][n] += sum_k x[b][k] * W[k][n]
 *
 * Only the rows k with x[b][k] != 0 are read, so the cost is (nonzeros of x) * nOut.
 *
 * @param x   input activity [B][nIn] (spikes 0/1, traces, or rates)
 * @param W   weights, pre-major [nIn][nOut]
 * @param out accumulated into, [B][nOut]
 * @example accumulateInput(spikes, 100, 784, W, 500, iExc) // deliver 100 samples' spikes
 */
export function accumulateInput(
  x: Float32Array,
  B: number,
  nIn: number,
  W: Float32Array,
  nOut: number,
  out: Float32Array,
): void {
  checkLen('accumulateInput', 'x', x, B * nIn);
  checkLen('accumulateInput', 'W', W, nIn * nOut);
  checkLen('accumulateInput', 'out', out, B * nOut);
  scratch(nIn);
  const idx = scratchIdx, val = scratchVal;
  for (let b = 0; b < B; b++) {
    const xo = b * nIn;
    let m = 0;
    for (let k = 0; k < nIn; k++) {
      const xv = x[xo + k];
      if (xv !== 0) {
        idx[m] = k * nOut;
        val[m++] = xv;
      }
    }
    addRows(out, b * nOut, W, idx, val, m, nOut);
  }
}

/**
 * Batched outer product accumulated into a weight-shaped array (weight updates, eligibility):
 *
 *   dW[k][n] += scale * sum_b X[b][k] * M[b][n]
 *
 * Only the (b, k) with X[b][k] != 0 are visited, so the cost is (nonzeros of X) * nOut.
 *
 * @param X  presynaptic factor [B][nIn] (spikes, traces or activations)
 * @param M  postsynaptic factor [B][nOut] (e.g. modulator times surrogate derivative)
 * @param dW accumulated into, pre-major [nIn][nOut]
 * @param scale multiplies every term (e.g. -learningRate / B)
 */
export function outerAccumulate(
  X: Float32Array,
  M: Float32Array,
  B: number,
  nIn: number,
  nOut: number,
  dW: Float32Array,
  scale: number,
): void {
  checkLen('outerAccumulate', 'X', X, B * nIn);
  checkLen('outerAccumulate', 'M', M, B * nOut);
  checkLen('outerAccumulate', 'dW', dW, nIn * nOut);
  if (!Number.isFinite(scale)) throw invalidParam('outerAccumulate', 'scale', scale, 'a finite number');
  scratch(B);
  const idx = scratchIdx, val = scratchVal;
  for (let k = 0; k < nIn; k++) {
    let m = 0;
    for (let b = 0; b < B; b++) {
      const xv = X[b * nIn + k];
      if (xv !== 0) {
        idx[m] = b * nOut;
        val[m++] = scale * xv;
      }
    }
    if (m > 0) addRows(dW, k * nOut, M, idx, val, m, nOut);
  }
}

/**
 * Backward product through the same pre-major weights (only the backprop baseline needs it):
 *
 *   G[b][k] = sum_n M[b][n] * W[k][n]        (G is overwritten)
 *
 * Mostly-dense rows of M go four at a time against two rows of W (eight partial sums per load of
 * W, measured ~2x faster than one dot product at a time at B = 100, 784x500); rows of M that
 * are at least half zeros are gathered first and only their nonzeros are visited.
 */
export function backwardInput(
  M: Float32Array,
  B: number,
  nOut: number,
  W: Float32Array,
  nIn: number,
  G: Float32Array,
): void {
  checkLen('backwardInput', 'M', M, B * nOut);
  checkLen('backwardInput', 'W', W, nIn * nOut);
  checkLen('backwardInput', 'G', G, B * nIn);
  let b = 0;
  for (; b + 4 <= B; b += 4) {
    let nz = 0;
    for (let i = b * nOut; i < (b + 4) * nOut; i++) if (M[i] !== 0) nz++;
    if (2 * nz < 4 * nOut) {
      for (let r = b; r < b + 4; r++) backwardRow(M, r, nOut, W, nIn, G);
      continue;
    }
    const m0 = b * nOut, m1 = m0 + nOut, m2 = m1 + nOut, m3 = m2 + nOut;
    const g0 = b * nIn, g1 = g0 + nIn, g2 = g1 + nIn, g3 = g2 + nIn;
    let k = 0;
    for (; k + 2 <= nIn; k += 2) {
      const w0 = k * nOut, w1 = w0 + nOut;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let n = 0; n < nOut; n++) {
        const x = W[w0 + n], y = W[w1 + n];
        const p = M[m0 + n], q = M[m1 + n], r = M[m2 + n], t = M[m3 + n];
        a0 += p * x; a1 += q * x; a2 += r * x; a3 += t * x;
        c0 += p * y; c1 += q * y; c2 += r * y; c3 += t * y;
      }
      G[g0 + k] = a0; G[g1 + k] = a1; G[g2 + k] = a2; G[g3 + k] = a3;
      G[g0 + k + 1] = c0; G[g1 + k + 1] = c1; G[g2 + k + 1] = c2; G[g3 + k + 1] = c3;
    }
    if (k < nIn) {
      const w0 = k * nOut;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let n = 0; n < nOut; n++) {
        const x = W[w0 + n];
        a0 += M[m0 + n] * x; a1 += M[m1 + n] * x; a2 += M[m2 + n] * x; a3 += M[m3 + n] * x;
      }
      G[g0 + k] = a0; G[g1 + k] = a1; G[g2 + k] = a2; G[g3 + k] = a3;
    }
  }
  for (; b < B; b++) backwardRow(M, b, nOut, W, nIn, G);
}

/** One row of `backwardInput`, visiting only the nonzeros of M[b]. */
function backwardRow(M: Float32Array, b: number, nOut: number, W: Float32Array, nIn: number, G: Float32Array): void {
  scratch(nOut);
  const idx = scratchIdx, val = scratchVal;
  const mo = b * nOut;
  let m = 0;
  for (let n = 0; n < nOut; n++) {
    const v = M[mo + n];
    if (v !== 0) {
      idx[m] = n;
      val[m++] = v;
    }
  }
  const go = b * nIn;
  for (let k = 0; k < nIn; k++) {
    const wo = k * nOut;
    let s = 0;
    for (let j = 0; j < m; j++) s += val[j] * W[wo + idx[j]];
    G[go + k] = s;
  }
}

/** Physical parameters of the batched LIF step (one value per population). */
export interface LifParams {
  /** membrane time constant, ms */
  tauMem: number;
  /** excitatory synaptic current time constant, ms */
  tauExc: number;
  /** inhibitory synaptic current time constant, ms (defaults to tauExc) */
  tauInh?: number;
  /** resting potential, mV */
  vRest: number;
  /** reset potential, mV */
  vReset: number;
  /** threshold, mV */
  vTh: number;
  /** refractory period, ms (0 for none) */
  tauRef: number;
  /** time step, ms */
  dt: number;
  /** steepness of the surrogate derivative, 1/mV (default 1) */
  psiBeta?: number;
}

/** Per-step constants of the exact LIF propagator, from `lifConstants`. */
export interface LifConstants {
  aMem: number;
  aExc: number;
  aInh: number;
  kExc: number;
  kInh: number;
  vRest: number;
  vReset: number;
  vTh: number;
  refSteps: number;
  psiBeta: number;
}

function positive(owner: string, name: string, v: number | undefined): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw invalidParam(owner, name, v, 'a finite number > 0');
  return v;
}

/** Weight of i(0) in v(dt) for dv/dt = -v/tauMem + i/tauMem, di/dt = -i/tauSyn (exact solution). */
function currentToVoltage(tauMem: number, tauSyn: number, dt: number): number {
  const aM = Math.exp(-dt / tauMem), aS = Math.exp(-dt / tauSyn);
  // the general form is 0/0 when the time constants coincide; use its limit (dt/tau) * e^(-dt/tau)
  if (Math.abs(tauSyn - tauMem) < 1e-9 * tauMem) return (dt / tauMem) * aM;
  return (tauSyn / (tauSyn - tauMem)) * (aS - aM);
}

/**
 * Precomputes the exact-integration constants of `lifStep` from physical parameters.
 * @throws ConfigError on a non-positive time constant or time step, or non-finite potentials.
 */
export function lifConstants(p: LifParams): LifConstants {
  const owner = 'lifConstants';
  const dt = positive(owner, 'dt', p.dt);
  const tauMem = positive(owner, 'tauMem', p.tauMem);
  const tauExc = positive(owner, 'tauExc', p.tauExc);
  const tauInh = positive(owner, 'tauInh', p.tauInh ?? p.tauExc);
  for (const k of ['vRest', 'vReset', 'vTh'] as const) {
    if (!Number.isFinite(p[k])) throw invalidParam(owner, k, p[k], 'a finite number (mV)');
  }
  if (!Number.isFinite(p.tauRef) || p.tauRef < 0) throw invalidParam(owner, 'tauRef', p.tauRef, 'a finite number >= 0 (ms)');
  const psiBeta = p.psiBeta === undefined ? 1 : positive(owner, 'psiBeta', p.psiBeta);
  return {
    aMem: Math.exp(-dt / tauMem),
    aExc: Math.exp(-dt / tauExc),
    aInh: Math.exp(-dt / tauInh),
    kExc: currentToVoltage(tauMem, tauExc, dt),
    kInh: currentToVoltage(tauMem, tauInh, dt),
    vRest: p.vRest,
    vReset: p.vReset,
    vTh: p.vTh,
    refSteps: stepsOf(p.tauRef, dt), // whole steps, rounded as Brian2's timestep() (and the LIF model)
    psiBeta,
  };
}

/**
 * One time step of B x N leaky integrate-and-fire neurons with exponential excitatory and
 * inhibitory synaptic currents (current-based, "CUBA"), integrated exactly over dt:
 *
 *   dv/dt  = (vRest - v + iExc + iInh) / tauMem      (currents in mV, i.e. R*I)
 *   diExc/dt = -iExc / tauExc,   diInh/dt = -iInh / tauInh
 *
 *   v    <- vRest + (v - vRest) * aMem + iExc * kExc + iInh * kInh
 *   iExc <- iExc * aExc,  iInh <- iInh * aInh
 *   with aX = exp(-dt/tauX), kX = tauX / (tauX - tauMem) * (aX - aMem).
 *
 *   spike s = 1 when v > vTh (strict, as Brian2); then v <- vReset and ref <- refSteps.
 *   Refractory (Brian2 semantics): v is held at its value while ref > 0; ref is decremented at
 *   the start of each step, so v integrates again on the refSteps-th step after the spike.
 *   The currents keep decaying during the refractory period.
 *
 *   Surrogate derivative (fast sigmoid, SuperSpike, Zenke & Ganguli 2018), on v before reset:
 *   psi = 1 / (1 + psiBeta * |v - vTh|)^2
 *
 * Synaptic input for this step must already be added to iExc / iInh (e.g. by
 * `accumulateInput`), as Brian2 delivers spikes of step t-1 before updating at step t.
 *
 * @param c      constants from `lifConstants`
 * @param v      membrane potential [B][N], mV (updated)
 * @param iExc   excitatory current [B][N], mV (updated)
 * @param iInh   inhibitory current [B][N], mV (updated), or null for a single current
 * @param ref    refractory steps left [B][N] (updated)
 * @param spikes output 0/1 [B][N]
 * @param psi    output surrogate derivative [B][N], or null to skip it
 * @returns the number of spikes in this step
 */
export function lifStep(
  c: LifConstants,
  v: Float32Array,
  iExc: Float32Array,
  iInh: Float32Array | null,
  ref: Float32Array,
  spikes: Float32Array,
  psi: Float32Array | null,
): number {
  const len = v.length;
  checkLen('lifStep', 'iExc', iExc, len);
  checkLen('lifStep', 'ref', ref, len);
  checkLen('lifStep', 'spikes', spikes, len);
  if (iInh) checkLen('lifStep', 'iInh', iInh, len);
  if (psi) checkLen('lifStep', 'psi', psi, len);
  const { aMem, aExc, aInh, kExc, kInh, vRest, vReset, vTh, refSteps, psiBeta } = c;
  let count = 0;
  for (let i = 0; i < len; i++) {
    const ie = iExc[i];
    const ii = iInh ? iInh[i] : 0;
    let vi = v[i];
    let r = ref[i];
    if (r > 0) r -= 1;
    if (r <= 0) vi = vRest + (vi - vRest) * aMem + ie * kExc + ii * kInh;
    iExc[i] = ie * aExc;
    if (iInh) iInh[i] = ii * aInh;
    if (psi) {
      const d = 1 + psiBeta * Math.abs(vi - vTh);
      psi[i] = 1 / (d * d);
    }
    if (r <= 0 && vi > vTh) {
      spikes[i] = 1;
      vi = vReset;
      r = refSteps;
      count++;
    } else {
      spikes[i] = 0;
    }
    v[i] = vi;
    ref[i] = r;
  }
  return count;
}

/**
 * Exponential trace update over any batch-major array:
 *
 *   x <- x * decay + s          (decay = exp(-dt / tauTrace))
 */
export function traceUpdate(x: Float32Array, s: Float32Array, decay: number): void {
  checkLen('traceUpdate', 's', s, x.length);
  if (!Number.isFinite(decay) || decay < 0 || decay > 1) throw invalidParam('traceUpdate', 'decay', decay, 'a number in [0, 1]');
  for (let i = 0; i < x.length; i++) x[i] = x[i] * decay + s[i];
}

/**
 * Converts dense IR weights, row-major [post][pre], into the pre-major [pre][post] layout of
 * these ops.
 */
export function transposeWeights(w: Float32Array, nPost: number, nPre: number): Float32Array {
  checkLen('transposeWeights', 'w', w, nPost * nPre);
  const t = new Float32Array(nPre * nPost);
  for (let n = 0; n < nPost; n++) for (let k = 0; k < nPre; k++) t[k * nPost + n] = w[n * nPre + k];
  return t;
}

/**
 * Row-wise length normalisation of B rows of n:
 *
 *   out[b] = k * x[b] / ||x[b]||,   norms[b] = ||x[b]||   (zero rows stay zero)
 *
 * FF/FAUST layer inputs use k = sqrt(n) (mean square 1); unit rows for cosines use k = 1.
 * out may be x itself.
 */
export function normaliseRows(x: Float32Array, B: number, n: number, out: Float32Array, k: number, norms?: Float64Array): void {
  checkLen('normaliseRows', 'x', x, B * n);
  checkLen('normaliseRows', 'out', out, B * n);
  if (norms) checkLen('normaliseRows', 'norms', norms, B);
  for (let b = 0, o = 0; b < B; b++, o += n) {
    let s = 0;
    for (let i = o; i < o + n; i++) s += x[i] * x[i];
    const r = Math.sqrt(s);
    if (norms) norms[b] = r;
    const f = r > 0 ? k / r : 0;
    for (let i = o; i < o + n; i++) out[i] = x[i] * f;
  }
}

/** One Adam step's constants: a = lr / (1 - b1^t), sc2 = 1 / sqrt(1 - b2^t) (bias corrections folded in). */
export interface AdamConstants {
  b1: number;
  b2: number;
  a: number;
  sc2: number;
  eps: number;
}

/**
 * One Adam step on one parameter array, in PyTorch's arrangement (Kingma & Ba 2015):
 *
 *   m <- b1 m + (1 - b1) g;   v <- b2 v + (1 - b2) g^2;   p <- p - a m / (sqrt(v) sc2 + eps)
 *
 * @throws ConfigError naming the gradient, before anything is changed, when g holds NaN or
 *   ±Infinity (training diverged).
 */
export function adamStep(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, k: AdamConstants): void {
  const n = p.length;
  checkLen('adamStep', 'g', g, n);
  checkLen('adamStep', 'm', m, n);
  checkLen('adamStep', 'v', v, n);
  let poison = 0; // g * 0 is NaN exactly for NaN and ±Infinity
  for (let i = 0; i < n; i++) poison += g[i] * 0;
  if (poison !== 0) throw invalidParam('optimizer', 'gradient', 'NaN or Infinity', 'finite numbers (training diverged)');
  const { b1, b2, a, sc2, eps } = k;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const mi = b1 * m[i] + (1 - b1) * gi;
    const vi = b2 * v[i] + (1 - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] -= (a * mi) / (Math.sqrt(vi) * sc2 + eps);
  }
}

/** The products and the LIF step the whole-layer loops below are composed of. */
export type LayerParts = Pick<BatchedOps, 'accumulateInput' | 'outerAccumulate' | 'backwardInput' | 'lifStep'>;

/** What one LIF layer's forward pass yields (see `lifLayerForward`). */
export interface LifLayerResult {
  /** 0/1 spikes per step, [T] x [B][nOut]. */
  spikes: Float32Array[];
  /** Surrogate derivative per step, [T] x [B][nOut] (empty when not recorded). */
  psi: Float32Array[];
  /** Layer output h = sum_t w_t s(t), [B][nOut]. */
  h: Float32Array;
  spikeCount: number;
}

/**
 * T steps of one CUBA LIF layer of B copies from rest (single current, no inhibitory input):
 *
 *   iExc += bias;  iExc += frames[t] W;  lifStep (spikes[t], psi[t]);  h += wt[t] * spikes[t]
 *
 * @param frames input activity per step, [T] x [B][nIn] (T = frames.length)
 * @param W      weights, pre-major [nIn][nOut];  bias: [nOut]
 * @param wt     weight of each step in the layer output h (length >= T)
 * @param record keep the surrogate derivative psi of every step
 */
export function lifLayerForward(
  c: LifConstants, frames: Float32Array[], B: number, nIn: number, W: Float32Array, nOut: number,
  bias: Float32Array, wt: ArrayLike<number>, record: boolean,
): LifLayerResult {
  return lifLayerForwardWith(cpuOps, c, frames, B, nIn, W, nOut, bias, wt, record);
}

/** `lifLayerForward` on the given products and LIF step (the kernel paths reuse it with theirs). */
export function lifLayerForwardWith(
  ops: LayerParts, c: LifConstants, frames: Float32Array[], B: number, nIn: number, W: Float32Array, nOut: number,
  bias: Float32Array, wt: ArrayLike<number>, record: boolean,
): LifLayerResult {
  checkLayer('lifLayerForward', frames, B * nIn, wt);
  checkLen('lifLayerForward', 'bias', bias, nOut);
  const len = B * nOut;
  const v = new Float32Array(len), iExc = new Float32Array(len), ref = new Float32Array(len), h = new Float32Array(len);
  const spikes: Float32Array[] = [], psi: Float32Array[] = [];
  let spikeCount = 0;
  for (let t = 0; t < frames.length; t++) {
    for (let b = 0; b < B; b++) for (let j = 0, o = b * nOut; j < nOut; j++) iExc[o + j] += bias[j];
    ops.accumulateInput(frames[t], B, nIn, W, nOut, iExc);
    const s = new Float32Array(len);
    const p = record ? new Float32Array(len) : null;
    spikeCount += ops.lifStep(c, v, iExc, null, ref, s, p);
    const w = wt[t];
    for (let i = 0; i < len; i++) if (s[i] !== 0) h[i] += w;
    spikes.push(s);
    if (p) psi.push(p);
  }
  return { spikes, psi, h, spikeCount };
}

/** Constants of the backward filters: membrane and current decay per step, current-to-voltage gain, step weights. */
export interface FilterKernel {
  aMem: number;
  aSyn: number;
  kSyn: number;
  /** w_t of the layer output. */
  w: ArrayLike<number>;
}

/**
 * The three-factor update of one spiking layer (derivation in plasticity/three-factor.ts):
 * backwards in time,
 *
 *   f1 = f1 aMem + w_t psi(t);  f2 = f2 aSyn + f1;  G = m kSyn f2;  dW += pre(t)^T G;  db += sum_b G
 *
 * @param pre presynaptic spikes per step, [T] x [B][nIn];  psi: surrogate per step, [T] x [B][nOut]
 * @param m   per-sample third factor [B][nOut]
 */
export function threeFactorAccumulate(
  pre: Float32Array[], psi: Float32Array[], m: Float32Array, B: number, nIn: number, nOut: number,
  k: FilterKernel, dW: Float32Array, db: Float32Array,
): void {
  threeFactorAccumulateWith(cpuOps, pre, psi, m, B, nIn, nOut, k, dW, db);
}

export function threeFactorAccumulateWith(
  ops: LayerParts, pre: Float32Array[], psi: Float32Array[], m: Float32Array, B: number, nIn: number, nOut: number,
  k: FilterKernel, dW: Float32Array, db: Float32Array,
): void {
  const len = B * nOut;
  checkLayer('threeFactorAccumulate', pre, B * nIn, k.w);
  checkFrames('threeFactorAccumulate', 'psi', psi, pre.length, len);
  checkLen('threeFactorAccumulate', 'm', m, len);
  checkLen('threeFactorAccumulate', 'db', db, nOut);
  const f1 = new Float32Array(len), f2 = new Float32Array(len), G = new Float32Array(len);
  for (let t = pre.length - 1; t >= 0; t--) {
    const p = psi[t];
    const wt = k.w[t];
    for (let i = 0; i < len; i++) {
      f1[i] = f1[i] * k.aMem + wt * p[i];
      f2[i] = f2[i] * k.aSyn + f1[i];
      G[i] = m[i] * k.kSyn * f2[i];
    }
    ops.outerAccumulate(pre[t], G, B, nIn, nOut, dW, 1);
    // the bias is an input present at every step
    for (let b = 0; b < B; b++) for (let j = 0; j < nOut; j++) db[j] += G[b * nOut + j];
  }
}

/**
 * One layer of surrogate-gradient BPTT through T CUBA LIF steps (derivation in plasticity/bp.ts),
 * backwards in time:
 *
 *   dv = dS(t) psi(t) + aMem (1 - s(t)) dv;  dc = kSyn dv + aSyn dc
 *   dW += inSpikes(t)^T dc;  db += sum_b dc;  dSin(t) = dc W^T
 *
 * @returns dL/d(input spikes) per step, [T] x [B][nIn], when `inputGrad`; else null
 */
export function bpttLayerBackward(
  inSpikes: Float32Array[], spikes: Float32Array[], psi: Float32Array[], dS: Float32Array[], B: number, nIn: number, nOut: number,
  k: FilterKernel, W: Float32Array, dW: Float32Array, db: Float32Array, inputGrad: boolean,
): Float32Array[] | null {
  return bpttLayerBackwardWith(cpuOps, inSpikes, spikes, psi, dS, B, nIn, nOut, k, W, dW, db, inputGrad);
}

export function bpttLayerBackwardWith(
  ops: LayerParts, inSpikes: Float32Array[], spikes: Float32Array[], psi: Float32Array[], dS: Float32Array[], B: number, nIn: number, nOut: number,
  k: FilterKernel, W: Float32Array, dW: Float32Array, db: Float32Array, inputGrad: boolean,
): Float32Array[] | null {
  const len = B * nOut, T = inSpikes.length;
  checkLayer('bpttLayerBackward', inSpikes, B * nIn, k.w);
  for (const [name, a] of [['spikes', spikes], ['psi', psi], ['dS', dS]] as const) checkFrames('bpttLayerBackward', name, a, T, len);
  checkLen('bpttLayerBackward', 'db', db, nOut);
  const dv = new Float32Array(len); // dL/dv(t+1) carried back
  const dc = new Float32Array(len);
  const dSin: Float32Array[] = [];
  for (let t = T - 1; t >= 0; t--) {
    const s = spikes[t], p = psi[t], ds = dS[t];
    for (let i = 0; i < len; i++) {
      dv[i] = ds[i] * p[i] + k.aMem * (1 - s[i]) * dv[i];
      dc[i] = k.kSyn * dv[i] + k.aSyn * dc[i];
    }
    ops.outerAccumulate(inSpikes[t], dc, B, nIn, nOut, dW, 1);
    for (let b = 0; b < B; b++) for (let j = 0; j < nOut; j++) db[j] += dc[b * nOut + j];
    if (inputGrad) {
      const g = new Float32Array(B * nIn);
      ops.backwardInput(dc, B, nOut, W, nIn, g);
      dSin[t] = g;
    }
  }
  return inputGrad ? dSin : null;
}

function checkFrames(op: string, name: string, frames: Float32Array[], T: number, n: number): void {
  if (!Array.isArray(frames) || frames.length !== T) throw invalidParam(op, name, Array.isArray(frames) ? `${frames.length} frames` : frames, `${T} frames (one per step)`);
  for (const f of frames) checkLen(op, name, f, n);
}

/** Frames [T] x [n], and step weights for each of them. */
function checkLayer(op: string, frames: Float32Array[], n: number, wt: ArrayLike<number>): void {
  checkFrames(op, 'frames', frames, Array.isArray(frames) ? frames.length : 0, n);
  if (wt.length < frames.length) throw invalidParam(op, 'w', `${wt.length} step weights`, `at least ${frames.length} (one per step)`);
}

/** The plain-JavaScript ops (always available, never loads gpu.js). */
export const cpuOps: BatchedOps = {
  backends: {
    accumulateInput: 'cpu-js',
    outerAccumulate: 'cpu-js',
    backwardInput: 'cpu-js',
    lifStep: 'cpu-js',
    traceUpdate: 'cpu-js',
    adamStep: 'cpu-js',
    normaliseRows: 'cpu-js',
    lifLayerForward: 'cpu-js',
    threeFactorAccumulate: 'cpu-js',
    bpttLayerBackward: 'cpu-js',
  },
  accumulateInput,
  outerAccumulate,
  backwardInput,
  lifStep,
  traceUpdate,
  adamStep,
  normaliseRows,
  lifLayerForward,
  threeFactorAccumulate,
  bpttLayerBackward,
};
