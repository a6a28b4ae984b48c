// SPDX-License-Identifier: MIT
/**
 * The one intermediate representation (IR) of a network, shared by checkpoints, the mapper, every
 * exporter and the importer. Plain objects and typed arrays only, so msgpackr serialises it as is.
 *
 * Conventions (chosen once, here):
 * - time in milliseconds, voltages in mV, currents as "voltage-equivalent" (R*I, mV) unless a
 *   model's `units` say otherwise; units of every parameter are listed in `units`.
 * - dense weights are row-major [post][pre] (NIR / PyTorch `(out, in)` order).
 * - CSR projections are indexed by the PRE-synaptic neuron (row = pre, col = post), the order in
 *   which an event-driven simulator delivers spikes.
 */

/** Model ids, PascalCase (shared with the registry, profiles and exporters). */
export type ModelName = 'Input' | 'LIF' | 'IF' | 'Izhikevich' | 'ReLU' | 'LoihiLIF' | 'CubaLIF';

/**
 * `CubaLIF` is NIR's current-based LIF read the way NIR's exporters (snnTorch, Norse) step it:
 * forward Euler, one spike = one unit of input in its step. Params (per neuron or shared):
 * tauSyn (ms, 0 = no synaptic filter), tauMem (ms, 0 = no leak), r, vLeak, vTh, vReset, wIn,
 * spiking (shared; 1 = threshold and reset, 0 = sends v itself, an analog value, every step),
 * memoryless (shared; 1 = v restarts from 0 each step). With input x (weighted spikes + bias):
 *   I <- I + dt/tauSyn * (-I + wIn * x)      (I <- x when tauSyn = 0)
 *   v <- v + dt/tauMem * (vLeak - v + r * I)  (v <- v + r * I when tauMem = 0)
 *   spike when spiking and v > vTh; then v <- vReset.
 * It covers NIR's LIF, CubaLIF, IF, I, LI, CubaLI and Threshold nodes (see src/export/nir/).
 */

export interface PopulationIR {
  name: string;
  size: number;
  model: ModelName;
  /** Scalar (shared) or per-neuron parameter values. */
  params: Record<string, number | number[]>;
  /** Unit of each parameter key, e.g. { tauMem: 'ms', vTh: 'mV' }. */
  units: Record<string, string>;
}

export interface DenseWeights {
  format: 'dense';
  /** Row-major [post][pre]. */
  weight: Float32Array;
}

export interface CsrWeights {
  format: 'csr';
  /** rowPtr[pre]..rowPtr[pre+1] index the synapses of presynaptic neuron `pre`. */
  rowPtr: Uint32Array;
  col: Uint32Array;
  weight: Float32Array;
  /** Integer delay in time steps per synapse; absent means every delay is `delaySteps`. */
  delay?: Uint16Array;
}

export interface ProjectionIR {
  name: string;
  pre: string;
  post: string;
  /** Which synaptic current of the post population it drives. */
  receptor: 'exc' | 'inh' | 'mixed';
  /** Uniform delay in time steps, used when the weights carry no per-synapse delay. */
  delaySteps: number;
  weights: DenseWeights | CsrWeights;
  /** Optional per-post bias added to the input current (Affine in NIR). */
  bias?: Float32Array;
}

export interface LearningIR {
  rule: string;
  /** Signals the rule reads, from the closed vocabulary of src/plasticity/signals.ts. */
  reads: string[];
  params: Record<string, number | string | boolean>;
}

/** How input samples become spikes (or currents) for a spiking network. */
export interface EncodingIR {
  kind: 'poisson' | 'latency' | 'current' | 'analog';
  /** Time steps per sample presentation. */
  steps: number;
  /** Poisson: spike probability per step for a pixel of intensity 1; latency: window in steps. */
  params: Record<string, number>;
}

/**
 * How the network's output is read. `prototype-cosine` (FAUST): score_c = sum over the listed layers of
 * cos(z_l(x), prototypes[l][c]); `goodness` (FF): one pass per candidate label overlaid on the input,
 * score_c = summed goodness; `argmax`: the output population's activity (BP).
 */
export interface ReadoutIR {
  kind: 'prototype-cosine' | 'goodness' | 'argmax';
  /** Populations whose activity enters the score. */
  layers: string[];
  classes: number;
  /** prototype-cosine: prototypes[l] is row-major [classes][size of layers[l]], unit length rows. */
  prototypes?: Float32Array[];
  /** Activity used as the layer output: spike counts, filtered traces, or analog rates. */
  activity: 'spike-count' | 'trace' | 'rate';
}

export interface NetworkIR {
  format: 'ffsnn-ir';
  version: 1;
  name: string;
  /** Simulation step in ms (0 for rate networks without time). */
  dt: number;
  populations: PopulationIR[];
  /** In topological order of the feed-forward path; recurrent projections may follow. */
  projections: ProjectionIR[];
  inputs: string[];
  outputs: string[];
  learning?: LearningIR;
  encoding?: EncodingIR;
  readout?: ReadoutIR;
  metadata: Record<string, unknown>;
}

/** Dense (post, pre) weights of a projection. */
export function denseWeights(pr: ProjectionIR, nPre: number, nPost: number): Float32Array {
  const w = pr.weights;
  if (w.format === 'dense') return w.weight;
  const out = new Float32Array(nPre * nPost);
  for (let i = 0; i < nPre; i++) for (let s = w.rowPtr[i]; s < w.rowPtr[i + 1]; s++) out[w.col[s] * nPre + i] += w.weight[s];
  return out;
}
