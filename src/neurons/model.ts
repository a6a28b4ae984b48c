// SPDX-License-Identifier: MIT
/** The interface every neuron model implements (spec + float reference + GPU.js kernel bodies). */
import type { NeuronSpec, Params } from './spec.js';

/** Structure-of-arrays state of a population: one Float64Array per spec.state variable. */
export type NeuronState = Record<string, Float64Array>;

export interface NeuronModel {
  spec: NeuronSpec;
  /**
   * Per-step constants (exact propagators, thresholds, refractory steps) for validated params and
   * time step dt (ms). Layout documented per model; GPU kernels receive the same array.
   */
  coefficients(p: Params, dt: number): Float64Array;
  /**
   * The float64 reference step: advances `n` neurons one time step in place, writes the indices
   * that spiked into `spikes` (ascending) and returns how many. The event-driven engine runs it.
   */
  step(s: NeuronState, n: number, c: Float64Array, spikes: Uint32Array): number;
  /** GPU.js kernel bodies (GLSL-safe top-level functions), in the order one step applies them. */
  kernels: Record<string, (...args: never[]) => number>;
}
