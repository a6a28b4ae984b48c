// SPDX-License-Identifier: MIT
/**
 * A three-factor rule (tag x third factor) as a SpiNNaker ARM core would run it in software,
 * in the number formats of sPyNNaker's STDP code (src/chips/spinnaker/stdp-maths.ts):
 *
 *   per time step t, for every synapse (i, j) whose pre trace x_i is non-zero (the rows the core
 *   touches):      tag_ij  <- sat16(tag_ij + ((x_i(t) * psi_j(t)) >> (22 - tagFracBits)))
 *   per sample:    w_ij    <- sat16(round((w_ij << shift) + mulsa3(m_j, tag_ij << (15 - tagFracBits)), shift))
 *                  tag_ij  <- 0
 *
 * x_i: pre trace, int16 s4.11 (decayed per step by the same LUT factor sPyNNaker's pair rule uses);
 * psi_j: the post neuron's eligibility factor (e.g. a surrogate derivative of its membrane), int16
 * s4.11; tag: int16 with `tagFracBits` fractional bits (default 8: s7.8, range +-128, as a sample of
 * 14 steps sums up to 14 products of traces > 1); m_j: the third factor per post neuron in s16.15
 * with the learning rate and sign folded in (w += m_j * tag_ij), computed per sample by the core
 * that holds neuron j; w: signed 16-bit weight (sPyNNaker's SYNAPSE_WEIGHTS_SIGNED word layout,
 * synapse_row.h) that is w << shift in s16.15 (the ring-buffer shift). Products are SMULBB
 * (16 x 16) and SMULL-based accum multiplies (mulsa3), exactly as in stdp-maths.ts.
 *
 * Choices of this model (no sPyNNaker rule does this; the formats are sPyNNaker's, the rule is
 * ffsnn's): tags and weights saturate instead of wrapping (an SSAT on Cortex-M4, a compare pair on
 * ARM968, counted in cost.ts); the weight is rounded back to 16 bits by `floor` (what sPyNNaker's
 * weight_get_final does, an arithmetic shift), `nearest`, or `stochastic` (random bits below the
 * LSB from an injected uint32 source, e.g. src/sim/rng.ts; on the chip a software KISS generator).
 */
import { invalidParam } from '../../errors.js';
import { STDP_FIXED_POINT_ONE, fixedMul16, mulAccum, smulbb, wrapInt32 } from './stdp-maths.js';

export type WeightRounding = 'floor' | 'nearest' | 'stochastic';

export interface SpinnakerThreeFactorOptions {
  nPre: number;
  nPost: number;
  /** Left shift from the 16-bit weight to s16.15. */
  weightShift: number;
  /** Fractional bits of the int16 tag (default 8). */
  tagFracBits?: number;
  /** Initial signed 16-bit weights, pre-major (weights[i * nPost + j]: pre i -> post j). */
  weights?: ArrayLike<number>;
  rounding?: WeightRounding;
  /** Uniform uint32 source, required for stochastic rounding. */
  random?: () => number;
}

export interface ThreeFactorCounts {
  steps: number;
  /** Rows (pre neurons with a non-zero trace) touched by tag updates, summed over steps. */
  tagRows: number;
  /** Synapse tag updates (one per synapse of a touched row per step). */
  tagUpdates: number;
  samples: number;
  /** Synapses whose weight was rewritten by `apply` (non-zero tag). */
  weightUpdates: number;
  /** Third-factor values used (one per post neuron per sample). */
  thirdFactors: number;
}

const sat16 = (x: number): number => (x > 32767 ? 32767 : x < -32768 ? -32768 : x);

/** A real number as int16 with `fracBits` fractional bits, rounded to nearest and saturated. */
export function toFixed16(x: number, fracBits = 11): number {
  if (!Number.isFinite(x)) throw invalidParam('toFixed16', 'x', x, 'a finite number');
  return sat16(Math.round(x * 2 ** fracBits));
}

/** A real number in s16.15 (int32), rounded to nearest and saturated (for third factors). */
export { toS1615 } from '../../fixed/fixed.js';

/**
 * One step of int16 s4.11 pre traces: x <- sat16((x * decay) >> 11 + 2048 * spike), with `decay`
 * the one-step factor in s4.11 (expDecayLut(ts, tau).values[1], as sPyNNaker's pair rule decays).
 */
export function stepTraces(traces: Int16Array, spikes: ArrayLike<number>, decay: number): void {
  for (let i = 0; i < traces.length; i++) {
    const x = traces[i];
    const d = x === 0 ? 0 : fixedMul16(x, decay);
    traces[i] = sat16(spikes[i] ? d + STDP_FIXED_POINT_ONE : d);
  }
}

export class SpinnakerThreeFactor {
  readonly nPre: number;
  readonly nPost: number;
  readonly weightShift: number;
  readonly tagFracBits: number;
  readonly rounding: WeightRounding;
  /** Signed 16-bit weights, pre-major. */
  readonly weights: Int16Array;
  /** int16 tags beside the weights (as sPyNNaker's weight + eligibility-trace synapse word). */
  readonly tags: Int16Array;
  readonly counts: ThreeFactorCounts = { steps: 0, tagRows: 0, tagUpdates: 0, samples: 0, weightUpdates: 0, thirdFactors: 0 };
  private readonly random?: () => number;
  private readonly productShift: number;
  private readonly tagToStdp: number;

