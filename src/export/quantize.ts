// SPDX-License-Identifier: MIT
/**
 * Quantisation of a network's weights and neuron parameters to a hardware profile's formats.
 *
 * Loihi (`loihi-mant-exp`), per post population with scale S (integer units per mV):
 *   the CUBA compartment  u <- u*(4095-du)/4096 + a_in<<6,  v <- v*(4096-dv)/4096 + u + bias
 *   reproduces the float LIF  ge <- ge*e^(-dt/tauSyn) + w*s,  v - vRest <- (v - vRest)*e^(-dt/tauMem) + c_e*ge
 *   with u = S*c_e*ge, v_loihi = S*(v - vRest):
 *     du = round(4096*(1 - e^(-dt/tauSyn))) - 1,   dv = round(4096*(1 - e^(-dt/tauMem)))
 *     w_mant * 2^(6 + weight_exp) = S * c_e * w    (8-bit mantissa; MIXED projections use even values)
 *     vth_mant * 2^6 = S * (vTh - vRest)           (17-bit)
 *   S is the largest scale for which the biggest incoming |c_e*w| still fits the mantissa with
 *   weight_exp = 0 and vth_mant fits 17 bits; weaker projections take a negative weight_exp, so each
 *   keeps ~8 bits relative to its own largest weight.
 *   Lava's refractory-free model and reset to 0 are exact only when tRef < dt and vReset = vRest;
 *   otherwise the difference is listed in `notes`.
 *
 * SpiNNaker (`spinnaker-u16-shift`), per post population and synapse type (exc / inh):
 *   |w| is stored as uint16 w_int with a left shift s into s16.15: w ~ w_int * 2^s / 2^15, with the
 *   smallest s for which the largest |w| fits 16 bits (sPyNNaker's ring-buffer left shift).
 *
 * TrueNorth (`truenorth-axon-types`): each post neuron gets `typesPerNeuron` signed 9-bit weights
 * (1-D k-means of its incoming weights); every synapse takes the nearest. The hardware further
 * requires an axon's type to be shared by all neurons of a core, which this does not enforce
 * (marked `approximate`).
 */
import { invalidParam, HardwareProfileError } from '../errors.js';
import { synapticPropagator } from '../neurons/lif/float.js';
import { getNeuronModel } from '../neurons/registry.js';
import { resolveParams, stepsOf } from '../neurons/spec.js';
import { determineSignMode, effectiveWeights, type LoihiWidths, type SignMode, LAVA_WIDTHS } from '../neurons/loihi-lif/fixed.js';
import type { IfCurrExpParams } from '../neurons/spinnaker-if/fixed.js';
import type { NetworkIR, PopulationIR, ProjectionIR } from './ir.js';
import { checkNetwork, perNeuron, sharedParam } from './ir-sim.js';
import { denseWeights } from './nir/from-ir.js';
import type { HardwareProfile } from './profile.js';

/** Per-step linear dynamics of a population, in the float model's units (mV). */
export interface LinearDynamics {
  /** Synaptic current decay per step (0 = no synaptic filter: input goes straight to v). */
  aSyn: number;
  /** Membrane decay per step (1 = no leak). */
  aMem: number;
  /** Weight of a unit input in v, in the step it arrives (c_e). */
  ce: number;
  /** Threshold above the reset/rest level (mV). */
  theta: number;
  /** Per-neuron constant added to v each step (mV; from vLeak of NIR models). */
  vBias: Float64Array;
  notes: string[];
}

