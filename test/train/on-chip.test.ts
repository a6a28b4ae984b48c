// SPDX-License-Identifier: MIT
/**
 * `ffsnn train --on-chip` end to end on a small generated IDX dataset: the run learns, reports its
 * per-sample costs and approximations, resumes bit-identically, `evaluate` scores the checkpoint in
 * the chip's fixed point (reproducing the run's test accuracy), `export --target lava` writes the
 * learned integers exactly; refusals are one line each.
 */
import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint, writeCheckpoint } from '../../src/io/checkpoint.js';
import type { LoihiOnChipSettings } from '../../src/chips/on-chip.js';
import { PROTOTYPE_MOMENTUM, THIRD_FACTOR_ROUNDING } from '../../src/train/on-chip/settings.js';
import { syntheticIdxDir } from './synthetic.js';
import { capture } from '../helpers/cli.js';

const data = syntheticIdxDir(200, 60);
const tmp = () => join(mkdtempSync(join(tmpdir(), 'ffsnn-onchip-')), 'run');


const base = (out: string) => ['train', '--on-chip', 'loihi2', '--dataset', `idx:${data}`, '--hidden', '40', '--batch', '20', '--train-fraction', '0.5', '--out', out];

test.serial('on-chip FAUST learns on Loihi 2, reports costs, resumes bit-identically, evaluates and exports its integers', async (t) => {
  const full = tmp();
  const r = await capture([...base(full), '--epochs', '2']);
  t.is(r.code, 0, r.err);
  t.regex(r.out, /per learning sample: synaptic ops [\d,]+, trace updates [\d,]+/);
  t.regex(r.out, /energy per learning sample ~[\d.]+ uJ \(profile figures, confidence unconfirmed/);
  const metrics = JSON.parse(readFileSync(join(full, 'metrics.json'), 'utf8'));
  t.true(metrics.test_accuracy > 0.5, `accuracy ${metrics.test_accuracy} (chance 0.1)`);
  const oc = metrics.on_chip;
  t.is(oc.chip, 'loihi2');
  t.regex(oc.third_factor, /embedded x86 .* y1 = 64 - m and the gate y2 = 32/);
  for (const k of ['synaptic_ops', 'trace_updates', 'synapse_updates', 'third_factor_messages', 'embedded_ops', 'weight_changes']) t.true(oc.per_learning_sample.per_sample[k] > 0, k);
  t.is(oc.per_learning_sample.per_sample.third_factor_messages, 3 * 40, 'y1, y2 and y3 per post neuron per sample');
  t.is(oc.per_learning_sample.per_sample.synapse_updates, (784 + 1) * 40 * 16, 'every synapse (and the bias neuron\'s) in every learning epoch');
  t.true(oc.per_learning_sample.energy.total_uj > 0);
  const config = JSON.parse(readFileSync(join(full, 'config.json'), 'utf8'));
  t.true(config.onChip.approximations.length >= 5);
  t.is(config.onChip.weightBits, 8);
  t.is(config.onChip.prototypeMomentum, PROTOTYPE_MOMENTUM, 'the embedded cores\' prototype average is a stated setting');
  t.is(config.onChip.thirdFactorRounding, 'nearest');
  t.true(config.onChip.approximations.some((x: string) => x.includes(`rounded (${THIRD_FACTOR_ROUNDING}, in software on the x86 cores)`)), 'the approximation states the rounding the run used');

  // resume: one epoch, then continue to two; identical to the uninterrupted run
  const part = tmp();
  t.is((await capture([...base(part), '--epochs', '1'])).code, 0);
  const res = await capture(['train', '--resume', '--out', part, '--epochs', '2']);
  t.is(res.code, 0, res.err);
  const a = readCheckpoint(join(full, 'checkpoint.ffsnn'));
  const b = readCheckpoint(join(part, 'checkpoint.ffsnn'));
  t.deepEqual(b.onChip!.weights, a.onChip!.weights);
  t.deepEqual(b.onChip!.biases, a.onChip!.biases);
  t.true(a.onChip!.biases!.some((row) => row.some((x) => x !== 0)), 'the bias neurons\' rows learned');
  t.deepEqual([...a.state.b[0]], [...a.onChip!.biases![0]].map((x) => x * (a.config.onChip as LoihiOnChipSettings).weightUnit), 'the float view carries the learned biases');
  t.deepEqual(b.state.prototypes, a.state.prototypes);
  t.deepEqual(b.onChip!.thirdFactorScale, a.onChip!.thirdFactorScale);
  t.is(b.history[1].test_accuracy, a.history[1].test_accuracy);
  t.true(a.onChip!.weights[0].some((w) => w % 2 !== 0), 'learned weights use the 8-bit resolution');

  // evaluate: the chip's fixed point, the run's own test encoding
  const ev = await capture(['evaluate', join(full, 'checkpoint.ffsnn'), '--json']);
  t.is(ev.code, 0, ev.err);
  const rep = JSON.parse(ev.out);
  t.is(rep.accuracy, metrics.test_accuracy);
  t.is(rep.chip, 'loihi2');

  // export: the learned integers, exactly
  const file = join(full, 'net.h5');
  const ex = await capture(['export', join(full, 'checkpoint.ffsnn'), '--target', 'lava', '--out', file]);
  t.is(ex.code, 0, ex.err);
  const h5 = ((await import('h5wasm/node')) as unknown as { default: typeof import('h5wasm') }).default;
  await h5.ready;
  const f = new h5.File(file, 'r');
  try {
    for (let l = 0; l < 1; l++) {
      const w = (f.get(`layer/${l + 1}/weight`) as unknown as { value: Float32Array }).value;
      const learned = a.onChip!.weights[l];
      const nOut = 40;
      const nIn = learned.length / nOut;
      let diff = 0;
      for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) if (w[j * nIn + i] !== learned[i * nOut + j]) diff++;
      t.is(diff, 0, `layer ${l}: every weight written as learned`);
      t.is((f.get(`layer/${l + 1}/bias`) as unknown as { value: Float32Array }).value.length, nOut, 'the bias neuron\'s row written as the layer bias');
      t.is((f.get(`layer/${l + 1}/neuron/vThMant`) as unknown as { value: bigint }).value, BigInt((a.config.onChip as LoihiOnChipSettings).compartment.vth));
    }
  } finally {
    f.close();
  }
  const manifest = JSON.parse(readFileSync(`${file}.manifest.json`, 'utf8'));
  t.true(manifest.quantization.notes.some((n: string) => n.includes('written exactly')));

  // runs from before the prototype and third-factor rounding settings continue as they ran (the
  // run's protoMomentum; m rounded like the engine): each setting changes what is learned
  for (const key of ['prototypeMomentum', 'thirdFactorRounding'] as const) {
    const older = tmp();
    t.is((await capture([...base(older), '--epochs', '1'])).code, 0);
    const o = readCheckpoint(join(older, 'checkpoint.ffsnn'));
    delete (o.config.onChip as LoihiOnChipSettings)[key];
    writeCheckpoint(join(older, 'checkpoint.ffsnn'), o);
    t.is((await capture(['train', '--resume', '--out', older, '--epochs', '2'])).code, 0);
    t.notDeepEqual(readCheckpoint(join(older, 'checkpoint.ffsnn')).onChip!.weights, a.onChip!.weights, `${key} absent: learns otherwise`);
    (o.config.onChip as unknown as Record<string, unknown>)[key] = 1;
    writeCheckpoint(join(older, 'checkpoint.ffsnn'), o);
    const bad = await capture(['train', '--resume', '--out', older, '--epochs', '2']);
    t.is(bad.code, 2);
    t.regex(bad.err, new RegExp(`config\\.onChip\\.${key} must be .* \\(got 1\\)`));
  }

  // a run of the earlier port protocol (odd m on y2, commit pulse on y3) is not continued
  const old = readCheckpoint(join(part, 'checkpoint.ffsnn'));
  (old.config.onChip as LoihiOnChipSettings).rules.dw = '2^-6*u0*t*(y2-64)*y3 + 2^-7*u0*sgn(t)*y3';
  writeCheckpoint(join(part, 'checkpoint.ffsnn'), old);
  const refused = await capture(['train', '--resume', '--out', part, '--epochs', '3']);
  t.is(refused.code, 2);
  t.regex(refused.err, /was trained on the chip with the earlier rule 'dw = 2\^-6\*u0\*t\*\(y2-64\)\*y3 \+ 2\^-7\*u0\*sgn\(t\)\*y3'; this version runs/);
});

