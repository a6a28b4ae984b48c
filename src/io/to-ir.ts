// SPDX-License-Identifier: MIT
/**
 * Model -> NetworkIR: the self-contained description the mapper and exporters read from a
 * checkpoint, with the `encoding` and `readout` needed to re-simulate and score the network
 * without the training code.
 *
 * Populations: `input`, `h1`..`hL` (hidden), and `out` for BP. Weights are transposed from the
 * training layout [in][out] to the IR's [post][pre]. Spiking layers are `LIF` with vRest = vReset
 * = 0, tRef = 0 and one-step delivery (delaySteps 0: seen by the next update), matching training.
 * Rate FAUST/FF layers length-normalise their inputs (a = sqrt(n) y / ||y||); that step is not a
 * neuron model, so it is recorded in metadata.layerInputs for the IR simulator and exporters.
 */
import type { NetworkIR, PopulationIR, ProjectionIR, ReadoutIR } from '../ir/ir.js';
import { L2_LAYER_INPUTS } from '../ir/simulate.js';
import { transposeWeights } from '../sim/batched/ops.js';
import { layerSizes, normalisesInputs, type Model } from '../plasticity/model.js';
import { ruleSpec } from '../plasticity/rules.js';

export function populationNames(model: Model): string[] {
  const sizes = layerSizes(model.config);
  return sizes.map((_, l) => (l === 0 ? 'input' : model.config.rule === 'bp' && l === sizes.length - 1 ? 'out' : `h${l}`));
}

export function toIR(model: Model, name = 'ffsnn-model'): NetworkIR {
  const c = model.config;
  const sizes = layerSizes(c);
  const names = populationNames(model);
  const lif = c.neuron === 'lif';
  const populations: PopulationIR[] = sizes.map((size, l): PopulationIR => {
    if (l === 0) return { name: names[0], size, model: 'Input', params: {}, units: {} };
    if (!lif) return { name: names[l], size, model: 'ReLU', params: {}, units: {} };
    return {
      name: names[l],
      size,
      model: 'LIF',
      params: { tauMem: c.tauMem, tauSynE: c.tauSyn, tauSynI: c.tauSyn, vRest: 0, vReset: 0, vTh: c.vTh, tRef: 0, r: 0 },
      units: { tauMem: 'ms', tauSynE: 'ms', tauSynI: 'ms', vRest: 'mV', vReset: 'mV', vTh: 'mV', tRef: 'ms', r: 'MOhm' },
    };
  });
  const projections: ProjectionIR[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    projections.push({
      name: `${names[l]}->${names[l + 1]}`,
      pre: names[l],
      post: names[l + 1],
      receptor: 'mixed',
      delaySteps: 0,
      weights: { format: 'dense', weight: transposeWeights(model.state.W[l], sizes[l], sizes[l + 1]) },
      bias: Float32Array.from(model.state.b[l]),
    });
  }
  const hidden = names.slice(1, c.rule === 'bp' ? -1 : undefined);
  const activity = lif ? c.activity : 'rate';
  let readout: ReadoutIR;
  if (c.rule === 'faust' || c.rule === 'stdp') {
    readout = { kind: 'prototype-cosine', layers: hidden, classes: c.classes, prototypes: model.state.prototypes.map((p) => Float32Array.from(p)), activity };
  } else if (c.rule === 'ff') {
    readout = { kind: 'goodness', layers: hidden, classes: c.classes, activity };
  } else {
    readout = { kind: 'argmax', layers: [names[names.length - 1]], classes: c.classes, activity };
  }
  const spec = ruleSpec(c);
  return {
    format: 'ffsnn-ir',
    version: 1,
    name,
    dt: lif ? c.dt : 0,
    populations,
    projections,
    inputs: ['input'],
    outputs: readout.layers,
    learning: {
      rule: c.rule,
      reads: [...spec.reads],
      params:
        c.rule === 'faust'
          ? { temperature: c.temperature, positives: c.positives, protoMomentum: c.protoMomentum }
          : c.rule === 'ff'
            ? { theta: c.ffTheta }
            : {},
    },
    encoding: lif
      ? { kind: c.encoding, steps: c.steps, params: c.encoding === 'poisson' ? { rate: c.inputRate } : { window: c.steps } }
      : { kind: 'analog', steps: 1, params: {} },
    readout,
    metadata: {
      layerInputs: !lif && normalisesInputs(c) ? L2_LAYER_INPUTS : 'raw',
      inputScale: 'pixels in [0, 1]',
      // FF: the one-hot label overwrites inputs 0..classes-1 in each candidate pass
      ...(c.rule === 'ff' ? { labelOverlay: { inputs: c.classes, value: 1 }, goodness: 'mean of squared activity per layer' } : {}),
    },
  };
}
