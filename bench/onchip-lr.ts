// SPDX-License-Identifier: MIT
/**
 * Learning-rate exponent of on-chip FAUST (dw = 2^e * u0*t*(y1-64)*y2): test accuracy after
 * `--epochs` epochs on `--fraction` of the embedded training split, per exponent.
 *   node --import tsx bench/onchip-lr.ts --exps=-7,-5,-3 --fraction 0.1 --epochs 1
 */
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/data/index.js';
import { resolveConfig } from '../src/train/config.js';
import { onChipSettings, ruleStrings } from '../src/train/on-chip/settings.js';
import { isSpinnaker } from '../src/chips/on-chip.js';
import { startRun, trainingSplit } from '../src/train/trainer.js';
import { runOnChipEpoch } from '../src/train/on-chip/epoch.js';

const { values: o } = parseArgs({ options: { exps: { type: 'string', default: '-7,-5,-3' }, fraction: { type: 'string', default: '0.1' }, epochs: { type: 'string', default: '1' }, bits: { type: 'string', default: '8' }, elig: { type: 'string', default: '-7' } } });
const data = loadDataset('mnist-embedded', true);
for (const e of o.exps!.split(',').map(Number)) {
  const c = resolveConfig({ sizes: [784, 500, 500], classes: 10, steps: 16, trainFraction: Number(o.fraction), epochs: Number(o.epochs) });
  const s = onChipSettings(c, 'loihi2', 'faust', Number(o.bits), 'stochastic');
  if (isSpinnaker(s)) throw new Error('loihi2 expected');
  c.onChip = s;
  s.learning.exp = e;
  s.eligibility.exp = Number(o.elig);
  s.rules = ruleStrings(s.eligibility, s.learning, s.floorCompensation);
  const run = startRun(c);
  const train = trainingSplit(c, data);
  const accs: string[] = [];
  for (let k = 0; k < c.epochs; k++) accs.push((100 * runOnChipEpoch(run, train, data.test).test_accuracy).toFixed(2));
  console.log(`exp ${e}: test accuracy ${accs.join(' -> ')} %`);
}
