// SPDX-License-Identifier: MIT
/**
 * On-chip STDP on Loihi 2: each hidden layer a LearningDense with a plain spike-timed rule string
 * (settings.rules.dw, parsed by rule.ts as Lava parses it), t_epoch 1, 7-bit x1 / y1 traces, on the
 * chip's Dense + CUBA LIF. Samples run one after the other (B = 1), so every step sees the weights
 * the previous step left, as on the chip; no label reaches the synapses. The readout is the float
 * STDP run's: class prototypes of the spike counts, kept by the embedded cores.
 */
import type { LoihiOnChipSettings } from '../../chips/on-chip.js';
import { LoihiLayerBatch } from '../../chips/loihi/on-chip/dense-lif-batched.js';
import { decayFactor, splitImpulse, traceStep } from '../../chips/loihi/on-chip/kernels.js';
import type { ChipKernels } from '../../chips/loihi/on-chip/learning-wasm.js';
import { spikeTimedStep, SPIKE_RULE_FACTORS } from '../../chips/loihi/on-chip/spike-learning.js';
import { compileProducts, type CompiledProduct } from '../../chips/loihi/learning/engine.js';
import { parseRules } from '../../chips/loihi/learning/rule.js';
import { ConfigError } from '../../errors.js';
import { updatePrototypes } from '../../plasticity/faust.js';
import { encodeBatch, layerSizes, type ModelConfig } from '../../plasticity/model.js';
import type { Rng } from '../../sim/rng.js';
import type { OnChipCounts } from './loihi.js';

/** The compiled weight rule, or one line saying why it cannot run as a spike-timed rule here. */
export function spikeTimedRule(dw: string): CompiledProduct[] {
  const parsed = parseRules({ dw });
  const products = compileProducts(parsed.dw!.products);
  for (const p of products) {
    if (p.dependency === 'u') throw new ConfigError(`on-chip STDP rule ${JSON.stringify(dw)}: every product must depend on x0 or y0 (a u term visits every synapse every step)`);
    for (const f of p.factors)
      if (!(SPIKE_RULE_FACTORS as readonly string[]).includes(f.v)) throw new ConfigError(`on-chip STDP rule ${JSON.stringify(dw)}: factor ${f.v} is not supported here (expected ${SPIKE_RULE_FACTORS.join(', ')})`);
  }
  return products;
}

/** One batch of on-chip STDP, sample after sample; returns the spike counts per layer [B][n]. */
export function learnStdpBatch(config: ModelConfig, s: LoihiOnChipSettings, prototypes: Float32Array[], x: Float32Array, y: Uint8Array, B: number, kernels: ChipKernels, rng: Rng, counts: OnChipCounts[]): Float32Array[] {
  const sizes = layerSizes(config);
  const T = config.steps;
  const products = spikeTimedRule(s.rules.dw);
  const post = s.y1 ?? s.x1;
  const fx = decayFactor(s.x1.tau);
  const fy = decayFactor(post.tau);
  const ix = splitImpulse(s.x1.impulse);
  const iy = splitImpulse(post.impulse);
  const hs = sizes.slice(1).map((n) => new Float32Array(B * n));
  for (let b = 0; b < B; b++) {
    const xr = rng.fork(`sample-${b}`);
    let input: Uint8Array[] = encodeBatch(config, x.subarray(b * sizes[0], (b + 1) * sizes[0]), 1, sizes[0], xr.fork('encode')).map((f) => Uint8Array.from(f));
    for (let l = 0; l + 1 < sizes.length; l++) {
      const nIn = sizes[l];
      const nOut = sizes[l + 1];
      const c = counts[l];
      const lr = xr.fork(`layer-${l}`);
      const layer = new LoihiLayerBatch(1, nIn, nOut, s.compartment);
      const vPre = new Float64Array(nOut);
      const x1 = new Uint8Array(nIn);
      const y1 = new Uint8Array(nOut);
      const zero = new Uint8Array(nIn);
      const w = kernels.weights[l];
      const out: Uint8Array[] = [];
      for (let t = 0; t < T; t++) {
        const spikes = new Uint8Array(nOut);
        const prev = t > 0 ? input[t - 1] : zero;
        let inSpikes = 0;
        for (let k = 0; k < nIn; k++) inSpikes += prev[k];
        c.synapticOps += inSpikes * nOut;
        c.neuronUpdates += nOut;
        c.spikes += layer.integrate(kernels.dense(l, prev, 1, nIn, nOut), spikes, vPre);
        for (let j = 0; j < nOut; j++) hs[l][b * nOut + j] += spikes[j];
        // traces: decay, then this step's spikes (one random of each kind per step, shared)
        traceStep(x1, 0, nIn, input[t], 0, fx, ix.int, ix.frac8, lr.uniform(), lr.int(128));
        traceStep(y1, 0, nOut, spikes, 0, fy, iy.int, iy.frac8, lr.uniform(), lr.int(128));
        c.traceUpdates += nIn + nOut;
        c.weightChanges += spikeTimedStep(products, w, nIn, nOut, input[t], 0, spikes, 0, x1, y1, lr.uniform());
        let nPost = 0;
        for (let j = 0; j < nOut; j++) nPost += spikes[j];
        let nPre = 0;
        for (let i = 0; i < nIn; i++) nPre += input[t][i];
        // synapses the engine visits with a nonzero dependency: spiking rows and columns
        c.synapseUpdates += nPre * nOut + nPost * nIn - nPre * nPost;
        out.push(spikes);
      }
      c.samples++;
      input = out;
    }
  }
  // embedded cores: class prototypes of the spike counts (the float STDP run's readout)
  hs.forEach((h, l) => {
    updatePrototypes(h, y, { prototypes: prototypes[l] }, B, sizes[l + 1], config.classes, config.protoMomentum);
    counts[l].countReads += B * sizes[l + 1];
    counts[l].embeddedOps += B * 6 * sizes[l + 1];
  });
  return hs;
}
