// SPDX-License-Identifier: MIT
import test from 'ava';
import { SpinnakerThreeFactor, stepTraces, toFixed16, toS1615 } from '../../../src/chips/spinnaker/three-factor.js';
import { expDecayLut } from '../../../src/chips/spinnaker/stdp-maths.js';
import { Rng } from '../../../src/sim/rng.js';
import { ConfigError } from '../../../src/errors.js';

test('one synapse by hand: tag = x*psi in s7.8, w += m*tag in s16.15, shifted back to 16 bits', (t) => {
  const r = new SpinnakerThreeFactor({ nPre: 1, nPost: 1, weightShift: 5, weights: [100] });
  r.accumulate([2048], [1024]); // 1.0 * 0.5
  t.is(r.tags[0], 128); // 0.5 with 8 fractional bits
  r.apply([8192]); // m = 0.25
  t.is(r.weights[0], 228); // (100 << 5) + 0.125 * 32768 = 3200 + 4096 = 7296; >> 5 = 228
  t.is(r.tags[0], 0);
  t.is(r.realWeight(0), (228 * 32) / 32768);
});

test('tags and weights saturate at int16; rows with a zero trace are not touched', (t) => {
  const r = new SpinnakerThreeFactor({ nPre: 2, nPost: 2, weightShift: 8, weights: [32000, -32000, 5, 5] });
  for (let k = 0; k < 400; k++) r.accumulate([32767, 0], [32767, -32768]);
  t.deepEqual(Array.from(r.tags), [32767, -32768, 0, 0]);
  t.is(r.counts.tagRows, 400);
  t.is(r.counts.tagUpdates, 800);
  r.apply([toS1615(1), toS1615(1)]);
  t.deepEqual(Array.from(r.weights), [32767, -32768, 5, 5]);
  t.is(r.counts.weightUpdates, 2);
});

test('against float: 14 steps of traces x psi and one third factor agree within the fixed-point error bound', (t) => {
  const rng = new Rng(7);
  const nPre = 40;
  const nPost = 30;
  const shift = 4; // weight LSB 2^-11
  const w0 = Array.from({ length: nPre * nPost }, () => Math.round((rng.uniform() - 0.5) * 4000));
  const r = new SpinnakerThreeFactor({ nPre, nPost, weightShift: shift, weights: w0, rounding: 'nearest' });
  const decay = expDecayLut(1, 10).values[1];
  const x = new Int16Array(nPre);
  const tagFloat = new Float64Array(nPre * nPost);
  for (let step = 0; step < 14; step++) {
    stepTraces(x, Array.from({ length: nPre }, () => (rng.uniform() < 0.2 ? 1 : 0)), decay);
    const psi = Int16Array.from({ length: nPost }, () => toFixed16(rng.uniform()));
    r.accumulate(x, psi);
    for (let i = 0; i < nPre; i++) for (let j = 0; j < nPost; j++) tagFloat[i * nPost + j] += (x[i] / 2048) * (psi[j] / 2048);
  }
  const mReal = Array.from({ length: nPost }, () => (rng.uniform() - 0.5) * 0.02);
  const m = mReal.map(toS1615);
  r.apply(m);
  let worst = 0;
  for (let i = 0; i < nPre; i++)
    for (let j = 0; j < nPost; j++) {
      const k = i * nPost + j;
      const expect = (w0[k] * 2 ** shift) / 32768 + (m[j] / 32768) * tagFloat[k];
      worst = Math.max(worst, Math.abs(r.realWeight(k) - expect));
    }
  // tag: <= 14 floored products (2^-8 each); weight: half an LSB (2^-12) plus m * tag error
  const bound = 2 ** -12 + 0.01 * 14 * 2 ** -8 + 2 ** -15;
  t.true(worst <= bound, `worst ${worst} > bound ${bound}`);
  t.true(worst > 0);
});

test('rounding: floor (as weight_get_final) drifts on sub-LSB updates, stochastic is unbiased', (t) => {
  const n = 2000;
  const run = (rounding: 'floor' | 'stochastic' | 'nearest') => {
    const rng = new Rng(3);
    const r = new SpinnakerThreeFactor({ nPre: n, nPost: 1, weightShift: 6, weights: new Array(n).fill(0), rounding, random: () => rng.nextUint32() });
    r.accumulate(new Array(n).fill(2048), [2048]); // tag 1.0
    r.apply([toS1615(-0.3 * 2 ** -9)]); // -0.3 LSB (LSB = 2^6 / 2^15 = 2^-9)
    return r.weights.reduce((a, b) => a + b, 0) / n;
  };
  t.is(run('floor'), -1);
  t.is(run('nearest'), 0);
  const s = run('stochastic');
  t.true(Math.abs(s + 0.3) < 0.05, `stochastic mean ${s}`);
});

test('bad input is refused with the parameter named', (t) => {
  t.throws(() => new SpinnakerThreeFactor({ nPre: 1, nPost: 1, weightShift: 4, rounding: 'stochastic' }), { instanceOf: ConfigError, message: /'random'/ });
  t.throws(() => new SpinnakerThreeFactor({ nPre: 1, nPost: 1, weightShift: 16 }), { message: /weightShift/ });
  const r = new SpinnakerThreeFactor({ nPre: 2, nPost: 1, weightShift: 4 });
  t.throws(() => r.accumulate([1], [1]), { message: /preTrace\/psi/ });
  t.throws(() => toFixed16(NaN), { message: /finite/ });
});
