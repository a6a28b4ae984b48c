// SPDX-License-Identifier: MIT
import test from 'ava';
import { IfCurrExpFixed, IfCurrExpFloat, type IfCurrExpParams } from '../../../src/chips/spinnaker/if-curr-exp.js';
import { Rng } from '../../../src/sim/rng.js';
import { ConfigError } from '../../../src/errors.js';

const P: IfCurrExpParams = { tau_m: 20, cm: 1, v_rest: -65, v_reset: -65, v_thresh: -50, tau_refrac: 2, tau_syn_E: 5, tau_syn_I: 5, i_offset: 0, ts: 1 };

test('s16.15 IF_curr_exp tracks the float closed form within the quantisation step (no spikes)', (t) => {
  const n = 4;
  const f = new IfCurrExpFloat(n, { ...P, v_thresh: 1000 });
  const q = new IfCurrExpFixed(n, { ...P, v_thresh: 1000 });
  const rng = new Rng(5);
  let maxErr = 0;
  for (let s = 0; s < 300; s++) {
    const e = Float64Array.from({ length: n }, () => (rng.uniform() < 0.2 ? 0.5 + rng.uniform() : 0));
    const i = Float64Array.from({ length: n }, () => (rng.uniform() < 0.1 ? 0.5 : 0));
    f.step(e, i);
    q.step(Int32Array.from(e, (x) => Math.round(x * 32768)), Int32Array.from(i, (x) => Math.round(x * 32768)));
    for (let j = 0; j < n; j++) maxErr = Math.max(maxErr, Math.abs(q.v[j] / 32768 - f.v[j]));
  }
  // Bound: exp_TC, R, decays are rounded to 2^-16 relative; the error on |alpha - V| <= |v_rest| is
  // re-injected each step and decays with exp_TC, so it is amplified by at most tau_m / ts.
  const bound = Math.abs(P.v_rest) * 2 ** -16 * (P.tau_m / P.ts) + 2 / 32768;
  t.true(maxErr < bound, `max |v_fixed - v_float| = ${maxErr} mV > ${bound}`);
  t.true(maxErr > 0, 'the fixed-point model must differ from float somewhere (it is not float)');
});

test('s16.15 IF_curr_exp spikes at the same steps as the float model on a regular drive', (t) => {
  const f = new IfCurrExpFloat(1, P);
  const q = new IfCurrExpFixed(1, P);
  const fs: number[] = [];
  const qs: number[] = [];
  for (let s = 0; s < 400; s++) {
    const x = s % 3 === 0 ? 4 : 0;
    if (f.step([x], [0])[0]) fs.push(s);
    if (q.step([x * 32768], [0])[0]) qs.push(s);
  }
  t.true(fs.length > 5);
  t.deepEqual(qs, fs);
});

test('bad IF_curr_exp parameters are ConfigErrors', (t) => {
  t.throws(() => new IfCurrExpFixed(1, { ...P, tau_m: 0 }), { instanceOf: ConfigError, message: /tau_m/ });
});
