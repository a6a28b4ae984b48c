// SPDX-License-Identifier: MIT
/** The rate rules' updates are the exact gradients of their losses (finite differences). */
import test from 'ava';
import { faustSignal } from '../../src/plasticity/faust.js';
import { forwardRate, type Model } from '../../src/plasticity/model.js';
import { applyRule } from '../../src/plasticity/rules.js';
import { cpuOps } from '../../src/sim/batched/ops.js';
import { gradsFor, tinyBatch, tinyModel } from './helpers.js';

function faustLoss(model: Model, x: Float32Array, y: Uint8Array, B: number, l: number, protos: Float32Array): number {
  const recs = forwardRate(model, x, B, cpuOps, l + 1);
  const n = model.config.sizes[l + 1];
  const p = { temperature: model.config.temperature, positives: model.config.positives, protoMomentum: 0, classes: model.config.classes };
  return faustSignal(recs[l].h, y, { prototypes: protos.slice() }, { B, nOut: n }, p, new Float32Array(B * n));
}

test('FAUST batch positives: the third factor is dL_b/dh_b of each anchor with its partners held fixed (finite differences)', (t) => {
  // Partners as documented in faust.ts: p = the next same-class sample in batch order (the class
  // prototype when the anchor is alone in its class), n_k = sample (b mod count) of each other class.
  const B = 8, n = 6, C = 4, tau = 0.5;
  const y = Uint8Array.of(0, 1, 0, 2, 1, 0, 3, 1); // classes 2 and 3 alone: they use the prototype
  const h = Float32Array.from({ length: B * n }, (_, i) => 0.2 + Math.abs(Math.sin(3 * i + 1)));
  const P = Float32Array.from({ length: C * n }, (_, i) => Math.cos(5 * i) + 0.3);
  for (let c = 0; c < C; c++) {
    const r = Math.hypot(...P.subarray(c * n, c * n + n));
    for (let j = 0; j < n; j++) P[c * n + j] /= r;
  }
  const m = new Float32Array(B * n);
  faustSignal(h, y, { prototypes: P.slice() }, { B, nOut: n }, { temperature: tau, positives: 'batch', protoMomentum: 0.9, classes: C }, m);
  const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
  const zOf = (b: number) => unit(Array.from(h.subarray(b * n, b * n + n)));
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
  const members = Array.from({ length: C }, (_, c) => [...y.keys()].filter((b) => y[b] === c));
  const anchorLoss = (b: number, hb: number[]) => {
    const z = unit(hb);
    const same = members[y[b]];
    const pos = same.length > 1 ? zOf(same[(same.indexOf(b) + 1) % same.length]) : Array.from(P.subarray(y[b] * n, y[b] * n + n));
    let sum = 1;
    for (let c = 0; c < C; c++) if (c !== y[b] && members[c].length > 0) sum += Math.exp((dot(z, zOf(members[c][b % members[c].length])) - dot(z, pos)) / tau);
    return Math.log(sum);
  };
  let worst = 0;
  for (const b of [0, 3, 6, 7]) {
    for (let j = 0; j < n; j++) {
      const hb = Array.from(h.subarray(b * n, b * n + n));
      const e = 1e-4;
      hb[j] += e;
      const up = anchorLoss(b, hb);
      hb[j] -= 2 * e;
      const down = anchorLoss(b, hb);
      const fd = (up - down) / (2 * e);
      worst = Math.max(worst, Math.abs(fd - B * m[b * n + j]) / Math.max(1e-3, Math.abs(fd)));
    }
  }
  t.true(worst < 1e-3, `worst relative error ${worst}`);
});

{
  test('rate FAUST (prototypes) update equals dL/dW of each layer', (t) => {
    const model = tinyModel({ rule: 'faust', neuron: 'rate', positives: 'prototype' });
    const B = 6;
    const batch = tinyBatch(model, B);
    // prototypes: random unit rows, fixed for the check
    model.state.prototypes.forEach((P, l) => {
      const n = model.config.sizes[l + 1];
      for (let i = 0; i < P.length; i++) P[i] = Math.sin(7 * i + l) + 0.1;
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += P[c * n + j] ** 2;
        for (let j = 0; j < n; j++) P[c * n + j] /= Math.sqrt(s);
      }
    });
    const saved = model.state.prototypes.map((p) => p.slice());
    const x = batch.rate![0].a.slice(); // normalised input; normalising again is idempotent
    const grads = gradsFor(model);
    applyRule(model, batch, grads, cpuOps);
    model.state.prototypes.forEach((p, l) => p.set(saved[l]));
    for (let l = 0; l < 2; l++) {
      const W = model.state.W[l];
      let worst = 0;
      for (const i of [0, 3, 17, W.length - 1]) {
        const w0 = W[i];
        const h = 1e-3;
        W[i] = w0 + h;
        const up = faustLoss(model, x, batch.y, B, l, saved[l]);
        W[i] = w0 - h;
        const down = faustLoss(model, x, batch.y, B, l, saved[l]);
        W[i] = w0;
        const fd = (up - down) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - grads[l].dW[i]) / Math.max(1e-3, Math.abs(fd)));
      }
      t.true(worst < 2e-2, `layer ${l}: worst relative error ${worst}`);
    }
  });
}

test('rate BP update equals dL/dW (softmax cross-entropy through all layers)', (t) => {
  const model = tinyModel({ rule: 'bp', neuron: 'rate' });
  const B = 6;
  const batch = tinyBatch(model, B);
  const x = batch.rate![0].a.slice();
  const grads = gradsFor(model);
  applyRule(model, batch, grads, cpuOps);
  const loss = () => {
    const recs = forwardRate(model, x, B);
    const out = recs[recs.length - 1].h;
    let L = 0;
    for (let b = 0; b < B; b++) {
      const row = Array.from(out.subarray(b * 3, b * 3 + 3));
      const m = Math.max(...row);
      L += Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) + m - row[batch.y[b]];
    }
    return L / B;
  };
  for (let l = 0; l < 3; l++) {
    const W = model.state.W[l];
    for (const i of [1, 5, W.length - 2]) {
      const w0 = W[i];
      W[i] = w0 + 1e-3;
      const up = loss();
      W[i] = w0 - 1e-3;
      const down = loss();
      W[i] = w0;
      const fd = (up - down) / 2e-3;
      t.true(Math.abs(fd - grads[l].dW[i]) <= 2e-2 * Math.max(1e-3, Math.abs(fd)), `layer ${l} weight ${i}: fd ${fd} vs ${grads[l].dW[i]}`);
    }
  }
});
