// SPDX-License-Identifier: MIT
import { existsSync } from 'node:fs';
import { numberOption, parseOptions } from '../args.js';
import { ConfigError } from '../../errors.js';
import { importNir } from '../../export/nir/index.js';
import { simulateIR } from '../../ir/simulate.js';
import { Rng } from '../../sim/rng.js';

export const summary = 'import a NIR graph file into the network IR (and simulate it)';
export const help = `usage: ffsnn import FILE.nir [--json] [--dt MS] [--simulate] [--steps N] [--rate P] [--seed S]

Reads a NIR HDF5 file (nested graphs and recurrent edges included) into ffsnn's network IR and
prints its populations, projections and what was assumed while reading (dt, time units, repaired
names). A node type ffsnn does not support is refused with the node's name and type.

  --dt MS       time step in ms (default: the file's metadata dt, else inferred from r = tau/dt,
                else 1 ms)
  --simulate    run the network on Poisson input and print spike counts per population
  --steps N     time steps to simulate (default 100)
  --rate P      spike probability per input neuron and step (default 0.2)
  --seed S      seed of the input spikes (default 1)
  --json        machine-readable output`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(
    argv,
    {
      json: { type: 'boolean' },
      simulate: { type: 'boolean' },
      dt: { type: 'string' },
      steps: { type: 'string' },
      rate: { type: 'string' },
      seed: { type: 'string' },
    },
    true,
  );
  if (positionals.length !== 1) throw new ConfigError('import: expected exactly one FILE.nir');
  const file = positionals[0];
  if (!existsSync(file)) throw new ConfigError(`import: ${file}: no such file`);
  const dtMs = numberOption('dt', values.dt, { exclusiveMin: 0 });
  const steps = numberOption('steps', values.steps, { integer: true, min: 1 }) ?? 100;
  const rate = numberOption('rate', values.rate, { min: 0, max: 1 }) ?? 0.2;
  const seed = numberOption('seed', values.seed, { integer: true, min: 0 }) ?? 1;
  const { net, notes } = await importNir(file, { dtMs });
  const out: Record<string, unknown> = {
    file,
    dt: net.dt,
    populations: net.populations.map((p) => ({ name: p.name, size: p.size, model: p.model })),
    projections: net.projections.map((p) => ({ name: p.name, pre: p.pre, post: p.post, delaySteps: p.delaySteps, bias: !!p.bias })),
    inputs: net.inputs,
    outputs: net.outputs,
    notes,
  };
  if (values.simulate) {
    const rng = new Rng(seed);
    const nIn = net.populations.find((p) => p.name === net.inputs[0])!.size;
    const r = simulateIR(net, steps, () => Float64Array.from({ length: nIn }, () => (rng.uniform() < rate ? 1 : 0)));
    out.simulation = {
      steps,
      inputRate: rate,
      seed,
      spikes: r.spikes,
      counts: Object.fromEntries(net.populations.map((p) => [p.name, r.counts[p.name].reduce((a, b) => a + b, 0)])),
    };
  }
  if (values.json) {
    console.log(JSON.stringify(out, null, 2));
    return 0;
  }
  console.log(`${file}: dt ${net.dt} ms, ${net.populations.length} populations, ${net.projections.length} projections`);
  for (const p of net.populations) console.log(`  population ${p.name}: ${p.size} x ${p.model}`);
  for (const p of net.projections) console.log(`  projection ${p.name}: ${p.pre} -> ${p.post}${p.delaySteps ? ` (delay ${p.delaySteps})` : ''}${p.bias ? ' + bias' : ''}`);
  for (const n of notes) console.log(`  note: ${n}`);
  if (out.simulation) {
    const s = out.simulation as { steps: number; counts: Record<string, number> };
    console.log(`  simulated ${s.steps} steps; spike counts: ${Object.entries(s.counts).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  }
  return 0;
}
