// SPDX-License-Identifier: MIT
/**
 * sPyNNaker's STDP as its ARM cores run it, bit for bit: timing dependence spike pair or nearest
 * pair, weight dependence additive or multiplicative (one term), 16-bit weights, int16 s4.11
 * traces from exponential-decay lookup tables, the 16-entry post-spike history and the deferred,
 * event-driven update (a synapse changes only when its presynaptic spike arrives).
 *
 * Checked against test/fixtures/spinnaker/stdp_golden.json, produced by sPyNNaker's own headers
 * compiled on the host (scripts/spinnaker-golden/). Citations are file:line in sPyNNaker's
 * neural_modelling/src/neuron/plasticity/stdp/ (versions in the fixture's `sources`).
 *
 * What is not modelled: axonal and dendritic delays (sPyNNaker's plastic synapses use axonal delay
 * 0, synapse_dynamics_stdp_common.h; dendritic delays only shift the window), colour delay, the
 * ring-buffer saturation of the forward pass, and the order in which the chip's timer tick and
 * packet callbacks interleave: the caller plays post spikes and pre spikes in the order they happen.
 */
import { invalidParam } from '../../errors.js';
import {
  STDP_FIXED_POINT_ONE,
  expDecayLut,
  fixedMul16,
  lutDecay,
  mulAccum,
  mulAccumFixed,
  s1615,
  toInt16,
  wrapInt32,
  type Int16Lut,
} from './stdp-maths.js';

export type TimingRule = 'pair' | 'nearest-pair';
export type WeightRule = 'additive' | 'multiplicative';

/** plasticity_weight_region_data_t (weight_*_impl.h:33-38), all s16.15. */
export interface WeightRegion {
  minWeight: number;
  maxWeight: number;
  a2Plus: number;
  a2Minus: number;
}

/** PyNN-level parameters of an STDPMechanism (SpikePairRule / NearestPairRule + weight dependence). */
export interface StdpPyNNParams {
  timing: TimingRule;
  weight: WeightRule;
  timestepMs: number;
  tauPlus: number;
  tauMinus: number;
  aPlus: number;
  aMinus: number;
  /** Weight bounds in the synapse's unit (nA for IF_curr_exp). */
  wMin: number;
  wMax: number;
}

/**
 * The region the host writes for a weight dependence: weight_dependence_additive.py writes w_min,
 * w_max, A+ * w_max, A- * w_max; weight_dependence_multiplicative.py writes w_min, w_max, A+, A-;
 * all as DataType.S1615 (global weight scale 1).
 */
export function weightRegion(p: Pick<StdpPyNNParams, 'weight' | 'aPlus' | 'aMinus' | 'wMin' | 'wMax'>): WeightRegion {
  const k = p.weight === 'additive' ? p.wMax : 1;
  return { minWeight: s1615(p.wMin), maxWeight: s1615(p.wMax), a2Plus: s1615(p.aPlus * k), a2Minus: s1615(p.aMinus * k) };
}

/** post_events.h:33 */
export const MAX_POST_SYNAPTIC_EVENTS = 16;

export interface SpinnakerStdpOptions {
  timing: TimingRule;
  weight: WeightRule;
  nPre: number;
  nPost: number;
  lutPlus: Int16Lut;
  lutMinus: Int16Lut;
  region: WeightRegion;
  /** Left shift from the 16-bit weight to s16.15 (the synapse type's ring-buffer shift). */
  weightShift: number;
  /** Initial 16-bit weights, pre-major: weights[i * nPost + j] is pre i -> post j (a synaptic row per pre neuron). */
  weights?: ArrayLike<number>;
}

/** Work done, for the cost model (src/chips/spinnaker/cost.ts). */
export interface StdpCounts {
  preSpikes: number;
  postSpikes: number;
  /** Synapses updated (one per synapse of a row, per presynaptic spike). */
  synapseUpdates: number;
  /** Post spikes replayed into synapses (potentiation calls). */
  postEventsApplied: number;
  /** Depression calls. */
  depressions: number;
  /** Steps of the window search through the post history. */
  windowSteps: number;
}

