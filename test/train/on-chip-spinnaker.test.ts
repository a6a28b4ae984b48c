// SPDX-License-Identifier: MIT
/**
 * `ffsnn train --on-chip spinnaker` end to end on a small generated IDX dataset: FAUST learns on the
 * ARM cores' three-factor rule, reports ARM work, energy and real time per learning sample, resumes
 * bit-identically, `evaluate` scores the checkpoint in sPyNNaker's fixed point (reproducing the
 * run's test accuracy); refusals are one line each.
 */
import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint } from '../../src/io/checkpoint.js';
import { capture } from '../helpers/cli.js';
import { syntheticIdxDir } from './synthetic.js';
import { IfCurrExpFixed } from '../../src/chips/spinnaker/if-curr-exp.js';
import { spinnakerCellOf } from '../../src/train/on-chip/spinnaker.js';
import { resolveConfig } from '../../src/train/config.js';
import { lifConstantsOf } from '../../src/plasticity/model.js';
import { startRun } from '../../src/train/trainer.js';

const data = syntheticIdxDir(200, 60);
const tmp = () => join(mkdtempSync(join(tmpdir(), 'ffsnn-onchip-spinnaker-')), 'run');
const base = (out: string, chip = 'spinnaker') => ['train', '--on-chip', chip, '--dataset', `idx:${data}`, '--hidden', '40', '--batch', '20', '--train-fraction', '0.5', '--out', out];

test('the IF_curr_exp cell reproduces the float LIF membrane (weights in float units as nA)', (t) => {
  const c = resolveConfig({ sizes: [1, 1], classes: 10 });
  const k = lifConstantsOf(c);
  const cell = new IfCurrExpFixed(1, spinnakerCellOf(c));
  let i = 0;
  let v = 0;
  let worst = 0;
  let spikes = 0;
  for (let s = 0; s < 16; s++) {
    const w = s % 3 === 0 ? 3 : 0; // float weight arriving this step
    i += w;
    v = v * k.aMem + i * k.kExc;
    i *= k.aExc;
    const spike = cell.step([Math.round(w * 2 ** 15)], [0])[0];
    const floatSpike = v > c.vTh ? 1 : 0;
    if (floatSpike) v = 0;
    t.is(spike, floatSpike, `step ${s}`);
    spikes += spike;
    worst = Math.max(worst, Math.abs(cell.v[0] / 2 ** 15 - v));
  }
  t.true(spikes >= 2, `${spikes} spikes`);
  t.true(worst < 1e-3, `largest membrane difference ${worst}`);
});

