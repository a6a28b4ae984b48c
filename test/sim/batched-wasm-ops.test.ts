// SPDX-License-Identifier: MIT
/**
 * The 'wasm-simd' products against the plain-JS ops. cpu-js forms each sum in float64 and rounds
 * it once into float32; the wasm kernels round every product and sum in float32. So the check is
 * per element:
 *
 *   |wasm - js| <= TOL * (sum of |terms| + |initial value|),   TOL = 1e-5
 *
 * (float32 epsilon is 1.2e-7; the shapes here sum at most ~40 terms per lane, so the worst case
 * rounding is well under 1e-5 of the absolute sum, while a missing, extra or wrong term moves an
 * element by a whole term, far above it: see the "would fail" test).
 */
import test from 'ava';
import { Rng } from '../../src/sim/rng.js';
import { cpuOps } from '../../src/sim/batched/ops.js';
import { createWasmSimdOps, wasmSimdAvailable } from '../../src/sim/batched/wasm-ops.js';
import { createAsyncOps, createOps } from '../../src/sim/batched/create-ops.js';
import { resolveBackendRequest } from '../../src/sim/backends/gpu.js';
import { ConfigError } from '../../src/errors.js';

const TOL = 1e-5;
const simd = wasmSimdAvailable();
const maybe = simd ? test : test.skip;

function randomArray(rng: Rng, n: number, density: number, binary: boolean): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) if (rng.uniform() < density) a[i] = binary ? 1 : rng.normal();
  return a;
}

/** Index of the first element outside tolerance, or -1. */
function firstMismatch(got: Float32Array, want: Float32Array, absSum: Float64Array): number {
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= TOL * absSum[i])) return i;
  }
  return -1;
}

/** sum_k |x[b][k] W[k][n]| + |out0[b][n]| */
function accAbs(x: Float32Array, B: number, nIn: number, W: Float32Array, nOut: number, out0: Float32Array): Float64Array {
  const s = new Float64Array(B * nOut);
  for (let b = 0; b < B; b++) {
    for (let n = 0; n < nOut; n++) {
      let a = Math.abs(out0[b * nOut + n]);
      for (let k = 0; k < nIn; k++) a += Math.abs(x[b * nIn + k] * W[k * nOut + n]);
      s[b * nOut + n] = a;
    }
  }
  return s;
}

/** sum_b |scale X[b][k] M[b][n]| + |dW0[k][n]| */
function outerAbs(X: Float32Array, M: Float32Array, B: number, nIn: number, nOut: number, dW0: Float32Array, scale: number): Float64Array {
  const s = new Float64Array(nIn * nOut);
  for (let k = 0; k < nIn; k++) {
    for (let n = 0; n < nOut; n++) {
      let a = Math.abs(dW0[k * nOut + n]);
      for (let b = 0; b < B; b++) a += Math.abs(scale * X[b * nIn + k] * M[b * nOut + n]);
      s[k * nOut + n] = a;
    }
  }
  return s;
}

/** sum_n |M[b][n] W[k][n]| */
function backAbs(M: Float32Array, B: number, nOut: number, W: Float32Array, nIn: number): Float64Array {
  const s = new Float64Array(B * nIn);
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < nIn; k++) {
      let a = 0;
      for (let n = 0; n < nOut; n++) a += Math.abs(M[b * nOut + n] * W[k * nOut + n]);
      s[b * nIn + k] = a;
    }
  }
  return s;
}

// B = 1 and 7; nOut with every remainder mod 4 (tails), nIn across the 8-, 4- and 1-row groups
const Bs = [1, 7];
const nIns = [1, 5, 13, 37];
const nOuts = [1, 3, 4, 10, 17, 33];
const densities = [0, 0.1, 0.5, 1];

