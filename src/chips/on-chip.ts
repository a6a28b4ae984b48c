// SPDX-License-Identifier: MIT
/**
 * What a network trained inside a chip's own plasticity carries: the settings of the emulated
 * learning engine (stored in the run's config) and its integer state (stored in the checkpoint).
 * The arithmetic lives in the chip folders (loihi/on-chip/), the training loop in src/train/on-chip.
 */
import type { LoihiCompartment } from './loihi/on-chip/dense-lif-batched.js';
import type { Rounding } from './loihi/on-chip/kernels.js';
import type { IfCurrExpParams } from './spinnaker/if-curr-exp.js';
import type { WeightRounding } from './spinnaker/three-factor.js';

/** Chips `ffsnn train --on-chip` accepts, and the ones refused with their reason. */
export const ON_CHIP_CHIPS = ['loihi2', 'loihi', 'spinnaker', 'spinnaker2'] as const;
export type OnChipChip = (typeof ON_CHIP_CHIPS)[number];
export const NO_ON_CHIP_LEARNING: Record<string, string> = {
  truenorth: 'TrueNorth has no on-chip plasticity: its synapses are fixed binary crossbar entries with 4 axon types (weights are set off-chip)',
};

export type OnChipRule = 'faust' | 'ff' | 'stdp';

/** Settings of a run trained on one chip or the other (told apart by `chip`). */
export type OnChipSettings = LoihiOnChipSettings | SpinnakerOnChipSettings;

export const isSpinnaker = (s: OnChipSettings): s is SpinnakerOnChipSettings => s.chip === 'spinnaker' || s.chip === 'spinnaker2';

export interface LoihiOnChipSettings {
  chip: 'loihi2' | 'loihi';
  rule: OnChipRule;
  /** Magnitude bits of a learned weight (plus sign): 8 = Lava's learned resolution; 6, 4 coarser grids. */
  weightBits: number;
  /** Rounding of synaptic variables in the engine ('nearest' is a what-if: Lava only rounds stochastically). */
  rounding: Rounding;
  /** Loihi compartment of every hidden layer (weight_exp 0, no bias). */
  compartment: LoihiCompartment;
  /** Float weight one integer weight unit stands for (for the IR, the mapper and exports). */
  weightUnit: number;
  /** Presynaptic trace x1: impulse (7-bit, fraction in 1/256) and decay time constant (steps). */
  x1: { impulse: number; tau: number };
  /** Postsynaptic trace y1 of a spike-timed rule (STDP); the three-factor rules use the y ports instead. */
  y1?: { impulse: number; tau: number };
  /** Scale of the eligibility product dt = mant * 2^exp * u0 * x1 * y1. */
  eligibility: { mant: number; exp: number };
  /** Scale of the weight product dw = mant * 2^exp * u0 * t * (y1 - 64) * y2. */
  learning: { mant: number; exp: number };
  /**
   * Adds `2^(exp-1)*u0*sgn(t)*y2` to dw (y3 in runs of the earlier protocol): half a unit of the dw product, so that the product's right
   * shift, which floors, rounds to nearest instead (absent in runs from before it existed: off).
   */
  floorCompensation?: boolean;
  /**
   * One always-on bias neuron per layer, its learned Dense row the layer's bias (the float trainer's
   * bias is a current added every step, which is what such a row delivers); absent in runs from
   * before it existed: no bias.
   */
  biasNeurons?: boolean;
  /** Largest magnitude of the quantised third factor (y1 = 64 - m, so m in [-63, 63]). */
  thirdFactorMax: number;
  /**
   * How the embedded cores round m to an integer (software, so either is the chip's); absent in runs
   * from before it existed: `rounding`.
   */
  thirdFactorRounding?: Rounding;
  /** Running mean of the per-sample largest |dL/dh|, by which the embedded core scales m. */
  scaleMomentum: number;
  /**
   * Momentum of the class prototypes the embedded cores average per batch (absent in runs from
   * before it existed: the run's protoMomentum).
   */
  prototypeMomentum?: number;
  /** The rules as Lava rule strings (what a LearningDense would be given). */
  rules: { dw: string; dt: string; dd?: string };
  /** Every way this emulation departs from the chip (also written to config.json). */
  approximations: string[];
}

/**
 * SpiNNaker (1 or 2): the forward pass in sPyNNaker's IF_curr_exp (s16.15), FAUST as a three-factor
 * rule run by the ARM cores (src/chips/spinnaker/three-factor.ts).
 */
export interface SpinnakerOnChipSettings {
  chip: 'spinnaker' | 'spinnaker2';
  rule: OnChipRule;
  /** Bits of a learned weight: 16 (sPyNNaker's synaptic word). */
  weightBits: number;
  /** How the ARM core rounds an updated weight (and the third factor) back to its integer format. */
  rounding: WeightRounding;
  /** The IF_curr_exp cell of every hidden layer (reproduces the float LIF's per-step dynamics). */
  cell: IfCurrExpParams;
  /** Left shift from the signed 16-bit weight to its s16.15 current (sPyNNaker's ring-buffer shift). */
  weightShift: number;
  /** Float weight one integer weight unit stands for: 2^(shift - 15). */
  weightUnit: number;
  /** Time constant (ms) of the s4.11 pre traces. */
  traceTau: number;
  /** Fractional bits of the int16 tags. */
  tagFracBits: number;
  /** Surrogate psi_j = 1 / (1 + beta |v - vth|)^2 in s4.11, read from a table indexed by |v - vth| >> lutShift (s16.15). */
  psi: { beta: number; lutShift: number; lutSize: number };
  /** Largest magnitude of the third factor m_j in s16.15 LSBs (the learning rate: w moves by at most this x tag). */
  thirdFactorMax: number;
  /** Running mean of the per-sample largest |dL/dh|, by which the core scales m. */
  scaleMomentum: number;
  /** The rule in words (what the ARM core computes per step and per sample). */
  rules: { dw: string; dt: string };
  approximations: string[];
}

/** Integer state of an on-chip run: pre-major [nIn][nOut] weights, and the embedded cores' scale per layer. */
export interface OnChipState {
  weights: Int16Array[];
  /** Learned weights of the bias neurons' rows, [nOut] per layer (runs with `biasNeurons`). */
  biases?: Int16Array[];
  thirdFactorScale: number[];
}

/** One term of an energy estimate: a count, its energy per event from the profile (null: no figure), and where that figure comes from. */
export interface EnergyTerm {
  term: string;
  count: number;
  pj_each: number | null;
  confidence: string;
  source: string;
}

/** Sums the terms with a figure (in uJ) and names those without one that occurred. */
export function energyOf(terms: EnergyTerm[]): { total_uj: number; terms: EnergyTerm[]; left_out: string[] } {
  let total = 0;
  const leftOut: string[] = [];
  for (const t of terms) {
    if (t.count === 0) continue;
    if (t.pj_each === null) leftOut.push(t.term);
    else total += t.count * t.pj_each;
  }
  return { total_uj: total / 1e6, terms, left_out: leftOut };
}
