// SPDX-License-Identifier: MIT
/**
 * Non-leaky integrate-and-fire neuron with current-based exponential synapses.
 *
 *   tauMem  dv/dt  = r * iExt + ge + gi                      (v clamped while refractory)
 *   tauSynE dge/dt = -ge,   tauSynI dgi/dt = -gi
 *   v > vTh (strict)  ->  spike, v = vReset, refractory for tRef
 *
 * Units as for LIF: ge, gi in mV (R * I), iExt in nA through r in MOhm. tauMem scales how fast the
 * input charges the membrane (C * R in the leaky model).
 */
import { invalidParam } from '../../errors.js';
import type { NeuronSpec } from '../spec.js';

export const ifSpec: NeuronSpec = {
  name: 'IF',
  doc: 'integrate-and-fire without leak, exponential current synapses (exc/inh), exact integration',
  params: {
    tauMem: { unit: 'ms', default: 20, exclusiveMin: 0, doc: 'charging time scale' },
    tauSynE: { unit: 'ms', default: 5, exclusiveMin: 0, doc: 'excitatory synaptic current time constant' },
    tauSynI: { unit: 'ms', default: 10, exclusiveMin: 0, doc: 'inhibitory synaptic current time constant' },
    vReset: { unit: 'mV', default: 0, doc: 'potential after a spike' },
    vTh: { unit: 'mV', default: 15, doc: 'firing threshold (spike when v > vTh)' },
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
    if (!(p.vReset < p.vTh)) throw invalidParam('IF', 'vReset', p.vReset, `< vTh (${p.vTh} mV)`);
  },
};