test.serial('on-chip FAUST on SpiNNaker learns, reports ARM work and real time, resumes bit-identically and evaluates in fixed point', async (t) => {
  const full = tmp();
  const r = await capture([...base(full), '--epochs', '2']);
  t.is(r.code, 0, r.err);
  t.regex(r.out, /per learning sample: synaptic ops [\d,]+, trace updates [\d,]+, tag updates [\d,]+, weight updates [\d,]+/);
  t.regex(r.out, /ARM per learning sample: [\d,]+ instructions, [\d,]+ cycles/);
  t.regex(r.out, /layer 1 \(1 cores\): busiest step [\d,]+ cycles per core: (keeps|misses) the 1 ms tick \(200,000 cycles\)/);
  const metrics = JSON.parse(readFileSync(join(full, 'metrics.json'), 'utf8'));
  t.true(metrics.test_accuracy > 0.5, `accuracy ${metrics.test_accuracy} (chance 0.1)`);
  const oc = metrics.on_chip;
  t.is(oc.chip, 'spinnaker');
  t.is(oc.weight_bits, 16);
  const p = oc.per_learning_sample;
  for (const k of ['synaptic_ops', 'trace_updates', 'tag_updates', 'weight_updates', 'third_factor_packets']) t.true(p.per_sample[k] > 0, k);
  t.is(p.per_sample.third_factor_packets, 40, 'one m_j packet per post neuron per sample');
  t.is(p.per_sample.trace_updates, 16 * (784 + 40), 'a pre trace and a psi per step');
  t.true(p.per_sample.tag_updates <= 16 * 784 * 40);
  t.true(p.arm.tag.cycles > 0 && p.arm.apply.cycles > 0 && p.arm.third_factor.instructions > 0);
  t.is(p.real_time.clock_mhz, 200);
  t.true(p.energy.total_uj > 0);
  t.true(p.energy.terms.some((x: { term: string; confidence: string }) => x.term.startsWith('ARM learning cycles') && x.confidence === 'unconfirmed'));
  const config = JSON.parse(readFileSync(join(full, 'config.json'), 'utf8'));
  t.true(config.onChip.approximations.length >= 8);

  const part = tmp();
  t.is((await capture([...base(part), '--epochs', '1'])).code, 0);
  const res = await capture(['train', '--resume', '--out', part, '--epochs', '2']);
  t.is(res.code, 0, res.err);
  const a = readCheckpoint(join(full, 'checkpoint.ffsnn'));
  const b = readCheckpoint(join(part, 'checkpoint.ffsnn'));
  t.deepEqual(b.onChip!.weights, a.onChip!.weights);
  t.deepEqual(b.state.prototypes, a.state.prototypes);
  t.deepEqual(b.onChip!.thirdFactorScale, a.onChip!.thirdFactorScale);
  t.is(b.history[1].test_accuracy, a.history[1].test_accuracy);
  const init = startRun(a.config).onChip!.weights;
  const moved = a.onChip!.weights.map((w, l) => w.filter((x, k) => x !== init[l][k]).length);
  t.true(moved.every((n, l) => n > init[l].length / 10), `weights changed per layer: ${moved.join(', ')}`);

  const ev = await capture(['evaluate', join(full, 'checkpoint.ffsnn'), '--json']);
  t.is(ev.code, 0, ev.err);
  const rep = JSON.parse(ev.out);
  t.is(rep.accuracy, metrics.test_accuracy);
  t.is(rep.chip, 'spinnaker');
  t.regex(rep.fixed_point, /IF_curr_exp in s16\.15/);
});

test.serial('spinnaker2 runs with floor rounding; its missing clock and cycle energy are said, not guessed', async (t) => {
  const out = tmp();
  const r = await capture([...base(out, 'spinnaker2'), '--epochs', '1', '--rounding', 'floor', '--json']);
  t.is(r.code, 0, r.err);
  const m = JSON.parse(r.out);
  const p = m.on_chip.per_learning_sample;
  t.is(p.real_time.clock_mhz, null);
  t.is(p.real_time.layers[0].keeps_1ms_tick, null);
  t.true(p.energy.left_out.includes('ARM learning cycles (tags, apply, m_j)'), p.energy.left_out.join(", "));
  t.is(m.on_chip.rounding, 'floor');
});

test.serial('SpiNNaker refusals: weight bits other than 16, unknown rounding, one line each', async (t) => {
  const cases: [string[], RegExp][] = [
    [['--on-chip', 'spinnaker', '--weight-bits', '8'], /--weight-bits 8 is not supported on spinnaker \(its synaptic word holds a 16-bit weight: expected 16\)/],
    [['--on-chip', 'spinnaker2', '--rounding', 'up'], /--rounding "up" is invalid on spinnaker2 \(expected stochastic, nearest or floor\)/],
    [['--on-chip', 'spinnaker', '--rule', 'stdp'], /rule 'stdp' is not implemented on the ARM cores/],
  ];
  for (const [args, re] of cases) {
    const r = await capture(['train', '--dataset', `idx:${data}`, '--out', tmp(), ...args]);
    t.is(r.code, 2, args.join(' '));
    t.regex(r.err, re);
    t.is(r.err.trim().split('\n').length, 1, r.err);
  }
});
