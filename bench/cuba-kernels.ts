// SPDX-License-Identifier: MIT
/**
 * benchmark.js suite for the event-driven engine's hot loops on the CUBA network: the LIF
 * neuron update (float64 JS step vs the WebAssembly SIMD kernel, 1000 steps) and a whole engine
 * step loop (update + CSR delivery), at n = 4000 and 64000. Prints ops/s and per-neuron-step
 * times; the JS step is the named baseline each wasm figure is divided by.
 *
 *   node --import tsx bench/cuba-kernels.ts [--sizes 4000,64000]
 */
import Benchmark from 'benchmark';
import { parseArgs } from 'node:util';
import { lifCoefficients, lifFloatStep } from '../src/neurons/lif/float.js';
import { createLifWasm } from '../src/neurons/lif/wasm.js';
import { CUBA_PARAMS, buildCuba } from '../src/sim/cuba.js';
import { EventDrivenEngine } from '../src/sim/engine.js';
import { Rng } from '../src/sim/rng.js';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '4000,64000' } } });
const STEPS = 1000;

for (const n of values.sizes!.split(',').map(Number)) {
  const c = lifCoefficients({ ...CUBA_PARAMS }, 0.1);
  const rng = new Rng(1);
  const js = { v: new Float64Array(n), ge: new Float64Array(n), gi: new Float64Array(n), refr: new Float64Array(n), iExt: new Float64Array(n) };
  for (let i = 0; i < n; i++) js.v[i] = -60 + 10 * rng.uniform();
  const wasm = createLifWasm(n);
  if (wasm) {
    wasm.state.v.set(js.v);
    wasm.sync();
  }
  const spikes = new Uint32Array(n);
  const engine = new EventDrivenEngine(buildCuba({ n }));
  const results: Record<string, number> = {};
  const suite = new Benchmark.Suite(`n=${n}`);
  suite.add(`LIF step js-f64 x${STEPS}`, () => {
    for (let s = 0; s < STEPS; s++) lifFloatStep(js, n, c, spikes);
  });
  if (wasm) {
    suite.add(`LIF step wasm-simd-f64x2 x${STEPS}`, () => {
      for (let s = 0; s < STEPS; s++) wasm.step(c, false);
    });
  }
  suite.add(`engine (update + delivery) x${STEPS}`, () => {
    engine.run(STEPS);
  });
  suite.on('cycle', (e: Benchmark.Event) => {
    const b = e.target as Benchmark.Target & { name: string; hz: number };
    results[b.name] = b.hz;
    console.log(`n=${n}  ${String(e.target)}  (${((1e9 / b.hz / STEPS / n)).toFixed(2)} ns per neuron-step)`);
  });
  suite.run({ async: false });
  const base = results[`LIF step js-f64 x${STEPS}`];
  const w = results[`LIF step wasm-simd-f64x2 x${STEPS}`];
  if (w) console.log(`n=${n}  wasm / js speed-up: ${(w / base).toFixed(2)}x (baseline: LIF step js-f64, same run)`);
}
