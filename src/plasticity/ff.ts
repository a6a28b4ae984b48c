// SPDX-License-Identifier: MIT
/**
 * Forward-Forward (Hinton, "The Forward-Forward Algorithm: Some Preliminary Investigations",
 * arXiv 2212.13345, 2022). Per layer, inputs length-normalised and detached from the layers below:
 *   G = mean_j h_j^2                               (goodness, the layer's own aggregate)
 *   L = softplus(theta - G) for a positive sample (true label overlaid on the input),
 *       softplus(G - theta) for a negative one (a wrong label overlaid)
 *   m_j = dL/dh_j = phase-dependent sigma(.) * 2 h_j / n
 * Rate mode: dW = a^T (m * relu'(u)); spiking mode: the three-factor update (three-factor.ts) of
 * the pairwise loss ffPairSignal on spike counts.
 * Inference: one pass per candidate label, score_c = sum_l G_l(x with label c overlaid).
 */
import { ConfigError } from '../errors.js';
import type { BatchedOps } from '../sim/batched/ops.js';
import type { RuleSpec, SignalContext } from './signals.js';
import { reluLayerUpdate, threeFactorUpdate, type Grad, type Kernel, type Shape } from './three-factor.js';

const CITE = 'Hinton, The Forward-Forward Algorithm: Some Preliminary Investigations, arXiv 2212.13345, 2022';

export const ffRateSpec: RuleSpec = {
  name: 'ff',
  cite: CITE,
  reads: ['pre.trace', 'post.v', 'post.trace', 'layer.local', 'global.phase'],
  writes: ['syn.w'],
};

export const ffLifSpec: RuleSpec = {
  name: 'ff',
  cite: CITE,
  reads: ['pre.spike', 'post.v', 'post.trace', 'layer.local', 'global.phase'],
  writes: ['syn.w', 'syn.eligibility'],
};

/**
 * Spiking FF's loss (see README, spiking FF): rows b and b + B/2 hold the same image, and the same
 * input spike train, with the true and a wrong label; the loss is on their goodness gap,
 *   L = softplus(-(G+ - G-) / theta)
 * (Lee & Song's SymBa loss, arXiv 2303.08418). An absolute threshold cannot work on spike counts:
 * G varies between images (ink, Poisson draw) far more than between labels of one image.
 * Writes m = dL/dh / B; returns the mean loss per sample.
 */
function ffPairSignal(sig: SignalContext, sh: Shape, theta: number, m: Float32Array): number {
  const G = (sig['layer.local'] as { goodness: Float64Array }).goodness;
  const h = sig['post.trace'] as Float32Array;
  const phase = sig['global.phase'] as Int8Array;
  const { B, nOut: n } = sh;
  const P = B / 2;
  for (let b = 0; b < P; b++) {
    if (phase[b] !== 1 || phase[b + P] !== -1) throw new ConfigError(`spiking FF needs the batch as positives then their negatives (row ${b} and ${b + P})`);
  }
  let loss = 0;
  for (let b = 0; b < P; b++) {
    const x = -(G[b] - G[b + P]) / theta;
    loss += x > 30 ? x : Math.log1p(Math.exp(x));
    const f = (2 / n / B) / theta / (1 + Math.exp(-x)); // -dL/dG+ = dL/dG-, times dG/dh = 2h/n
    for (let j = 0; j < n; j++) {
      m[b * n + j] = -f * h[b * n + j];
      m[(b + P) * n + j] = f * h[(b + P) * n + j];
    }
  }
  return loss / P;
}

/** Writes m = dL/dh / B; returns the mean loss. */
function ffSignal(sig: SignalContext, sh: Shape, theta: number, m: Float32Array): number {
  const G = (sig['layer.local'] as { goodness: Float64Array }).goodness;
  const phase = sig['global.phase'] as Int8Array;
  const h = sig['post.trace'] as Float32Array;
  const { B, nOut: n } = sh;
  let loss = 0;
  for (let b = 0; b < B; b++) {
    const x = phase[b] * (theta - G[b]); // positive: theta - G, negative: G - theta
    loss += x > 30 ? x : Math.log1p(Math.exp(x));
    const dLdG = -phase[b] / (1 + Math.exp(-x)); // d softplus(x)/dG
    const f = (dLdG * 2) / n / B;
    for (let j = 0; j < n; j++) m[b * n + j] = f * h[b * n + j];
  }
  return loss / B;
}

export function ffRateUpdate(sig: SignalContext, sh: Shape, theta: number, grad: Grad, ops: BatchedOps): number {
  const m = new Float32Array(sh.B * sh.nOut);
  const loss = ffSignal(sig, sh, theta, m);
  reluLayerUpdate(sig, sh, m, grad, ops);
  return loss;
}

export function ffLifUpdate(sig: SignalContext, sh: Shape, theta: number, k: Kernel, grad: Grad, ops: BatchedOps): number {
  const m = new Float32Array(sh.B * sh.nOut);
  const loss = ffPairSignal(sig, sh, theta, m);
  threeFactorUpdate(sig, sh, m, k, grad, ops);
  return loss;
}

/** Goodness per sample, G = mean_j h_j^2 (FF's layer aggregate), added into out[b * stride]. */
export function goodness<T extends Float32Array | Float64Array>(h: Float32Array, B: number, n: number, out: T, stride = 1): T {
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += h[b * n + j] * h[b * n + j];
    out[b * stride] += s / n;
  }
  return out;
}

/** Overlays the one-hot label on the first `classes` inputs (Hinton's supervised MNIST setup). */
export function overlayLabel(x: Float32Array, dim: number, b: number, label: number, classes: number): void {
  for (let c = 0; c < classes; c++) x[b * dim + c] = c === label ? 1 : 0;
}

/**
 * Spike frames of row `src` (label `from` overlaid) copied into row `dst` with the label moved to
 * `to`: the label pixel's spike train moves, every image spike stays. Spiking FF compares the
 * goodness of one image under different labels; encoded independently, the Poisson noise of the
 * image changes G by more than the label does, so an image's label variants share one spike train.
 */
export function relabelFrames(frames: Float32Array[], dim: number, src: number, dst: number, from: number, to: number, classes: number): void {
  for (const f of frames) {
    f.copyWithin(dst * dim, src * dim, (src + 1) * dim);
    const s = f[src * dim + from];
    for (let c = 0; c < classes; c++) f[dst * dim + c] = 0;
    f[dst * dim + to] = s;
  }
}
