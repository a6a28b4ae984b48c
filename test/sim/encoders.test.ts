// SPDX-License-Identifier: MIT
import test from 'ava';
import { ConfigError } from '../../src/errors.js';
import { constantCurrent, latencySource, poissonSource, spikeListSource } from '../../src/sim/encoders.js';
import type { SpikeSource } from '../../src/sim/network.js';

function collect(src: SpikeSource, size: number, steps: number): number[][] {
  const out = new Uint32Array(size);
  const all: number[][] = [];
  for (let t = 0; t < steps; t++) all.push(Array.from(out.subarray(0, src.emit(t, out))));
  return all;
}

test('Poisson source: rate per neuron, reproducible after reset, seed-dependent', (t) => {
  const rates = Float64Array.of(0, 20, 100, 400);
  const src = poissonSource(rates, { dt: 0.1, seed: 3 });
  const steps = 50_000; // 5 s
  const a = collect(src, 4, steps);
  const counts = [0, 0, 0, 0];
  for (const s of a) for (const i of s) counts[i]++;
  t.is(counts[0], 0);
  for (let i = 1; i < 4; i++) {
    const mean = rates[i] * 5;
    t.true(Math.abs(counts[i] - mean) < 5 * Math.sqrt(mean), `neuron ${i}: ${counts[i]} vs ${mean}`);
  }
  src.reset();
  t.deepEqual(collect(src, 4, steps), a);
  t.notDeepEqual(collect(poissonSource(rates, { dt: 0.1, seed: 4 }), 4, steps), a);
  t.throws(() => poissonSource([-1], { dt: 0.1, seed: 1 }), { instanceOf: ConfigError, message: /rates\[0\]' = -1/ });
  t.throws(() => poissonSource([20000], { dt: 0.1, seed: 1 }), { instanceOf: ConfigError });
});

test('latency source: stronger inputs fire earlier, once; below threshold silent', (t) => {
  const src = latencySource([1, 0.5, 0.05, 0.75], { dt: 1, tMax: 20, threshold: 0.1 });
  const spikes = collect(src, 4, 30);
  const first = [0, 1, 2, 3].map((i) => spikes.findIndex((s) => s.includes(i)));
  t.deepEqual(first, [0, 10, -1, 5]);
  t.is(spikes.flat().length, 3);
  t.throws(() => latencySource([1.5], { dt: 1, tMax: 20 }), { instanceOf: ConfigError });
});

test('spike list source and constant current', (t) => {
  const src = spikeListSource([3, 1, 3, 3], [2, 0, 1, 2], 3);
  const s = collect(src, 3, 5);
  t.deepEqual(s, [[], [0], [], [1, 2], []]);
  t.throws(() => spikeListSource([1], [3], 3), { instanceOf: ConfigError });
  t.deepEqual(Array.from(constantCurrent([1, 2], 0.5)), [0.5, 1]);
  t.throws(() => constantCurrent([NaN]), { instanceOf: ConfigError });
});
