// SPDX-License-Identifier: MIT
/**
 * Rule dispatch: builds each layer's SignalContext from a forward pass and calls the rule's
 * update. The contexts are the ONLY way data reaches a rule; pass a ReadRecorder to audit them.
 */
import { ConfigError } from '../errors.js';
import type { BatchedOps } from '../sim/batched/ops.js';
import { bpLifUpdate, bpRateUpdate, bpLifSpec, bpRateSpec } from './bp.js';
import { faustLifSpec, faustLifUpdate, faustRateSpec, faustRateUpdate, type FaustParams } from './faust.js';
import { ffLifSpec, ffLifUpdate, ffRateSpec, ffRateUpdate, goodness } from './ff.js';
import { activityWeights, layerSizes, lifConstantsOf, type LifLayerRecord, type Model, type ModelConfig, type RateLayerRecord } from './model.js';
import type { ReadRecorder, RuleSpec, SignalContext } from './signals.js';
import { stdpSpec, stdpUpdate } from './stdp.js';
import type { Grad, Kernel } from './three-factor.js';

export function ruleSpec(c: Pick<ModelConfig, 'rule' | 'neuron'>): RuleSpec {
  const lif = c.neuron === 'lif';
  switch (c.rule) {
    case 'faust':
      return lif ? faustLifSpec : faustRateSpec;
    case 'ff':
      return lif ? ffLifSpec : ffRateSpec;
    case 'bp':
      return lif ? bpLifSpec : bpRateSpec;
    case 'stdp':
      if (!lif) throw new ConfigError("rule 'stdp' needs spiking neurons (--neuron lif)");
      return stdpSpec;
  }
}

/** One training batch after its forward pass. */
export interface BatchRecord {
  B: number;
  y: Uint8Array;
  /** FF: +1 positive, -1 negative sample. */
  phase?: Int8Array;
  rate?: RateLayerRecord[];
  lif?: LifLayerRecord[];
}

/** The synaptic kernel of the three-factor eligibility: the simulation's own LIF propagator constants. */
export function kernelOf(c: ModelConfig): Kernel {
  const k = lifConstantsOf(c);
  return { aMem: k.aMem, aSyn: k.aExc, kSyn: k.kExc, w: activityWeights(c) };
}

function faustParams(c: ModelConfig): FaustParams {
  return { temperature: c.temperature, positives: c.positives, protoMomentum: c.protoMomentum, classes: c.classes };
}

/**
 * Runs the rule on every layer of `batch`, adding the gradients to `grads` (one per projection).
 * Returns the loss of each layer (BP: one loss, the network's).
 */
export function applyRule(model: Model, batch: BatchRecord, grads: Grad[], ops: BatchedOps, recorder?: ReadRecorder): number[] {
  const c = model.config;
  const sizes = layerSizes(c);
  const { B } = batch;
  const T = c.neuron === 'lif' ? c.steps : 1;
  const wrap = (ctx: SignalContext) => (recorder ? recorder.wrap(ctx) : ctx);
  if (c.rule === 'bp') {
    const ctx: SignalContext =
      c.neuron === 'rate'
        ? { 'other.layers': batch.rate, 'syn.w.transposed': model.state.W, 'global.label': batch.y }
        : { 'other.layers': batch.lif, 'syn.w.transposed': model.state.W, 'global.label': batch.y };
    const shapes = sizes.slice(0, -1).map((nIn, l) => ({ B, nIn, nOut: sizes[l + 1], T }));
    return [c.neuron === 'rate' ? bpRateUpdate(wrap(ctx), shapes, grads, ops) : bpLifUpdate(wrap(ctx), shapes, kernelOf(c), grads, ops)];
  }
  const losses: number[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const sh = { B, nIn: sizes[l], nOut: sizes[l + 1], T };
    let ctx: SignalContext;
    if (c.neuron === 'rate') {
      const r = batch.rate![l];
      ctx = { 'pre.trace': r.a, 'post.v': r.u, 'post.trace': r.h, 'global.label': batch.y, 'global.phase': batch.phase };
    } else {
      const r = batch.lif![l];
      ctx = {
        'pre.spike': r.inSpikes,
        'post.spike': r.spikes,
        'post.v': r.psi,
        'post.trace': r.h,
        'syn.w': model.state.W[l],
        'global.label': batch.y,
        'global.phase': batch.phase,
      };
    }
    if (c.rule === 'faust') {
      const full = { ...ctx, 'layer.local': { prototypes: model.state.prototypes[l] } };
      const p = faustParams(c);
      losses.push(c.neuron === 'rate' ? faustRateUpdate(wrap(full), sh, p, grads[l], ops) : faustLifUpdate(wrap(full), sh, p, kernelOf(c), grads[l], ops));
    } else if (c.rule === 'ff') {
      const h = (c.neuron === 'rate' ? batch.rate![l].h : batch.lif![l].h) as Float32Array;
      const full = { ...ctx, 'layer.local': { goodness: goodness(h, B, sh.nOut, new Float64Array(B)) } };
      losses.push(c.neuron === 'rate' ? ffRateUpdate(wrap(full), sh, c.ffTheta, grads[l], ops) : ffLifUpdate(wrap(full), sh, c.ffTheta, kernelOf(c), grads[l], ops));
    } else {
      losses.push(stdpUpdate(wrap(ctx), sh, kernelOf(c), grads[l], ops));
    }
  }
  return losses;
}
