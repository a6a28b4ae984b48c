// SPDX-License-Identifier: MIT
/**
 * GPU.js kernel bodies shared by the models (GLSL-safe subset: no closures, arrow functions or
 * bitwise operators). All work on flat arrays (B copies x N neurons) at index this.thread.x.
 */
import type { KernelThis } from './spec.js';

/** Exponential decay of a synaptic current or trace: g' = g * decay. */
export function decayKernel(this: KernelThis, g: number[], decay: number): number {
  return g[this.thread.x] * decay;
}

/** 1 when the integrated potential crossed (v > vTh) and the neuron was not refractory, else 0. */
export function thresholdKernel(this: KernelThis, vNew: number[], refr: number[], vTh: number): number {
  const i = this.thread.x;
  if (refr[i] <= 0 && vNew[i] > vTh) return 1;
  return 0;
}

/** v after reset: vReset where a spike was emitted. */
export function resetKernel(this: KernelThis, vNew: number[], spike: number[], vReset: number): number {
  const i = this.thread.x;
  if (spike[i] > 0) return vReset;
  return vNew[i];
}

/** Refractory counter: set to `steps` on a spike, else counts down to 0. */
export function refractoryKernel(this: KernelThis, refr: number[], spike: number[], steps: number): number {
  const i = this.thread.x;
  if (spike[i] > 0) return steps;
  if (refr[i] > 0) return refr[i] - 1;
  return 0;
}
