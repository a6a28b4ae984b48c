// SPDX-License-Identifier: MIT
/**
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
 */
import { invalidParam } from '../../errors.js';
import type { NetworkIR, PopulationIR } from '../../ir/ir.js';
import { linearDynamics } from '../dynamics.js';
import type { HardwareProfile } from '../profile.js';
import { augmentedWeights, quantError, type QuantizedNetwork, type QuantizedPopulation, type QuantizedProjection } from '../quantized.js';
import { determineSignMode, effectiveWeights, type LoihiWidths, LAVA_WIDTHS } from './dense-lif.js';

export function quantizeLoihi(net: NetworkIR, profile: HardwareProfile, pops: Map<string, PopulationIR>): QuantizedNetwork {
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
        biasColumn: aug[idx].biasColumn, delaySteps: pr.delaySteps, unit, dequantized, ...quantError(w, dequantized),
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