/** Reads the per-step dynamics of LIF, IF (core models) and CubaLIF (NIR) populations. */
export function linearDynamics(pop: PopulationIR, dt: number): LinearDynamics {
  const notes: string[] = [];
  if (pop.model === 'LIF' || pop.model === 'IF') {
    const given: Record<string, number> = {};
    for (const k of Object.keys(pop.params)) given[k] = sharedParam(pop, k)!;
    const p = resolveParams(getNeuronModel(pop.model).spec, given);
    if (stepsOf(p.tRef, dt) > 1) notes.push(`refractory period ${p.tRef} ms not modelled on chip (Lava's LIF has none)`);
    const vRest = pop.model === 'LIF' ? p.vRest : p.vReset;
    if (p.vReset !== vRest) notes.push(`reset to ${p.vReset} mV approximated by reset to ${vRest} mV (the chip resets v to its rest level)`);
    const aSyn = Math.exp(-dt / p.tauSynE);
    if (pop.model === 'IF') return { aSyn, aMem: 1, ce: (p.tauSynE / p.tauMem) * (1 - aSyn), theta: p.vTh - vRest, vBias: new Float64Array(pop.size), notes };
    return { aSyn, aMem: Math.exp(-dt / p.tauMem), ce: synapticPropagator(p.tauSynE, p.tauMem, dt), theta: p.vTh - vRest, vBias: new Float64Array(pop.size), notes };
  }
  if (pop.model === 'CubaLIF') {
    if ((sharedParam(pop, 'spiking') ?? 1) !== 1 || (sharedParam(pop, 'memoryless') ?? 0) !== 0)
      throw new HardwareProfileError(`population '${pop.name}': non-spiking or memoryless NIR nodes have no on-chip form`);
    const tauSyn = sharedParam(pop, 'tauSyn') ?? 0;
    const tauMem = sharedParam(pop, 'tauMem') ?? 0;
    const r = sharedParam(pop, 'r') ?? 1;
    const wIn = sharedParam(pop, 'wIn') ?? 1;
    const vTh = sharedParam(pop, 'vTh') ?? 1;
    const vReset = sharedParam(pop, 'vReset') ?? 0;
    if (vReset !== 0) notes.push(`reset to ${vReset} approximated by reset to 0`);
    const km = tauMem > 0 ? dt / tauMem : 1;
    const ks = tauSyn > 0 ? dt / tauSyn : 1;
    const vLeak = perNeuron(pop, 'vLeak', 0);
    return { aSyn: tauSyn > 0 ? 1 - ks : 0, aMem: tauMem > 0 ? 1 - km : 1, ce: km * r * (tauSyn > 0 ? ks * wIn : 1), theta: vTh, vBias: vLeak.map((x) => x * km), notes };
  }
  throw new HardwareProfileError(`population '${pop.name}': model '${pop.model}' cannot be quantised (supported: LIF, IF, CubaLIF)`, {
    population: pop.name,
    model: pop.model,
  });
}

export interface LoihiProjectionQ {
  signMode: SignMode;
  weightExp: number;
  numWeightBits: number;
  /** Effective mantissas (after Lava's clip and truncation), row-major [post][pre]. */
  mantissas: Int32Array;
}

export interface SpinnakerProjectionQ {
  /** Left shift per synapse type into s16.15. */
  shiftExc: number;
  shiftInh: number;
  /** Signed integer weights (magnitude uint16, sign = synapse type), row-major [post][pre]. */
  ints: Int32Array;
}

export interface QuantizedProjection {
  name: string;
  pre: string;
  post: string;
  nPre: number;
  nPost: number;
  /** Columns of the stored matrices: nPre, plus one when the bias rides on an always-on input. */
  cols: number;
  biasColumn: boolean;
  delaySteps: number;
  /** Float weight represented by each stored integer: w ~ int * unit (mV). */
  unit: Float64Array | number;
  /** Quantised weights back in float units, [post][pre]. */
  dequantized: Float32Array;
  /** sqrt(sum (w - wq)^2 / sum w^2). */
  relRmsError: number;
  maxAbsError: number;
  loihi?: LoihiProjectionQ;
  spinnaker?: SpinnakerProjectionQ;
  approximate?: boolean;
}

export interface LoihiPopulationQ {
  du: number;
  dv: number;
  vth: number;
  biasMant: Int32Array;
  biasExp: number;
  /** Integer units per mV. */
  scale: number;
}

export interface QuantizedPopulation {
  name: string;
  model: string;
  dynamics: LinearDynamics;
  loihi?: LoihiPopulationQ;
  spinnaker?: { params: IfCurrExpParams; kappa: number };
  notes: string[];
}

