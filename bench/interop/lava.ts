// SPDX-License-Identifier: MIT
/**
 * Lava against ffsnn on the Lava netx export: the checkpoint is exported with
 * `--target lava` (profile loihi2), K test digits are encoded as `ffsnn evaluate` encodes them
 * (back to back, one raster), `ffsnn simulate FILE.net --profile loihi2` runs the file in ffsnn's
 * port of Lava's fixed-point models, and Lava itself runs the same file through lava-dl's netx
 * loader with `Loihi2SimCfg(select_tag='fixed_pt')` (bench/interop/lava_netx.py). Prints the output
 * spikes of both and the steps where they differ.
 *
 *   node --import tsx bench/interop/lava.ts [--checkpoint runs/faust-lif-s1/checkpoint.ffsnn] [--digits 20]
 *
 * Needs /usr/bin/python3 with numpy, scipy, h5py, networkx, asteval (Debian) and PYTHONPATH
 * holding Lava with lava-dl's lib/dl copied in (bench/interop/README.md).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { simulateFile } from '../../src/cli/simulate-file.js';
import { loadNetwork } from '../../src/cli/load-network.js';
import { loadProfile } from '../../src/chips/profile.js';
import { exportNetwork } from '../../src/export/export.js';
import { npyBytes, parseNpy } from '../../src/io/raster.js';

const { values } = parseArgs({
  options: { checkpoint: { type: 'string', default: 'runs/faust-lif-s1/checkpoint.ffsnn' }, digits: { type: 'string', default: '20' }, seed: { type: 'string', default: '1' } },
});
const dir = mkdtempSync(join(tmpdir(), 'ffsnn-lava-'));
const file = join(dir, 'net.lava.net');
const { net } = await loadNetwork(values.checkpoint!);
await exportNetwork(net, 'lava', file, { profile: loadProfile('loihi2') });
const ours = await simulateFile(file, { digits: Number(values.digits), profile: 'loihi2', seed: Number(values.seed), record: [net.inputs[0], net.outputs[net.outputs.length - 1]] });
const input = ours.layers[net.inputs[0]].per_step;
const out = ours.layers[ours.output].per_step;
writeFileSync(join(dir, 'raster.npy'), npyBytes(input.map((f) => Float64Array.from(f)), 'neuron-major'));
const t0 = performance.now();
const py = spawnSync('/usr/bin/python3', [new URL('./lava_netx.py', import.meta.url).pathname, file, join(dir, 'raster.npy'), join(dir, 'lava.npy')], { encoding: 'utf8' });
if (py.status !== 0) throw new Error(`lava_netx.py failed:\n${py.stderr.split('\n').slice(-15).join('\n')}`);
const lava = parseNpy(readFileSync(join(dir, 'lava.npy')), 'lava.npy'); // [n_out][T]
const n = out[0].length;
let differing = 0;
let lavaSpikes = 0;
let ourSpikes = 0;
const stepsDiffering = new Set<number>();
for (let t = 0; t < ours.steps; t++)
  for (let j = 0; j < n; j++) {
    const a = out[t][j];
    const b = lava.data[j * lava.cols + t];
    ourSpikes += a;
    lavaSpikes += b;
    if (a !== b) {
      differing++;
      stepsDiffering.add(t);
    }
  }
console.log(
  JSON.stringify(
    {
      checkpoint: values.checkpoint,
      digits: Number(values.digits),
      steps: ours.steps,
      output_layer: ours.output,
      ffsnn: { model: ours.model, spikes: ourSpikes },
      lava: { run_config: "Loihi2SimCfg(select_tag='fixed_pt')", spikes: lavaSpikes, seconds: (performance.now() - t0) / 1000 },
      differing_step_neuron_entries: differing,
      steps_with_a_difference: stepsDiffering.size,
      identical: differing === 0,
    },
    null,
    2,
  ),
);
