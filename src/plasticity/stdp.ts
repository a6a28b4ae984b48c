// SPDX-License-Identifier: MIT
/**
 * Pair-based STDP with soft bounds (Bi & Poo 1998; Song, Miller & Abbott 2000; multiplicative
 * bounds as van Rossum et al. 2000), the unsupervised Hebbian baseline. With traces
 *   x_i(t) = aPre x_i(t-1) + S_i(t),  y_j(t) = aPost y_j(t-1) + s_j(t)
 * (aPre = aPost = aMem here), per pair:
 *   dw_ij = lr * [ (wMax - w_ij) * x_i(t) s_j(t)  -  A * w_ij * S_i(t) y_j(t-1) ]
 * Potentiation is computed as sum_s S_i(s) sum_{t>=s} aPre^(t-s) s_j(t) (a backward filter of the
 * post spikes; identical sum), so both terms are outer products over presynaptic spikes.
 * It reads no label: the class prototypes used for its readout are set outside the rule.
 */
import type { BatchedOps } from '../sim/batched/ops.js';
import type { RuleSpec, SignalContext } from './signals.js';
import type { Grad, Kernel, Shape } from './three-factor.js';

export const stdpSpec: RuleSpec = {
  name: 'stdp',
  cite: 'Bi & Poo 1998; Song, Miller & Abbott, Competitive Hebbian learning through STDP, Nat. Neurosci. 2000',
  reads: ['pre.spike', 'post.spike', 'syn.w'],
  writes: ['syn.w'],
};

/** Soft bound and depression/potentiation ratio. */
export const STDP_W_MAX = 1;
export const STDP_DEPRESSION = 1.05;

/** Writes grad = -dw / lr (so an SGD step with the run's lr applies dw); returns mean |dw|/lr. */
export function stdpUpdate(sig: SignalContext, sh: Shape, k: Kernel, grad: Grad, ops: BatchedOps): number {
  const pre = sig['pre.spike'] as Float32Array[];
  const post = sig['post.spike'] as Float32Array[];
  const w = sig['syn.w'] as Float32Array;
  const { B, nIn, nOut, T } = sh;
  const len = B * nOut;
  const P = new Float32Array(nIn * nOut);
  const D = new Float32Array(nIn * nOut);
  const back = new Float32Array(len);
  const ytr = new Float32Array(len);
  const prevY: Float32Array[] = [];
  for (let t = 0; t < T; t++) {
    prevY.push(ytr.slice());
    for (let i = 0; i < len; i++) ytr[i] = ytr[i] * k.aMem + post[t][i];
  }
  for (let t = T - 1; t >= 0; t--) {
    for (let i = 0; i < len; i++) back[i] = back[i] * k.aMem + post[t][i];
    ops.outerAccumulate(pre[t], back, B, nIn, nOut, P, 1 / B);
    ops.outerAccumulate(pre[t], prevY[t], B, nIn, nOut, D, 1 / B);
  }
  let total = 0;
  for (let i = 0; i < w.length; i++) {
    const dw = (STDP_W_MAX - w[i]) * P[i] - STDP_DEPRESSION * w[i] * D[i];
    grad.dW[i] -= dw;
    total += Math.abs(dw);
  }
  return total / w.length;
}
