// SPDX-License-Identifier: MIT
/**
 * sPyNNaker's IF_curr_exp (neuron_model_lif_impl.h + synapse_types_exponential_impl.h) in s16.15
 * fixed point, and the same closed form in float64 as its reference.
 *
 * Per time step ts, for each neuron (neuron_impl_standard.h order):
 *   isyn_x += w_x * init_x                 for the input that arrived (ring buffer), x in {E, I}
 *   if refractory: timer -= 1              (V held)
 *   else: alpha = (isyn_E - isyn_I + i_offset) * R + V_rest;   V = alpha - exp_TC * (alpha - V)
 *   spike iff V >= V_thresh; then V = V_reset, timer = ceil(tau_refrac / ts)
 *   isyn_x *= decay_x
 * with R = tau_m / cm, exp_TC = e^(-ts/tau_m), decay_x = e^(-ts/tau_syn_x),
 * init_x = (tau_syn_x / ts) * (1 - decay_x).
 * Fixed point: V, isyn, alpha, R, exp_TC, thresholds in s16.15 (`accum`, products shifted right by 15
 * with floor); decay and init as unsigned 0.32 fractions (`decay_t`), `decay_s1615(x, d) = (x*d) >> 32`.
 *
 * Known gaps: the threshold test `>=` (threshold_type_static) and the exact refractory count are
 * as read in sPyNNaker sources quoted second-hand (hardware.md §4.2), not checked against a board.
 */
import { clipSigned, mulS1615, toS1615 } from '../../fixed/fixed.js';
import { invalidParam } from '../../errors.js';

/** PyNN IF_curr_exp parameters (ms, nF, mV, nA) plus the time step. */
export interface IfCurrExpParams {
  tau_m: number;
  cm: number;
  v_rest: number;
  v_reset: number;
  v_thresh: number;
  tau_refrac: number;
  tau_syn_E: number;
  tau_syn_I: number;
  i_offset: number;
  /** Time step, ms. */
  ts: number;
}

const U032 = 2 ** 32;

function checked(p: IfCurrExpParams) {
  for (const k of ['tau_m', 'cm', 'tau_syn_E', 'tau_syn_I', 'ts'] as const)
    if (!(p[k] > 0) || !Number.isFinite(p[k])) throw invalidParam('IF_curr_exp', k, p[k], 'a finite number > 0');
  const decE = Math.exp(-p.ts / p.tau_syn_E);
  const decI = Math.exp(-p.ts / p.tau_syn_I);
  return {
    R: p.tau_m / p.cm,
    expTC: Math.exp(-p.ts / p.tau_m),
    decE,
    decI,
    initE: (p.tau_syn_E / p.ts) * (1 - decE),
    initI: (p.tau_syn_I / p.ts) * (1 - decI),
    refract: Math.ceil(p.tau_refrac / p.ts - 1e-9),
  };
}

/** Float64 closed form (the reference for the fixed-point model). */
export class IfCurrExpFloat {
  readonly v: Float64Array;
  readonly isynE: Float64Array;
  readonly isynI: Float64Array;
  private readonly timer: Int32Array;
  private readonly c: ReturnType<typeof checked>;
  constructor(readonly n: number, readonly p: IfCurrExpParams) {
    this.c = checked(p);
    this.v = new Float64Array(n).fill(p.v_rest);
    this.isynE = new Float64Array(n);
    this.isynI = new Float64Array(n);
    this.timer = new Int32Array(n);
  }
  /** One step; `inE`/`inI` are the summed weights (nA, magnitudes) that arrived this step. */
  step(inE: ArrayLike<number>, inI: ArrayLike<number>): Uint8Array {
    const { R, expTC, decE, decI, initE, initI, refract } = this.c;
    const p = this.p;
    const s = new Uint8Array(this.n);
    for (let j = 0; j < this.n; j++) {
      this.isynE[j] += inE[j] * initE;
      this.isynI[j] += inI[j] * initI;
      if (this.timer[j] > 0) this.timer[j]--;
      else {
        const alpha = (this.isynE[j] - this.isynI[j] + p.i_offset) * R + p.v_rest;
        this.v[j] = alpha - expTC * (alpha - this.v[j]);
        if (this.v[j] >= p.v_thresh) {
          s[j] = 1;
          this.v[j] = p.v_reset;
          this.timer[j] = refract;
        }
      }
      this.isynE[j] *= decE;
      this.isynI[j] *= decI;
    }
    return s;
  }
}

/** `decay_s1615`: s16.15 value times an unsigned 0.32 fraction, shifted right by 32 (floor). */
function decayS1615(x: number, d: number): number {
  return Math.floor((x * d) / U032);
}

/** Bit-level s16.15 model; state in s16.15 integers (read `v / 2^15` for mV). */
export class IfCurrExpFixed {
  readonly v: Int32Array;
  readonly isynE: Int32Array;
  readonly isynI: Int32Array;
  private readonly timer: Int32Array;
  private readonly k: { R: number; expTC: number; decE: number; decI: number; initE: number; initI: number; vRest: number; vReset: number; vTh: number; iOff: number; refract: number };
  constructor(readonly n: number, p: IfCurrExpParams) {
    const c = checked(p);
    const u032 = (x: number) => Math.min(U032 - 1, Math.round(x * U032));
    this.k = {
      R: toS1615(c.R),
      expTC: toS1615(c.expTC),
      decE: u032(c.decE),
      decI: u032(c.decI),
      initE: u032(c.initE),
      initI: u032(c.initI),
      vRest: toS1615(p.v_rest),
      vReset: toS1615(p.v_reset),
      vTh: toS1615(p.v_thresh),
      iOff: toS1615(p.i_offset),
      refract: c.refract,
    };
    this.v = new Int32Array(n).fill(this.k.vRest);
    this.isynE = new Int32Array(n);
    this.isynI = new Int32Array(n);
    this.timer = new Int32Array(n);
  }
  /**
   * One step; `inE`/`inI` are ring-buffer inputs already in s16.15 (weight << shift). `vBefore`, if
   * given, receives each membrane after its update and before a reset (what a surrogate reads).
   */
  step(inE: ArrayLike<number>, inI: ArrayLike<number>, vBefore?: Int32Array): Uint8Array {
    const k = this.k;
    const s = new Uint8Array(this.n);
    for (let j = 0; j < this.n; j++) {
      this.isynE[j] = clipSigned(this.isynE[j] + decayS1615(inE[j], k.initE), 32);
      this.isynI[j] = clipSigned(this.isynI[j] + decayS1615(inI[j], k.initI), 32);
      if (this.timer[j] > 0) {
        this.timer[j]--;
        if (vBefore) vBefore[j] = this.v[j];
      } else {
        const input = clipSigned(this.isynE[j] - this.isynI[j] + k.iOff, 32);
        const alpha = clipSigned(mulS1615(input, k.R) + k.vRest, 32);
        this.v[j] = clipSigned(alpha - mulS1615(k.expTC, clipSigned(alpha - this.v[j], 32)), 32);
        if (vBefore) vBefore[j] = this.v[j];
        if (this.v[j] >= k.vTh) {
          s[j] = 1;
          this.v[j] = k.vReset;
          this.timer[j] = k.refract;
        }
      }
      this.isynE[j] = decayS1615(this.isynE[j], k.decE);
      this.isynI[j] = decayS1615(this.isynI[j], k.decI);
    }
    return s;
  }
}

