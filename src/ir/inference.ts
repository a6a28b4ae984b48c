// SPDX-License-Identifier: MIT
/** Presenting a sample to an IR network (its encoding) and reading the class scores (its readout). */
import { ConfigError, NoImplementationError } from '../errors.js';
import type { Rng } from '../sim/rng.js';
import type { NetworkIR } from './ir.js';

/** Input frames of one sample under the IR's encoding (the training code's encoders). */
export function encodeSample(net: NetworkIR, x: ArrayLike<number>, rng: Rng): Float64Array[] {
  const enc = net.encoding;
  if (!enc) throw new ConfigError(`network '${net.name}' has no encoding: cannot present samples`);
  const T = enc.steps;
  const frames = Array.from({ length: T }, () => new Float64Array(x.length));
  if (enc.kind === 'poisson') {
    const rate = enc.params.rate ?? 1;
    for (let i = 0; i < x.length; i++) {
      const p = x[i] * rate;
      if (p <= 0) continue;
      for (let t = 0; t < T; t++) if (rng.uniform() < p) frames[t][i] = 1;
    }
  } else if (enc.kind === 'latency') {
    for (let i = 0; i < x.length; i++) if (x[i] > 0) frames[Math.round((1 - Math.min(1, x[i])) * (T - 1))][i] = 1;
  } else throw new NoImplementationError(`'${enc.kind}' encoding for spiking evaluation`, ['poisson', 'latency']);
  return frames;
}

/** Layer activity h = sum_t w_t s(t) as the readout defines it. */
function activity(net: NetworkIR, frames: Float64Array[], name: string): Float64Array {
  const n = net.populations.find((p) => p.name === name)!.size;
  const h = new Float64Array(n);
  const T = frames.length;
  let aMem = 1;
  if (net.readout?.activity === 'trace') {
    const tau = net.populations.find((p) => p.name === name)!.params.tauMem;
    aMem = Math.exp(-net.dt / (typeof tau === 'number' ? tau : 1));
  }
  for (let t = 0; t < T; t++) {
    const w = aMem === 1 ? 1 : Math.pow(aMem, T - 1 - t);
    const f = frames[t];
    for (let j = 0; j < n; j++) if (f[j]) h[j] += w * f[j];
  }
  return h;
}

/** Scores of each class from the layer activities (readout of the IR). */
export function classScores(net: NetworkIR, frames: Record<string, Float64Array[]>): Float64Array {
  const r = net.readout;
  if (!r) throw new ConfigError(`network '${net.name}' has no readout: cannot score`);
  const scores = new Float64Array(r.classes);
  if (r.kind === 'argmax') {
    const h = activity(net, frames[r.layers[0]], r.layers[0]);
    for (let c = 0; c < r.classes; c++) scores[c] = h[c];
  } else if (r.kind === 'prototype-cosine') {
    r.layers.forEach((name, l) => {
      const h = activity(net, frames[name], name);
      const norm = Math.hypot(...h);
      if (norm === 0) return;
      const P = r.prototypes![l];
      const n = h.length;
      for (let c = 0; c < r.classes; c++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += h[j] * P[c * n + j];
        scores[c] += s / norm;
      }
    });
  } else {
    for (const name of r.layers) {
      const h = activity(net, frames[name], name);
      scores[0] += h.reduce((a, b) => a + b * b, 0) / h.length;
    }
  }
  return scores;
}

