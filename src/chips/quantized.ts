// SPDX-License-Identifier: MIT
/** The quantised form of a network (what every chip's quantiser returns), and helpers they share. */
import type { LoihiWidths, SignMode } from './loihi/dense-lif.js';
import type { IfCurrExpParams } from './spinnaker/if-curr-exp.js';
import { denseWeights, type ProjectionIR } from '../ir/ir.js';
import type { LinearDynamics } from './dynamics.js';
import type { HardwareProfile } from './profile.js';

export interface LoihiProjectionQ {
  signMode: SignMode;
  weightExp: number;
  numWeightBits: number;
  /** Effective mantissas (after Lava's clip and truncation), row-major [post][pre]. */
  mantissas: Int32Array;
}

export interface SpinnakerProjectionQ {
  /** Left shift per synapse type into s16.15. */
  shiftExc: number;
  shiftInh: number;
  /** Signed integer weights (magnitude uint16, sign = synapse type), row-major [post][pre]. */
  ints: Int32Array;
}

export interface QuantizedProjection {
  name: string;
  pre: string;
  post: string;
  nPre: number;
  nPost: number;
  /** Columns of the stored matrices: nPre, plus one when the bias rides on an always-on input. */
  cols: number;
  biasColumn: boolean;
  delaySteps: number;
  /** Float weight represented by each stored integer: w ~ int * unit (mV). */
  unit: Float64Array | number;
  /** Quantised weights back in float units, [post][pre]. */
  dequantized: Float32Array;
  /** sqrt(sum (w - wq)^2 / sum w^2). */
  relRmsError: number;
  maxAbsError: number;
  loihi?: LoihiProjectionQ;
  spinnaker?: SpinnakerProjectionQ;
  approximate?: boolean;
}

export interface LoihiPopulationQ {
  du: number;
  dv: number;
  vth: number;
  biasMant: Int32Array;
  biasExp: number;
  /** Integer units per mV. */
  scale: number;
}

export interface QuantizedPopulation {
  name: string;
  model: string;
  dynamics: LinearDynamics;
  loihi?: LoihiPopulationQ;
  spinnaker?: { params: IfCurrExpParams; kappa: number };
  notes: string[];
}

export interface QuantizedNetwork {
  profile: string;
  format: HardwareProfile['weights']['format'];
  /** Loihi: the compartment widths read from the profile (the bit-accurate model uses them). */
  loihiWidths?: LoihiWidths;
  populations: QuantizedPopulation[];
  projections: QuantizedProjection[];
}

/**
 * Dense [post][pre (+1)] weights; a projection bias b (added to the synaptic current every step)
 * becomes one more input column driven by an always-on source, which is exact on every target.
 */
export function augmentedWeights(pr: ProjectionIR, nPre: number, nPost: number): { w: Float32Array; cols: number; biasColumn: boolean } {
  const d = denseWeights(pr, nPre, nPost);
  if (!pr.bias || !pr.bias.some((x) => x !== 0)) return { w: d, cols: nPre, biasColumn: false };
  const cols = nPre + 1;
  const w = new Float32Array(nPost * cols);
  for (let j = 0; j < nPost; j++) {
    w.set(d.subarray(j * nPre, (j + 1) * nPre), j * cols);
    w[j * cols + nPre] = pr.bias[j];
  }
  return { w, cols, biasColumn: true };
}

/** Relative RMS and largest absolute error of quantised weights q against w. */
export function quantError(w: Float32Array, q: Float32Array): { relRmsError: number; maxAbsError: number } {
  let num = 0;
  let den = 0;
  let max = 0;
  for (let k = 0; k < w.length; k++) {
    const d = w[k] - q[k];
    num += d * d;
    den += w[k] * w[k];
    max = Math.max(max, Math.abs(d));
  }
  return { relRmsError: den > 0 ? Math.sqrt(num / den) : 0, maxAbsError: max };
}

