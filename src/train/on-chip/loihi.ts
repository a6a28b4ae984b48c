// SPDX-License-Identifier: MIT
/**
 * Training inside Loihi's learning engine. Each hidden layer is a Lava LearningDense (integer
 * weights, 7-bit traces, tags) feeding Lava CUBA LIF compartments; a sample is T time steps with
 * t_epoch = 1, and every step runs the rules of `settings.rules`:
 *
 *   dt = -u0 * t * y3 + 2^e_e * u0 * x1 * y1          tag: cleared, then eligibility
 *   dw = 2^e_w * u0 * t * (y1 - 64) * y2              weight: tag x third factor, gated
 *        + 2^(e_w-1) * u0 * sgn(t) * y2              half a unit: the product's floor rounds to nearest
 *
 * x1: presynaptic trace; y1: the post neuron's graded surrogate of its membrane on every step but
 * the last, where it carries y1 = 64 - m_j, the third factor computed by the embedded x86 cores
 * from the layer's spike counts (FAUST: m_j = dL/dh_j, scaled and rounded to an integer); y2 = 32
 * on the last step where m_j != 0 (the gate: a neuron with m_j = 0 gets neither the product nor
 * its half unit); y3 = 32 on a sample's first step clears the tag exactly. Elsewhere y2 = y3 = 0,
 * so no weight moves there, and no negative y value is ever sent (Lava zeroes those for a neuron
 * that spiked in the epoch, §8).
 *
 * Counts of every operation are kept per layer so the run can report costs per learning sample.
 */
import type { LoihiOnChipSettings, OnChipState } from '../../chips/on-chip.js';
import { LoihiLayerBatch } from '../../chips/loihi/on-chip/dense-lif-batched.js';
import { closeSample, decayFactor, splitImpulse, THIRD_OFFSET, traceStep, TRACE_MAX, yPortValue } from '../../chips/loihi/on-chip/kernels.js';
import { ChipKernels } from '../../chips/loihi/on-chip/learning-wasm.js';
import { faustSignal } from '../../plasticity/faust.js';
import { encodeBatch, initModel, layerSizes, prototypeScores, unitRows, type ModelConfig } from '../../plasticity/model.js';
import type { Rng } from '../../sim/rng.js';
import { CLEAR_PULSE, compensationExp, GATE } from './settings.js';

/** Operation counts, summed over samples (divide by the sample count for per-sample figures). */
export interface OnChipCounts {
  samples: number;
  /** Forward synaptic events: input spikes x fan-out. */
  synapticOps: number;
  spikes: number;
  neuronUpdates: number;
  /** Presynaptic (x1) and postsynaptic (graded y1) trace updates. */
  traceUpdates: number;
  /** Synaptic-variable updates by the learning engine: every synapse in every learning epoch (u0 products). */
  synapseUpdates: number;
  /** Weights that actually changed. */
  weightChanges: number;
  /** Graded messages into the y ports per sample: m_j (y1) and its gate (y2) at the last step, the clear pulse (y3) at the first. */
  thirdFactorMessages: number;
  /** Spike counts read by the embedded cores. */
  countReads: number;
  /** Arithmetic operations of the embedded x86 cores (third factor, prototypes). */
  embeddedOps: number;
}

export function emptyCounts(): OnChipCounts {
  return { samples: 0, synapticOps: 0, spikes: 0, neuronUpdates: 0, traceUpdates: 0, synapseUpdates: 0, weightChanges: 0, thirdFactorMessages: 0, countReads: 0, embeddedOps: 0 };
}

/** Integer initial weights: the float trainer's initial weights on the chip's grid (same seed, same start). */
export function initOnChipState(config: ModelConfig, s: LoihiOnChipSettings, rng: Rng): OnChipState {
  const float = initModel(config, rng);
  const g = 2 ** (8 - s.weightBits);
  const weights = float.state.W.map((w) =>
    Int16Array.from(w, (x) => {
      const q = Math.round(x / s.weightUnit / g) * g;
      return Math.max(-256, Math.min(255 - (g - 1), q));
    }),
  );
  const biases = s.biasNeurons ? float.state.b.map((b) => new Int16Array(b.length)) : undefined;
  return { weights, ...(biases ? { biases } : {}), thirdFactorScale: weights.map(() => 0) };
}

