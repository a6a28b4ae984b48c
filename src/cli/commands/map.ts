// SPDX-License-Identifier: MIT
import { numberOption, parseOptions } from '../args.js';
import { ConfigError } from '../../errors.js';
import { loadDataset } from '../../data/index.js';
import { measureCounts } from '../../chips/counts.js';
import { mapNetwork } from '../../chips/map.js';
import { loadProfile } from '../../chips/profile.js';
import { loadNetwork } from '../load-network.js';

export const summary = 'map a checkpoint onto a hardware profile: cores, chips, quantisation, energy';
export const help = `usage: ffsnn map CHECKPOINT --profile NAME|FILE [--json] [--samples N] [--dataset SPEC] [--seed S]

Places the network's populations on cores within the profile's per-core limits (neurons, input
axons, synaptic memory) and delay range, splitting across cores and chips where allowed; quantises
weights and neuron parameters to the profile's formats; estimates energy per inference from the
profile's per-operation figures and spike counts measured on the float network.
CHECKPOINT may also be a bundle or a NIR file. Exit code 1 when the network does not fit (the
constraint, the population and the numbers are printed), 2 on bad input.

  --profile NAME|FILE   loihi, loihi2, spinnaker, spinnaker2, truenorth, or a profile .json
  --samples N           samples used to measure spike counts (default 20)
  --dataset SPEC        dataset of those samples (default mnist-embedded when the input is 784 wide)
  --seed S              seed of the input encoding (default 1)
  --json                machine-readable output (the full placement per core)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(
    argv,
    { profile: { type: 'string' }, json: { type: 'boolean' }, samples: { type: 'string' }, dataset: { type: 'string' }, seed: { type: 'string' } },
    true,
  );
  if (positionals.length !== 1) throw new ConfigError('map: expected exactly one CHECKPOINT');
  if (!values.profile) throw new ConfigError('map: --profile NAME|FILE is required');
  const samples = numberOption('samples', values.samples, { integer: true, min: 1 }) ?? 20;
  const seed = numberOption('seed', values.seed, { integer: true, min: 0 }) ?? 1;
  const profile = loadProfile(values.profile);
  const { net } = await loadNetwork(positionals[0]);
  const inSize = net.populations.find((p) => p.name === net.inputs[0])?.size;
  const spec = values.dataset ?? (inSize === 784 && net.encoding ? 'mnist-embedded' : undefined);
  const ds = spec ? loadDataset(spec, false) : null;
  const counts = net.dt > 0 ? measureCounts(net, ds ? { ...ds.test, dim: ds.dim, name: ds.name } : null, { samples, seed }) : undefined;
  const r = mapNetwork(net, profile, counts);
  if (values.json) {
    console.log(JSON.stringify(r, null, 2));
    return r.fits ? 0 : 1;
  }
  if (!r.fits) {
    console.error(`ffsnn map: does not fit ${profile.name}: ${r.refused!.message}`);
    return 1;
  }
  console.log(`${net.name} on ${profile.title}: fits, ${r.cores} cores on ${r.chips} chip(s)`);
  for (const p of r.populations)
    console.log(`  ${p.name}: ${p.size} x ${p.model} on ${p.cores} core(s) of <= ${p.neuronsPerCore} neurons; fan-in ${p.fanIn} axons, ${p.synapsesPerNeuron} synapses/neuron`);
  const u = r.utilisation;
  console.log(`  utilisation: neurons ${(100 * u.meanNeurons).toFixed(1)}% mean, synaptic memory ${(100 * u.maxSynapseMem).toFixed(1)}% max${u.maxInAxons !== null ? `, input axons ${(100 * u.maxInAxons).toFixed(1)}% max` : ''}`);
  for (const q of r.quantization)
    console.log(`  ${q.projection}: ${q.format}${q.weightExp !== undefined ? ` exp ${q.weightExp} ${q.signMode}` : ''}${q.shift ? ` shift exc ${q.shift[0]} inh ${q.shift[1]}` : ''}, relative RMS error ${(100 * q.relRmsError).toFixed(2)}%${q.approximate ? ' (approximate)' : ''}`);
  if (r.energy) {
    const e = r.energy;
    console.log(`  energy per inference: ${e.microjoules === null ? 'unknown (a per-operation figure is missing from the profile)' : `${e.microjoules.toPrecision(3)} uJ`}, counts from the ${e.countsFrom}`);
    for (const c of e.components) console.log(`    ${c.what}: ${c.count.toFixed(1)} x ${c.pJ ?? '?'} pJ [${c.confidence}]`);
    if (e.unconfirmed.length) console.log(`    unconfirmed figures: ${e.unconfirmed.length} (see --json)`);
  }
  for (const n of r.notes) console.log(`  note: ${n}`);
  return 0;
}
