// SPDX-License-Identifier: MIT
/**
 * TrueNorth (`truenorth-axon-types`): each post neuron gets `typesPerNeuron` signed 9-bit weights
 * (1-D k-means of its incoming weights); every synapse takes the nearest. The hardware further
 * requires an axon's type to be shared by all neurons of a core, which this does not enforce
 * (marked `approximate`).
 */
import type { NetworkIR, PopulationIR } from '../../ir/ir.js';
import { linearDynamics } from '../dynamics.js';
import type { HardwareProfile } from '../profile.js';
import { augmentedWeights, quantError, type QuantizedNetwork, type QuantizedPopulation, type QuantizedProjection } from '../quantized.js';

/** 1-D k-means (k levels) of the values, seeded by quantiles: deterministic. */
function levels(values: Float64Array, k: number): Float64Array {
  const sorted = Float64Array.from(values).sort();
  const c = Float64Array.from({ length: k }, (_, i) => sorted[Math.min(sorted.length - 1, Math.floor(((i + 0.5) / k) * sorted.length))]);
  for (let it = 0; it < 20; it++) {
    const sum = new Float64Array(k);
    const cnt = new Float64Array(k);
    for (const v of values) {
      let b = 0;
      for (let j = 1; j < k; j++) if (Math.abs(v - c[j]) < Math.abs(v - c[b])) b = j;
      sum[b] += v;
      cnt[b]++;
    }
    for (let j = 0; j < k; j++) if (cnt[j]) c[j] = sum[j] / cnt[j];
  }
  return c;
}

export function quantizeTrueNorth(net: NetworkIR, profile: HardwareProfile, pops: Map<string, PopulationIR>): QuantizedNetwork {
  const k = profile.weights.typesPerNeuron!.value;
  const wMax = 2 ** (profile.weights.mantBits!.value - 1) - 1;
  const qpops: QuantizedPopulation[] = [];
  const qprojs: QuantizedProjection[] = [];
  for (const pop of net.populations) {
    if (pop.model === 'Input') continue;
    const dyn = linearDynamics(pop, net.dt);
    qpops.push({ name: pop.name, model: pop.model, dynamics: dyn, notes: [...dyn.notes, 'axon types chosen per neuron; the per-core sharing of axon types is not enforced'] });
    for (const pr of net.projections.filter((p) => p.post === pop.name)) {
      const aug = augmentedWeights(pr, pops.get(pr.pre)!.size, pop.size);
      const w = aug.w;
      const nPre = aug.cols;
      const m = w.reduce((a, b) => Math.max(a, Math.abs(b)), 0) || 1;
      const unit = m / wMax;
      const dequantized = new Float32Array(w.length);
      for (let j = 0; j < pop.size; j++) {
        const row = Float64Array.from(w.subarray(j * nPre, (j + 1) * nPre));
        const lv = levels(row, k).map((x) => Math.round(x / unit) * unit);
        for (let i = 0; i < nPre; i++) {
          let b = lv[0];
          for (const l of lv) if (Math.abs(row[i] - l) < Math.abs(row[i] - b)) b = l;
          dequantized[j * nPre + i] = b;
        }
      }
      qprojs.push({
        name: pr.name, pre: pr.pre, post: pr.post, nPre: pops.get(pr.pre)!.size, nPost: pop.size, cols: nPre, biasColumn: aug.biasColumn,
        delaySteps: pr.delaySteps, unit, dequantized, ...quantError(w, dequantized), approximate: true,
      });
    }
  }
  return { profile: profile.name, format: profile.weights.format, populations: qpops, projections: qprojs };
}

