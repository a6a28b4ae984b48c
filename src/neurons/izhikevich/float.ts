// SPDX-License-Identifier: MIT
/**
 * Float64 reference step of the Izhikevich neuron. Integration scheme (Izhikevich 2003's own
 * code, generalised to any dt): two forward-Euler half steps for v, then one forward-Euler step
 * for u using the new v; the input I = iExt + ge + gi is held over the step:
 *
 *   v1 = v  + dt/2 * (0.04 v^2  + 5 v  + 140 - u + I)
 *   v' = v1 + dt/2 * (0.04 v1^2 + 5 v1 + 140 - u + I)
 *   u' = u  + dt * a * (b v' - u)
 *   v' >= vPeak  ->  spike, v' = c, u' = u' + d
 *   ge' = ge * exp(-dt/tauSynE),   gi' = gi * exp(-dt/tauSynI)   (exact)
 *
 * The paper uses dt = 1 ms; dt <= 0.5 ms keeps the Euler error small.
 */
import type { NeuronState } from '../model.js';
import type { Params } from '../spec.js';

/** Coefficient layout of izhikevichCoefficients. */
export const IZH_C = { dt: 0, a: 1, b: 2, vPeak: 3, c: 4, d: 5, de: 6, di: 7 } as const;

export function izhikevichCoefficients(p: Params, dt: number): Float64Array {
  return Float64Array.of(dt, p.a, p.b, p.vPeak, p.c, p.d, Math.exp(-dt / p.tauSynE), Math.exp(-dt / p.tauSynI));
}

export function izhikevichFloatStep(s: NeuronState, n: number, k: Float64Array, spikes: Uint32Array): number {
  const { v, u, ge, gi, iExt } = s;
  const dt = k[0], a = k[1], b = k[2], vPeak = k[3], c = k[4], d = k[5], de = k[6], di = k[7];
  const h = dt / 2;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const I = iExt[i] + ge[i] + gi[i];
    ge[i] *= de;
    gi[i] *= di;
    const u0 = u[i];
    let x = v[i];
    x += h * (0.04 * x * x + 5 * x + 140 - u0 + I);
    x += h * (0.04 * x * x + 5 * x + 140 - u0 + I);
    let y = u0 + dt * a * (b * x - u0);
    if (x >= vPeak) {
      spikes[m++] = i;
      x = c;
      y += d;
    }
    v[i] = x;
    u[i] = y;
  }
  return m;
}
