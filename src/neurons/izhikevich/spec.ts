// SPDX-License-Identifier: MIT
/**
 * Izhikevich (2003) neuron, with current-based exponential synapses added in the same units:
 *
 *   dv/dt = 0.04 v^2 + 5 v + 140 - u + I,      I = iExt + ge + gi
 *   du/dt = a (b v - u)
 *   tauSynE dge/dt = -ge,   tauSynI dgi/dt = -gi
 *   v >= vPeak  ->  spike, v = c, u = u + d
 *
 * Units as in the paper: t in ms, v in mV, I, u, ge, gi in mV/ms. No refractory period (the
 * reset to c and the jump in u play that role). Integration scheme: see float.ts.
 */
import type { NeuronSpec } from '../spec.js';

export const izhikevichSpec: NeuronSpec = {
  name: 'Izhikevich',
  doc: 'Izhikevich 2003 quadratic model with recovery variable u, exponential current synapses',
  params: {
    a: { unit: '1/ms', default: 0.02, exclusiveMin: 0, doc: 'recovery rate of u' },
    b: { unit: '1', default: 0.2, doc: 'sensitivity of u to v' },
    c: { unit: 'mV', default: -65, doc: 'reset potential' },
    d: { unit: 'mV/ms', default: 8, doc: 'jump of u after a spike' },
    vPeak: { unit: 'mV', default: 30, doc: 'spike cut-off (spike when v >= vPeak)' },
    tauSynE: { unit: 'ms', default: 5, exclusiveMin: 0, doc: 'excitatory synaptic current time constant' },
    tauSynI: { unit: 'ms', default: 10, exclusiveMin: 0, doc: 'inhibitory synaptic current time constant' },
  },
  state: {
    v: { unit: 'mV', init: { param: 'c' }, doc: 'membrane potential' },
    u: { unit: 'mV/ms', init: (p) => p.b * p.c, doc: 'recovery variable, starts at b * c' },
    ge: { unit: 'mV/ms', init: 0, doc: 'excitatory synaptic current' },
    gi: { unit: 'mV/ms', init: 0, doc: 'inhibitory synaptic current' },
    iExt: { unit: 'mV/ms', init: 0, doc: 'external constant current' },
  },
  receptors: { exc: 'ge', inh: 'gi' },
  externalInput: 'iExt',
};