maybe('accumulateInput equals cpuOps within float32 tolerance (tails, sparse and dense, B = 1 and 7)', (t) => {
  const rng = new Rng(11);
  const ops = createWasmSimdOps(); // one object for every shape: its memory is reused across layouts
  let cases = 0;
  for (const B of Bs) for (const nIn of nIns) for (const nOut of nOuts) for (const d of densities) for (const binary of [true, false]) {
    const x = randomArray(rng, B * nIn, d, binary);
    const W = randomArray(rng, nIn * nOut, 1, false);
    const out0 = randomArray(rng, B * nOut, 0.7, false);
    const want = out0.slice(), got = out0.slice();
    cpuOps.accumulateInput(x, B, nIn, W, nOut, want);
    ops.accumulateInput(x, B, nIn, W, nOut, got);
    const i = firstMismatch(got, want, accAbs(x, B, nIn, W, nOut, out0));
    t.is(i, -1, `B=${B} ${nIn}x${nOut} d=${d} binary=${binary}: element ${i} wasm ${got[i]} js ${want[i]}`);
    // rows of samples without input are left exactly as they were
    for (let b = 0; b < B; b++) {
      if (x.subarray(b * nIn, (b + 1) * nIn).every((v) => v === 0)) t.deepEqual(got.subarray(b * nOut, (b + 1) * nOut), out0.subarray(b * nOut, (b + 1) * nOut));
    }
    cases++;
  }
  t.is(cases, Bs.length * nIns.length * nOuts.length * densities.length * 2);
});

maybe('outerAccumulate equals cpuOps within float32 tolerance (tails, sparse and dense, B = 1 and 7)', (t) => {
  const rng = new Rng(12);
  const ops = createWasmSimdOps();
  for (const B of Bs) for (const nIn of nIns) for (const nOut of nOuts) for (const d of densities) {
    const scale = -0.37;
    const X = randomArray(rng, B * nIn, d, false);
    const M = randomArray(rng, B * nOut, 1, false);
    const dW0 = randomArray(rng, nIn * nOut, 0.5, false);
    const want = dW0.slice(), got = dW0.slice();
    cpuOps.outerAccumulate(X, M, B, nIn, nOut, want, scale);
    ops.outerAccumulate(X, M, B, nIn, nOut, got, scale);
    const i = firstMismatch(got, want, outerAbs(X, M, B, nIn, nOut, dW0, scale));
    t.is(i, -1, `B=${B} ${nIn}x${nOut} d=${d}: element ${i} wasm ${got[i]} js ${want[i]}`);
    if (d === 0) t.deepEqual(got, dW0);
  }
});

maybe('backwardInput equals cpuOps within float32 tolerance (tails, sparse and dense M, B = 1 and 7)', (t) => {
  const rng = new Rng(13);
  const ops = createWasmSimdOps();
  for (const B of Bs) for (const nIn of nIns) for (const nOut of nOuts) for (const d of densities) {
    const M = randomArray(rng, B * nOut, d, false);
    const W = randomArray(rng, nIn * nOut, 1, false);
    const want = randomArray(rng, B * nIn, 1, false), got = randomArray(rng, B * nIn, 1, false); // overwritten
    cpuOps.backwardInput(M, B, nOut, W, nIn, want);
    ops.backwardInput(M, B, nOut, W, nIn, got);
    const i = firstMismatch(got, want, backAbs(M, B, nOut, W, nIn));
    t.is(i, -1, `B=${B} ${nIn}x${nOut} d=${d}: element ${i} wasm ${got[i]} js ${want[i]}`);
  }
});

maybe('a larger layer (B = 7, 300x130, 30% input) agrees too', (t) => {
  const rng = new Rng(14);
  const ops = createWasmSimdOps();
  const B = 7, nIn = 300, nOut = 130;
  const x = randomArray(rng, B * nIn, 0.3, false), W = randomArray(rng, nIn * nOut, 1, false), out0 = new Float32Array(B * nOut);
  const want = out0.slice(), got = out0.slice();
  cpuOps.accumulateInput(x, B, nIn, W, nOut, want);
  ops.accumulateInput(x, B, nIn, W, nOut, got);
  t.is(firstMismatch(got, want, accAbs(x, B, nIn, W, nOut, out0)), -1);
  const M = randomArray(rng, B * nOut, 1, false);
  const g1 = new Float32Array(B * nIn), g2 = new Float32Array(B * nIn);
  cpuOps.backwardInput(M, B, nOut, W, nIn, g1);
  ops.backwardInput(M, B, nOut, W, nIn, g2);
  t.is(firstMismatch(g2, g1, backAbs(M, B, nOut, W, nIn)), -1);
});

