// SPDX-License-Identifier: MIT
/**
 * Leaky integrate-and-fire neuron with current-based exponential synapses (CUBA LIF).
 *
 *   tauMem  dv/dt  = (vRest - v) + r * iExt + ge + gi        (v clamped while refractory)
 *   tauSynE dge/dt = -ge
 *   tauSynI dgi/dt = -gi
 *   v > vTh (strict)  ->  spike, v = vReset, refractory for tRef
 *
 * ge and gi are synaptic currents expressed as voltages (R * I, mV), as in Brian2's CUBA example;
 * excitatory projections add their weight to ge, inhibitory ones to gi (weights carry their sign).
 * During the refractory period ge and gi keep decaying and receiving input; only v is held.
 * iExt is a per-neuron constant current (nA) through the membrane resistance r (MOhm): r*iExt mV.
 */
import { invalidParam } from '../../errors.js';
import type { NeuronSpec } from '../spec.js';

export const lifSpec: NeuronSpec = {
  name: 'LIF',
  doc: 'leaky integrate-and-fire, exponential current synapses (exc/inh), exact integration',
  params: {
    tauMem: { unit: 'ms', default: 20, exclusiveMin: 0, doc: 'membrane time constant' },
    tauSynE: { unit: 'ms', default: 5, exclusiveMin: 0, doc: 'excitatory synaptic current time constant' },
    tauSynI: { unit: 'ms', default: 10, exclusiveMin: 0, doc: 'inhibitory synaptic current time constant' },
    vRest: { unit: 'mV', default: -65, doc: 'resting (leak reversal) potential' },
    vReset: { unit: 'mV', default: -65, doc: 'potential after a spike' },
    vTh: { unit: 'mV', default: -50, doc: 'firing threshold (spike when v > vTh)' },
    tRef: { unit: 'ms', default: 2, min: 0, doc: 'refractory period (v held at vReset)' },
    r: { unit: 'MOhm', default: 100, min: 0, doc: 'membrane resistance for the external current' },
  },
  state: {
    v: { unit: 'mV', init: { param: 'vReset' }, doc: 'membrane potential' },
    ge: { unit: 'mV', init: 0, doc: 'excitatory synaptic current (R * I)' },
    gi: { unit: 'mV', init: 0, doc: 'inhibitory synaptic current (R * I)' },
    refr: { unit: 'steps', init: 0, doc: 'refractory steps left' },
    iExt: { unit: 'nA', init: 0, doc: 'external constant current' },
  },
  receptors: { exc: 'ge', inh: 'gi' },
  externalInput: 'iExt',
  check(p) {
    if (!(p.vReset < p.vTh)) throw invalidParam('LIF', 'vReset', p.vReset, `< vTh (${p.vTh} mV)`);
  },
};
