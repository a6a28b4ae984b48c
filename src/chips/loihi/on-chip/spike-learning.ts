// SPDX-License-Identifier: MIT
/**
 * A weight rule whose products all depend on spikes (x0: the pre neuron spiked in the epoch, y0:
 * the post neuron did), e.g. pair STDP `dw = 2^-2*x1*y0 - 2^-2*y1*x0`, learned with t_epoch 1 on
 * pre-major [nIn][nOut] weights. Lava evaluates every synapse; only those in the row of a spiking
 * pre neuron or the column of a spiking post neuron get a nonzero term, and the others round back
 * to themselves (accumulator w << 7, no saturation), so only those are computed: same integers.
 * The products are compiled by the scalar engine (engine.ts) from the parsed rule string.
 */
import { ACC_MAX, ACC_MIN, saturateFactor, scaleTerm, type CompiledProduct } from '../learning/engine.js';

/** Factors a spike-timed weight rule may use here (traces of the step, the weight itself). */
export const SPIKE_RULE_FACTORS = ['x1', 'y1', 'w'] as const;

/**
 * Applies the rule at the end of a step. x1 [nIn], y1 [nOut]: the traces after this step's decay
 * and impulses (what Lava's history gives at the spike time with t_epoch 1). rw: the shared
 * synaptic random in [0, 1). Weights: MIXED, 8 bits ([-256, 255]). Returns the weights changed.
 */
export function spikeTimedStep(
  products: readonly CompiledProduct[],
  w: Int16Array,
  nIn: number,
  nOut: number,
  pre: Uint8Array,
  preOff: number,
  post: Uint8Array,
  postOff: number,
  x1: Uint8Array,
  y1: Uint8Array,
  rw: number,
): number {
  const postOn: number[] = [];
  for (let j = 0; j < nOut; j++) if (post[postOff + j]) postOn.push(j);
  let changed = 0;
  const update = (i: number, j: number, preSpiked: boolean, postSpiked: boolean) => {
    const s = i * nOut + j;
    const w0 = w[s];
    let a = w0 * 128;
    for (const p of products) {
      if (p.dep === 0 ? !preSpiked : p.dep === 1 ? !postSpiked : false) continue;
      let m = 1;
      for (const f of p.factors) m = Math.imul(m, saturateFactor(f.v === 'x1' ? x1[i] : f.v === 'y1' ? y1[j] : w0, f));
      a += scaleTerm(m, p);
      a = a < ACC_MIN ? ACC_MIN : a > ACC_MAX ? ACC_MAX : a;
    }
    const d = a / 128;
    const fl = Math.floor(d);
    let q = fl + (rw < d - fl ? 1 : 0);
    q = q < -256 ? -256 : q > 255 ? 255 : q;
    if (q !== w0) {
      w[s] = q;
      changed++;
    }
  };
  const postSet = new Uint8Array(nOut);
  for (const j of postOn) postSet[j] = 1;
  for (let i = 0; i < nIn; i++) {
    if (pre[preOff + i]) for (let j = 0; j < nOut; j++) update(i, j, true, postSet[j] === 1);
    else for (const j of postOn) update(i, j, false, true);
  }
  return changed;
}