export interface QuantizedNetwork {
  profile: string;
  format: HardwareProfile['weights']['format'];
  /** Loihi: the compartment widths read from the profile (the bit-accurate model uses them). */
  loihiWidths?: LoihiWidths;
  populations: QuantizedPopulation[];
  projections: QuantizedProjection[];
}

/**
 * Dense [post][pre (+1)] weights; a projection bias b (added to the synaptic current every step)
 * becomes one more input column driven by an always-on source, which is exact on every target.
 */
export function augmentedWeights(pr: ProjectionIR, nPre: number, nPost: number): { w: Float32Array; cols: number; biasColumn: boolean } {
  const d = denseWeights(pr, nPre, nPost);
  if (!pr.bias || !pr.bias.some((x) => x !== 0)) return { w: d, cols: nPre, biasColumn: false };
  const cols = nPre + 1;
  const w = new Float32Array(nPost * cols);
  for (let j = 0; j < nPost; j++) {
    w.set(d.subarray(j * nPre, (j + 1) * nPre), j * cols);
    w[j * cols + nPre] = pr.bias[j];
  }
  return { w, cols, biasColumn: true };
}

function errors(w: Float32Array, q: Float32Array): { relRmsError: number; maxAbsError: number } {
  let num = 0;
  let den = 0;
  let max = 0;
  for (let k = 0; k < w.length; k++) {
    const d = w[k] - q[k];
    num += d * d;
    den += w[k] * w[k];
    max = Math.max(max, Math.abs(d));
  }
  return { relRmsError: den > 0 ? Math.sqrt(num / den) : 0, maxAbsError: max };
}

function quantizeLoihi(net: NetworkIR, profile: HardwareProfile, pops: Map<string, PopulationIR>): QuantizedNetwork {
  const mantBits = profile.weights.mantBits!.value;
  const expMin = profile.weights.expMin!.value;
  const expMax = profile.weights.expMax!.value;
  const decayUnity = 2 ** profile.neuron.decayBits!.value;
  const vthMax = 2 ** profile.neuron.vthMantBits!.value - 1;
  const vthShift = 2 ** profile.neuron.vthShift!.value;
  const act = 2 ** profile.neuron.actShift!.value;
  const qpops: QuantizedPopulation[] = [];
  const qprojs: QuantizedProjection[] = [];
  for (const pop of net.populations) {
    if (pop.model === 'Input') continue;
    const dyn = linearDynamics(pop, net.dt);
    if (!(dyn.theta > 0)) throw invalidParam(`population '${pop.name}'`, 'vTh', dyn.theta, 'a threshold above the rest level');
    const incoming = net.projections.filter((p) => p.post === pop.name);
    const aug = incoming.map((p) => augmentedWeights(p, pops.get(p.pre)!.size, pop.size));
    const dense = aug.map((a) => a.w);
    let maxW = 0;
    for (const w of dense) for (let k = 0; k < w.length; k++) maxW = Math.max(maxW, Math.abs(w[k]));
    const wLimit = 2 ** mantBits - 2; // 254: the largest value every sign mode holds exactly
    const sW = maxW > 0 ? (act * wLimit) / (dyn.ce * maxW) : Infinity;
    const sTh = (vthMax * vthShift) / dyn.theta;
    const scale = Math.min(sW, sTh);
    const vth = Math.min(vthMax, Math.round((dyn.theta * scale) / vthShift));
    const du = dyn.aSyn === 0 ? decayUnity - 1 : Math.min(decayUnity - 1, Math.max(0, Math.round(decayUnity * (1 - dyn.aSyn)) - 1));
    const dv = Math.min(decayUnity - 1, Math.max(0, Math.round(decayUnity * (1 - dyn.aMem))));
    // Bias on v: mantissa 13-bit signed with a 3-bit exponent.
    let biasExp = 0;
    const bmax = dyn.vBias.reduce((a, b) => Math.max(a, Math.abs(b * scale)), 0);
    while (bmax / 2 ** biasExp > 4095 && biasExp < 7) biasExp++;
    const biasMant = Int32Array.from(dyn.vBias, (b) => Math.max(-4096, Math.min(4095, Math.round((b * scale) / 2 ** biasExp))));
    const notes = [...dyn.notes];
    if (aug.some((a) => a.biasColumn)) notes.push('projection bias carried by an always-on input axon (one extra axon per core)');
    qpops.push({ name: pop.name, model: pop.model, dynamics: dyn, loihi: { du, dv, vth, biasMant, biasExp, scale }, notes });
    incoming.forEach((pr, idx) => {
      const w = dense[idx];
      const signMode = determineSignMode(w);
      const m = w.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
      // Smallest exponent whose mantissas still fit: a projection weaker than the strongest one gets
      // a negative exponent (Lava shifts the summed activation right), keeping ~8 bits of its own.
      let weightExp = m > 0 ? expMin : 0;
      while (weightExp < expMax && (dyn.ce * scale * m) / (act * 2 ** weightExp) > wLimit + 0.5) weightExp++;
      const unit = (act * 2 ** weightExp) / (dyn.ce * scale);
      const raw = Float64Array.from(w, (x) => Math.round(x / unit));
      const mantissas = effectiveWeights(raw, signMode, mantBits, { ...LAVA_WIDTHS, weightBits: mantBits });
      const dequantized = Float32Array.from(mantissas, (x) => x * unit);
      qprojs.push({
        name: pr.name, pre: pr.pre, post: pr.post, nPre: pops.get(pr.pre)!.size, nPost: pop.size, cols: aug[idx].cols,
        biasColumn: aug[idx].biasColumn, delaySteps: pr.delaySteps, unit, dequantized, ...errors(w, dequantized),
        loihi: { signMode, weightExp, numWeightBits: mantBits, mantissas },
      });
    });
  }
  const loihiWidths: LoihiWidths = {
    uvBits: profile.neuron.stateBits!.value,
    decayShift: profile.neuron.decayBits!.value,
    vthShift: profile.neuron.vthShift!.value,
    actShift: profile.neuron.actShift!.value,
    weightBits: mantBits,
  };
  return { profile: profile.name, format: profile.weights.format, loihiWidths, populations: qpops, projections: qprojs };
}