/** Inputs each layer has beyond its predecessor's neurons: the bias neuron, if the run has them. */
export function extraRows(s: LoihiOnChipSettings): number {
  return s.biasNeurons ? 1 : 0;
}

/** The Dense matrices the chip holds: each layer's weights with its bias neuron's row appended (pre-major, so last). */
export function chipMatrices(state: OnChipState): Int16Array[] {
  const { weights, biases } = state;
  if (!biases) return weights;
  return weights.map((w, l) => {
    const m = new Int16Array(w.length + biases[l].length);
    m.set(w);
    m.set(biases[l], w.length);
    return m;
  });
}

/** Splits matrices of `chipMatrices` back into weights and bias rows (copies). */
export function fromChipMatrices(matrices: Int16Array[], sizes: number[], s: LoihiOnChipSettings): Pick<OnChipState, 'weights' | 'biases'> {
  const weights = matrices.map((m, l) => m.slice(0, sizes[l] * sizes[l + 1]));
  if (!s.biasNeurons) return { weights };
  return { weights, biases: matrices.map((m, l) => m.slice(sizes[l] * sizes[l + 1])) };
}

/** Input frames [B][nIn] with the always-on bias neuron appended to each sample ([B][nIn + 1]). */
function withBiasNeuron(frame: Uint8Array, B: number, nIn: number): Uint8Array {
  const out = new Uint8Array(B * (nIn + 1));
  for (let b = 0; b < B; b++) {
    out.set(frame.subarray(b * nIn, (b + 1) * nIn), b * (nIn + 1));
    out[b * (nIn + 1) + nIn] = 1;
  }
  return out;
}

/** Graded surrogate y1 of a membrane value (integer, 0..127). */
function surrogate(vPre: number, vthEff: number, beta: number): number {
  const d = Math.abs(vPre - vthEff) / vthEff;
  const p = 1 + beta * d;
  return Math.round(127 / (p * p));
}

export interface LayerPass {
  /** Spikes per step [T] x [B][nOut]. */
  spikes: Uint8Array[];
  /** Spike counts [B][nOut]. */
  h: Float32Array;
  /** Presynaptic traces after the last step, [B][nIn (+1 bias neuron)]. */
  x1: Uint8Array;
}

/**
 * Runs one layer over T steps for B samples (inference, or learning when `tag` is given: the
 * eligibility accumulates in the tags, the caller commits it). With a bias neuron (`bias` 1) the
 * layer has nIn + 1 inputs, the last spiking every step (also the step before the sample, so the
 * Dense delivers its row from the first step on, as the float bias) with its trace saturated.
 */
function runLayer(
  kernels: ChipKernels,
  l: number,
  input: Uint8Array[],
  B: number,
  nIn: number,
  nOut: number,
  s: LoihiOnChipSettings,
  psiBeta: number,
  counts: OnChipCounts,
  learn?: { touched: Uint8Array; rand: Float64Array[] },
): LayerPass {
  const T = input.length;
  const bias = extraRows(s);
  const nInA = nIn + bias;
  const frames = bias ? input.map((f) => withBiasNeuron(f, B, nIn)) : input;
  const layer = new LoihiLayerBatch(B, nIn, nOut, s.compartment);
  const vPre = new Float64Array(B * nOut);
  const vthEff = s.compartment.vth * 64;
  const h = new Float32Array(B * nOut);
  const spikes: Uint8Array[] = [];
  const zero = bias ? withBiasNeuron(new Uint8Array(B * nIn), B, nIn) : new Uint8Array(B * nIn);
  const x1 = new Uint8Array(B * nInA);
  if (bias) for (let b = 0; b < B; b++) x1[b * nInA + nIn] = TRACE_MAX;
  const y1 = new Uint8Array(B * nOut);
  const active = new Int32Array(nInA);
  const fx = decayFactor(s.x1.tau);
  const imp = splitImpulse(s.x1.impulse);
  const sExpE = s.eligibility.exp + 7;
  for (let t = 0; t < T; t++) {
    const out = new Uint8Array(B * nOut);
    const prev = t > 0 ? frames[t - 1] : zero;
    let inSpikes = 0;
    for (let k = 0; k < prev.length; k++) inSpikes += prev[k];
    counts.synapticOps += inSpikes * nOut;
    counts.neuronUpdates += B * nOut;
    const n = layer.integrate(kernels.dense(l, prev, B, nInA, nOut), out, vPre);
    counts.spikes += n;
    for (let k = 0; k < out.length; k++) h[k] += out[k];
    spikes.push(out);
    if (!learn) continue;
    const [rDecX, rImpX, rDecY, rW] = learn.rand;
    const last = t === T - 1;
    for (let b = 0; b < B; b++) {
      const r = b * T + t;
      // pre trace: decay, then this step's input spikes (the Dense received them this step)
      traceStep(x1, b * nInA, nInA, frames[t], b * nInA, fx, imp.int, imp.frac8, rDecX[r], Math.floor(rImpX[r] * 128));
      counts.traceUpdates += nInA + nOut;
      const o = b * nOut;
      for (let j = 0; j < nOut; j++) {
        y1[o + j] = last ? 0 : yPortValue(surrogate(vPre[o + j], vthEff, psiBeta), rDecY[r], out[o + j] !== 0);
      }
      if (last) continue;
      let na = 0;
      const xo = b * nInA;
      for (let i = 0; i < nInA; i++) {
        if (x1[xo + i] !== 0) {
          active[na++] = i;
          learn.touched[xo + i] = 1;
        }
      }
      kernels.eligibility(l, b * nInA * nOut, active, na, x1, xo, y1, o, nInA, nOut, s.eligibility.mant, sExpE, rW[r], s.rounding);
    }
    if (learn) counts.synapseUpdates += B * nInA * nOut;
  }
  return { spikes, h, x1 };
}

