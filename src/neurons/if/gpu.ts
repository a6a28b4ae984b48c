// SPDX-License-Identifier: MIT
/**
 * GPU.js kernel body of the IF step; the threshold, reset, refractory and decay kernels are the
 * shared ones in ../kernels.ts (applied as for LIF, with c = ifCoefficients(p, dt), layout IF_C:
 * vTh = c[5], vReset = c[6], refractory steps = c[7], decays c[3], c[4]).
 */
import type { KernelThis } from '../spec.js';

/** Exact integration of v over one step; v is returned unchanged while refractory. */
export function ifIntegrateKernel(
  this: KernelThis,
  v: number[],
  ge: number[],
  gi: number[],
  refr: number[],
  iExt: number[],
  c: number[],
): number {
  const i = this.thread.x;
  if (refr[i] > 0) return v[i];
  return v[i] + c[0] * iExt[i] + ge[i] * c[1] + gi[i] * c[2];
}
