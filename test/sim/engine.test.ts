// SPDX-License-Identifier: MIT
import test from 'ava';
import { ConfigError } from '../../src/errors.js';
import { fixedProbability, fromList } from '../../src/sim/connectivity.js';
import { buildCuba } from '../../src/sim/cuba.js';
import { poissonSource, spikeListSource } from '../../src/sim/encoders.js';
import { EventDrivenEngine } from '../../src/sim/engine.js';
import { PopulationRateMonitor, SpikeMonitor, StateMonitor } from '../../src/sim/monitors.js';
import { Network } from '../../src/sim/network.js';

function cubaSpikes(seed: number, kernel: 'auto' | 'js', steps = 2000) {
  const engine = new EventDrivenEngine(buildCuba({ n: 1000, seed }), { kernel });
  const mon = engine.addMonitor(new SpikeMonitor('P'));
  const res = engine.run(steps);
  return { engine, mon, res, train: Array.from(mon.steps, (s, q) => s * 1000 + mon.indices[q]) };
}

test('same seed, same spikes: on rebuild, after reset, and with the js or wasm neuron kernel', (t) => {
  const a = cubaSpikes(5, 'auto');
  const b = cubaSpikes(5, 'auto');
  const c = cubaSpikes(5, 'js');
  t.true(a.res.spikes > 500, `spikes ${a.res.spikes}`);
  t.deepEqual(a.train, b.train);
  t.deepEqual(a.train, c.train, 'wasm and js kernels give identical spikes');
  t.is(c.res.kernels.P, 'js-f64');
  t.is(a.res.backend, 'cpu-event');
  a.engine.reset();
  const again = a.engine.addMonitor(new SpikeMonitor('P'));
  a.engine.run(2000);
  t.deepEqual(Array.from(again.indices), Array.from(a.mon.indices.subarray(0, again.total)));
  t.notDeepEqual(cubaSpikes(6, 'auto').train, a.train, 'another seed, another network');
});

test('synaptic events are spikes x fan-out', (t) => {
  const { engine, mon, res } = cubaSpikes(9, 'auto', 1500);
  let expected = 0;
  for (const proj of engine.net.projections) {
    if (proj.format !== 'csr') continue;
    for (let i = 0; i < 1000; i++) expected += mon.counts[i] * (proj.rowPtr[i + 1] - proj.rowPtr[i]);
  }
  t.is(res.synapticEvents, expected);
  t.true(res.runSeconds >= 0);
});

/** One source neuron firing at step 10 into a LIF neuron; returns the recorded ge trace. */
function geTrace(connect: (net: Network) => void, steps = 30): Float64Array {
  const net = new Network({ dt: 0.1 });
  net.addSource('S', 2, spikeListSource([10], [0], 2));
  net.addNeurons('N', 3, 'LIF', { tauSynE: 1e9, vTh: 1e6, vReset: -70 });
  connect(net);
  const engine = new EventDrivenEngine(net);
  const mon = engine.addMonitor(new StateMonitor('N', ['ge'], [0, 1, 2]));
  engine.run(steps);
  return Float64Array.from({ length: steps * 3 }, (_, q) => mon.values.ge[q]);
}

test('delays: a spike in step t reaches the target after the update of step t + d', (t) => {
  const at = (trace: Float64Array, neuron: number) => Array.from({ length: 30 }, (_, s) => trace[s * 3 + neuron]).findIndex((x) => x !== 0);
  const d0 = geTrace((net) => net.connect('S', 'N', { connectivity: fixedProbability(1), weight: 2 }));
  t.is(at(d0, 0), 10, 'no delay: recorded in the spike step, seen by the next update');
  t.true(Math.abs(d0[29 * 3] - 2) < 1e-6);
  const d5 = geTrace((net) => net.connect('S', 'N', { connectivity: fixedProbability(1), weight: 2, delay: 0.5 }));
  t.is(at(d5, 1), 15);
  const perSyn = geTrace((net) => net.connect('S', 'N', { connectivity: fromList({ pre: [0, 0, 0, 1], post: [0, 1, 2, 0], weight: [1, 1, 1, 9], delay: [0, 0.3, 1.2, 0] }), weight: 0 }));
  t.deepEqual([at(perSyn, 0), at(perSyn, 1), at(perSyn, 2)], [10, 13, 22]);
  const dense = geTrace((net) => net.connectDense('S', 'N', { weight: Float32Array.of(1, 2, 3, 4, 5, 6), delay: 0.2 }));
  t.deepEqual([at(dense, 0), at(dense, 1), at(dense, 2)], [12, 12, 12]);
  t.deepEqual([dense[29 * 3], dense[29 * 3 + 1], dense[29 * 3 + 2]].map((x) => Math.round(x * 1e6) / 1e6), [1, 2, 3], 'pre-major [pre][post]');
});