maybe('the tolerance check would fail on a wrong kernel (dropped tail column, dropped row, wrong scale)', (t) => {
  const rng = new Rng(15);
  const B = 7, nIn = 13, nOut = 10;
  const x = randomArray(rng, B * nIn, 1, false), W = randomArray(rng, nIn * nOut, 1, false), out0 = new Float32Array(B * nOut);
  const want = out0.slice();
  cpuOps.accumulateInput(x, B, nIn, W, nOut, want);
  const abs = accAbs(x, B, nIn, W, nOut, out0);
  // a kernel that skips the scalar tail (n = 8, 9)
  const noTail = want.slice();
  for (let b = 0; b < B; b++) noTail.fill(0, b * nOut + 8, b * nOut + nOut);
  t.not(firstMismatch(noTail, want, abs), -1);
  // a kernel that drops the last input row k = nIn - 1
  const noRow = want.slice();
  for (let b = 0; b < B; b++) for (let n = 0; n < nOut; n++) noRow[b * nOut + n] -= x[b * nIn + nIn - 1] * W[(nIn - 1) * nOut + n];
  t.not(firstMismatch(noRow, want, abs), -1);
  // an outer product with the scale applied twice
  const M = randomArray(rng, B * nOut, 1, false);
  const d1 = new Float32Array(nIn * nOut), d2 = new Float32Array(nIn * nOut);
  cpuOps.outerAccumulate(x, M, B, nIn, nOut, d1, 0.5);
  cpuOps.outerAccumulate(x, M, B, nIn, nOut, d2, 0.25);
  t.not(firstMismatch(d2, d1, outerAbs(x, M, B, nIn, nOut, new Float32Array(nIn * nOut), 0.5)), -1);
});

maybe('argument errors are the plain path ConfigErrors', (t) => {
  const ops = createWasmSimdOps();
  t.throws(() => ops.accumulateInput(new Float32Array(3), 2, 2, new Float32Array(4), 2, new Float32Array(4)), { instanceOf: ConfigError, message: /accumulateInput/ });
  t.throws(() => ops.outerAccumulate(new Float32Array(4), new Float32Array(4), 2, 2, 2, new Float32Array(4), Infinity), { instanceOf: ConfigError, message: /scale/ });
  t.throws(() => ops.backwardInput(new Float32Array(4), 2, 2, new Float32Array(3), 2, new Float32Array(4)), { instanceOf: ConfigError, message: /backwardInput/ });
});

maybe("backend 'wasm-simd' by option and by FFSNN_BACKEND; 'auto' picks it without a GPU", async (t) => {
  const byOption = await createOps({ backend: 'wasm-simd' });
  t.is(byOption.info.chosen, 'wasm-simd');
  t.deepEqual({ ...byOption.backends }, {
    accumulateInput: 'wasm-simd', outerAccumulate: 'wasm-simd', backwardInput: 'wasm-simd', lifStep: 'wasm-simd', traceUpdate: 'wasm-simd', adamStep: 'wasm-simd', normaliseRows: 'wasm-simd',
    lifLayerForward: 'wasm-simd', threeFactorAccumulate: 'wasm-simd', bpttLayerBackward: 'wasm-simd',
  });
  const asyncOps = await createAsyncOps({ backend: 'wasm-simd' });
  t.is(asyncOps.backends.outerAccumulate, 'wasm-simd');
  const x = Float32Array.of(1, 0, 2), W = Float32Array.of(1, 2, 3, 4, 5, 6), out = new Float32Array(2);
  await asyncOps.accumulateInput(x, 1, 3, W, 2, out);
  t.deepEqual([...out], [11, 14]);
  const saved = process.env.FFSNN_BACKEND;
  try {
    process.env.FFSNN_BACKEND = 'wasm-simd';
    t.deepEqual(resolveBackendRequest(), { request: 'wasm-simd', source: 'env FFSNN_BACKEND' });
    const byEnv = await createOps();
    t.is(byEnv.backends.accumulateInput, 'wasm-simd');
    delete process.env.FFSNN_BACKEND;
    const auto = await createOps();
    t.is(auto.info.requested, 'auto');
    // without a GPU, auto takes the SIMD products (gpu.js finds no GL GPU on CI machines)
    const gpu = auto.info.chosen !== 'cpu-js' && auto.info.chosen !== 'wasm-simd';
    if (!gpu) t.is(auto.backends.accumulateInput, wasmSimdAvailable() ? 'wasm-simd' : 'cpu-js');
    await auto.dispose();
  } finally {
    if (saved === undefined) delete process.env.FFSNN_BACKEND;
    else process.env.FFSNN_BACKEND = saved;
  }
});

