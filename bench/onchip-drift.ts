// SPDX-License-Identifier: MIT
/**
 * Why on-chip FAUST's activity falls: per epoch, the spikes per inference of each layer, the mean
 * weight, and what the dw product's floor does to the updates. Every commit is watched (its
 * inputs read before the kernel runs): for each synapse with a nonzero tag, the exact update
 * t * (y1 - 64) * y2 * mant * 2^(sExp - shift) / 128 (in weight LSBs) against the floored one the
 * engine applies, summed per learning sample.
 *   node --import tsx bench/onchip-drift.ts --fraction 0.1 --epochs 2 [--elig -5] [--lr -6] [--bits 8]
 */
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/data/index.js';
import { resolveConfig } from '../src/train/config.js';
import { onChipSettings, ruleStrings } from '../src/train/on-chip/settings.js';
import type { LoihiOnChipSettings } from '../src/chips/on-chip.js';
import { startRun, trainingSplit } from '../src/train/trainer.js';
import { runOnChipEpoch } from '../src/train/on-chip/epoch.js';
import { ChipKernels } from '../src/chips/loihi/on-chip/learning-wasm.js';
import { clipFactor, productShift, THIRD_OFFSET, W_SYNVAR, W_TRACE } from '../src/chips/loihi/on-chip/kernels.js';

const { values: o } = parseArgs({
  options: {
    fraction: { type: 'string', default: '0.1' },
    epochs: { type: 'string', default: '2' },
    bits: { type: 'string', default: '8' },
    elig: { type: 'string' },
    lr: { type: 'string' },
    schedule: { type: 'string', default: 'cosine' },
    comp: { type: 'string', default: 'on' },
  },
});

interface Stats { samples: number; exact: number; floored: number; tagged: number; pos: number; neg: number; posLost: number; tagSum: number; absQ: number; qn: number }
const fresh = (): Stats => ({ samples: 0, exact: 0, floored: 0, tagged: 0, pos: 0, neg: 0, posLost: 0, tagSum: 0, absQ: 0, qn: 0 });
let stats: Stats[] = [fresh(), fresh()];

const shiftW = productShift([W_SYNVAR, W_TRACE, W_TRACE]);
const commit = ChipKernels.prototype.commit;
ChipKernels.prototype.commit = function (this: ChipKernels, l, tagOff, active, nActive, y2, y1, yOff, nOut, mantW, sExpW, rw, mode, g, rounding, compSExp = -1) {
  const st = (stats[l] ??= fresh());
  st.samples++;
  const tag = this.tags[l];
  const scale = 2 ** (sExpW - 7);
  for (let j = 0; j < nOut; j++) {
    st.absQ += y2[yOff + j] === 0 ? 0 : Math.abs(y1[yOff + j] - THIRD_OFFSET);
    st.qn++;
  }
  for (let k = 0; k < nActive; k++) {
    const row = tagOff + active[k] * nOut;
    for (let j = 0; j < nOut; j++) {
      const t = tag[row + j];
      if (t === 0) continue;
      const p = t * clipFactor(y1[yOff + j] - THIRD_OFFSET, W_TRACE) * clipFactor(y2[yOff + j], W_TRACE) * mantW;
      st.tagged++;
      st.tagSum += t;
      st.exact += (p / 2 ** shiftW) * scale;
      const comp = compSExp < 0 ? 0 : ((t > 0 ? y2[yOff + j] : -y2[yOff + j]) >> 5) * 2 ** (compSExp - 7);
      st.floored += Math.floor(p / 2 ** shiftW) * scale + comp;
      if (p > 0) st.pos++;
      if (p < 0) st.neg++;
      if (p > 0 && p >> shiftW === 0) st.posLost++;
    }
  }
  return commit.call(this, l, tagOff, active, nActive, y2, y1, yOff, nOut, mantW, sExpW, rw, mode, g, rounding, compSExp);
};

const data = loadDataset('mnist-embedded', true);
const c = resolveConfig({ sizes: [784, 500, 500], classes: 10, steps: 16, trainFraction: Number(o.fraction), epochs: Number(o.epochs), lrSchedule: o.schedule as 'cosine' | 'constant' });
const onChip = onChipSettings(c, 'loihi2', 'faust', Number(o.bits), 'stochastic') as LoihiOnChipSettings;
c.onChip = onChip;
if (o.elig) onChip.eligibility.exp = Number(o.elig);
if (o.lr) onChip.learning.exp = Number(o.lr);
onChip.floorCompensation = o.comp === 'on';
onChip.rules = ruleStrings(onChip.eligibility, onChip.learning, onChip.floorCompensation);
console.log(`rules: dt = ${onChip.rules.dt}; dw = ${onChip.rules.dw}; fraction ${o.fraction}, ${o.epochs} epochs, ${o.schedule}, ${o.bits} bits`);
const run = startRun(c);
const train = trainingSplit(c, data);
const meanW = () => run.onChip!.weights.map((w) => (w.reduce((a, v) => a + v, 0) / w.length).toFixed(2)).join(' / ');
console.log(`epoch 0: mean weight (LSB) ${meanW()}`);
for (let e = 0; e < c.epochs; e++) {
  stats = [fresh(), fresh()];
  const m = runOnChipEpoch(run, train, data.test);
  const spikes = m.inference_counts.map((k) => (k.spikes / k.samples).toFixed(1)).join(' / ');
  console.log(`epoch ${e + 1}: test ${(100 * m.test_accuracy).toFixed(2)} %, ${m.seconds.toFixed(0)} s; spikes per inference ${spikes}; mean weight (LSB) ${meanW()}`);
  stats.forEach((s, l) => {
    const n = s.samples;
    console.log(
      `  layer ${l + 1}: per learning sample: tagged synapses ${(s.tagged / n).toFixed(0)} (mean tag ${(s.tagSum / s.tagged).toFixed(1)}, mean |m| ${(s.absQ / s.qn).toFixed(1)}), ` +
        `products > 0 ${(s.pos / n).toFixed(0)} (${((100 * s.posLost) / Math.max(1, s.pos)).toFixed(0)} % floored to 0), < 0 ${(s.neg / n).toFixed(0)}; ` +
        `sum dw exact ${(s.exact / n).toFixed(3)} LSB, applied (${o.comp === 'on' ? ' + compensation' : ''}) ${(s.floored / n).toFixed(3)} LSB`,
    );
  });
}
