// SPDX-License-Identifier: MIT
/**
 * SpiNNaker (`spinnaker-u16-shift`), per post population and synapse type (exc / inh):
 *   |w| is stored as uint16 w_int with a left shift s into s16.15: w ~ w_int * 2^s / 2^15, with the
 *   smallest s for which the largest |w| fits 16 bits (sPyNNaker's ring-buffer left shift).
 */
import type { NetworkIR, PopulationIR } from '../../ir/ir.js';
import { sharedParam } from '../../ir/simulate.js';
import { linearDynamics, type LinearDynamics } from '../dynamics.js';
import type { HardwareProfile } from '../profile.js';
import { augmentedWeights, quantError, type QuantizedNetwork, type QuantizedPopulation, type QuantizedProjection } from '../quantized.js';
import type { IfCurrExpParams } from './if-curr-exp.js';

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

export function quantizeSpinnaker(net: NetworkIR, profile: HardwareProfile, pops: Map<string, PopulationIR>): QuantizedNetwork {
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
        dequantized, ...quantError(aug[idx].w, dequantized), spinnaker: { shiftExc, shiftInh, ints },
      });
    });
  }
  return { profile: profile.name, format: profile.weights.format, populations: qpops, projections: qprojs };
}

