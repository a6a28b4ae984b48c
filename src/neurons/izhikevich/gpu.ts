// SPDX-License-Identifier: MIT
/**
 * GPU.js kernel bodies of the Izhikevich step (same scheme as float.ts). With k =
 * izhikevichCoefficients(p, dt) (layout IZH_C), one step is:
 *   vNew  = izhVoltageKernel(v, u, ge, gi, iExt, k)
 *   uNew  = izhRecoveryKernel(vNew, u, k)
 *   spike = izhSpikeKernel(vNew, k[3])
 *   v     = resetKernel(vNew, spike, k[4]);   u = izhRecoveryResetKernel(uNew, spike, k[5])
 *   ge    = decayKernel(ge, k[6]);             gi = decayKernel(gi, k[7])
 */
import type { KernelThis } from '../spec.js';

/** v after two forward-Euler half steps (before the spike reset). */
export function izhVoltageKernel(
  this: KernelThis,
  v: number[],
  u: number[],
  ge: number[],
  gi: number[],
  iExt: number[],
  k: number[],
): number {
  const i = this.thread.x;
  const h = k[0] / 2;
  const I = iExt[i] + ge[i] + gi[i];
  let x = v[i];
  x = x + h * (0.04 * x * x + 5 * x + 140 - u[i] + I);
  x = x + h * (0.04 * x * x + 5 * x + 140 - u[i] + I);
  return x;
}

/** u after one forward-Euler step using the new v (before the spike jump). */
export function izhRecoveryKernel(this: KernelThis, vNew: number[], u: number[], k: number[]): number {
  const i = this.thread.x;
  return u[i] + k[0] * k[1] * (k[2] * vNew[i] - u[i]);
}

/** 1 when v reached the peak, else 0. */
export function izhSpikeKernel(this: KernelThis, vNew: number[], vPeak: number): number {
  if (vNew[this.thread.x] >= vPeak) return 1;
  return 0;
}

/** u + d where a spike was emitted. */
export function izhRecoveryResetKernel(this: KernelThis, uNew: number[], spike: number[], d: number): number {
  const i = this.thread.x;
  if (spike[i] > 0) return uNew[i] + d;
  return uNew[i];
}