export class SpinnakerStdp {
  readonly timing: TimingRule;
  readonly weight: WeightRule;
  readonly nPre: number;
  readonly nPost: number;
  /** 16-bit weights, pre-major (rows). */
  readonly weights: Uint16Array;
  /** Per pre neuron: time and trace of its last spike (pre_event_history_t, synapse_dynamics_stdp_mad_impl.c). */
  readonly preTime: Uint32Array;
  readonly preTrace: Int16Array;
  /** Per post neuron: post_event_history_t (post_events.h:39-46), 16 entries each. */
  readonly postTimes: Uint32Array;
  readonly postTraces: Int16Array;
  readonly postCountMinusOne: Uint8Array;
  readonly counts: StdpCounts = { preSpikes: 0, postSpikes: 0, synapseUpdates: 0, postEventsApplied: 0, depressions: 0, windowSteps: 0 };
  private readonly lutPlus: Int16Lut;
  private readonly lutMinus: Int16Lut;
  private readonly region: WeightRegion;
  private readonly shift: number;

  constructor(o: SpinnakerStdpOptions) {
    for (const k of ['nPre', 'nPost'] as const)
      if (!Number.isInteger(o[k]) || o[k] < 1) throw invalidParam('SpinnakerStdp', k, o[k], 'an integer >= 1');
    if (o.timing !== 'pair' && o.timing !== 'nearest-pair') throw invalidParam('SpinnakerStdp', 'timing', o.timing, "'pair' or 'nearest-pair'");
    if (o.weight !== 'additive' && o.weight !== 'multiplicative')
      throw invalidParam('SpinnakerStdp', 'weight', o.weight, "'additive' or 'multiplicative'");
    if (!Number.isInteger(o.weightShift) || o.weightShift < 0 || o.weightShift > 16)
      throw invalidParam('SpinnakerStdp', 'weightShift', o.weightShift, 'an integer in 0..16');
    for (const [k, v] of Object.entries(o.region))
      if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw invalidParam('SpinnakerStdp', `region.${k}`, v, 'an s16.15 integer (int32)');
    this.timing = o.timing;
    this.weight = o.weight;
    this.nPre = o.nPre;
    this.nPost = o.nPost;
    this.lutPlus = o.lutPlus;
    this.lutMinus = o.lutMinus;
    this.region = { ...o.region };
    this.shift = o.weightShift;
    this.weights = new Uint16Array(o.nPre * o.nPost);
    if (o.weights) {
      if (o.weights.length !== this.weights.length)
        throw invalidParam('SpinnakerStdp', 'weights', `length ${o.weights.length}`, `nPre * nPost = ${this.weights.length} entries`);
      for (let k = 0; k < this.weights.length; k++) {
        const w = o.weights[k];
        if (!Number.isInteger(w) || w < 0 || w > 65535) throw invalidParam('SpinnakerStdp', `weights[${k}]`, w, 'an integer in 0..65535');
        this.weights[k] = w;
      }
    }
    // The host writes prev_time 0 and a zero trace for every row; post_events_init_buffers
    // (post_events.h:83-104) puts a placeholder event at time 0 with the initial trace 0.
    this.preTime = new Uint32Array(o.nPre);
    this.preTrace = new Int16Array(o.nPre);
    this.postTimes = new Uint32Array(o.nPost * MAX_POST_SYNAPTIC_EVENTS);
    this.postTraces = new Int16Array(o.nPost * MAX_POST_SYNAPTIC_EVENTS);
    this.postCountMinusOne = new Uint8Array(o.nPost);
  }

  /** Builds the rule from PyNN parameters the way sPyNNaker's host code does (LUTs, S1615 region). */
  static fromPyNN(p: StdpPyNNParams, shape: { nPre: number; nPost: number; weightShift: number; weights?: ArrayLike<number> }): SpinnakerStdp {
    return new SpinnakerStdp({
      timing: p.timing,
      weight: p.weight,
      lutPlus: expDecayLut(p.timestepMs, p.tauPlus),
      lutMinus: expDecayLut(p.timestepMs, p.tauMinus),
      region: weightRegion(p),
      ...shape,
    });
  }

  /** The weight in real units (nA): w * 2^shift / 2^15. */
  realWeight(k: number): number {
    return (this.weights[k] * 2 ** this.shift) / 32768;
  }

