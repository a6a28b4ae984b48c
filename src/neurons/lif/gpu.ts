// SPDX-License-Identifier: MIT
/**
 * GPU.js kernel bodies of the CUBA LIF step (same equations as float.ts). One step is:
 *   vNew  = lifIntegrateKernel(v, ge, gi, refr, iExt, c)     (uses ge, gi before decay)
 *   spike = thresholdKernel(vNew, refr, c[7])
 *   v     = resetKernel(vNew, spike, c[8])
 *   refr  = refractoryKernel(refr, spike, c[9])
 *   ge    = decayKernel(ge, c[3]);  gi = decayKernel(gi, c[4])
 * where c is lifCoefficients(p, dt) (layout LIF_C).
 */
import type { KernelThis } from '../spec.js';

/** Exact integration of v over one step; v is returned unchanged while refractory. */
export function lifIntegrateKernel(
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
  const vInf = c[5] + c[6] * iExt[i];
  return vInf + (v[i] - vInf) * c[0] + ge[i] * c[1] + gi[i] * c[2];
}
