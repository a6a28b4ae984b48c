// SPDX-License-Identifier: MIT
/**
 * Training on SpiNNaker's ARM cores. Each hidden layer is a population of sPyNNaker IF_curr_exp
 * neurons in s16.15 (src/chips/spinnaker/if-curr-exp.ts) fed by signed 16-bit weights through the
 * ring buffer (w << shift, positive weights on the excitatory, negative on the inhibitory input);
 * FAUST is a three-factor rule run in software by the core that holds the post neurons
 * (src/chips/spinnaker/three-factor.ts):
 *
 *   every step t:  x_i <- x_i decay + 1 on a pre spike (int16 s4.11)
 *                  psi_j = LUT[|v_j - vth| >> lutShift] (int16 s4.11, the surrogate of the membrane)
 *                  tag_ij += (x_i psi_j) >> (22 - tagFracBits)        for every row with x_i != 0
 *   per sample:    m_j = -q_j (s16.15), q_j the FAUST gradient dL/dh_j scaled and rounded to |q_j| <= thirdFactorMax
 *                  w_ij <- round16((w_ij << shift) + m_j tag_ij), tag_ij <- 0
 *
 * Where m_j is computed: SpiNNaker has no separate processor, so one ARM core per layer (the
 * "third-factor core") listens to the layer's spikes (the multicast packets every spike sends
 * anyway), keeps the counts h_j, computes m_j at the end of the sample and sends it back to the
 * cores holding the neurons as one payload packet per neuron. Its instructions are counted (soft
 * float on SpiNNaker 1's ARM968, which has no FPU; one instruction per float op on SpiNNaker 2's
 * Cortex-M4F).
 */
import { energyOf, type OnChipState, type SpinnakerOnChipSettings } from '../../chips/on-chip.js';
import { IfCurrExpFixed, type IfCurrExpParams } from '../../chips/spinnaker/if-curr-exp.js';
import { SpinnakerThreeFactor, stepTraces, toFixed16, type WeightRounding } from '../../chips/spinnaker/three-factor.js';
import { expDecayLut } from '../../chips/spinnaker/stdp-maths.js';
import { armEnergy, threeFactorWork, type ArmWork } from '../../chips/spinnaker/cost.js';
import { learningOf, type HardwareProfile } from '../../chips/profile.js';
import { ConfigError } from '../../errors.js';
import type { RunConfig } from '../../io/run-config.js';
import { faustSignal } from '../../plasticity/faust.js';
import { encodeBatch, initModel, layerSizes, lifConstantsOf, type ModelConfig } from '../../plasticity/model.js';
import type { Rng } from '../../sim/rng.js';
import { faustEmbeddedOps } from './loihi.js';

/** Operation counts, summed over samples (divide by the sample count for per-sample figures). */
export interface SpinnakerCounts {
  samples: number;
  /** Forward synaptic events: input spikes x fan-out. */
  synapticOps: number;
  spikes: number;
  neuronUpdates: number;
  /** Pre-trace (s4.11) and surrogate (psi) updates. */
  traceUpdates: number;
  /** Rows (pre neurons with a non-zero trace) the tag loop visits, per step, summed. */
  tagRows: number;
  /** Synapse tag updates (every synapse of a visited row, every step). */
  tagUpdates: number;
  /** Sum over samples of the largest tag-update count of one step (for the real-time check). */
  peakStepTagUpdates: number;
  /** Synapses whose weight the per-sample apply rewrote (non-zero tag). */
  weightUpdates: number;
  /** Float operations of the third-factor core (FAUST m_j and prototype share). */
  thirdFactorFlops: number;
  /** Packets carrying m_j from the third-factor core to the neurons' cores. */
  thirdFactorPackets: number;
}

export function emptySpinnakerCounts(): SpinnakerCounts {
  return { samples: 0, synapticOps: 0, spikes: 0, neuronUpdates: 0, traceUpdates: 0, tagRows: 0, tagUpdates: 0, peakStepTagUpdates: 0, weightUpdates: 0, thirdFactorFlops: 0, thirdFactorPackets: 0 };
}

/** Ring-buffer shift of the learned weights: w (int16) << 1 in s16.15, so |w_float| < 2 with step 2^-14. */
const WEIGHT_SHIFT = 1;

