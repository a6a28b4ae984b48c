// SPDX-License-Identifier: MIT
/** Small seeded IR networks for the export/import/map tests. */
import { Rng } from '../../src/sim/rng.js';
import type { NetworkIR, ProjectionIR } from '../../src/ir/ir.js';

const LIF = { tauMem: 10, tauSynE: 5, tauSynI: 8, vRest: 0, vReset: 0, vTh: 1, tRef: 2, r: 1 };
const UNITS = { tauMem: 'ms', tauSynE: 'ms', tauSynI: 'ms', vRest: 'mV', vReset: 'mV', vTh: 'mV', tRef: 'ms', r: 'MOhm' };

function dense(rng: Rng, nPost: number, nPre: number, scale: number, offset = 0): Float32Array {
  return Float32Array.from({ length: nPost * nPre }, () => (rng.uniform() + offset) * scale);
}

/** input(nIn) -> hidden LIF(nHid) -[recurrent inh, delay 2]-> hidden -> out LIF(nOut). */
export function smallLifNet(seed = 1, nIn = 6, nHid = 5, nOut = 3): NetworkIR {
  const rng = new Rng(seed);
  const projections: ProjectionIR[] = [
    { name: 'in_hid', pre: 'in', post: 'hid', receptor: 'exc', delaySteps: 0, weights: { format: 'dense', weight: dense(rng, nHid, nIn, 1.5) } },
    { name: 'hid_hid', pre: 'hid', post: 'hid', receptor: 'inh', delaySteps: 2, weights: { format: 'dense', weight: dense(rng, nHid, nHid, -0.5) } },
    { name: 'hid_out', pre: 'hid', post: 'out', receptor: 'mixed', delaySteps: 0, weights: { format: 'dense', weight: dense(rng, nOut, nHid, 2, -0.3) } },
  ];
  return {
    format: 'ffsnn-ir',
    version: 1,
    name: 'small-lif',
    dt: 1,
    populations: [
      { name: 'in', size: nIn, model: 'Input', params: {}, units: {} },
      { name: 'hid', size: nHid, model: 'LIF', params: { ...LIF }, units: UNITS },
      { name: 'out', size: nOut, model: 'LIF', params: { ...LIF, vTh: 0.8 }, units: UNITS },
    ],
    projections,
    inputs: ['in'],
    outputs: ['out'],
    encoding: { kind: 'poisson', steps: 40, params: { rate: 0.3 } },
    metadata: {},
  };
}

/** A seeded Poisson raster: raster[t][i] in {0, 1}. */
export function poissonRaster(seed: number, steps: number, n: number, p: number): Float64Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: steps }, () => Float64Array.from({ length: n }, () => (rng.uniform() < p ? 1 : 0)));
}
