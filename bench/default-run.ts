// SPDX-License-Identifier: MIT
/**
 * The default `ffsnn train` (spiking FAUST, 784-500-500 LIF, 10 epochs, embedded MNIST) with its
 * cost: training seconds per epoch and in all (the figure the README's "< 45 s of training" refers
 * to; test passes excluded), the process's resident memory after each epoch (growth across epochs
 * would be a leak) and its peak RSS. CPU seconds (process.cpuUsage) are printed beside the wall
 * clock: on a machine shared with other jobs they show what the run costs without the waiting. Same code path as the CLI (startRun, runEpoch on createOps'
 * ops), without writing a run directory.
 *
 *   node --import tsx bench/default-run.ts [--epochs N (10)] [--threads N (1)]
 */
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/data/index.js';
import { createOps } from '../src/sim/batched/create-ops.js';
import { resolveConfig } from '../src/train/config.js';
import { runEpoch, startRun, trainingSplit } from '../src/train/trainer.js';

const { values } = parseArgs({ options: { epochs: { type: 'string', default: '10' }, threads: { type: 'string', default: '1' } } });
const data = loadDataset('mnist-embedded', true);
const run = startRun(resolveConfig({ epochs: Number(values.epochs), sizes: [data.dim, 500, 500], classes: data.classes }));
const train = trainingSplit(run.config, data);
const ops = await createOps({ threads: Number(values.threads) });
const mb = (b: number) => (b / 2 ** 20).toFixed(0);
let total = 0, cpu = 0;
const rss: number[] = [];
for (let e = 0; e < run.config.epochs; e++) {
  const c0 = process.cpuUsage();
  const m = runEpoch(run, train, data.test, ops);
  const c = process.cpuUsage(c0);
  total += m.seconds;
  cpu += (c.user + c.system) / 1e6;
  rss.push(process.memoryUsage().rss);
  console.log(`epoch ${m.epoch}: ${m.seconds.toFixed(1)} s training (${m.samples_per_s.toFixed(0)} samples/s), ${((c.user + c.system) / 1e6).toFixed(1)} CPU s with the test pass, test ${(100 * m.test_accuracy).toFixed(2)}%, RSS ${mb(rss[e])} MB`);
}
await ops.release?.();
const growth = rss.length > 2 ? rss[rss.length - 1] - rss[1] : 0;
console.log(`default run (${ops.backends.lifLayerForward}, ${values.threads} thread(s)): ${total.toFixed(1)} s of training (${cpu.toFixed(1)} CPU s with the test passes) over ${run.config.epochs} epochs, ` +
  `final test ${(100 * run.history[run.history.length - 1].test_accuracy).toFixed(2)}%, peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB, RSS epoch 2 -> last ${growth >= 0 ? '+' : ''}${mb(growth)} MB`);