/**
 * The IF_curr_exp cell reproducing the float LIF (i += W s; v = aMem v + kExc i; i *= aExc; reset to
 * 0) with weights in float units as nA: tau_m = tauMem, tau_syn = tauSyn, and R chosen so that
 * (1 - e^(-ts/tau_m)) R init = kExc (then v is the float membrane, threshold vTh).
 */
export function spinnakerCellOf(c: ModelConfig & { tauMem: number; tauSyn: number; vTh: number; dt: number }): IfCurrExpParams {
  const k = lifConstantsOf(c as RunConfig);
  const init = (c.tauSyn / c.dt) * (1 - k.aExc);
  const R = k.kExc / ((1 - k.aMem) * init);
  return { tau_m: c.tauMem, cm: c.tauMem / R, v_rest: 0, v_reset: 0, v_thresh: c.vTh, tau_refrac: 0, tau_syn_E: c.tauSyn, tau_syn_I: c.tauSyn, i_offset: 0, ts: c.dt };
}

export function spinnakerSettings(c: RunConfig, chip: 'spinnaker' | 'spinnaker2', rule: 'faust', bits: number | undefined, roundingFlag: string | undefined): SpinnakerOnChipSettings {
  if (bits !== undefined && bits !== 16) throw new ConfigError(`--weight-bits ${bits} is not supported on ${chip} (its synaptic word holds a 16-bit weight: expected 16)`);
  const rounding = (roundingFlag ?? 'stochastic') as WeightRounding;
  if (!['floor', 'nearest', 'stochastic'].includes(rounding)) throw new ConfigError(`--rounding ${JSON.stringify(roundingFlag)} is invalid on ${chip} (expected stochastic, nearest or floor)`);
  if (c.dt !== 1) throw new ConfigError(`--on-chip ${chip}: the run's dt is ${c.dt} ms; sPyNNaker's real-time tick here is 1 ms (expected dt 1)`);
  const approximations = [
    "forward pass: sPyNNaker IF_curr_exp in s16.15 (src/chips/spinnaker/if-curr-exp.ts), tau_m = tauMem, tau_syn = tauSyn, R chosen so the membrane equals the float LIF's; threshold test v >= vth (float: v > vTh); state reset between samples; one-step synaptic delay",
    `weights: signed 16-bit words, w << ${WEIGHT_SHIFT} in s16.15 (float step 2^-14, |w| < 2); positive weights drive the excitatory and negative the inhibitory input of the same neuron (sPyNNaker keeps one synapse type per synapse: a weight that changes sign would move between synaptic matrices)`,
    `batching: ${c.batch} samples run side by side on the weights of the start of their batch; each sample's update is then applied in turn (on the chip every sample would see all earlier updates)`,
    'eligibility: int16 s4.11 pre traces (decay from the LUT factor sPyNNaker\'s pair rule uses, tau = tauMem) times psi_j, the surrogate 1 / (1 + psiBeta |v - vth|)^2 of the membrane before reset, read from a 1024-entry s4.11 table (0 beyond it); tag += (x psi) >> 14 into int16 s7.8 tags, every step, for every row whose trace is non-zero',
    'third factor: FAUST dL/dh_j computed in float by one ARM core per layer from the spike counts (soft float on SpiNNaker 1), scaled by a running mean of its per-sample largest magnitude, rounded to an integer q in [-15, 15] and sent as m_j = -q (s16.15) in one payload packet per neuron, at the sample\'s end (the packets\' latency is not modelled)',
    `weight update: w = round16((w << ${WEIGHT_SHIFT}) + m_j tag) with ${rounding} rounding${rounding === 'stochastic' ? ' (random bits from ffsnn\'s seeded RNG; on the chip a software KISS generator)' : ''}, saturated; tags cleared`,
    'FAUST prototypes: kept in float by the third-factor core, updated once per batch as in the float trainer',
    'no biases are learned (the float trainer learns one per neuron)',
    'ARM cost: the hand count of src/chips/spinnaker/cost.ts (confidence assumed); per-row overheads charged once per core a row is split over (256 neurons per core); the forward pass charged 12 cycles per synaptic event and 50 per neuron update (assumed, not measured)',
  ];
  if (chip === 'spinnaker2') approximations.push("spinnaker2: the same sPyNNaker formats and rule assumed on its Cortex-M4F cores (FPU for m_j); the profile has no clock or energy per cycle, so real time and ARM energy are not judged");
  if (rounding !== 'stochastic') approximations.push(`rounding ${rounding}: ${rounding === 'floor' ? "sPyNNaker's own (an arithmetic shift)" : 'a what-if'}`);
  return {
    chip,
    rule,
    weightBits: 16,
    rounding,
    cell: spinnakerCellOf(c),
    weightShift: WEIGHT_SHIFT,
    weightUnit: 2 ** (WEIGHT_SHIFT - 15),
    traceTau: c.tauMem,
    tagFracBits: 8,
    psi: { beta: c.psiBeta, lutShift: 9, lutSize: 1024 },
    // the learning rate: |m_j| <= 15 LSBs (1 epoch on 10 % of the split, 784-100: M = 3 73.75 %, 7 72.10 %,
    // 15 73.30 %, 31 72.90 %, 63 67.10 %; bench/onchip-spinnaker-lr.ts)
    thirdFactorMax: 15,
    scaleMomentum: 0.99,
    rules: {
      dt: 'per step: x_i <- x_i d + spike (s4.11); tag_ij += (x_i * psi_j) >> 14 (s7.8)',
      dw: `per sample: w_ij <- round16((w_ij << ${WEIGHT_SHIFT}) + m_j * tag_ij), m_j = -q_j (s16.15); tag_ij <- 0`,
    },
    approximations,
  };
}

