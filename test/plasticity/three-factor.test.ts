// SPDX-License-Identifier: MIT
/**
 * The fast three-factor update (backward-filtered psi times presynaptic spikes) equals the
 * textbook form: an explicit eligibility e_bij accumulated online from the presynaptic trace and
 * psi, multiplied by m at the end.
 */
import test from 'ava';
import { kernelOf } from '../../src/plasticity/rules.js';
import { threeFactorUpdate } from '../../src/plasticity/three-factor.js';
import { cpuOps } from '../../src/sim/batched/ops.js';
import { Rng } from '../../src/sim/rng.js';
import { tinyModel } from './helpers.js';

test('three-factor update equals explicit online eligibility x third factor', (t) => {
  const model = tinyModel({ rule: 'faust', neuron: 'lif', steps: 7, activity: 'trace' });
  const k = kernelOf(model.config);
  const B = 3, nIn = 5, nOut = 4, T = 7;
  const rng = new Rng(9);
  const pre = Array.from({ length: T }, () => new Float32Array(B * nIn).map(() => (rng.uniform() < 0.3 ? 1 : 0)));
  const psi = Array.from({ length: T }, () => new Float32Array(B * nOut).map(() => rng.uniform()));
  const m = new Float32Array(B * nOut).map(() => rng.normal());
  const grad = { dW: new Float32Array(nIn * nOut), db: new Float32Array(nOut) };
  threeFactorUpdate({ 'pre.spike': pre, 'post.v': psi }, { B, nIn, nOut, T }, m, k, grad, cpuOps);

  // explicit: traces c (synaptic) and x (membrane-filtered), eligibility accumulated each step
  const e = new Float64Array(B * nIn * nOut);
  const eb = new Float64Array(B * nOut);
  const c = new Float64Array(B * nIn), x = new Float64Array(B * nIn);
  let cb = 0, xb = 0; // bias: an input of 1 at every step
  const ebs = new Float64Array(B * nOut);
  for (let s = 0; s < T; s++) {
    cb = k.aSyn * cb + 1;
    xb = k.aMem * xb + cb;
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < nIn; i++) {
        c[b * nIn + i] = k.aSyn * c[b * nIn + i] + pre[s][b * nIn + i];
        x[b * nIn + i] = k.aMem * x[b * nIn + i] + c[b * nIn + i];
        for (let j = 0; j < nOut; j++) e[(b * nIn + i) * nOut + j] += k.w[s] * psi[s][b * nOut + j] * k.kSyn * x[b * nIn + i];
      }
      for (let j = 0; j < nOut; j++) ebs[b * nOut + j] += k.w[s] * psi[s][b * nOut + j] * k.kSyn * xb;
    }
  }
  void eb;
  let worst = 0;
  for (let i = 0; i < nIn; i++) {
    for (let j = 0; j < nOut; j++) {
      let want = 0;
      for (let b = 0; b < B; b++) want += m[b * nOut + j] * e[(b * nIn + i) * nOut + j];
      worst = Math.max(worst, Math.abs(want - grad.dW[i * nOut + j]));
    }
  }
  for (let j = 0; j < nOut; j++) {
    let want = 0;
    for (let b = 0; b < B; b++) want += m[b * nOut + j] * ebs[b * nOut + j];
    worst = Math.max(worst, Math.abs(want - grad.db[j]));
  }
  t.true(worst < 1e-4, `max abs error ${worst}`);
});