test.serial('precision options: 4-bit weights stay on their grid; nearest rounding is recorded as a what-if', async (t) => {
  const out = tmp();
  const r = await capture([...base(out), '--epochs', '1', '--weight-bits', '4', '--rounding', 'nearest']);
  t.is(r.code, 0, r.err);
  const ck = readCheckpoint(join(out, 'checkpoint.ffsnn'));
  t.true(ck.onChip!.weights.every((w) => w.every((x) => x % 16 === 0 && x >= -256 && x <= 240)));
  t.true(ck.config.onChip!.approximations.some((a) => a.startsWith('rounding nearest: a what-if')));
});

test.serial('on-chip STDP: the plain rule string learns spike-timed on Loihi 2, no third factor, prototypes readout', async (t) => {
  const out = tmp();
  const r = await capture([...base(out), '--rule', 'stdp', '--epochs', '1', '--train-fraction', '0.2']);
  t.is(r.code, 0, r.err);
  t.regex(r.out, /rule stdp, 8-bit weights, stochastic rounding; dw = 2\^-7\*x1\*y0 - 2\^-6\*y1\*x0/);
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  const per = metrics.on_chip.per_learning_sample.per_sample;
  t.true(per.weight_changes > 0, 'weights learned');
  t.is(per.third_factor_messages, 0);
  t.regex(metrics.on_chip.third_factor, /^none/);
  t.true(metrics.test_accuracy > 0.1, `accuracy ${metrics.test_accuracy} (chance 0.1)`);
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  t.true(config.onChip.approximations.some((a: string) => a.startsWith('readout: class prototypes')));
});

