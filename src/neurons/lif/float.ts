// SPDX-License-Identifier: MIT
/**
 * Float64 reference step of the CUBA LIF neuron, exact for piecewise-constant input over a step
 * (Rotter & Diesmann 1999; identical to Brian2's `method='exact'` for CUBA.py). With
 * vInf = vRest + r * iExt:
 *
 *   v'  = vInf + (v - vInf) * exp(-dt/tauMem)
 *         + ge * tauSynE / (tauSynE - tauMem) * (exp(-dt/tauSynE) - exp(-dt/tauMem))
 *         + gi * tauSynI / (tauSynI - tauMem) * (exp(-dt/tauSynI) - exp(-dt/tauMem))
 *   ge' = ge * exp(-dt/tauSynE),   gi' = gi * exp(-dt/tauSynI)
 *
 * (when tauSyn = tauMem the ge coefficient is its limit dt/tau * exp(-dt/tau)).
 * Refractoriness follows Brian2: a neuron that spiked in step s is held in steps s+1 .. s+R-1,
 * R = floor(tRef/dt), and integrates again from step s+R.
 */
import type { NeuronState } from '../model.js';
import type { Params } from '../spec.js';
import { stepsOf } from '../spec.js';

/** Coefficient layout: indices into the array returned by lifCoefficients (also used by gpu.ts). */
export const LIF_C = { dm: 0, ce: 1, ci: 2, de: 3, di: 4, vRest: 5, r: 6, vTh: 7, vReset: 8, refr: 9 } as const;

/** Coefficient of a synaptic current in v' (exact solution), with the equal-tau limit. */
export function synapticPropagator(tauSyn: number, tauMem: number, dt: number): number {
  if (Math.abs(tauSyn - tauMem) < 1e-9 * tauMem) return (dt / tauMem) * Math.exp(-dt / tauMem);
  return (tauSyn / (tauSyn - tauMem)) * (Math.exp(-dt / tauSyn) - Math.exp(-dt / tauMem));
}

export function lifCoefficients(p: Params, dt: number): Float64Array {
  const c = new Float64Array(10);
  c[LIF_C.dm] = Math.exp(-dt / p.tauMem);
  c[LIF_C.ce] = synapticPropagator(p.tauSynE, p.tauMem, dt);
  c[LIF_C.ci] = synapticPropagator(p.tauSynI, p.tauMem, dt);
  c[LIF_C.de] = Math.exp(-dt / p.tauSynE);
  c[LIF_C.di] = Math.exp(-dt / p.tauSynI);
  c[LIF_C.vRest] = p.vRest;
  c[LIF_C.r] = p.r;
  c[LIF_C.vTh] = p.vTh;
  c[LIF_C.vReset] = p.vReset;
  c[LIF_C.refr] = Math.max(stepsOf(p.tRef, dt) - 1, 0);
  return c;
}

export function lifFloatStep(s: NeuronState, n: number, c: Float64Array, spikes: Uint32Array): number {
  const { v, ge, gi, refr, iExt } = s;
  const dm = c[0], ce = c[1], ci = c[2], de = c[3], di = c[4];
  const vRest = c[5], r = c[6], vTh = c[7], vReset = c[8], refSteps = c[9];
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
    const vInf = vRest + r * iExt[i];
    const x = vInf + (v[i] - vInf) * dm + e * ce + g * ci;
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
