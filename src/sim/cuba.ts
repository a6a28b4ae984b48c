// SPDX-License-Identifier: MIT
/**
 * Brian2's examples/CUBA.py (Brette et al. 2007, benchmark 2), parameter for parameter:
 * n LIF neurons (80 % excitatory), Bernoulli connectivity with autapses, no delay, no external
 * input (vRest = -49 mV is above threshold, so every neuron oscillates on its own), exact
 * integration, v initialised uniformly in [vReset, vTh).
 *
 *   taum = 20 ms, taue = 5 ms, taui = 10 ms, Vt = -50 mV, Vr = -60 mV, El = -49 mV,
 *   refractory 5 ms, we = 60 * 0.27 / 10 mV = 1.62 mV, wi = -20 * 4.5 / 10 mV = -9 mV,
 *   p = 0.02 for n = 4000; for other n, p = 80 / n (80 inputs per neuron on average).
 */
import { invalidParam } from '../errors.js';
import { type Connectivity, fixedProbability } from './connectivity.js';
import { Network } from './network.js';

export const CUBA_PARAMS = {
  tauMem: 20,
  tauSynE: 5,
  tauSynI: 10,
  vTh: -50,
  vReset: -60,
  vRest: -49,
  tRef: 5,
  r: 100,
} as const;
export const CUBA_WE = (60 * 0.27) / 10;
export const CUBA_WI = (-20 * 4.5) / 10;

export interface CubaOptions {
  n?: number;
  dt?: number;
  seed?: number;
  memoryLimitBytes?: number;
}

/** Builds the CUBA network: one population 'P', projections 'Ce' (i < 0.8 n) and 'Ci'. */
export function buildCuba(opts: CubaOptions = {}): Network {
  const n = opts.n ?? 4000;
  if (!Number.isInteger(n) || n < 5) throw invalidParam('cuba', 'n', n, 'an integer >= 5');
  const p = Math.min(1, 80 / n);
  const nE = Math.round(0.8 * n);
  const net = new Network({ dt: opts.dt ?? 0.1, seed: opts.seed ?? 12345, memoryLimitBytes: opts.memoryLimitBytes });
  const rng = net.rng.fork('cuba:v0');
  const v0 = new Float64Array(n);
  for (let i = 0; i < n; i++) v0[i] = CUBA_PARAMS.vReset + rng.uniform() * (CUBA_PARAMS.vTh - CUBA_PARAMS.vReset);
  net.addNeurons('P', n, 'LIF', CUBA_PARAMS, { v: v0 });
  // Sources i < nE and i >= nE: the rows outside a projection's range stay empty, as in Brian2's
  // `connect('i<3200', p)`, so one population keeps its natural neuron numbering.
  net.connect('P', 'P', { name: 'Ce', connectivity: rowRange(p, 0, nE), weight: CUBA_WE, receptor: 'exc' });
  net.connect('P', 'P', { name: 'Ci', connectivity: rowRange(p, nE, n), weight: CUBA_WI, receptor: 'inh' });
  return net;
}

/** Bernoulli(p) connectivity from sources in [from, to) only; other rows stay empty. */
function rowRange(p: number, from: number, to: number): Connectivity {
  const inner = fixedProbability(p);
  return {
    kind: 'fixedProbability(rows)',
    estimate: (_nPre, nPost) => inner.estimate(to - from, nPost),
    build(nPre, nPost, rng) {
      const part = inner.build(to - from, nPost, rng, false);
      const rowPtr = new Uint32Array(nPre + 1);
      for (let i = from; i <= to; i++) rowPtr[i] = part.rowPtr[i - from];
      rowPtr.fill(part.rowPtr[to - from], to + 1);
      return { rowPtr, col: part.col };
    },
  };
}
