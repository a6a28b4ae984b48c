// SPDX-License-Identifier: MIT
/**
 * Backpropagation baseline on the same layers plus a `classes`-unit output layer, softmax
 * cross-entropy on the output (Rumelhart, Hinton & Williams 1986). Declared NON-LOCAL: it reads
 * the activity of other layers and the transposed weights of the layers above (weight transport),
 * which the audit shows.
 * Rate: delta_L = softmax(u_L) - onehot(y);  delta_l = (delta_{l+1} W_{l+1}^T) * relu'(u_l)
 *       dW_l = a_l^T delta_l.
 * Spiking: surrogate-gradient BPTT (Neftci, Mostafa & Zenke 2019) through the CUBA LIF steps,
 * logits = output spike counts; the reset is treated as constant. Backwards in time per layer:
 *   dL/dv(t) = dL/ds(t) psi(t) + aMem (1 - s(t)) dL/dv(t+1)
 *   dL/dc(t) = kSyn dL/dv(t) + aSyn dL/dc(t+1)      (c: synaptic current after input at t)
 *   dW += s_in(t)^T dL/dc(t),  dL/ds_in(t) = dL/dc(t) W^T
 */
import type { BatchedOps } from '../sim/batched/ops.js';
import type { LifLayerRecord, RateLayerRecord } from './model.js';
import type { RuleSpec, SignalContext } from './signals.js';
import type { Grad, Kernel, Shape } from './three-factor.js';

const CITE = 'Rumelhart, Hinton & Williams, Learning representations by back-propagating errors, Nature 1986; Neftci, Mostafa & Zenke, Surrogate gradient learning in SNNs, 2019';

export const bpRateSpec: RuleSpec = {
  name: 'bp',
  cite: CITE,
  reads: ['other.layers', 'syn.w.transposed', 'global.label'],
  writes: ['syn.w'],
};

export const bpLifSpec: RuleSpec = { ...bpRateSpec };

/** Softmax cross-entropy: writes d = (p - onehot)/B into `d`; returns the mean loss. */
function softmaxCe(logits: Float32Array, y: Uint8Array, B: number, C: number, d: Float32Array): number {
  let loss = 0;
  for (let b = 0; b < B; b++) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, logits[b * C + c]);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(logits[b * C + c] - max);
    loss += Math.log(sum) + max - logits[b * C + y[b]];
    for (let c = 0; c < C; c++) d[b * C + c] = (Math.exp(logits[b * C + c] - max) / sum - (c === y[b] ? 1 : 0)) / B;
  }
  return loss / B;
}

export function bpRateUpdate(sig: SignalContext, shapes: Shape[], grads: Grad[], ops: BatchedOps): number {
  const recs = sig['other.layers'] as RateLayerRecord[];
  const W = sig['syn.w.transposed'] as Float32Array[];
  const y = sig['global.label'] as Uint8Array;
  const L = shapes.length;
  const { B } = shapes[0];
  let delta = new Float32Array(B * shapes[L - 1].nOut);
  const loss = softmaxCe(recs[L - 1].h, y, B, shapes[L - 1].nOut, delta);
  for (let l = L - 1; l >= 0; l--) {
    const { nIn, nOut } = shapes[l];
    ops.outerAccumulate(recs[l].a, delta, B, nIn, nOut, grads[l].dW, 1);
    for (let i = 0; i < delta.length; i++) grads[l].db[i % nOut] += delta[i];
    if (l === 0) break;
    const below = new Float32Array(B * nIn);
    ops.backwardInput(delta, B, nOut, W[l], nIn, below);
    const u = recs[l - 1].u;
    for (let i = 0; i < below.length; i++) if (u[i] <= 0) below[i] = 0;
    delta = below;
  }
  return loss;
}

export function bpLifUpdate(sig: SignalContext, shapes: Shape[], k: Kernel, grads: Grad[], ops: BatchedOps): number {
  const recs = sig['other.layers'] as LifLayerRecord[];
  const W = sig['syn.w.transposed'] as Float32Array[];
  const y = sig['global.label'] as Uint8Array;
  const L = shapes.length;
  const { B, T } = shapes[0];
  const C = shapes[L - 1].nOut;
  const dh = new Float32Array(B * C);
  const loss = softmaxCe(recs[L - 1].h, y, B, C, dh);
  // dL/ds(t) of the current layer, per step
  let dS: Float32Array[] = Array.from({ length: T }, (_, t) => dh.map((v) => v * k.w[t]));
  for (let l = L - 1; l >= 0; l--) {
    const { nIn, nOut } = shapes[l];
    const r = recs[l];
    const dSin = ops.bpttLayerBackward(r.inSpikes, r.spikes, r.psi, dS, B, nIn, nOut, k, W[l], grads[l].dW, grads[l].db, l > 0);
    if (dSin) dS = dSin;
  }
  return loss;
}