  constructor(o: SpinnakerThreeFactorOptions) {
    for (const k of ['nPre', 'nPost'] as const)
      if (!Number.isInteger(o[k]) || o[k] < 1) throw invalidParam('SpinnakerThreeFactor', k, o[k], 'an integer >= 1');
    if (!Number.isInteger(o.weightShift) || o.weightShift < 0 || o.weightShift > 15)
      throw invalidParam('SpinnakerThreeFactor', 'weightShift', o.weightShift, 'an integer in 0..15');
    const tf = o.tagFracBits ?? 8;
    if (!Number.isInteger(tf) || tf < 0 || tf > 15) throw invalidParam('SpinnakerThreeFactor', 'tagFracBits', tf, 'an integer in 0..15');
    const rounding = o.rounding ?? 'floor';
    if (!['floor', 'nearest', 'stochastic'].includes(rounding))
      throw invalidParam('SpinnakerThreeFactor', 'rounding', rounding, "'floor', 'nearest' or 'stochastic'");
    if (rounding === 'stochastic' && !o.random) throw invalidParam('SpinnakerThreeFactor', 'random', undefined, 'a uint32 source for stochastic rounding');
    this.nPre = o.nPre;
    this.nPost = o.nPost;
    this.weightShift = o.weightShift;
    this.tagFracBits = tf;
    this.rounding = rounding;
    this.random = o.random;
    this.productShift = 22 - tf; // s4.11 x s4.11 = s8.22 -> tag format
    this.tagToStdp = 15 - tf; // tag format -> s16.15 for the accum multiply
    this.weights = new Int16Array(o.nPre * o.nPost);
    this.tags = new Int16Array(o.nPre * o.nPost);
    if (o.weights) {
      if (o.weights.length !== this.weights.length)
        throw invalidParam('SpinnakerThreeFactor', 'weights', `length ${o.weights.length}`, `nPre * nPost = ${this.weights.length} entries`);
      for (let k = 0; k < this.weights.length; k++) {
        const w = o.weights[k];
        if (!Number.isInteger(w) || w < -32768 || w > 32767) throw invalidParam('SpinnakerThreeFactor', `weights[${k}]`, w, 'an integer in -32768..32767');
        this.weights[k] = w;
      }
    }
  }

  /** The weight in real units: w * 2^shift / 2^15. */
  realWeight(k: number): number {
    return (this.weights[k] * 2 ** this.weightShift) / 32768;
  }

  /**
   * One time step of tag accumulation: every synapse of every pre neuron with a non-zero trace
   * gets tag += x_i * psi_j (SMULBB, shift, saturate). `preTrace` (nPre) and `psi` (nPost) are int16 s4.11.
   */
  accumulate(preTrace: ArrayLike<number>, psi: ArrayLike<number>): void {
    if (preTrace.length !== this.nPre || psi.length !== this.nPost)
      throw invalidParam('SpinnakerThreeFactor.accumulate', 'preTrace/psi', `lengths ${preTrace.length}/${psi.length}`, `${this.nPre}/${this.nPost}`);
    this.counts.steps++;
    const n = this.nPost;
    const sh = this.productShift;
    const tags = this.tags;
    for (let i = 0; i < this.nPre; i++) {
      const x = preTrace[i];
      if (x === 0) continue; // the core does not fetch this row
      this.counts.tagRows++;
      this.counts.tagUpdates += n;
      const row = i * n;
      for (let j = 0; j < n; j++) {
        const p = psi[j];
        if (p === 0) continue;
        tags[row + j] = sat16(tags[row + j] + (smulbb(x, p) >> sh));
      }
    }
  }

  /**
   * End of sample: w += m_j * tag for every synapse with a non-zero tag, rounded back to 16 bits and
   * saturated; tags cleared. `m` (nPost) is s16.15 with learning rate and sign folded in.
   */
  apply(m: ArrayLike<number>): void {
    if (m.length !== this.nPost) throw invalidParam('SpinnakerThreeFactor.apply', 'm', `length ${m.length}`, `${this.nPost}`);
    this.counts.samples++;
    this.counts.thirdFactors += this.nPost;
    const n = this.nPost;
    const s = this.weightShift;
    const tags = this.tags;
    const w = this.weights;
    for (let i = 0; i < this.nPre; i++) {
      const row = i * n;
      for (let j = 0; j < n; j++) {
        const tag = tags[row + j];
        if (tag === 0) continue;
        this.counts.weightUpdates++;
        const ws = wrapInt32((w[row + j] << s) + mulAccum(m[j], tag << this.tagToStdp));
        w[row + j] = sat16(this.roundShift(ws, s));
        tags[row + j] = 0;
      }
    }
  }

  private roundShift(ws: number, s: number): number {
    if (s === 0 || this.rounding === 'floor') return ws >> s;
    if (this.rounding === 'nearest') return Math.floor((ws + 2 ** (s - 1)) / 2 ** s);
    const r = this.random!() & ((1 << s) - 1);
    return Math.floor((ws + r) / 2 ** s);
  }
}
