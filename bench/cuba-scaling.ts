// SPDX-License-Identifier: MIT
/**
 * How the event-driven engine's cost grows with network size at constant rate and fan-in
 * (CUBA, p = 80/n, ~5.6 Hz): for each n, the loop's wall time and CPU time (process.cpuUsage,
 * less sensitive to other load on a shared machine) per neuron per biological second, and
 * synaptic events per CPU second. The 4000-neuron row is the baseline the others are divided by.
 *
 *   node --import tsx bench/cuba-scaling.ts [--sizes 4000,16000,64000,256000] [--duration 1]
 */
import { parseArgs } from 'node:util';
import { buildCuba } from '../src/sim/cuba.js';
import { EventDrivenEngine } from '../src/sim/engine.js';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '4000,16000,64000,256000' }, duration: { type: 'string', default: '1' } } });
const steps = Math.round(Number(values.duration) * 10_000);
let base = 0;
console.log('n        synapses    rate Hz  wall s   cpu s    cpu us/neuron/bio-s  vs 4000  events/cpu-s');
for (const n of values.sizes!.split(',').map(Number)) {
  const net = buildCuba({ n });
  const engine = new EventDrivenEngine(net);
  engine.run(1000); // JIT warm-up, discarded
  engine.reset();
  const cpu0 = process.cpuUsage();
  const res = engine.run(steps);
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const perNeuron = (cpuS / n / (steps / 10_000)) * 1e6;
  if (!base) base = perNeuron;
  console.log(
    [String(n).padEnd(8), String(net.synapseCount()).padEnd(11), (res.spikes / n / (steps / 10_000)).toFixed(3).padEnd(8), res.runSeconds.toFixed(3).padEnd(8), cpuS.toFixed(3).padEnd(8),
      perNeuron.toFixed(2).padEnd(20), (perNeuron / base).toFixed(2).padEnd(8), (res.synapticEvents / cpuS).toExponential(2)].join(' '),
  );
}