  /** synapse_dynamics_process_post_synaptic_event: a post spike of neuron j at `time` (time steps). */
  postSpike(j: number, time: number): void {
    if (!(j >= 0 && j < this.nPost && Number.isInteger(j))) throw invalidParam('SpinnakerStdp.postSpike', 'j', j, `a post index in 0..${this.nPost - 1}`);
    const base = j * MAX_POST_SYNAPTIC_EVENTS;
    const c = this.postCountMinusOne[j];
    this.checkTime('postSpike', time, this.postTimes[base + c]);
    this.counts.postSpikes++;
    const trace = this.timing === 'pair' ? this.addPostTrace(time, this.postTimes[base + c], this.postTraces[base + c]) : 0;
    // post_events_add (post_events.h:194-214): append, or drop the oldest real event (index 1).
    if (c < MAX_POST_SYNAPTIC_EVENTS - 1) {
      this.postCountMinusOne[j] = c + 1;
      this.postTimes[base + c + 1] = time;
      this.postTraces[base + c + 1] = trace;
    } else {
      for (let e = 2; e < MAX_POST_SYNAPTIC_EVENTS; e++) {
        this.postTimes[base + e - 1] = this.postTimes[base + e];
        this.postTraces[base + e - 1] = this.postTraces[base + e];
      }
      this.postTimes[base + MAX_POST_SYNAPTIC_EVENTS - 1] = time;
      this.postTraces[base + MAX_POST_SYNAPTIC_EVENTS - 1] = trace;
    }
  }

  /**
   * synapse_dynamics_process_plastic_synapses (synapse_dynamics_stdp_mad_impl.c): a pre spike of
   * neuron i at `time` updates its pre trace, then every synapse of its row.
   */
  preSpike(i: number, time: number): void {
    if (!(i >= 0 && i < this.nPre && Number.isInteger(i))) throw invalidParam('SpinnakerStdp.preSpike', 'i', i, `a pre index in 0..${this.nPre - 1}`);
    this.checkTime('preSpike', time, this.preTime[i]);
    this.counts.preSpikes++;
    const lastTime = this.preTime[i];
    const lastTrace = this.preTrace[i];
    this.preTime[i] = time;
    const newTrace = this.timing === 'pair' ? this.addPreTrace(time, lastTime, lastTrace) : 0;
    this.preTrace[i] = newTrace;
    const row = i * this.nPost;
    for (let j = 0; j < this.nPost; j++) this.weights[row + j] = this.updateSynapse(time, lastTime, lastTrace, this.weights[row + j], j);
  }

  /** Spikes are played in time order (integer time steps from 0, as the chip's timer counts). */
  private checkTime(what: string, time: number, last: number): void {
    if (!(Number.isInteger(time) && time >= last && time <= 0xffffffff))
      throw invalidParam(`SpinnakerStdp.${what}`, 'time', time, `an integer time step >= ${last} (the neuron's previous spike) and < 2^32`);
  }

  /** timing_pair_impl.h:89-105 timing_add_pre_spike: decay by LUT(tau+), add 1.0, store int16. */
  private addPreTrace(time: number, lastTime: number, lastTrace: number): number {
    const decayed = fixedMul16(lastTrace, lutDecay(time - lastTime, this.lutPlus));
    return toInt16(decayed + STDP_FIXED_POINT_ONE);
  }

  /** timing_pair_impl.h:51-81 timing_decay_post + timing_add_post_spike: the same with tau-, through int16 twice. */
  private addPostTrace(time: number, lastTime: number, lastTrace: number): number {
    const decayed = toInt16(fixedMul16(lastTrace, lutDecay(time - lastTime, this.lutMinus)));
    return toInt16(decayed + STDP_FIXED_POINT_ONE);
  }