test('dense and CSR projections with the same weights give identical spikes', (t) => {
  const run = (dense: boolean) => {
    const net = new Network({ dt: 0.1, seed: 4 });
    net.addSource('In', 40, poissonSource(new Float64Array(40).fill(80), { dt: 0.1, seed: 11 }));
    net.addNeurons('Out', 25, 'LIF', { vRest: -65, vReset: -65, vTh: -55, tauSynE: 3 });
    const w = new Float32Array(40 * 25);
    for (let k = 0; k < w.length; k++) w[k] = ((k * 7919) % 13) * 0.25;
    if (dense) net.connectDense('In', 'Out', { weight: w });
    else net.connect('In', 'Out', { connectivity: fixedProbability(1), weight: w });
    const engine = new EventDrivenEngine(net);
    const mon = engine.addMonitor(new SpikeMonitor('Out'));
    const res = engine.run(3000);
    return { idx: Array.from(mon.indices), steps: Array.from(mon.steps), res };
  };
  const a = run(true);
  const b = run(false);
  t.true(a.idx.length > 50, `spikes ${a.idx.length}`);
  t.deepEqual(a.idx, b.idx);
  t.deepEqual(a.steps, b.steps);
  t.is(a.res.synapticEvents, b.res.synapticEvents);
  t.true(a.res.sourceSpikes > 0);
});

test('monitors: population rate, state traces and their checks', (t) => {
  const engine = new EventDrivenEngine(buildCuba({ n: 500, seed: 2 }));
  const rate = engine.addMonitor(new PopulationRateMonitor('P'));
  const spikes = engine.addMonitor(new SpikeMonitor('P', { record: false }));
  const v = engine.addMonitor(new StateMonitor('P', ['v', 'ge'], [0, 499], { every: 10 }));
  engine.run(1000);
  t.is(rate.rate.length, 1000);
  const meanHz = rate.rate.reduce((x, y) => x + y) / 1000;
  t.true(Math.abs(meanHz - spikes.total / 500 / 0.1) < 1e-9);
  t.is(spikes.indices.length, 0, 'record: false keeps counts only');
  t.is(v.samples, 100);
  t.is(v.trace('v', 1).length, 100);
  t.true(v.trace('v', 0).every((x) => x >= -60 && x <= -50));
  t.throws(() => engine.addMonitor(new StateMonitor('Q', ['v'], [0])), { instanceOf: ConfigError, message: /no population named 'Q'/ });
  engine.addMonitor(new StateMonitor('P', ['v'], [500]));
  t.throws(() => engine.run(1), { instanceOf: ConfigError, message: /'neuron' = 500/ });
  t.throws(() => engine.run(-1), { instanceOf: ConfigError });
});

test('constant current through iExt drives a population, and engine.state exposes live arrays', (t) => {
  const net = new Network({ dt: 0.1 });
  net.addNeurons('A', 4, 'LIF', { vRest: -65, vReset: -65, vTh: -50, tRef: 2 }, { iExt: Float64Array.of(0, 0.1, 0.2, 0.3) });
  const engine = new EventDrivenEngine(net);
  const mon = engine.addMonitor(new SpikeMonitor('A'));
  engine.run(10_000);
  t.deepEqual(Array.from(mon.counts).map((c) => c > 0), [false, false, true, true]);
  t.true(mon.counts[3] > mon.counts[2]);
  engine.reset();
  engine.state('A').iExt.fill(0);
  const quiet = engine.addMonitor(new SpikeMonitor('A'));
  engine.run(1000);
  t.is(quiet.total, 0);
});

test('IF and Izhikevich populations run in the engine, driven by Poisson input through both receptors', (t) => {
  const run = () => {
    const net = new Network({ dt: 0.1, seed: 8 });
    net.addSource('In', 100, poissonSource(new Float64Array(100).fill(50), { dt: 0.1, seed: 2 }));
    net.addNeurons('If', 20, 'IF', { vTh: 5, tauMem: 10 });
    net.addNeurons('Izh', 20, 'Izhikevich');
    net.connect('In', 'If', { connectivity: fixedProbability(0.3), weight: 1, receptor: 'exc' });
    net.connect('In', 'If', { connectivity: fixedProbability(0.1), weight: -0.5, receptor: 'inh' });
    net.connect('In', 'Izh', { connectivity: fixedProbability(0.3), weight: 4, receptor: 'exc', delay: 1 });
    net.connect('If', 'Izh', { connectivity: fixedProbability(0.5), weight: -2, receptor: 'inh' });
    const engine = new EventDrivenEngine(net);
    const a = engine.addMonitor(new SpikeMonitor('If'));
    const b = engine.addMonitor(new SpikeMonitor('Izh'));
    const res = engine.run(5000);
    return { a: Array.from(a.indices), b: Array.from(b.indices), res };
  };
  const x = run();
  t.true(x.a.length > 20, `IF spikes ${x.a.length}`);
  t.true(x.b.length > 20, `Izhikevich spikes ${x.b.length}`);
  t.deepEqual(x.res.kernels, { In: 'source', If: 'js-f64', Izh: 'js-f64' });
  const y = run();
  t.deepEqual(y.a, x.a);
  t.deepEqual(y.b, x.b);
});
