// SPDX-License-Identifier: MIT
/**
 * A checkpoint's network on a hardware profile: accuracy of the chip-quantised network (bit-accurate
 * simulation) beside the float one on the same encoded inputs, cores, chips and energy per inference.
 * Used by `evaluate --profile` and the claims scorecard.
 */
import type { Dataset } from '../data/index.js';
import type { NetworkIR } from '../ir/ir.js';
import { measureCounts } from '../chips/counts.js';
import { mapNetwork, type InferenceCounts } from '../chips/map.js';
import { loadProfile } from '../chips/profile.js';
import { evaluateQuantized } from '../chips/evaluate.js';
import { quantizeNetwork } from '../chips/quantize.js';
import { ConfigError } from '../errors.js';

export interface QuantizedReport {
  profile: string;
  samples: number;
  /** Accuracy of the quantised network simulated with the chip's bit-accurate model. */
  accuracy: number;
  /** Accuracy of the float network on the same samples and encoded inputs (IR simulator). */
  float_accuracy: number;
  agreement: number;
  fits: boolean;
  cores: number;
  chips: number;
  energy_uJ_per_inference: number | null;
  notes: string[];
}

/** `counts`: spike counts per inference measured beforehand (default: measured here on 50 samples). */
export function quantizedReport(net: NetworkIR, profileName: string, data: Dataset, samples: number, counts?: InferenceCounts): QuantizedReport {
  if (!(net.dt > 0)) throw new ConfigError('evaluate --profile needs a spiking network (this checkpoint is a rate network)');
  const profile = loadProfile(profileName);
  const split = { ...data.test, dim: data.dim };
  const map = mapNetwork(net, profile, counts ?? measureCounts(net, { ...split, name: data.name }, { samples: Math.min(samples, 50), seed: 1 }));
  const q = quantizeNetwork(net, profile);
  const r = evaluateQuantized(net, profile, split, { samples, seed: 1, quantized: q });
  return {
    profile: profile.name,
    samples: r.samples,
    accuracy: r.quantizedAccuracy,
    float_accuracy: r.floatAccuracy,
    agreement: r.agreement,
    fits: map.fits,
    cores: map.cores,
    chips: map.chips,
    energy_uJ_per_inference: map.energy?.microjoules ?? null,
    notes: map.fits ? map.notes : [map.refused!.message],
  };
}