/**
 * The IF_curr_exp cell that reproduces a population's per-step dynamics on sPyNNaker, and the factor
 * kappa turning the IR's voltage-equivalent weights (mV) into its currents (nA):
 *   tau_m = -dt / ln(aMem) (no leak -> 1000 dt, noted), cm = tau_m * (1 - aMem) so that
 *   (1 - e^(-dt/tau_m)) * R = 1, tau_syn = -dt / ln(aSyn), kappa = c_e / init.
 */
export function spinnakerCell(pop: PopulationIR, dt: number, dyn: LinearDynamics): { params: IfCurrExpParams; kappa: number; notes: string[] } {
  const notes: string[] = [];
  let aMem = dyn.aMem;
  if (aMem >= 1 - 1 / 1024) {
    aMem = Math.exp(-1 / 1000);
    notes.push('no leak on IF_curr_exp: tau_m = 1000 dt');
  }
  const tauM = -dt / Math.log(aMem);
  const aSyn = dyn.aSyn > 0 ? dyn.aSyn : Math.exp(-10);
  if (dyn.aSyn === 0) notes.push('instantaneous synapse approximated by tau_syn = dt/10');
  const tauS = -dt / Math.log(aSyn);
  const init = (tauS / dt) * (1 - aSyn);
  const vRest = pop.model === 'LIF' ? (sharedParam(pop, 'vRest') ?? -65) : pop.model === 'IF' ? (sharedParam(pop, 'vReset') ?? 0) : 0;
  const params: IfCurrExpParams = {
    tau_m: tauM,
    cm: tauM * (1 - aMem),
    v_rest: vRest,
    v_reset: vRest,
    v_thresh: vRest + dyn.theta,
    tau_refrac: 0,
    tau_syn_E: tauS,
    tau_syn_I: tauS,
    i_offset: 0,
    ts: dt,
  };
  if (dyn.vBias.some((x) => x !== 0)) notes.push('per-neuron leak potential not mapped to IF_curr_exp');
  return { params, kappa: dyn.ce / init, notes };
}