test.serial('refusals: TrueNorth with its reason, unknown chips, bad precision options, one line each', async (t) => {
  const cases: [string[], RegExp][] = [
    [['--on-chip', 'truenorth'], /--on-chip truenorth: refused: TrueNorth has no on-chip plasticity/],
    [['--on-chip', 'tpu'], /--on-chip "tpu" is not a chip with on-chip learning \(expected one of: loihi2, loihi, spinnaker, spinnaker2\)/],
    [['--on-chip', 'loihi2', '--weight-bits', '5'], /--weight-bits 5 is not supported \(expected 8, 6 or 4\)/],
    [['--on-chip', 'loihi2', '--rounding', 'up'], /--rounding "up" is invalid/],
    [['--weight-bits', '6'], /--weight-bits and --rounding apply to on-chip training; add --on-chip CHIP/],
    [['--on-chip', 'loihi2', '--neuron', 'rate'], /--on-chip trains spiking neurons/],
    [['--on-chip', 'loihi2', '--rule', 'ff'], /--rule ff --on-chip: refused: FF needs two passes per sample/],
  ];
  for (const [args, re] of cases) {
    const r = await capture(['train', '--dataset', `idx:${data}`, '--out', tmp(), ...args]);
    t.is(r.code, 2, args.join(' '));
    t.regex(r.err, re);
    t.is(r.err.trim().split('\n').length, 1, r.err);
  }
});
