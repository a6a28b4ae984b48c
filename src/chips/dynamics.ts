// SPDX-License-Identifier: MIT
/**
 * The per-step linear dynamics of a population (synaptic and membrane decay, weight of a unit input,
 * threshold) read from its IR parameters: what every chip's quantiser maps onto its own format.
 */
import { HardwareProfileError } from '../errors.js';
import { synapticPropagator } from '../neurons/lif/float.js';
import { getNeuronModel } from '../neurons/registry.js';
import { resolveParams, stepsOf } from '../neurons/spec.js';
import type { PopulationIR } from '../ir/ir.js';
import { perNeuron, sharedParam } from '../ir/simulate.js';

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