/** Integer initial weights: the float trainer's initial weights on the 16-bit grid (same seed, same start). */
export function initSpinnakerState(config: ModelConfig, s: SpinnakerOnChipSettings, rng: Rng): OnChipState {
  const float = initModel(config, rng);
  const weights = float.state.W.map((w) => Int16Array.from(w, (x) => Math.max(-32768, Math.min(32767, Math.round(x / s.weightUnit)))));
  return { weights, thirdFactorScale: weights.map(() => 0) };
}

/** The s4.11 surrogate table the core reads psi_j from. */
function psiLut(s: SpinnakerOnChipSettings): Int16Array {
  const step = 2 ** s.psi.lutShift / 2 ** 15;
  return Int16Array.from({ length: s.psi.lutSize }, (_, k) => toFixed16(1 / (1 + s.psi.beta * k * step) ** 2));
}

interface LayerPass {
  spikes: Uint8Array[];
  h: Float32Array;
  /** Learning: per step the pre traces [B][nIn] and surrogates [B][nOut]. */
  traces?: Int16Array[];
  psi?: Int16Array[];
}

/** One layer over T steps for B samples, in IF_curr_exp fixed point; records traces and psi when `learn`. */
function runLayer(s: SpinnakerOnChipSettings, w: Int16Array, input: Uint8Array[], B: number, nIn: number, nOut: number, counts: SpinnakerCounts, learn: boolean): LayerPass {
  const T = input.length;
  const cell = new IfCurrExpFixed(B * nOut, s.cell);
  const inE = new Int32Array(B * nOut);
  const inI = new Int32Array(B * nOut);
  const vBefore = new Int32Array(B * nOut);
  const h = new Float32Array(B * nOut);
  const spikes: Uint8Array[] = [];
  const zero = new Uint8Array(B * nIn);
  const x = new Int16Array(B * nIn);
  const decay = expDecayLut(s.cell.ts, s.traceTau).values[1];
  const lut = psiLut(s);
  const vth = Math.round(s.cell.v_thresh * 2 ** 15);
  const traces: Int16Array[] = [];
  const psi: Int16Array[] = [];
  const sh = s.weightShift;
  for (let t = 0; t < T; t++) {
    const arrived = t > 0 ? input[t - 1] : zero;
    inE.fill(0);
    inI.fill(0);
    for (let b = 0; b < B; b++) {
      const o = b * nOut;
      for (let i = 0; i < nIn; i++) {
        if (!arrived[b * nIn + i]) continue;
        counts.synapticOps += nOut;
        const row = i * nOut;
        for (let j = 0; j < nOut; j++) {
          const v = w[row + j];
          if (v > 0) inE[o + j] += v << sh;
          else if (v < 0) inI[o + j] -= v << sh;
        }
      }
    }
    const out = cell.step(inE, inI, vBefore);
    counts.neuronUpdates += B * nOut;
    for (let k = 0; k < out.length; k++) {
      h[k] += out[k];
      counts.spikes += out[k];
    }
    spikes.push(out);
    if (!learn) continue;
    stepTraces(x, arrived, decay);
    traces.push(Int16Array.from(x));
    const p = new Int16Array(B * nOut);
    for (let k = 0; k < p.length; k++) {
      const idx = Math.abs(vBefore[k] - vth) >> s.psi.lutShift;
      p[k] = idx < lut.length ? lut[idx] : 0;
    }
    psi.push(p);
    counts.traceUpdates += B * (nIn + nOut);
  }
  return learn ? { spikes, h, traces, psi } : { spikes, h };
}

