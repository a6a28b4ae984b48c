// SPDX-License-Identifier: MIT
/**
 * The three-factor weight update shared by the spiking FF and FAUST rules:
 *
 *   dW_ij = -lr * sum_b m_bj * e_bij,    e_bij = sum_t w_t * psi_bj(t) * xbar_bi(t)
 *
 * psi: surrogate derivative of the post membrane, w_t: the step's weight in the layer output, and
 * xbar the presynaptic trace that follows the synapse's own CUBA kernel (input current decaying
 * by aSyn, membrane by aMem):
 *   xbar_i(t) = kSyn * sum_{s<=t} K(t - s) S_i(s),   K(d) = sum_{u=0..d} aSyn^u aMem^(d-u)
 * so e_ij is the surrogate sensitivity dh_j/dW_ij without the reset (as in e-prop).
 *
 * Equivalence used for speed (identical sums, no B x nIn x nOut eligibility in memory): the
 * per-sample third factor m_bj is known at the end of the presentation, so
 *   sum_t w_t psi_bj(t) xbar_bi(t) m_bj = sum_s S_bi(s) * G_bj(s),
 *   G_bj(s) = m_bj * kSyn * sum_{t>=s} K(t - s) w_t psi_bj(t),
 * where G is two backward exponential filters of w*psi (by aMem, then by aSyn). That is one
 * event-driven outer product per step over the presynaptic SPIKES (not a dense trace).
 */
import type { BatchedOps, FilterKernel } from '../sim/batched/ops.js';
import type { SignalContext } from './signals.js';

export interface Shape {
  B: number;
  nIn: number;
  nOut: number;
  T: number;
}

export interface Grad {
  dW: Float32Array;
  db: Float32Array;
}

/** aMem, aSyn, kSyn and the step weights w_t of the layer output. */
export type Kernel = FilterKernel;

/**
 * Adds the gradient of a per-sample third factor m ([B][nOut], dL/dh already divided by the batch
 * size) to grad, reading the presynaptic spikes and the membrane surrogate from `sig`.
 */
export function threeFactorUpdate(sig: SignalContext, sh: Shape, m: Float32Array, k: Kernel, grad: Grad, ops: BatchedOps): void {
  const { B, nIn, nOut } = sh;
  ops.threeFactorAccumulate(sig['pre.spike'] as Float32Array[], sig['post.v'] as Float32Array[], m, B, nIn, nOut, k, grad.dW, grad.db);
}

/**
 * The rate-mode counterpart shared by FF and FAUST: the layer-local gradient of a ReLU layer
 * given m = dL/dh / B ([B][nOut], masked in place by relu'(u): m = 0 where u <= 0):
 *   dW += a^T m,   db += sum_b m
 */
export function reluLayerUpdate(sig: SignalContext, sh: Shape, m: Float32Array, grad: Grad, ops: BatchedOps): void {
  const u = sig['post.v'] as Float32Array;
  const { B, nOut } = sh;
  for (let b = 0; b < B; b++) {
    const o = b * nOut;
    for (let j = 0; j < nOut; j++) {
      if (u[o + j] <= 0) m[o + j] = 0;
      else grad.db[j] += m[o + j];
    }
  }
  ops.outerAccumulate(sig['pre.trace'] as Float32Array, m, B, sh.nIn, nOut, grad.dW, 1);
}
