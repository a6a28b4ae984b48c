// SPDX-License-Identifier: MIT
import { spawnSync } from 'node:child_process';
import test from 'ava';
import { brianSpikesOnSameNetwork } from '../../bench/brian2/same-network.js';
import { CUBA_WE, CUBA_WI, buildCuba } from '../../src/sim/cuba.js';
import { EventDrivenEngine } from '../../src/sim/engine.js';
import { SpikeMonitor } from '../../src/sim/monitors.js';

const BRIAN_RATE_HZ = 5.684; // Brian2 2.5.1, CUBA.py, 4000 neurons, 1 s (shared/reference/simulators.md)

test('CUBA network matches CUBA.py: sizes, weights, p = 0.02, v0 in [Vr, Vt)', (t) => {
  const net = buildCuba({ n: 4000, seed: 1 });
  const [ce, ci] = net.projections;
  t.true(Math.abs(CUBA_WE - 1.62) < 1e-12);
  t.is(CUBA_WI, -9);
  if (ce.format !== 'csr' || ci.format !== 'csr') return t.fail();
  t.is(ce.rowPtr[3200], ce.col.length, 'excitatory rows are i < 3200');
  t.is(ci.rowPtr[3200], 0, 'inhibitory rows are i >= 3200');
  const mean = 4000 * 4000 * 0.02;
  const total = ce.col.length + ci.col.length;
  t.true(Math.abs(total - mean) < 5 * Math.sqrt(mean), `${total} synapses`);
  t.true(ce.weight.every((w) => Math.abs(w - 1.62) < 1e-6) && ci.weight.every((w) => w === -9));
  const p = net.population('P');
  if (p.kind !== 'neurons') return t.fail();
  t.true((p.init.v as Float64Array).every((v) => v >= -60 && v < -50));
  t.deepEqual([p.params.vRest, p.params.vTh, p.params.vReset, p.params.tRef], [-49, -50, -60, 5]);
});

test('CUBA, 4000 neurons, 1 s: mean rate over 8 networks within 3 % of Brian2 (5.684 Hz)', (t) => {
  const rates: number[] = [];
  for (let seed = 1; seed <= 8; seed++) {
    const res = new EventDrivenEngine(buildCuba({ n: 4000, seed })).run(10_000);
    rates.push(res.spikes / 4000);
    t.true(res.synapticEvents > 70 * res.spikes && res.synapticEvents < 90 * res.spikes);
  }
  const mean = rates.reduce((a, b) => a + b) / rates.length;
  t.log(`rates ${rates.map((r) => r.toFixed(3)).join(' ')}; mean ${mean.toFixed(3)} Hz`);
  t.true(Math.abs(mean - BRIAN_RATE_HZ) / BRIAN_RATE_HZ < 0.03, `mean ${mean} Hz`);
});

const brianAvailable = spawnSync('/usr/bin/python3', ['-c', 'import brian2'], { env: { ...process.env, PYTHONWARNINGS: 'ignore' } }).status === 0;
const brianTest = brianAvailable ? test : test.skip;

brianTest('Brian2 simulating the same network gives the same spikes, spike for spike (200 ms)', (t) => {
  const n = 1000;
  const net = buildCuba({ n, seed: 21 });
  const brian = brianSpikesOnSameNetwork(net, n, { target: 'numpy', durationS: 0.2 });
  const engine = new EventDrivenEngine(net);
  const mon = engine.addMonitor(new SpikeMonitor('P'));
  engine.run(2000);
  t.true(mon.total > 100);
  const ours = Array.from(mon.steps, (s, q) => s * n + mon.indices[q]).sort((a, b) => a - b);
  const theirs = brian.t.map((s, q) => s * n + brian.i[q]).sort((a, b) => a - b);
  t.deepEqual(ours, theirs);
});
