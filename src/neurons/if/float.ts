// SPDX-License-Identifier: MIT
/**
 * Float64 reference step of the IF neuron, exact for constant iExt over a step:
 *
 *   v'  = v + r * iExt * dt / tauMem
 *         + ge * tauSynE / tauMem * (1 - exp(-dt/tauSynE))
 *         + gi * tauSynI / tauMem * (1 - exp(-dt/tauSynI))
 *   ge' = ge * exp(-dt/tauSynE),   gi' = gi * exp(-dt/tauSynI)
 *
 * Threshold, reset and refractory counting exactly as in the LIF step.
 */
import type { NeuronState } from '../model.js';
import type { Params } from '../spec.js';
import { stepsOf } from '../spec.js';

/** Coefficient layout of ifCoefficients. */
export const IF_C = { ki: 0, ce: 1, ci: 2, de: 3, di: 4, vTh: 5, vReset: 6, refr: 7 } as const;

export function ifCoefficients(p: Params, dt: number): Float64Array {
  const c = new Float64Array(8);
  c[IF_C.ki] = (p.r * dt) / p.tauMem;
  c[IF_C.ce] = (p.tauSynE / p.tauMem) * -Math.expm1(-dt / p.tauSynE);
  c[IF_C.ci] = (p.tauSynI / p.tauMem) * -Math.expm1(-dt / p.tauSynI);
  c[IF_C.de] = Math.exp(-dt / p.tauSynE);
  c[IF_C.di] = Math.exp(-dt / p.tauSynI);
  c[IF_C.vTh] = p.vTh;
  c[IF_C.vReset] = p.vReset;
  c[IF_C.refr] = Math.max(stepsOf(p.tRef, dt) - 1, 0);
  return c;
}

export function ifFloatStep(s: NeuronState, n: number, c: Float64Array, spikes: Uint32Array): number {
  const { v, ge, gi, refr, iExt } = s;
  const ki = c[0], ce = c[1], ci = c[2], de = c[3], di = c[4], vTh = c[5], vReset = c[6], refSteps = c[7];
  let k = 0;
  for (let i = 0; i < n; i++) {
    const e = ge[i];
    const g = gi[i];
    ge[i] = e * de;
    gi[i] = g * di;
    if (refr[i] > 0) {
      refr[i]--;
      continue;
    }
    const x = v[i] + ki * iExt[i] + e * ce + g * ci;
    if (x > vTh) {
      spikes[k++] = i;
      v[i] = vReset;
      refr[i] = refSteps;
    } else {
      v[i] = x;
    }
  }
  return k;
}