/** Per-layer learners of an epoch: the ARM cores' weights and tags, and the rounding's random source. */
export interface SpinnakerBuffers {
  learners: SpinnakerThreeFactor[];
  random: { rng: Rng | null };
}

export function spinnakerBuffers(sizes: number[], s: SpinnakerOnChipSettings, weights: Int16Array[]): SpinnakerBuffers {
  const random: SpinnakerBuffers['random'] = { rng: null };
  const learners = weights.map(
    (w, l) =>
      new SpinnakerThreeFactor({
        nPre: sizes[l],
        nPost: sizes[l + 1],
        weightShift: s.weightShift,
        tagFracBits: s.tagFracBits,
        weights: w,
        rounding: s.rounding,
        random: () => random.rng!.nextUint32(),
      }),
  );
  return { learners, random };
}

/** One batch of on-chip FAUST learning on SpiNNaker; returns per layer the summed FAUST loss and the spike counts. */
export function learnSpinnakerBatch(
  config: ModelConfig,
  s: SpinnakerOnChipSettings,
  state: OnChipState,
  prototypes: Float32Array[],
  x: Float32Array,
  y: Uint8Array,
  B: number,
  buf: SpinnakerBuffers,
  lrScale: number,
  rng: Rng,
  counts: SpinnakerCounts[],
): { loss: number[]; h: Float32Array[] } {
  const sizes = layerSizes(config);
  const T = config.steps;
  let input: Uint8Array[] = encodeBatch(config, x, B, sizes[0], rng.fork('encode')).map((f) => Uint8Array.from(f));
  const loss: number[] = [];
  const hs: Float32Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l];
    const nOut = sizes[l + 1];
    const c = counts[l];
    const tf = buf.learners[l];
    const pass = runLayer(s, tf.weights, input, B, nIn, nOut, c, true);
    c.samples += B;
    // the third-factor core: spike counts -> FAUST gradient -> m_j
    const g = new Float32Array(B * nOut);
    loss.push(faustSignal(pass.h, y, { prototypes: prototypes[l] }, { B, nOut }, { temperature: config.temperature, positives: config.positives, protoMomentum: config.protoMomentum, classes: config.classes }, g));
    c.thirdFactorFlops += B * faustEmbeddedOps(nOut, config.classes);
    c.thirdFactorPackets += B * nOut;
    let batchMax = 0;
    for (let b = 0; b < B; b++) {
      let mx = 0;
      for (let j = 0; j < nOut; j++) mx = Math.max(mx, Math.abs(g[b * nOut + j]));
      batchMax += mx;
    }
    batchMax /= B;
    const prev = state.thirdFactorScale[l];
    state.thirdFactorScale[l] = prev === 0 ? batchMax : s.scaleMomentum * prev + (1 - s.scaleMomentum) * batchMax;
    const scale = state.thirdFactorScale[l] > 0 ? (s.thirdFactorMax * lrScale) / state.thirdFactorScale[l] : 0;
    const qr = rng.fork(`third-${l}`);
    buf.random.rng = rng.fork(`round-${l}`);
    const m = new Int32Array(nOut);
    for (let b = 0; b < B; b++) {
      const o = b * nOut;
      for (let j = 0; j < nOut; j++) {
        const v = g[o + j] * scale;
        let q = s.rounding === 'nearest' ? Math.round(v) : s.rounding === 'floor' ? Math.floor(v) : Math.floor(v + qr.uniform());
        q = Math.max(-s.thirdFactorMax, Math.min(s.thirdFactorMax, q));
        m[j] = -q;
      }
      // the ARM core replays the sample's steps into the tags (on the chip: as they happen), then applies m_j
      let peak = 0;
      for (let t = 0; t < T; t++) {
        const before = tf.counts.tagUpdates;
        tf.accumulate(pass.traces![t].subarray(b * nIn, (b + 1) * nIn), pass.psi![t].subarray(o, o + nOut));
        peak = Math.max(peak, tf.counts.tagUpdates - before);
      }
      c.peakStepTagUpdates += peak;
      tf.apply(m);
    }
    hs.push(pass.h);
    input = pass.spikes;
  }
  // the learners' own counters hold the tag and weight work
  buf.learners.forEach((tf, l) => {
    counts[l].tagRows += tf.counts.tagRows;
    counts[l].tagUpdates += tf.counts.tagUpdates;
    counts[l].weightUpdates += tf.counts.weightUpdates;
    Object.assign(tf.counts, { steps: 0, tagRows: 0, tagUpdates: 0, samples: 0, weightUpdates: 0, thirdFactors: 0 });
  });
  return { loss, h: hs };
}

