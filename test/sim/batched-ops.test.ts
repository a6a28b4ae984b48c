// SPDX-License-Identifier: MIT
import test from 'ava';
import { Rng } from '../../src/sim/rng.js';
import {
  accumulateInput,
  backwardInput,
  cpuOps,
  lifConstants,
  lifStep,
  outerAccumulate,
  traceUpdate,
  transposeWeights,
} from '../../src/sim/batched/ops.js';
import { ConfigError } from '../../src/errors.js';

function randomArray(rng: Rng, n: number, density: number, binary: boolean): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) if (rng.uniform() < density) a[i] = binary ? 1 : rng.normal();
  return a;
}

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1e-30, err = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i] - b[i]));
  return err / scale;
}

// sizes that exercise the 8-, 4- and 1-row tails of the fused row adds
const shapes = [
  { B: 3, nIn: 13, nOut: 7, density: 0.5 },
  { B: 5, nIn: 37, nOut: 11, density: 1 },
  { B: 4, nIn: 29, nOut: 9, density: 0.1 },
];

test('accumulateInput equals the naive product, binary and real inputs', (t) => {
  const rng = new Rng(1);
  for (const { B, nIn, nOut, density } of shapes) {
    for (const binary of [true, false]) {
      const x = randomArray(rng, B * nIn, density, binary);
      const W = randomArray(rng, nIn * nOut, 1, false);
      const out = randomArray(rng, B * nOut, 1, false);
      const ref = Float64Array.from(out);
      for (let b = 0; b < B; b++)
        for (let n = 0; n < nOut; n++) for (let k = 0; k < nIn; k++) ref[b * nOut + n] += x[b * nIn + k] * W[k * nOut + n];
      accumulateInput(x, B, nIn, W, nOut, out);
      const e = maxRelErr(out, ref);
      t.true(e < 1e-6, `B=${B} nIn=${nIn} err=${e}`);
    }
  }
});

test('outerAccumulate equals the naive batched outer product', (t) => {
  const rng = new Rng(2);
  for (const { B, nIn, nOut, density } of [...shapes, { B: 19, nIn: 5, nOut: 6, density: 0.7 }]) {
    const X = randomArray(rng, B * nIn, density, false);
    const M = randomArray(rng, B * nOut, 1, false);
    const dW = randomArray(rng, nIn * nOut, 1, false);
    const ref = Float64Array.from(dW);
    const scale = -0.37;
    for (let k = 0; k < nIn; k++)
      for (let n = 0; n < nOut; n++) for (let b = 0; b < B; b++) ref[k * nOut + n] += scale * X[b * nIn + k] * M[b * nOut + n];
    outerAccumulate(X, M, B, nIn, nOut, dW, scale);
    t.true(maxRelErr(dW, ref) < 1e-6);
  }
});

test('backwardInput equals M times W-transpose, for dense and sparse M', (t) => {
  const rng = new Rng(3);
  for (const [density, B] of [[1, 4], [0.3, 4], [1, 7], [0.6, 9]]) {
    const nIn = 9, nOut = 14;
    const M = randomArray(rng, B * nOut, density, false);
    const W = randomArray(rng, nIn * nOut, 1, false);
    const G = new Float32Array(B * nIn).fill(99); // overwritten, not accumulated
    backwardInput(M, B, nOut, W, nIn, G);
    const ref = new Float64Array(B * nIn);
    for (let b = 0; b < B; b++)
      for (let k = 0; k < nIn; k++) for (let n = 0; n < nOut; n++) ref[b * nIn + k] += M[b * nOut + n] * W[k * nOut + n];
    t.true(maxRelErr(G, ref) < 1e-6, `density ${density}`);
  }
});

test('lifStep integrates exactly: matches the closed-form v(t) of a decaying current', (t) => {
  const p = { tauMem: 20, tauExc: 5, tauInh: 10, vRest: 0, vReset: 0, vTh: 1e9, tauRef: 0, dt: 0.1 };
  const c = lifConstants(p);
  const v = new Float32Array([0, 0]);
  const iE = new Float32Array([3, 0]);
  const iI = new Float32Array([0, -2]);
  const ref = new Float32Array(2), s = new Float32Array(2);
  const steps = 137;
  for (let k = 0; k < steps; k++) lifStep(c, v, iE, iI, ref, s, null);
  const T = steps * p.dt;
  const closed = (i0: number, ts: number) => ((i0 * ts) / (ts - p.tauMem)) * (Math.exp(-T / ts) - Math.exp(-T / p.tauMem));
  t.true(Math.abs(v[0] - closed(3, 5)) < 1e-5, `${v[0]} vs ${closed(3, 5)}`);
  t.true(Math.abs(v[1] - closed(-2, 10)) < 1e-5);
  t.true(Math.abs(iE[0] - 3 * Math.exp(-T / 5)) < 1e-5);
});

test('lifStep: threshold, reset, Brian2-style refractory period and surrogate derivative', (t) => {
  // vRest above threshold: fires periodically; with tauRef = 0.5 ms, dt = 0.1, v is held for 4 steps
  const c = lifConstants({ tauMem: 10, tauExc: 5, vRest: 20, vReset: 0, vTh: 10, tauRef: 0.5, dt: 0.1, psiBeta: 0.5 });
  const v = new Float32Array([9.999, 0]);
  const iE = new Float32Array(2), ref = new Float32Array(2), s = new Float32Array(2), psi = new Float32Array(2);
  t.is(lifStep(c, v, iE, null, ref, s, psi), 1);
  t.deepEqual([...s], [1, 0]);
  t.is(v[0], 0);
  const vBefore = 20 + (9.999 - 20) * Math.exp(-0.01);
  t.true(Math.abs(psi[0] - 1 / (1 + 0.5 * Math.abs(vBefore - 10)) ** 2) < 1e-6);
  for (let k = 1; k <= 4; k++) {
    lifStep(c, v, iE, null, ref, s, psi);
    t.is(v[0], 0, `held at step ${k} after the spike`);
  }
  lifStep(c, v, iE, null, ref, s, psi);
  t.true(v[0] > 0, 'integrates on the 5th step after the spike');
});

test('traceUpdate and transposeWeights', (t) => {
  const x = new Float32Array([1, 2]);
  traceUpdate(x, new Float32Array([0, 1]), 0.5);
  t.deepEqual([...x], [0.5, 2]);
  const w = new Float32Array([1, 2, 3, 4, 5, 6]); // [post=2][pre=3]
  t.deepEqual([...transposeWeights(w, 2, 3)], [1, 4, 2, 5, 3, 6]);
});

test('bad arguments raise ConfigError naming the parameter', (t) => {
  const e = t.throws(() => accumulateInput(new Float32Array(2), 2, 2, new Float32Array(4), 2, new Float32Array(4)), {
    instanceOf: ConfigError,
  });
  t.regex(e!.message, /'x'/);
  t.throws(() => lifConstants({ tauMem: 0, tauExc: 5, vRest: 0, vReset: 0, vTh: 1, tauRef: 0, dt: 0.1 }), {
    instanceOf: ConfigError,
    message: /tauMem/,
  });
  t.throws(() => traceUpdate(new Float32Array(1), new Float32Array(1), NaN), { instanceOf: ConfigError });
  t.is(cpuOps.backends.accumulateInput, 'cpu-js');
});
