// SPDX-License-Identifier: MIT
import test from 'ava';
import { loadProfile, type HardwareProfile } from '../../src/chips/profile.js';
import { estimateEnergy, mapNetwork } from '../../src/chips/map.js';
import type { NetworkIR } from '../../src/ir/ir.js';
import { Rng } from '../../src/sim/rng.js';

const LIF = { tauMem: 10, tauSynE: 5, tauSynI: 5, vRest: 0, vReset: 0, vTh: 1, tRef: 0, r: 0 };

/** input(nIn) -> h(nH) dense, every weight non-zero. */
function layer(nIn: number, nH: number, delaySteps = 0): NetworkIR {
  const rng = new Rng(7);
  return {
    format: 'ffsnn-ir', version: 1, name: 'layer', dt: 1,
    populations: [
      { name: 'in', size: nIn, model: 'Input', params: {}, units: {} },
      { name: 'h', size: nH, model: 'LIF', params: { ...LIF }, units: {} },
    ],
    projections: [{ name: 'in_h', pre: 'in', post: 'h', receptor: 'mixed', delaySteps, weights: { format: 'dense', weight: Float32Array.from({ length: nIn * nH }, () => rng.uniform() - 0.4) } }],
    inputs: ['in'], outputs: ['h'], metadata: {},
  };
}

const clone = (p: HardwareProfile): HardwareProfile => JSON.parse(JSON.stringify(p));

test('Loihi: cores from the synaptic-memory limit (784 inputs x 16 bits -> 83 neurons per core)', (t) => {
  const r = mapNetwork(layer(784, 500), loadProfile('loihi2'));
  t.true(r.fits);
  // 1048576 bits / (784 synapses * 16 bits) = 83.6 -> 83 neurons per core; 500 / 83 -> 7 cores
  t.is(r.cores, 7);
  t.is(r.chips, 1);
  t.is(r.populations[0].neuronsPerCore, 72);
  t.is(r.placements.reduce((a, c) => a + c.neurons, 0), 500);
  t.true(r.placements.every((c) => c.utilisation.synapseMem <= 1 && c.utilisation.neurons <= 1));
});

test('a network larger than one chip is split across chips; beyond maxChips it is refused', (t) => {
  const p = clone(loadProfile('spinnaker'));
  p.chip.coresPerChip.value = 2;
  const r = mapNetwork(layer(10, 1000), p);
  t.true(r.fits);
  t.is(r.cores, 4); // 256 neurons per core
  t.is(r.chips, 2);
  t.deepEqual(r.placements.map((c) => c.chip), [0, 0, 1, 1]);
  p.chip.maxChips = { value: 1, source: 'test', confidence: 'assumed' };
  const r2 = mapNetwork(layer(10, 1000), p);
  t.false(r2.fits);
  t.deepEqual([r2.refused!.constraint, r2.refused!.needed, r2.refused!.limit], ['chip.maxChips', 2, 1]);
});

test('refusals name the constraint, the population and the numbers', (t) => {
  const tn = mapNetwork(layer(784, 10), loadProfile('truenorth'));
  t.false(tn.fits);
  t.is(tn.refused!.constraint, 'core.maxInAxons');
  t.is(tn.refused!.population, 'h');
  t.deepEqual([tn.refused!.needed, tn.refused!.limit], [784, 256]);
  t.regex(tn.refused!.message, /population 'h': fan-in of 784 input axons exceeds truenorth's 256/);
  const d = mapNetwork(layer(4, 4, 70), loadProfile('loihi'));
  t.deepEqual([d.refused!.constraint, d.refused!.projection, d.refused!.needed], ['delay', 'in_h', 70]);
  const p = clone(loadProfile('loihi'));
  p.core.synapseMemBits.value = 100;
  const m = mapNetwork(layer(10, 2), p);
  t.deepEqual([m.refused!.constraint, m.refused!.needed, m.refused!.limit], ['core.synapseMemBits', 160, 100]);
});

test('energy = per-operation figures x counts; unknown figures give no estimate', (t) => {
  const counts = { spikes: 10, inputEvents: 5, synapticEvents: 1000, neuronUpdates: 200, from: 'test' };
  const e = estimateEnergy(loadProfile('loihi'), counts);
  t.is(Math.round(e.microjoules! * 1e6), Math.round(1000 * 23.6 + 200 * 81 + 15 * 1.7));
  t.true(e.unconfirmed.length >= 3, 'Loihi figures come from a secondary source');
  const s2 = estimateEnergy(loadProfile('spinnaker2'), counts);
  t.is(s2.microjoules, null);
  const sp = estimateEnergy(loadProfile('spinnaker'), counts);
  t.deepEqual(sp.unconfirmed, [], 'SpiNNaker figures are from documents and code');
});