/** Spike counts of every layer for B samples (inference, no learning). */
export function inferSpinnakerBatch(config: ModelConfig, s: SpinnakerOnChipSettings, weights: Int16Array[], x: Float32Array, B: number, rng: Rng, counts: SpinnakerCounts[]): Float32Array[] {
  const sizes = layerSizes(config);
  let input: Uint8Array[] = encodeBatch(config, x, B, sizes[0], rng).map((f) => Uint8Array.from(f));
  const hs: Float32Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const pass = runLayer(s, weights[l], input, B, sizes[l], sizes[l + 1], counts[l], false);
    counts[l].samples += B;
    hs.push(pass.h);
    input = pass.spikes;
  }
  return hs;
}

/** Assumed ARM cycles of the forward pass (sPyNNaker's synapse and neuron loops; not measured). */
const FORWARD_CYCLES = { synapticEvent: 12, neuronUpdate: 50 };
/** Instructions (and cycles) per float operation of the third-factor core: soft float on the ARM968, an FPU on the Cortex-M4F. */
const FLOAT_OP = { spinnaker: { instructions: 20, cycles: 30 }, spinnaker2: { instructions: 1, cycles: 2 } };
const NEURONS_PER_CORE = 256;

const pjOf = (q: { value: number | null } | undefined) => (q && q.value !== null ? q.value : null);

/**
 * Per-sample costs on SpiNNaker (learning or inference), the ARM work of the learning rule from
 * cost.ts, its energy (profile learning.cyclePj), and whether the cores keep the 1 ms tick.
 */
