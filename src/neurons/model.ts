// SPDX-License-Identifier: MIT
/** The interface every neuron model implements (spec + float reference + GPU.js kernel bodies). */
import type { NeuronSpec, Params } from './spec.js';

/** A population stepped by a WebAssembly kernel (see lif/wasm.ts). */
export interface WasmPopulation {
  readonly kernel: string;
  /** Views into the module's memory, same keys as the model's state. */
  state: NeuronState;
  /** Spike list written by `step` (indices ascending). */
  spikes: Uint32Array;
  /**
   * Advances every neuron one step with the model's coefficients; returns the spike count.
   * `hasInput` false promises that the external input state is all zero (skips reading it).
   * The coefficients are copied in when `c` is a different array from the last call or after
   * `sync()`; pass a new array (or call sync) after changing them in place.
   */
  step(c: Float64Array, hasInput: boolean): number;
  /** Re-reads state written from outside (e.g. between runs) before the next step. */
  sync(): void;
}

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
  /**
   * Optional faster CPU path: allocates a population of n neurons whose state lives in
   * WebAssembly memory and whose step is bit-identical to `step`; null where unsupported.
   */
  createWasm?(n: number): WasmPopulation | null;
  /** GPU.js kernel bodies (GLSL-safe top-level functions), in the order one step applies them. */
  kernels: Record<string, (...args: never[]) => number>;
}
