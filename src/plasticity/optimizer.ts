// SPDX-License-Identifier: MIT
/**
 * Per-synapse optimisers applied to the rules' weight gradients (each is local to the synapse:
 * it keeps its own moments).
 *   sgd:  w <- w - lr * g
 *   adam: m <- b1 m + (1-b1) g;  v <- b2 v + (1-b2) g^2;
 *         w <- w - lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)      (Kingma & Ba 2015)
 */
import { invalidParam } from '../errors.js';
import { cpuOps, type BatchedOps } from '../sim/batched/ops.js';

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

/**
 * Applies one step to every parameter array (grads aligned with params); call once per batch.
 * Adam runs as the batched op `adamStep` of `ops` (plain JS or WebAssembly SIMD).
 * @throws ConfigError naming the gradient when a gradient holds NaN or ±Infinity (training diverged).
 */
export function optimizerStep(opt: OptimizerState, params: Float32Array[], grads: Float32Array[], ops: BatchedOps = cpuOps): void {
  opt.t++;
  if (opt.kind === 'sgd') {
    // every gradient checked before any weight changes
    for (const g of grads) for (let i = 0; i < g.length; i++) if (!Number.isFinite(g[i])) throw invalidParam('optimizer', 'gradient', g[i], 'a finite number (training diverged)');
    for (let k = 0; k < params.length; k++) {
      const p = params[k], g = grads[k];
      for (let i = 0; i < p.length; i++) p[i] -= opt.lr * g[i];
    }
    return;
  }
  const a = opt.lr / (1 - Math.pow(B1, opt.t));
  const sc2 = 1 / Math.sqrt(1 - Math.pow(B2, opt.t));
  for (let k = 0; k < params.length; k++) ops.adamStep(params[k], grads[k], opt.m[k], opt.v[k], { b1: B1, b2: B2, a, sc2, eps: EPS });
}
