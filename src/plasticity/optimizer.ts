// SPDX-License-Identifier: MIT
/**
 * Per-synapse optimisers applied to the rules' weight gradients (each is local to the synapse:
 * it keeps its own moments).
 *   sgd:  w <- w - lr * g
 *   adam: m <- b1 m + (1-b1) g;  v <- b2 v + (1-b2) g^2;
 *         w <- w - lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)      (Kingma & Ba 2015)
 */
import { invalidParam } from '../errors.js';

export interface OptimizerState {
  kind: 'adam' | 'sgd';
  lr: number;
  t: number;
  m: Float32Array[];
  v: Float32Array[];
}

const B1 = 0.9;
const B2 = 0.999;
const EPS = 1e-8;

export function createOptimizer(kind: string, lr: number, params: Float32Array[]): OptimizerState {
  if (kind !== 'adam' && kind !== 'sgd') throw invalidParam('optimizer', 'kind', kind, "'adam' or 'sgd'");
  if (!(lr > 0) || !Number.isFinite(lr)) throw invalidParam('optimizer', 'lr', lr, 'a finite number > 0');
  const zeros = () => (kind === 'adam' ? params.map((p) => new Float32Array(p.length)) : []);
  return { kind, lr, t: 0, m: zeros(), v: zeros() };
}

/** Applies one step to every parameter array (grads aligned with params); call once per batch. */
export function optimizerStep(opt: OptimizerState, params: Float32Array[], grads: Float32Array[]): void {
  opt.t++;
  if (opt.kind === 'sgd') {
    for (let k = 0; k < params.length; k++) {
      const p = params[k], g = grads[k];
      for (let i = 0; i < p.length; i++) p[i] -= opt.lr * g[i];
    }
    return;
  }
  const c1 = 1 / (1 - Math.pow(B1, opt.t));
  const c2 = 1 / (1 - Math.pow(B2, opt.t));
  for (let k = 0; k < params.length; k++) {
    const p = params[k], g = grads[k], m = opt.m[k], v = opt.v[k];
    for (let i = 0; i < p.length; i++) {
      const gi = g[i];
      if (!Number.isFinite(gi)) throw invalidParam('optimizer', 'gradient', gi, 'a finite number (training diverged)');
      const mi = (m[i] = B1 * m[i] + (1 - B1) * gi);
      const vi = (v[i] = B2 * v[i] + (1 - B2) * gi * gi);
      p[i] -= (opt.lr * mi * c1) / (Math.sqrt(vi * c2) + EPS);
    }
  }
}
