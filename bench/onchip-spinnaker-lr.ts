// SPDX-License-Identifier: MIT
/**
 * On-chip FAUST on SpiNNaker: test accuracy for a few largest third factors (|m_j| <= M in s16.15
 * LSBs, the learning rate) on a share of the embedded split. Usage:
 *   node --import tsx bench/onchip-spinnaker-lr.ts --max 15,31,63 --fraction 0.1 --epochs 1 --hidden 100
 */
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/data/index.js';
import { resolveConfig } from '../src/train/config.js';
import { onChipSettings } from '../src/train/on-chip/settings.js';
import { isSpinnaker } from '../src/chips/on-chip.js';
import { startRun, trainingSplit } from '../src/train/trainer.js';
import { runOnChipEpoch } from '../src/train/on-chip/epoch.js';

const { values: o } = parseArgs({ options: { max: { type: 'string', default: '15,31,63' }, fraction: { type: 'string', default: '0.1' }, epochs: { type: 'string', default: '1' }, hidden: { type: 'string', default: '100' } } });
const data = loadDataset('mnist-embedded', true);
for (const e of o.max!.split(',').map(Number)) {
  const c = resolveConfig({ sizes: [784, ...o.hidden!.split(',').map(Number)], classes: 10, steps: 16, trainFraction: Number(o.fraction), epochs: Number(o.epochs) });
  const s = onChipSettings(c, 'spinnaker', 'faust', undefined, undefined);
  if (!isSpinnaker(s)) throw new Error('spinnaker expected');
  s.thirdFactorMax = e;
  c.onChip = s;
  const run = startRun(c);
  const train = trainingSplit(c, data);
  const accs: string[] = [];
  for (let k = 0; k < c.epochs; k++) accs.push((100 * runOnChipEpoch(run, train, data.test).test_accuracy).toFixed(2));
  console.log(`M ${e}: test accuracy per epoch ${accs.join(' ')} %`);
}
