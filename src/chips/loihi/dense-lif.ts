// SPDX-License-Identifier: MIT
/**
 * Loihi CUBA LIF and Dense synapses, bit-accurate to Lava's fixed-point process models
 * (`PyLifModelBitAcc`, `PyDenseModelBitAcc`, lava-nc/lava b6822fb; hardware.md §2.1-2.2).
 *
 * Dense, per step t (one-step latency: what it sends at t was accumulated at t-1):
 *   a_out[t]  = a_buff[t-1]
 *   acc[j]    = sum_{i: s_in[t][i] != 0} W_eff[j][i]
 *   a_buff[t] = acc << weight_exp  (weight_exp > 0)   or   floor(acc / 2^-weight_exp)
 *
 * LIF, per step t:
 *   u[t] = wrap24( trunc0( u[t-1] * (4096 - (du + 1)) / 4096 ) + (a_in[t] << 6) )
 *   v[t] = clip24( trunc0( v[t-1] * (4096 - dv) / 4096 ) + u[t] + (bias_mant << bias_exp) )
 *   s[t] = v[t] > (vth << 6);   v[t] <- 0 where s[t]
 *
 * Known gaps vs hardware (as in Lava's model): no refractory period, no axonal delays, a_in not
 * saturated to 16 bits, u wraps only once (Lava's quirk: +2^23 is kept, -2^23 becomes +2^23).
 */
import { clipSigned, shiftSigned, trunc0Shift } from '../../fixed/fixed.js';
import { invalidParam } from '../../errors.js';

export type SignMode = 'MIXED' | 'EXCITATORY' | 'INHIBITORY';

/** Widths and shifts of the Loihi compartment; defaults are Lava's (a profile may restate them). */
export interface LoihiWidths {
  /** u, v state width (24). */
  uvBits: number;
  /** Decays are out of 2^decayShift (12). */
  decayShift: number;
  /** Threshold mantissa is shifted left by this (6). */
  vthShift: number;
  /** Synaptic input is shifted left by this before it is added to u (6). */
  actShift: number;
  /** Weight mantissa bits without the sign (8). */
  weightBits: number;
}

export const LAVA_WIDTHS: LoihiWidths = { uvBits: 24, decayShift: 12, vthShift: 6, actShift: 6, weightBits: 8 };

/** Lava `determine_sign_mode`: min >= 0 -> EXCITATORY, max <= 0 -> INHIBITORY, else MIXED. */
export function determineSignMode(w: ArrayLike<number>): SignMode {
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < w.length; k++) {
    if (w[k] < lo) lo = w[k];
    if (w[k] > hi) hi = w[k];
  }
  if (lo >= 0) return 'EXCITATORY';
  if (hi <= 0) return 'INHIBITORY';
  return 'MIXED';
}

/**
 * Lava `clip_weights` + `truncate_weights`: the weights the chip actually holds.
 * MIXED -> [-256, 255], EXCITATORY -> [0, 255], INHIBITORY -> [-255, 0]; then the low
 * `8 - numWeightBits (+1 if MIXED)` bits are dropped (floor; on the magnitude for INHIBITORY).
 */
export function effectiveWeights(
  w: ArrayLike<number>,
  signMode: SignMode,
  numWeightBits = 8,
  widths: LoihiWidths = LAVA_WIDTHS,
): Int32Array {
  if (!Number.isInteger(numWeightBits) || numWeightBits < 0 || numWeightBits > widths.weightBits)
    throw invalidParam('LoihiDense', 'numWeightBits', numWeightBits, `an integer in [0, ${widths.weightBits}]`);
  const mixed = signMode === 'MIXED' ? 1 : 0;
  const inh = signMode === 'INHIBITORY';
  const max = 2 ** widths.weightBits - 1;
  const min = -(2 ** widths.weightBits) * mixed;
  const n = widths.weightBits - numWeightBits + mixed;
  const out = new Int32Array(w.length);
  for (let k = 0; k < w.length; k++) {
    let x = Math.trunc(w[k]);
    if (inh) x = -x;
    x = x > max ? max : x < min ? min : x;
    x = Math.floor(x / 2 ** n) * 2 ** n;
    out[k] = inh ? -x : x;
  }
  return out;
}

export interface LoihiDenseParams {
  /** Row-major [post][pre] integer weight mantissas. */
  weights: ArrayLike<number>;
  nIn: number;
  nOut: number;
  numWeightBits?: number;
  weightExp?: number;
  /** Absent: detected from the weights, as Lava does. */
  signMode?: SignMode;
}