/** Adam by its definition (Kingma & Ba 2015, bias-corrected), in float64: the reference for both paths. */
function adamReference(p: number[], g: number[][], lr: number): number[] {
  const m = p.map(() => 0), v = p.map(() => 0), w = [...p];
  g.forEach((gt, s) => {
    const t = s + 1;
    for (let i = 0; i < w.length; i++) {
      m[i] = 0.9 * m[i] + 0.1 * gt[i];
      v[i] = 0.999 * v[i] + 0.001 * gt[i] * gt[i];
      w[i] -= (lr * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
    }
  });
  return w;
}

test('adamStep: plain and wasm paths follow the Adam definition over 5 steps (tails 1, 7, 130); a NaN or Infinity gradient changes nothing', (t) => {
  const rng = new Rng(21);
  const paths = simd ? [cpuOps, createWasmSimdOps()] : [cpuOps];
  for (const n of [1, 7, 130]) {
    const p0 = Array.from({ length: n }, () => rng.normal());
    const g = Array.from({ length: 5 }, () => Array.from({ length: n }, () => rng.normal()));
    const want = adamReference(p0, g, 0.01);
    for (const ops of paths) {
      const p = Float32Array.from(p0), m = new Float32Array(n), v = new Float32Array(n);
      g.forEach((gt, s) => ops.adamStep(p, Float32Array.from(gt), m, v, { b1: 0.9, b2: 0.999, a: 0.01 / (1 - 0.9 ** (s + 1)), sc2: 1 / Math.sqrt(1 - 0.999 ** (s + 1)), eps: 1e-8 }));
      const err = Math.max(...[...p].map((x, i) => Math.abs(x - want[i])));
      // each step moves a weight by ~lr; float32 rounding of p (|p| ~ 1) is ~6e-8 per step
      t.true(err < 1e-6, `${ops.backends.adamStep} n=${n}: max error ${err}`);
      // the steps really move the weights (each by up to 5 lr), so a no-op would fail the check above
      t.true(Math.max(...[...p].map((x, i) => Math.abs(x - p0[i]))) > 0.005);
      for (const bad of [NaN, Infinity, -Infinity]) {
        const before = [Float32Array.from(p), Float32Array.from(m), Float32Array.from(v)];
        const gb = new Float32Array(n).fill(0.5);
        gb[n - 1] = bad;
        t.throws(() => ops.adamStep(p, gb, m, v, { b1: 0.9, b2: 0.999, a: 0.01, sc2: 1, eps: 1e-8 }), { instanceOf: ConfigError, message: /gradient/ });
        t.deepEqual([p, m, v].map((a) => [...a]), before.map((a) => [...a]), `${ops.backends.adamStep}: nothing changed on ${bad}`);
      }
    }
  }
});

test('normaliseRows: plain and wasm paths give k x / ||x|| and the norms; zero rows stay zero (tails n = 7, 784)', (t) => {
  const rng = new Rng(5);
  const paths = simd ? [cpuOps, createWasmSimdOps()] : [cpuOps];
  for (const n of [7, 784]) {
    const B = 3;
    const x = randomArray(rng, B * n, 0.4, false);
    x.fill(0, n, 2 * n); // row 1 all zero
    const k = Math.sqrt(n);
    for (const ops of paths) {
      const out = new Float32Array(B * n).fill(9), norms = new Float64Array(B);
      ops.normaliseRows(x, B, n, out, k, norms);
      for (let b = 0; b < B; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += x[b * n + i] ** 2;
        t.true(Math.abs(norms[b] - Math.sqrt(s)) <= 1e-6 * Math.sqrt(s), `${ops.backends.normaliseRows} norm of row ${b}`);
        let ms = 0;
        for (let i = 0; i < n; i++) {
          const want = s > 0 ? (k * x[b * n + i]) / Math.sqrt(s) : 0;
          t.true(Math.abs(out[b * n + i] - want) <= 1e-5 * k, `${ops.backends.normaliseRows} n=${n} (${b}, ${i})`);
          ms += out[b * n + i] ** 2;
        }
        t.true(b === 1 ? ms === 0 : Math.abs(ms / n - 1) < 1e-4, 'mean square 1 (0 for the zero row)');
      }
    }
  }
});

maybe('adopted arrays are used in place, give the results of copied ones, and survive the memory growing', (t) => {
  const ops = createWasmSimdOps();
  const rng = new Rng(8);
  const B = 5, nIn = 30, nOut = 12;
  const x = randomArray(rng, B * nIn, 0.3, false), W = randomArray(rng, nIn * nOut, 1, false), M = randomArray(rng, B * nOut, 0.7, false);
  const Wa = ops.adopt!(W);
  t.not(Wa, W);
  t.is(ops.adopt!(Wa), Wa, 'adopting twice returns the same array');
  t.deepEqual([...Wa], [...W]);
  // grow the memory well past its size, then use the first array
  const big = ops.adopt!(new Float32Array(4_000_000));
  t.is(big.length, 4_000_000);
  t.is(Wa.length, nIn * nOut, 'the earlier view is still attached');
  const out1 = new Float32Array(B * nOut), out2 = new Float32Array(B * nOut);
  ops.accumulateInput(x, B, nIn, W, nOut, out1);
  ops.accumulateInput(x, B, nIn, Wa, nOut, out2);
  t.deepEqual([...out2], [...out1]);
  const g1 = new Float32Array(B * nIn), g2 = new Float32Array(B * nIn);
  ops.backwardInput(M, B, nOut, W, nIn, g1);
  ops.backwardInput(M, B, nOut, Wa, nIn, g2);
  t.deepEqual([...g2], [...g1]);
  const d1 = Float32Array.from(W), d2 = ops.adopt!(W);
  ops.outerAccumulate(x, M, B, nIn, nOut, d1, 0.5);
  ops.outerAccumulate(x, M, B, nIn, nOut, d2, 0.5);
  t.deepEqual([...d2], [...d1], 'outerAccumulate into an adopted dW, in place');
  t.notDeepEqual([...d2], [...W], 'and it did accumulate');
  // Adam in place equals Adam on copies
  const n = 13; // not a multiple of 4: the adopted arrays carry zero padding
  const mk = () => [Float32Array.from({ length: n }, (_, i) => Math.sin(i)), Float32Array.from({ length: n }, (_, i) => Math.cos(i)), new Float32Array(n), new Float32Array(n)];
  const plain = mk(), placed = mk().map((a) => ops.adopt!(a));
  for (let s = 1; s <= 3; s++) {
    const k = { b1: 0.9, b2: 0.999, a: 0.01 / (1 - 0.9 ** s), sc2: 1 / Math.sqrt(1 - 0.999 ** s), eps: 1e-8 };
    ops.adamStep(plain[0], plain[1], plain[2], plain[3], k);
    ops.adamStep(placed[0], placed[1], placed[2], placed[3], k);
  }
  t.deepEqual(placed.map((a) => [...a]), plain.map((a) => [...a]));
});
