// SPDX-License-Identifier: MIT
import { numberOption, parseOptions } from '../args.js';
import { ConfigError } from '../../errors.js';
import { loadDataset } from '../../data/index.js';
import { exportNetwork, parseTarget } from '../../export/export.js';
import { loadProfile } from '../../chips/profile.js';
import { encodeSample } from '../../ir/inference.js';
import { Rng } from '../../sim/rng.js';
import { loadNetwork } from '../load-network.js';
import { readCheckpoint } from '../../io/checkpoint.js';
import { onChipQuantized } from '../../chips/loihi/on-chip/quantized.js';
import { isSpinnaker } from '../../chips/on-chip.js';

export const summary = 'export a checkpoint to NIR, Lava netx, PyNN or a bundle, with a JSON manifest';
export const help = `usage: ffsnn export CHECKPOINT --target nir|lava|pynn|bundle --out FILE [--profile NAME|FILE] [--readouts] [--json]

Writes FILE and FILE.manifest.json (connectivity, core placement, where and in which number format
the weights and parameters are stored, quantisation applied, profile used; schema:
src/export/schema/export-manifest.schema.json). Nothing is left behind when an export fails.

  nir     NIR HDF5 graph that snnTorch's, Norse's and NIR's own readers run: dt = 1e-4 s (snnTorch's
          fixed step), time constants chosen so each step decays as ffsnn's does, r = tau_mem/dt,
          reset to v_reset, one Output node; the conventions and their reasons are in the manifest
          ('conventions'), what the file cannot express in 'unsupported' and on stderr;
          with --profile, the quantised weights
  lava    lava-dl netx HDF5, quantised for a Loihi profile (default loihi2)
  pynn    FILE.py + FILE.json: IF_curr_exp populations and FromListConnector projections; run it with
          'python3 FILE.py --backend NAME' (default spiNNaker); quantised with a SpiNNaker profile
  bundle  msgpackr file of the IR, read back losslessly (ffsnn map/export/import accept it)

  --readouts      nir: one Output node per read-out population (FAUST reads every hidden layer);
                  NIRTorch, and so Norse, cannot run a graph with several Output nodes
  --sample K      pynn: which test sample the script presents (default 0)
  --seed S        pynn: seed of its input encoding (default 1)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(
    argv,
    { target: { type: 'string' }, out: { type: 'string' }, profile: { type: 'string' }, json: { type: 'boolean' }, sample: { type: 'string' }, seed: { type: 'string' }, readouts: { type: 'boolean' } },
    true,
  );
  if (positionals.length !== 1) throw new ConfigError('export: expected exactly one CHECKPOINT');
  const target = parseTarget(values.target);
  if (!values.out) throw new ConfigError('export: --out FILE is required');
  const profile = values.profile ? loadProfile(values.profile) : target === 'lava' ? loadProfile('loihi2') : undefined;
  const sample = numberOption('sample', values.sample, { integer: true, min: 0 }) ?? 0;
  const seed = numberOption('seed', values.seed, { integer: true, min: 0 }) ?? 1;
  const { net, kind, source } = await loadNetwork(positionals[0]);
  // a checkpoint trained on the chip carries its learned integers: exported as they are
  const ck = kind === 'checkpoint' ? readCheckpoint(positionals[0]) : undefined;
  const onChip = ck?.config.onChip && !isSpinnaker(ck.config.onChip) && ck.onChip && profile?.family === 'loihi' ? onChipQuantized(net, ck.config.onChip, ck.onChip, profile.name) : undefined;
  let input: Float64Array[] | undefined;
  let inputFrom = '';
  if (target === 'pynn') {
    const n = net.populations.find((p) => p.name === net.inputs[0])!.size;
    const rng = new Rng(seed);
    if (n === 784 && net.encoding) {
      const ds = loadDataset('mnist-embedded', false);
      if (sample >= ds.test.n) throw new ConfigError(`export: --sample ${sample} is beyond the ${ds.test.n} test samples`);
      input = encodeSample(net, ds.test.x.subarray(sample * ds.dim, (sample + 1) * ds.dim), rng);
      inputFrom = `mnist-embedded test sample ${sample} (label ${ds.test.y[sample]}), ${net.encoding.kind} encoding, seed ${seed}`;
    } else {
      const steps = net.encoding?.steps ?? 100;
      input = Array.from({ length: steps }, () => Float64Array.from({ length: n }, () => (rng.uniform() < 0.2 ? 1 : 0)));
      inputFrom = `seeded Poisson input (p = 0.2 per step, ${steps} steps, seed ${seed})`;
    }
  }
  if (values.readouts && target !== 'nir') throw new ConfigError('export: --readouts applies to --target nir only');
  const odd = onChip && ck!.onChip!.weights.some((w) => w.some((x) => x % 2 !== 0));
  const notes = onChip
    ? [`weights: the integers learned on ${ck!.config.onChip!.chip} (${ck!.config.onChip!.weightBits}-bit grid), written exactly${odd ? "; some are odd: Lava's LearningDense keeps them, a plain Dense with num_weight_bits 8 (MIXED) drops their lowest bit" : ''}`]
    : [];
  const r = await exportNetwork(net, target, values.out, { profile, input, source, readouts: values.readouts, quantized: onChip, notes });
  for (const u of r.manifest.unsupported as string[]) console.error(`warning: ${u}`);
  if (values.json) {
    console.log(JSON.stringify({ files: r.files, manifest: r.manifestPath, profile: profile?.name ?? null, input: inputFrom || undefined }, null, 2));
    return 0;
  }
  console.log(`wrote ${[...r.files, r.manifestPath].join(', ')}${profile ? ` (profile ${profile.name})` : ''}`);
  if (inputFrom) console.log(`  presented input: ${inputFrom}`);
  for (const n of (r.manifest.quantization as { notes: string[] }).notes) console.log(`  note: ${n}`);
  return 0;
}