  /**
   * plasticity_update_synapse (synapse_dynamics_stdp_mad_impl.c) with no delays: replay the post
   * spikes in (last pre time, time] as potentiation, then depress once against the last post spike.
   */
  private updateSynapse(time: number, lastPreTime: number, lastPreTrace: number, w16: number, j: number): number {
    this.counts.synapseUpdates++;
    const base = j * MAX_POST_SYNAPTIC_EVENTS;
    const times = this.postTimes;
    const traces = this.postTraces;
    // post_events_get_window_delayed (post_events.h:112-148), with indices for the pointers. The
    // entry just past the history is never compared: its only effect there is end = count.
    const count = this.postCountMinusOne[j] + 1;
    let end = count;
    let idx = count;
    let next: number;
    do {
      if (idx < count && times[base + idx] > time) end = idx;
      next = idx;
      idx--;
      this.counts.windowSteps++;
    } while (times[base + idx] > lastPreTime && idx !== 0);
    let prevTime = times[base + idx];
    let prevTrace = traces[base + idx];
    let prevValid = idx !== 0;
    // weight_get_initial (weight_*_impl.h:62-72): kbits(weight << shift).
    let w = (w16 << this.shift) | 0;
    for (let n = end - next; n > 0; n--, next++) {
      this.counts.postEventsApplied++;
      w = this.applyPostSpike(times[base + next], lastPreTime, lastPreTrace, prevTime, w);
      prevTime = times[base + next]; // post_events_next (post_events.h:155-168)
      prevTrace = traces[base + next];
      prevValid = true;
    }
    if (prevValid) {
      this.counts.depressions++;
      w = this.applyPreSpike(time, prevTime, prevTrace, w);
    }
    // weight_get_final (weight_*_impl.h:105-107 / 112-114): (weight_t)(bitsk(w) >> shift).
    return (w >> this.shift) & 0xffff;
  }

  /** timing_apply_post_spike: pair (timing_pair_impl.h:147-166), nearest pair (timing_nearest_pair_impl.h:123-150). */
  private applyPostSpike(time: number, lastPreTime: number, lastPreTrace: number, lastPostTime: number, w: number): number {
    const sinceLastPre = (time - lastPreTime) >>> 0;
    if (sinceLastPre === 0) return w;
    let r1: number;
    if (this.timing === 'pair') r1 = fixedMul16(lastPreTrace, lutDecay(sinceLastPre, this.lutPlus));
    else {
      r1 = lutDecay(sinceLastPre, this.lutPlus);
      // Only the first post spike after a pre spike potentiates (timing_nearest_pair_impl.h:140-143).
      if ((time - lastPostTime) >>> 0 < sinceLastPre) r1 = 0;
    }
    return this.potentiate(w, r1);
  }

  /** timing_apply_pre_spike: pair (timing_pair_impl.h:119-134, trace times LUT), nearest pair (LUT only). */
  private applyPreSpike(time: number, lastPostTime: number, lastPostTrace: number, w: number): number {
    const decay = lutDecay((time - lastPostTime) >>> 0, this.lutMinus);
    return this.depress(w, this.timing === 'pair' ? fixedMul16(lastPostTrace, decay) : decay);
  }

  /** weight_one_term_apply_potentiation: additive (weight_additive_one_term_impl.h:92-97), multiplicative (weight_multiplicative_impl.h:95-105). */
  private potentiate(w: number, a: number): number {
    const r = this.region;
    if (this.weight === 'additive') {
      const v = wrapInt32(w + mulAccumFixed(r.a2Plus, a));
      return Math.min(v, r.maxWeight);
    }
    const scale = mulAccum(wrapInt32(r.maxWeight - w), r.a2Plus);
    return wrapInt32(w + mulAccumFixed(scale, a));
  }

  /** weight_one_term_apply_depression: additive (weight_additive_one_term_impl.h:80-85), multiplicative (weight_multiplicative_impl.h:80-89). */
  private depress(w: number, a: number): number {
    const r = this.region;
    if (this.weight === 'additive') {
      const v = wrapInt32(w - mulAccumFixed(r.a2Minus, a));
      return Math.max(v, r.minWeight);
    }
    const scale = mulAccum(wrapInt32(w - r.minWeight), r.a2Minus);
    return wrapInt32(w - mulAccumFixed(scale, a));
  }

  /** The last post trace of each post neuron (what the golden file records). */
  lastPostTraces(): Int16Array {
    const out = new Int16Array(this.nPost);
    for (let j = 0; j < this.nPost; j++) out[j] = this.postTraces[j * MAX_POST_SYNAPTIC_EVENTS + this.postCountMinusOne[j]];
    return out;
  }
}
