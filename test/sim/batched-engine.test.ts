// SPDX-License-Identifier: MIT
// B copies in the batched engine against B separate runs of the event-driven reference engine.
//
// Tolerance: the batched engine keeps state in float32, the reference in float64. We require
// identical spike trains (every step and neuron index) on inputs whose membrane potentials never
// come within float32 rounding of the threshold (the assertion on `closest` checks that margin
// for population h: 1e-4 mV, ~15x the float32 spacing at 65 mV), and final membrane potentials
// within 0.01 mV, i.e. 1e-4 of a 100 mV range (float32 rounding accumulates over 200 steps).
import test from 'ava';
import { Rng } from '../../src/sim/rng.js';
import { Network, type SpikeSource } from '../../src/sim/network.js';
import { fixedProbability } from '../../src/sim/connectivity.js';
import { EventDrivenEngine } from '../../src/sim/engine.js';
import { SpikeMonitor } from '../../src/sim/monitors.js';
import { spikeListSource } from '../../src/sim/encoders.js';
import { BatchedEngine } from '../../src/sim/batched/engine.js';
import { ConfigError, MemoryLimitError } from '../../src/errors.js';

/** Replays a fixed raster (step -> indices). */
function rasterSource(raster: number[][]): SpikeSource {
  const steps: number[] = [], index: number[] = [];
  raster.forEach((r, t) => r.forEach((i) => (steps.push(t), index.push(i))));
  return spikeListSource(steps, index, N_IN);
}

function poissonRaster(seed: number, n: number, steps: number, p: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: steps }, () => {
    const r: number[] = [];
    for (let i = 0; i < n; i++) if (rng.uniform() < p) r.push(i);
    return r;
  });
}

const N_IN = 40, STEPS = 200;

function build(source: SpikeSource): Network {
  const net = new Network({ dt: 0.5, seed: 11 });
  net.addSource('in', N_IN, source);
  net.addNeurons('h', 30, 'LIF', { tauMem: 10, tauSynE: 3, tauSynI: 6, vRest: -65, vReset: -70, vTh: -55, tRef: 2 });
  net.addNeurons('o', 12, 'LIF', { tauMem: 15, tauSynE: 4, tauSynI: 8, vRest: -65, vReset: -65, vTh: -58, tRef: 1 });
  net.addNeurons('z', 8, 'Izhikevich', {});
  net.addNeurons('f', 6, 'IF', {});
  net.connectDense('in', 'h', { weight: (r) => 0.5 + 3 * r.uniform() });
  net.connect('in', 'h', { connectivity: fixedProbability(0.2), weight: -2, receptor: 'inh', delay: (r) => 0.5 * (1 + r.int(4)) });
  net.connect('h', 'o', { connectivity: fixedProbability(0.5), weight: (r) => 2 + 4 * r.uniform(), delay: 1 });
  net.connect('o', 'h', { connectivity: fixedProbability(0.3), weight: -1.5, receptor: 'inh' });
  net.connectDense('h', 'z', { weight: (r) => 4 * r.uniform(), delay: 0.5 });
  net.connectDense('in', 'f', { weight: (r) => 2 * r.uniform() });
  return net;
}

const B = 4;
const rasters = Array.from({ length: B }, (_, b) => poissonRaster(100 + b, N_IN, STEPS, 0.03 + 0.02 * b));

/** The reference: one event-driven run per copy; spike trains, final v, closest approach to vTh. */
function reference() {
  return rasters.map((raster) => {
    const eng = new EventDrivenEngine(build(rasterSource(raster)));
    const mons = ['h', 'o', 'z', 'f'].map((p) => eng.addMonitor(new SpikeMonitor(p)));
    let closest = Infinity;
    for (let t = 0; t < STEPS; t++) {
      eng.run(1);
      const v = eng.state('h').v;
      for (let i = 0; i < v.length; i++) if (v[i] !== -70) closest = Math.min(closest, Math.abs(v[i] + 55));
    }
    return {
      trains: mons.map((m) => ({ steps: [...m.steps], index: [...m.indices] })),
      v: ['h', 'o', 'z', 'f'].map((p) => Float64Array.from(eng.state(p).v)),
      closest,
    };
  });
}

const ref = reference();

for (const backend of ['cpu', 'gpujs-cpu', 'webasm']) {
  test(`batched engine (${backend}): copy b reproduces the event-driven run on input b`, async (t) => {
    const eng = await BatchedEngine.create(build(rasterSource([])), { batch: B, backend, record: ['h', 'o', 'z', 'f'] });
    try {
      eng.setInputs({ in: rasters.map((r) => rasterSource(r)) });
      const res = eng.run(STEPS);
      t.is(res.backend, backend === 'cpu' ? 'cpu-js' : backend === 'gpujs-cpu' ? 'cpu' : 'webasm');
      t.is(eng.backend, res.backend);
      let total = 0;
      let maxErr = 0;
      for (let b = 0; b < B; b++) {
        t.true(ref[b].closest > 1e-4, `copy ${b}: reference stays ${ref[b].closest} mV from threshold`);
        ['h', 'o', 'z', 'f'].forEach((pop, p) => {
          const got = eng.trains(pop)[b];
          t.deepEqual(got, ref[b].trains[p], `copy ${b}, population ${pop}: spike trains`);
          total += got.steps.length;
          const N = ref[b].v[p].length;
          const v = eng.state(pop).v.subarray(b * N, (b + 1) * N);
          let err = 0;
          for (let i = 0; i < N; i++) err = Math.max(err, Math.abs(v[i] - ref[b].v[p][i]));
          t.true(err <= 0.01, `copy ${b}, ${pop}: |v - vRef| = ${err} mV`);
          maxErr = Math.max(maxErr, err);
        });
      }
      for (const pop of ['h', 'o', 'z', 'f']) {
        const n = eng.trains(pop).reduce((a, tr) => a + tr.steps.length, 0);
        t.true(n >= 5, `population ${pop} is active (${n} spikes)`);
      }
      t.is(res.spikes, total);
      t.log(`largest |v - vRef| over copies and populations: ${maxErr.toExponential(2)} mV`);
      // copies really differ (different inputs), so a copy-mixing bug cannot pass
      t.notDeepEqual(eng.trains('h')[0], eng.trains('h')[B - 1]);
      // reset restores the initial state: a second run gives the same trains
      eng.reset();
      eng.run(STEPS);
      t.deepEqual(eng.trains('o')[1], ref[1].trains[1]);
    } finally {
      await eng.dispose();
    }
  });
}

test('batched engine rejects bad batch sizes and inputs', async (t) => {
  const net = build(rasterSource([]));
  await t.throwsAsync(BatchedEngine.create(net, { batch: 0, backend: 'cpu' }), { instanceOf: ConfigError, message: /batch/ });
  const small = new Network({ dt: 0.5, memoryLimitBytes: 10_000 });
  small.addNeurons('p', 100, 'LIF');
  await t.throwsAsync(BatchedEngine.create(small, { batch: 100, backend: 'cpu' }), { instanceOf: MemoryLimitError });
  const eng = await BatchedEngine.create(net, { batch: 2, backend: 'cpu' });
  t.throws(() => eng.setInputs({ in: [rasterSource([])] }), { instanceOf: ConfigError, message: /2 spike sources/ });
  t.throws(() => eng.setInputs({ h: [rasterSource([]), rasterSource([])] }), { instanceOf: ConfigError });
  t.throws(() => eng.trains('h'), { instanceOf: ConfigError });
});