export function spinnakerCostsPerSample(counts: SpinnakerCounts[], s: SpinnakerOnChipSettings, sizes: number[], profile: HardwareProfile) {
  const n = Math.max(1, counts[0]?.samples ?? 0);
  const sum = (k: keyof SpinnakerCounts) => counts.reduce((a, c) => a + c[k], 0) / n;
  const learning = learningOf(profile, 'three-factor');
  const zero: ArmWork = { instructions: 0, cycles: 0, dtcmAccesses: 0, sdramBytes: 0 };
  const add = (a: ArmWork, b: ArmWork, k = 1): ArmWork => ({ instructions: a.instructions + k * b.instructions, cycles: a.cycles + k * b.cycles, dtcmAccesses: a.dtcmAccesses + k * b.dtcmAccesses, sdramBytes: a.sdramBytes + k * b.sdramBytes });
  let tag = zero;
  let apply = zero;
  const fop = FLOAT_OP[s.chip];
  const clock = pjOf(learning.clockMHz);
  const budget = clock === null ? null : clock * 1000; // cycles per 1 ms tick
  const T = counts[0] && counts[0].samples > 0 ? counts[0].neuronUpdates / counts[0].samples / sizes[1] : 0;
  const layers = counts.map((c, l) => {
    const cores = Math.ceil(sizes[l + 1] / NEURONS_PER_CORE);
    // a row is split over the cores holding the layer: its per-row overhead is paid on each
    const w = threeFactorWork({ tagRows: c.tagRows * cores, tagUpdates: c.tagUpdates, weightUpdates: c.weightUpdates, samples: c.samples * cores }, sizes[l], s.rounding);
    tag = add(tag, w.tag);
    apply = add(apply, w.apply);
    const per = (x: number) => x / Math.max(1, c.samples);
    const tagPerUpdate = c.tagUpdates > 0 ? w.tag.cycles / c.tagUpdates : 0;
    // the busiest step of a sample on one core: the forward work at its mean per step, plus the tag
    // loop of the step with the most live rows
    const fwdStep = (per(c.synapticOps) * FORWARD_CYCLES.synapticEvent + per(c.neuronUpdates) * FORWARD_CYCLES.neuronUpdate) / Math.max(1, T) / cores;
    const peakStep = fwdStep + (per(c.peakStepTagUpdates) * tagPerUpdate) / cores;
    const applyPerCore = per(w.apply.cycles) / cores;
    const third = { instructions: per(c.thirdFactorFlops) * fop.instructions, cycles: per(c.thirdFactorFlops) * fop.cycles };
    return {
      layer: l + 1,
      cores,
      busiest_step_cycles_per_core: Math.round(peakStep),
      apply_cycles_per_core: Math.round(applyPerCore),
      third_factor_core: { instructions: Math.round(third.instructions), cycles: Math.round(third.cycles) },
      keeps_1ms_tick: budget === null ? null : peakStep <= budget,
      apply_ticks: budget === null ? null : Math.ceil(applyPerCore / budget),
      third_factor_ticks: budget === null ? null : Math.ceil(third.cycles / budget),
    };
  });
  const third = { instructions: sum('thirdFactorFlops') * fop.instructions, cycles: sum('thirdFactorFlops') * fop.cycles };
  const arm = {
    tag: { instructions: tag.instructions / n, cycles: tag.cycles / n, sdram_bytes: tag.sdramBytes / n },
    apply: { instructions: apply.instructions / n, cycles: apply.cycles / n, sdram_bytes: apply.sdramBytes / n },
    third_factor: third,
    total_instructions: (tag.instructions + apply.instructions) / n + third.instructions,
    total_cycles: (tag.cycles + apply.cycles) / n + third.cycles,
  };
  const armE = armEnergy({ cycles: arm.total_cycles }, learning);
  const en = profile.energy;
  const per = {
    synaptic_ops: sum('synapticOps'),
    spikes: sum('spikes'),
    neuron_updates: sum('neuronUpdates'),
    trace_updates: sum('traceUpdates'),
    tag_updates: sum('tagUpdates'),
    weight_updates: sum('weightUpdates'),
    third_factor_packets: sum('thirdFactorPackets'),
    third_factor_flops: sum('thirdFactorFlops'),
  };
  const terms = [
    { term: 'synaptic ops', count: per.synaptic_ops, pj_each: pjOf(en.synOpPj), confidence: en.synOpPj.confidence, source: en.synOpPj.source },
    { term: 'neuron updates', count: per.neuron_updates, pj_each: pjOf(en.neuronUpdatePj), confidence: en.neuronUpdatePj.confidence, source: en.neuronUpdatePj.source },
    { term: 'spikes and m_j packets', count: per.spikes + per.third_factor_packets, pj_each: pjOf(en.spikePj), confidence: en.spikePj?.confidence ?? 'unconfirmed', source: en.spikePj?.source ?? 'not in the profile' },
    { term: 'ARM learning cycles (tags, apply, m_j)', count: arm.total_cycles, pj_each: pjOf(learning.cyclePj), confidence: armE.confidence, source: armE.source },
  ];
  return {
    per_sample: per,
    arm,
    real_time: { clock_mhz: clock, cycles_per_tick: budget, neurons_per_core: NEURONS_PER_CORE, layers },
    energy: energyOf(terms),
  };
}
