// SPDX-License-Identifier: MIT
import test from 'ava';
import { ConfigError, MemoryLimitError } from '../../src/errors.js';
import { fixedProbability, oneToOne } from '../../src/sim/connectivity.js';
import { Network } from '../../src/sim/network.js';

test('a network whose synapses would not fit is refused before allocating, with the bytes it needs', (t) => {
  const net = new Network({ dt: 0.1, memoryLimitBytes: 1 << 30 });
  net.addNeurons('A', 1_000_000, 'LIF');
  let weightsDrawn = 0;
  const weight = () => (weightsDrawn++, 0.1);
  const e = t.throws(() => net.connect('A', 'A', { connectivity: fixedProbability(0.5), weight }), { instanceOf: MemoryLimitError });
  t.is(weightsDrawn, 0, 'refused before a single synapse was built');
  // 5e11 expected synapses x 8 bytes (+ rowPtr)
  t.regex(e!.message, /would need 4,000,0\d\d,\d{3},\d{3} bytes, more than the 1,073,741,824 bytes available/);
  t.is(net.projections.length, 0);
  t.is(net.synapseBytes, 0);
  // the default budget is a fraction of the machine's memory; a 64000^2 all-to-all is refused too
  const big = new Network({ dt: 0.1 });
  big.addNeurons('B', 2_000_000, 'LIF');
  t.throws(() => big.connectDense('B', 'B', { weight: 0.1 }), { instanceOf: MemoryLimitError });
});

test('synapse storage: 8 bytes per synapse without delays, 10 with per-synapse delays', (t) => {
  const net = new Network({ dt: 0.1, seed: 1 });
  net.addNeurons('A', 200, 'LIF');
  const a = net.connect('A', 'A', { connectivity: fixedProbability(0.1), weight: 0.5 });
  const perSyn = (a.col.byteLength + a.weight.byteLength + (a.delay?.byteLength ?? 0)) / a.col.length;
  t.is(perSyn, 8);
  t.is(a.delay, undefined);
  const b = net.connect('A', 'A', { connectivity: fixedProbability(0.1), weight: (rng) => rng.normal(), delay: (rng) => 0.1 + rng.int(20) * 0.1 });
  t.is((b.col.byteLength + b.weight.byteLength + b.delay!.byteLength) / b.col.length, 10);
  t.true(b.delay!.some((d) => d > 1));
  t.notDeepEqual(b.col, a.col, 'each projection has its own random stream');
});

test('invalid construction raises typed errors naming the field', (t) => {
  t.throws(() => new Network({ dt: 0 }), { instanceOf: ConfigError, message: /'dt' = 0/ });
  t.throws(() => new Network({ dt: NaN }), { instanceOf: ConfigError });
  const net = new Network({ dt: 0.1 });
  net.addNeurons('A', 10, 'LIF');
  t.throws(() => net.addNeurons('A', 10, 'LIF'), { instanceOf: ConfigError, message: /population name/ });
  t.throws(() => net.addNeurons('B', 0, 'LIF'), { instanceOf: ConfigError, message: /'size' = 0/ });
  t.throws(() => net.addNeurons('C', 10, 'LIF', { tauMem: -3 }), { instanceOf: ConfigError, message: /LIF: parameter 'tauMem' = -3/ });
  t.throws(() => net.addNeurons('D', 10, 'LIF', {}, { w: 1 }), { instanceOf: ConfigError, message: /init.w/ });
  t.throws(() => net.addNeurons('E', 10, 'LIF', {}, { v: new Float64Array(3) }), { instanceOf: ConfigError });
  t.throws(() => net.connect('A', 'Z', { connectivity: oneToOne(), weight: 1 }), { instanceOf: ConfigError, message: /no population named 'Z'/ });
  t.throws(() => net.connect('A', 'A', { connectivity: oneToOne(), weight: 1, receptor: 'nmda' as 'exc' }), { instanceOf: ConfigError, message: /receptor/ });
  t.throws(() => net.connect('A', 'A', { connectivity: oneToOne(), weight: NaN }), { instanceOf: ConfigError });
  t.throws(() => net.connect('A', 'A', { connectivity: oneToOne(), weight: 1, delay: -1 }), { instanceOf: ConfigError, message: /'delay' = -1/ });
  t.throws(() => net.connectDense('A', 'A', { weight: new Float32Array(5) }), { instanceOf: ConfigError });
});

test('a projection that fails while building leaves the memory budget as it was', (t) => {
  const net = new Network({ dt: 0.1, memoryLimitBytes: 10_000 });
  net.addNeurons('A', 10, 'LIF');
  t.throws(() => net.connect('A', 'A', { connectivity: fixedProbability(0.5), weight: 1, delay: () => -1 }), { instanceOf: ConfigError });
  t.is(net.synapseBytes, 0);
  const ok = net.connect('A', 'A', { connectivity: oneToOne(), weight: 1 });
  t.is(net.synapseBytes, 8 * ok.col.length + 4 * 11);
});