function quantizeSpinnaker(net: NetworkIR, profile: HardwareProfile, pops: Map<string, PopulationIR>): QuantizedNetwork {
  const bits = profile.weights.mantBits!.value;
  const maxShift = profile.weights.maxShift!.value;
  const frac = 2 ** (profile.neuron.fracBits?.value ?? 15);
  const top = 2 ** bits - 1;
  const qpops: QuantizedPopulation[] = [];
  const qprojs: QuantizedProjection[] = [];
  for (const pop of net.populations) {
    if (pop.model === 'Input') continue;
    const dyn = linearDynamics(pop, net.dt);
    const cell = spinnakerCell(pop, net.dt, dyn);
    const incoming = net.projections.filter((p) => p.post === pop.name);
    const aug = incoming.map((p) => augmentedWeights(p, pops.get(p.pre)!.size, pop.size));
    const notes = [...dyn.notes, ...cell.notes];
    if (aug.some((a) => a.biasColumn)) notes.push('projection bias carried by an always-on spike source');
    qpops.push({ name: pop.name, model: pop.model, dynamics: dyn, spinnaker: cell, notes });
    // Weights in nA; one shift per synapse type for the whole post population (sPyNNaker's ring-buffer shift).
    const dense = aug.map((a) => Float32Array.from(a.w, (x) => x * cell.kappa));
    const shiftFor = (sign: 1 | -1) => {
      let m = 0;
      for (const w of dense) for (let k = 0; k < w.length; k++) if (Math.sign(w[k]) === sign) m = Math.max(m, Math.abs(w[k]));
      let s = 0;
      while (s < maxShift && (m * frac) / 2 ** s > top) s++;
      return s;
    };
    const shiftExc = shiftFor(1);
    const shiftInh = shiftFor(-1);
    incoming.forEach((pr, idx) => {
      const w = dense[idx];
      const ints = new Int32Array(w.length);
      const dequantized = new Float32Array(w.length);
      for (let k = 0; k < w.length; k++) {
        const s = w[k] >= 0 ? shiftExc : shiftInh;
        const mag = Math.min(top, Math.round((Math.abs(w[k]) * frac) / 2 ** s));
        ints[k] = w[k] >= 0 ? mag : -mag;
        dequantized[k] = (ints[k] * 2 ** s) / frac / cell.kappa;
      }
      qprojs.push({
        name: pr.name, pre: pr.pre, post: pr.post, nPre: pops.get(pr.pre)!.size, nPost: pop.size, cols: aug[idx].cols,
        biasColumn: aug[idx].biasColumn, delaySteps: pr.delaySteps, unit: 2 ** Math.max(shiftExc, shiftInh) / frac / cell.kappa,
        dequantized, ...errors(aug[idx].w, dequantized), spinnaker: { shiftExc, shiftInh, ints },
      });
    });
  }
  return { profile: profile.name, format: profile.weights.format, populations: qpops, projections: qprojs };
}

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

function quantizeTrueNorth(net: NetworkIR, profile: HardwareProfile, pops: Map<string, PopulationIR>): QuantizedNetwork {
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
        delaySteps: pr.delaySteps, unit, dequantized, ...errors(w, dequantized), approximate: true,
      });
    }
  }
  return { profile: profile.name, format: profile.weights.format, populations: qpops, projections: qprojs };
}

/** Quantises every projection and population to the profile's number formats. */
export function quantizeNetwork(net: NetworkIR, profile: HardwareProfile): QuantizedNetwork {
  const pops = checkNetwork(net);
  if (!(net.dt > 0)) throw new HardwareProfileError(`network '${net.name}' is a rate network (dt = 0); only spiking networks map onto ${profile.name}`);
  switch (profile.weights.format) {
    case 'loihi-mant-exp':
      return quantizeLoihi(net, profile, pops);
    case 'spinnaker-u16-shift':
      return quantizeSpinnaker(net, profile, pops);
    case 'truenorth-axon-types':
      return quantizeTrueNorth(net, profile, pops);
  }
}