/** Per-layer training buffers: the kernels (holding weights and per-sample tags) and touched rows. */
export interface LearnBuffers {
  kernels: ChipKernels;
  touched: Uint8Array[];
}

/** Buffers for an epoch; the kernels take a copy of the chip's matrices (read them back with `fromChipMatrices`). */
export function learnBuffers(sizes: number[], B: number, state: OnChipState, s: LoihiOnChipSettings): LearnBuffers {
  const extra = extraRows(s);
  return { kernels: new ChipKernels(sizes, B, chipMatrices(state), true, extra), touched: sizes.slice(1).map((_, l) => new Uint8Array(B * (sizes[l] + extra))) };
}

/** x86 operations of the FAUST third factor of one sample of an n-neuron layer with C classes. */
export function faustEmbeddedOps(n: number, C: number): number {
  // norm 3n+1; similarities 2Cn; softmax ~5C; G = D P 2Cn; m 4n; scale + rounding 4n; prototype share 6n
  return (4 * C + 17) * n + 5 * C + 1;
}

/**
 * One batch of on-chip FAUST learning. Returns per layer the summed FAUST loss and the spike
 * counts of the last layers (for the training accuracy).
 */
export function learnBatch(
  config: ModelConfig,
  s: LoihiOnChipSettings,
  state: OnChipState,
  prototypes: Float32Array[],
  x: Float32Array,
  y: Uint8Array,
  B: number,
  buf: LearnBuffers,
  lrScale: number,
  rng: Rng,
  counts: OnChipCounts[],
): { loss: number[]; h: Float32Array[] } {
  const sizes = layerSizes(config);
  const T = config.steps;
  const frames = encodeBatch(config, x, B, sizes[0], rng.fork('encode'));
  let input: Uint8Array[] = frames.map((f) => Uint8Array.from(f));
  const loss: number[] = [];
  const hs: Float32Array[] = [];
  const g = 2 ** (8 - s.weightBits);
  const sExpW = s.learning.exp + 7;
  const compSExp = s.floorCompensation ? compensationExp(s.learning) + 7 : -1;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l];
    const nInA = nIn + extraRows(s);
    const nOut = sizes[l + 1];
    const c = counts[l];
    const lr = rng.fork(`layer-${l}`);
    const rand = [0, 1, 2, 3].map(() => Float64Array.from({ length: B * T }, () => lr.uniform()));
    const touched = buf.touched[l];
    touched.fill(0);
    const pass = runLayer(buf.kernels, l, input, B, nIn, nOut, s, config.psiBeta, c, { touched, rand });
    c.samples += B;
    // embedded cores: spike counts -> FAUST third factor
    const m = new Float32Array(B * nOut);
    loss.push(faustSignal(pass.h, y, { prototypes: prototypes[l] }, { B, nOut }, { temperature: config.temperature, positives: config.positives, protoMomentum: s.prototypeMomentum ?? config.protoMomentum, classes: config.classes }, m));
    c.countReads += B * nOut;
    c.embeddedOps += B * faustEmbeddedOps(nOut, config.classes);
    let batchMax = 0;
    const maxOf = new Float64Array(B);
    for (let b = 0; b < B; b++) {
      let mx = 0;
      for (let j = 0; j < nOut; j++) mx = Math.max(mx, Math.abs(m[b * nOut + j]));
      maxOf[b] = mx * B;
      batchMax += mx * B;
    }
    batchMax /= B;
    const prevScale = state.thirdFactorScale[l];
    state.thirdFactorScale[l] = prevScale === 0 ? batchMax : s.scaleMomentum * prevScale + (1 - s.scaleMomentum) * batchMax;
    const scale = state.thirdFactorScale[l] > 0 ? (s.thirdFactorMax * lrScale) / state.thirdFactorScale[l] : 0;
    const qr = rng.fork(`third-${l}`);
    const mRounding = s.thirdFactorRounding ?? s.rounding;
    const y2 = new Int32Array(B * nOut);
    const y1 = new Int32Array(B * nOut);
    const y1Bytes = new Uint8Array(B * nOut);
    const [, , rDecY, rW] = rand;
    const active = new Int32Array(nInA);
    const lastSpikes = pass.spikes[T - 1];
    for (let b = 0; b < B; b++) {
      const r = b * T + T - 1;
      const o = b * nOut;
      for (let j = 0; j < nOut; j++) {
        const v = m[o + j] * B * scale;
        let q = mRounding === 'nearest' ? Math.round(v) : Math.floor(v + qr.uniform());
        q = Math.max(-s.thirdFactorMax, Math.min(s.thirdFactorMax, q));
        const spiked = lastSpikes[o + j] !== 0;
        y2[o + j] = yPortValue(q !== 0 ? GATE : 0, rDecY[r], spiked);
        y1Bytes[o + j] = y1[o + j] = yPortValue(THIRD_OFFSET - q, rDecY[r], spiked);
      }
      c.thirdFactorMessages += 3 * nOut;
      let na = 0;
      for (let i = 0; i < nInA; i++) if (touched[b * nInA + i]) active[na++] = i;
      c.weightChanges += buf.kernels.commit(l, b * nInA * nOut, active, na, y2, y1, o, nOut, s.learning.mant, sExpW, rW[r], 'MIXED', g, s.rounding, compSExp);
      // the tags after the last step and the clear pulse y3 of the slot's next first step (after the port's decay)
      const pulse = yPortValue(CLEAR_PULSE, qr.uniform(), false);
      closeSample(buf.kernels.tags[l], b * nInA * nOut, nInA, nOut, pass.x1, b * nInA, y1Bytes, o, { mant: s.eligibility.mant, sExp: s.eligibility.exp + 7 }, rW[r], s.rounding, pulse);
      // a tag the clear pulse did not clear exactly (the y3 port rounded 32 to 31): the next
      // sample of this slot starts from it, as on the chip
    }
    hs.push(pass.h);
    input = pass.spikes;
  }
  return { loss, h: hs };
}

/** Spike counts of every layer for B samples (inference on the chip, no learning). */
export function inferBatch(config: ModelConfig, s: LoihiOnChipSettings, kernels: ChipKernels, x: Float32Array, B: number, rng: Rng, counts?: OnChipCounts[]): Float32Array[] {
  const sizes = layerSizes(config);
  let input: Uint8Array[] = encodeBatch(config, x, B, sizes[0], rng).map((f) => Uint8Array.from(f));
  const hs: Float32Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const c = counts?.[l] ?? emptyCounts();
    const pass = runLayer(kernels, l, input, B, sizes[l], sizes[l + 1], s, config.psiBeta, c);
    c.samples += B;
    hs.push(pass.h);
    input = pass.spikes;
  }
  return hs;
}

/** FAUST scores [B][classes] from the layers' spike counts and the prototypes. */
export function faustScores(config: ModelConfig, hs: Float32Array[], prototypes: Float32Array[], B: number): Float32Array {
  const sizes = layerSizes(config);
  const sc = new Float32Array(B * config.classes);
  hs.forEach((h, l) => prototypeScores(unitRows(h, B, sizes[l + 1]).z, B, sizes[l + 1], prototypes[l], config.classes, sc));
  return sc;
}
