// SPDX-License-Identifier: MIT
/**
 * What a network trained inside a chip's own plasticity carries: the settings of the emulated
 * learning engine (stored in the run's config) and its integer state (stored in the checkpoint).
 * The arithmetic lives in the chip folders (loihi/on-chip/), the training loop in src/train/on-chip.
 */
import type { LoihiCompartment } from './loihi/on-chip/dense-lif-batched.js';
import type { Rounding } from './loihi/on-chip/kernels.js';

/** Chips `ffsnn train --on-chip` accepts, and the ones refused with their reason. */
export const ON_CHIP_CHIPS = ['loihi2', 'loihi', 'spinnaker', 'spinnaker2'] as const;
export type OnChipChip = (typeof ON_CHIP_CHIPS)[number];
export const NO_ON_CHIP_LEARNING: Record<string, string> = {
  truenorth: 'TrueNorth has no on-chip plasticity: its synapses are fixed binary crossbar entries with 4 axon types (weights are set off-chip)',
};

export type OnChipRule = 'faust' | 'ff' | 'stdp';

export interface OnChipSettings {
  chip: OnChipChip;
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
  /** Scale of the weight product dw = mant * 2^exp * u0 * t * (y2 - 64) * y3. */
  learning: { mant: number; exp: number };
  /**
   * Adds `2^(exp-1)*u0*sgn(t)*y3` to dw: half a unit of the dw product, so that the product's right
   * shift, which floors, rounds to nearest instead (absent in runs from before it existed: off).
   */
  floorCompensation?: boolean;
  /** Largest magnitude of the quantised third factor (y2 = 64 - m, so m in [-63, 63]). */
  thirdFactorMax: number;
  /** Running mean of the per-sample largest |dL/dh|, by which the embedded core scales m. */
  scaleMomentum: number;
  /** The rules as Lava rule strings (what a LearningDense would be given). */
  rules: { dw: string; dt: string; dd?: string };
  /** Every way this emulation departs from the chip (also written to config.json). */
  approximations: string[];
}

/** Integer state of an on-chip run: pre-major [nIn][nOut] weights, and the embedded cores' scale per layer. */
export interface OnChipState {
  weights: Int16Array[];
  thirdFactorScale: number[];
}