/** Lava bit-accurate Dense with binary spikes. */
export class LoihiDense {
  readonly nIn: number;
  readonly nOut: number;
  readonly signMode: SignMode;
  readonly weightExp: number;
  readonly weights: Int32Array;
  /** Accumulated activation of the last step, sent on the next one. */
  aBuff: Float64Array;

  constructor(p: LoihiDenseParams, widths: LoihiWidths = LAVA_WIDTHS) {
    if (p.weights.length !== p.nIn * p.nOut)
      throw invalidParam('LoihiDense', 'weights', `length ${p.weights.length}`, `nOut*nIn = ${p.nOut * p.nIn}`);
    this.nIn = p.nIn;
    this.nOut = p.nOut;
    this.signMode = p.signMode ?? determineSignMode(p.weights);
    this.weightExp = p.weightExp ?? 0;
    this.weights = effectiveWeights(p.weights, this.signMode, p.numWeightBits ?? 8, widths);
    this.aBuff = new Float64Array(p.nOut);
  }

  /** One step: returns the activation for the LIF (last step's buffer) and accumulates this step's spikes. */
  step(sIn: ArrayLike<number>): Float64Array {
    const out = this.aBuff;
    const acc = new Float64Array(this.nOut);
    for (let i = 0; i < this.nIn; i++) {
      if (sIn[i] === 0) continue;
      for (let j = 0; j < this.nOut; j++) acc[j] += this.weights[j * this.nIn + i];
    }
    // The shift applies to the sum, not to each weight (numpy shift on a_accum).
    for (let j = 0; j < this.nOut; j++) acc[j] = shiftSigned(acc[j], this.weightExp);
    this.aBuff = acc;
    return out;
  }
}

export interface LoihiLifParams {
  n: number;
  /** Current decay, 12-bit (hardware adds 1). */
  du: number;
  /** Voltage decay, 12-bit. */
  dv: number;
  /** Threshold mantissa, 17-bit; threshold = vth << 6. */
  vth: number;
  biasMant?: number | ArrayLike<number>;
  biasExp?: number | ArrayLike<number>;
  u0?: ArrayLike<number>;
  v0?: ArrayLike<number>;
}

/** Lava bit-accurate LIF population. */
export class LoihiLif {
  readonly n: number;
  readonly u: Float64Array;
  readonly v: Float64Array;
  private readonly du: number;
  private readonly dv: number;
  private readonly vthEff: number;
  private readonly bias: Float64Array;
  private readonly w: LoihiWidths;

  constructor(p: LoihiLifParams, widths: LoihiWidths = LAVA_WIDTHS) {
    const unity = 2 ** widths.decayShift;
    for (const [k, v] of [['du', p.du], ['dv', p.dv]] as const)
      if (!Number.isInteger(v) || v < 0 || v >= unity) throw invalidParam('LoihiLif', k, v, `an integer in [0, ${unity - 1}]`);
    if (!Number.isInteger(p.vth) || p.vth < 0) throw invalidParam('LoihiLif', 'vth', p.vth, 'a non-negative integer');
    this.n = p.n;
    this.w = widths;
    this.du = p.du;
    this.dv = p.dv;
    this.vthEff = p.vth * 2 ** widths.vthShift;
    const at = (x: number | ArrayLike<number> | undefined, j: number) => (x === undefined ? 0 : typeof x === 'number' ? x : x[j]);
    this.bias = new Float64Array(p.n);
    for (let j = 0; j < p.n; j++) this.bias[j] = shiftSigned(at(p.biasMant, j), at(p.biasExp, j));
    this.u = Float64Array.from({ length: p.n }, (_, j) => at(p.u0, j));
    this.v = Float64Array.from({ length: p.n }, (_, j) => at(p.v0, j));
  }

  /** One step with activation `aIn` (from the Dense of the previous step); returns 0/1 spikes. */
  step(aIn: ArrayLike<number>): Uint8Array {
    const { uvBits, decayShift, actShift } = this.w;
    const unity = 2 ** decayShift;
    const max = 2 ** (uvBits - 1);
    const s = new Uint8Array(this.n);
    for (let j = 0; j < this.n; j++) {
      let u = trunc0Shift(this.u[j] * (unity - (this.du + 1)), decayShift) + aIn[j] * 2 ** actShift;
      // Lava wraps once, with `>` on the upper edge and `<=` on the lower (hardware.md §2.1).
      if (u > max) u -= 2 * max;
      else if (u <= -max) u += 2 * max;
      this.u[j] = u;
      let v = trunc0Shift(this.v[j] * (unity - this.dv), decayShift) + u + this.bias[j];
      v = clipSigned(v, uvBits, true);
      if (v > this.vthEff) {
        s[j] = 1;
        v = 0;
      }
      this.v[j] = v;
    }
    return s;
  }
}
