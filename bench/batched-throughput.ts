// SPDX-License-Identifier: MIT
/**
 * Throughput of the batched engine (B copies in lock-step) against the event-driven reference
 * engine running the same B copies one after another (the baseline, measured in the same run).
 * Each copy gets its own seeded Poisson input. Prints neuron-steps/s, samples/s (one sample =
 * `steps` time steps), the ratio batched / event-driven, and the backend that ran.
 *
 *   node --import tsx bench/batched-throughput.ts [--quick] [--backend cpu|webasm|gpu|auto]
 */
import { parseArgs } from 'node:util';
import { Network, type SpikeSource } from '../src/sim/network.js';
import { poissonSource } from '../src/sim/encoders.js';
import { fixedProbability } from '../src/sim/connectivity.js';
import { EventDrivenEngine } from '../src/sim/engine.js';
import { BatchedEngine } from '../src/sim/batched/engine.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, backend: { type: 'string' } } });
const quick = values.quick ?? false;

interface Case {
  name: string;
  nIn: number;
  p: number;
  build: (src: SpikeSource) => Network;
  neurons: number;
}

const lif = { tauMem: 10, tauSynE: 5, tauSynI: 10, vRest: -65, vReset: -65, vTh: -55, tRef: 2 };
const cases: Case[] = [
  {
    name: 'ff 100-50 dense',
    nIn: 100, p: 0.05, neurons: 50,
    build: (src) => {
      const net = new Network({ dt: 0.5, seed: 1 });
      net.addSource('in', 100, src);
      net.addNeurons('h', 50, 'LIF', lif);
      net.connectDense('in', 'h', { weight: (r) => 4 * r.uniform() });
      return net;
    },
  },
  {
    name: 'ff 784-500-100 dense',
    nIn: 784, p: 0.05, neurons: 600,
    build: (src) => {
      const net = new Network({ dt: 0.5, seed: 2 });
      net.addSource('in', 784, src);
      net.addNeurons('h', 500, 'LIF', lif);
      net.addNeurons('o', 100, 'LIF', lif);
      net.connectDense('in', 'h', { weight: (r) => 1.2 * r.uniform() });
      net.connectDense('h', 'o', { weight: (r) => 2 * r.uniform() - 0.5 });
      return net;
    },
  },
  {
    name: 'recurrent 1000 LIF, p=0.08 CSR',
    nIn: 200, p: 0.05, neurons: 1000,
    build: (src) => {
      const net = new Network({ dt: 0.5, seed: 3 });
      net.addSource('in', 200, src);
      net.addNeurons('e', 800, 'LIF', lif);
      net.addNeurons('i', 200, 'LIF', lif);
      net.connect('in', 'e', { connectivity: fixedProbability(0.1), weight: 3 });
      net.connect('in', 'i', { connectivity: fixedProbability(0.1), weight: 3 });
      for (const pre of ['e', 'i']) {
        for (const post of ['e', 'i']) {
          net.connect(pre, post, { connectivity: fixedProbability(0.08), weight: pre === 'e' ? 0.5 : -2, receptor: pre === 'e' ? 'exc' : 'inh', delay: 1 });
        }
      }
      return net;
    },
  },
];

const steps = quick ? 40 : 100;
const repeats = quick ? 1 : 3;
const batches = quick ? [1, 10] : [1, 10, 100];
console.log(`batched engine vs event-driven engine (B copies one after another), ${steps} steps per sample, dt 0.5 ms; node ${process.version}`);
console.log(`best of ${repeats} per side; timings taken on a shared machine, other work may have been running`);
console.log(`${'network'.padEnd(32)} ${'B'.padStart(4)} ${'event Mn-st/s'.padStart(14)} ${'batch Mn-st/s'.padStart(14)} ${'event smp/s'.padStart(12)} ${'batch smp/s'.padStart(12)} ${'ratio'.padStart(6)}  backend  spikes(ev=bat)`);
for (const c of cases) {
  for (const B of batches) {
    // each input spikes with probability p per step: rate = p / dt
    const sources = (b: number) => poissonSource(new Float64Array(c.nIn).fill((c.p * 1000) / 0.5), { dt: 0.5, seed: 1000 + b });
    // baseline: event-driven engine, one copy at a time (network built once per copy, outside the timing)
    new EventDrivenEngine(c.build(sources(0))).run(steps); // JIT warm-up, untimed
    // best of `repeats` for both sides (the machine is shared; the minimum is the least disturbed)
    let evSec = Infinity, evSpikes = 0;
    for (let rep = 0; rep < repeats; rep++) {
      let sec = 0;
      evSpikes = 0;
      for (let b = 0; b < B; b++) {
        const r = new EventDrivenEngine(c.build(sources(b))).run(steps);
        sec += r.runSeconds;
        evSpikes += r.spikes;
      }
      evSec = Math.min(evSec, sec);
    }
    const eng = await BatchedEngine.create(c.build(sources(0)), { batch: B, backend: values.backend });
    eng.setInputs({ in: Array.from({ length: B }, (_, b) => sources(b)) });
    eng.run(steps); // JIT warm-up and kernel compilation, untimed
    let r = eng.run(0);
    let batSec = Infinity;
    for (let rep = 0; rep < repeats; rep++) {
      eng.reset();
      r = eng.run(steps);
      batSec = Math.min(batSec, r.runSeconds);
    }
    await eng.dispose();
    const work = B * c.neurons * steps;
    console.log(
      `${c.name.padEnd(32)} ${String(B).padStart(4)} ${(work / evSec / 1e6).toFixed(2).padStart(14)} ${(work / batSec / 1e6).toFixed(2).padStart(14)} ` +
        `${(B / evSec).toFixed(1).padStart(12)} ${(B / batSec).toFixed(1).padStart(12)} ${(evSec / batSec).toFixed(2).padStart(6)}  ${r.backend.padEnd(7)}  ${evSpikes}=${r.spikes}`,
    );
  }
}
