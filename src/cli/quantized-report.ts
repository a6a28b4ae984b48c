// SPDX-License-Identifier: MIT
/** The `evaluate --profile` section: quantised accuracy beside the float one, mapping and energy. */
import type { Dataset } from '../data/index.js';
import type { NetworkIR } from '../ir/ir.js';
import { measureCounts } from '../chips/counts.js';
import { mapNetwork } from '../chips/map.js';
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

export function quantizedReport(net: NetworkIR, profileName: string, data: Dataset, samples: number): QuantizedReport {
  if (!(net.dt > 0)) throw new ConfigError('evaluate --profile needs a spiking network (this checkpoint is a rate network)');
  const profile = loadProfile(profileName);
  const split = { ...data.test, dim: data.dim };
  const counts = measureCounts(net, { ...split, name: data.name }, { samples: Math.min(samples, 50), seed: 1 });
  const map = mapNetwork(net, profile, counts);
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

export function printQuantized(h: QuantizedReport): void {
  console.log(`quantised for ${h.profile} (${h.samples} samples, same encoded inputs):`);
  console.log(`  accuracy ${(100 * h.accuracy).toFixed(2)}% quantised vs ${(100 * h.float_accuracy).toFixed(2)}% float (agreement ${(100 * h.agreement).toFixed(1)}%)`);
  console.log(`  ${h.fits ? `fits: ${h.cores} cores on ${h.chips} chip(s)` : 'does NOT fit'}; energy per inference ${h.energy_uJ_per_inference === null ? 'unknown' : `${h.energy_uJ_per_inference.toPrecision(3)} uJ`}`);
  for (const n of h.notes) console.log(`  note: ${n}`);
}
