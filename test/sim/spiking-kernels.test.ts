// SPDX-License-Identifier: MIT
/**
 * The AssemblyScript SIMD kernels of spiking training (src/sim/batched/spiking.as.ts, backend
 * 'wasm-simd') against the plain-JS ops of src/sim/batched/ops.ts: the LIF step, the trace update,
 * a whole LIF layer forward, the three-factor update and a BPTT layer backward. The wasm kernels
 * round every operation to float32 where the plain path forms intermediates in float64, so real
 * values agree within a relative 1e-5 of their scale, spikes exactly (the inputs keep membranes
 * away from the threshold's rounding band: checked by the spike counts being equal), and both
 * adopted (in place) and plain arrays are checked, at a row length that is not a multiple of 4
 * (padded rows) and one that is.
 */
import test from 'ava';
import { Rng } from '../../src/sim/rng.js';
import { cpuOps, lifConstants, type BatchedOps, type FilterKernel } from '../../src/sim/batched/ops.js';
import { createWasmSimdOps, wasmSimdAvailable } from '../../src/sim/batched/wasm-ops.js';

const maybe = wasmSimdAvailable() ? test : test.skip;

function spikesOf(rng: Rng, n: number, p: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) if (rng.uniform() < p) a[i] = 1;
  return a;
}

function normals(rng: Rng, n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * rng.normal();
  return a;
}

/** max |a - b| / max(1, max |b|) */
function relErr(a: Float32Array, b: Float32Array): number {
  let d = 0, m = 1;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}

const c = lifConstants({ tauMem: 10, tauExc: 5, vRest: 0, vReset: 0, vTh: 1, tauRef: 0, dt: 1, psiBeta: 1 });
const kernel = (T: number): FilterKernel => ({ aMem: c.aMem, aSyn: c.aExc, kSyn: c.kExc, w: Float64Array.from({ length: T }, (_, t) => 1 + t / T) });

for (const nOut of [13, 16]) {
  const B = 5, nIn = 11, T = 6;
  const setup = (adopt: boolean) => {
    const rng = new Rng(7);
    const ops = createWasmSimdOps();
    const put = (a: Float32Array) => (adopt ? ops.adopt!(a) : a);
    const frames = Array.from({ length: T }, () => spikesOf(rng, B * nIn, 0.4));
    const W = put(normals(rng, nIn * nOut, 0.8));
    const bias = put(normals(rng, nOut, 0.1));
    return { rng, ops, put, frames, W, bias };
  };

  for (const adopt of [false, true]) {
    const label = `nOut=${nOut}${adopt ? ', adopted' : ''}`;

    maybe(`lifLayerForward (${label}): wasm-simd equals the plain op within float32 rounding`, (t) => {
      const { ops, frames, W, bias } = setup(adopt);
      const wt = Float64Array.from({ length: T }, (_, s) => 0.5 + s / T);
      const a = ops.lifLayerForward(c, frames, B, nIn, W, nOut, bias, wt, true);
      const b = cpuOps.lifLayerForward(c, frames, B, nIn, W, nOut, bias, wt, true);
      t.true(b.spikeCount > 0 && b.spikeCount < T * B * nOut, `some spikes, not all (${b.spikeCount})`);
      t.is(a.spikeCount, b.spikeCount);
      for (let s = 0; s < T; s++) {
        t.deepEqual([...a.spikes[s]], [...b.spikes[s]], `spikes at step ${s}`);
        t.true(relErr(a.psi[s], b.psi[s]) < 1e-5, `psi at step ${s}`);
      }
      t.true(relErr(a.h, b.h) < 1e-6);
      t.is(ops.backends.lifLayerForward, 'wasm-simd');
    });

    maybe(`threeFactorAccumulate (${label}): wasm-simd equals the plain op within float32 rounding`, (t) => {
      const { rng, ops, put, frames } = setup(adopt);
      const psi = Array.from({ length: T }, () => Float32Array.from(normals(rng, B * nOut), (x) => 1 / (1 + x * x)));
      const m = normals(rng, B * nOut, 0.01);
      const dW0 = normals(rng, nIn * nOut, 0.01), db0 = normals(rng, nOut, 0.01);
      const dW = put(dW0.slice()), db = put(db0.slice());
      const wantW = dW0.slice(), wantB = db0.slice();
      ops.threeFactorAccumulate(frames, psi, m, B, nIn, nOut, kernel(T), dW, db);
      cpuOps.threeFactorAccumulate(frames, psi, m, B, nIn, nOut, kernel(T), wantW, wantB);
      t.true(relErr(wantW, dW0) > 1e-3, 'the update changes dW');
      t.true(relErr(dW, wantW) < 1e-5, `dW: ${relErr(dW, wantW)}`);
      t.true(relErr(db, wantB) < 1e-5, `db: ${relErr(db, wantB)}`);
    });

    maybe(`bpttLayerBackward (${label}): wasm-simd equals the plain op within float32 rounding`, (t) => {
      const { rng, ops, put, frames, W } = setup(adopt);
      const spikes = Array.from({ length: T }, () => spikesOf(rng, B * nOut, 0.2));
      const psi = Array.from({ length: T }, () => Float32Array.from(normals(rng, B * nOut), (x) => 1 / (1 + x * x)));
      const dS = Array.from({ length: T }, () => normals(rng, B * nOut, 0.1));
      const dW = put(new Float32Array(nIn * nOut)), db = put(new Float32Array(nOut));
      const wantW = new Float32Array(nIn * nOut), wantB = new Float32Array(nOut);
      const g = ops.bpttLayerBackward(frames, spikes, psi, dS, B, nIn, nOut, kernel(T), W, dW, db, true)!;
      const want = cpuOps.bpttLayerBackward(frames, spikes, psi, dS, B, nIn, nOut, kernel(T), W, wantW, wantB, true)!;
      t.true(relErr(dW, wantW) < 1e-5 && relErr(db, wantB) < 1e-5);
      t.is(g.length, T);
      for (let s = 0; s < T; s++) t.true(relErr(g[s], want[s]) < 1e-5, `input gradient at step ${s}`);
      t.is(ops.bpttLayerBackward(frames, spikes, psi, dS, B, nIn, nOut, kernel(T), W, dW, db, false), null);
    });
  }
}

maybe('lifStep (with inhibition and refractory steps) and traceUpdate: wasm-simd equals the plain ops', (t) => {
  const ops: BatchedOps = createWasmSimdOps();
  const k = lifConstants({ tauMem: 20, tauExc: 5, tauInh: 10, vRest: -60, vReset: -65, vTh: -50, tauRef: 2, dt: 0.5, psiBeta: 0.5 });
  const rng = new Rng(3);
  const len = 37;
  const st = [0, 1].map(() => ({ v: new Float32Array(len).fill(-60), ie: new Float32Array(len), ii: new Float32Array(len), ref: new Float32Array(len), s: new Float32Array(len), psi: new Float32Array(len) }));
  let n1 = 0, n2 = 0;
  for (let step = 0; step < 40; step++) {
    const drive = normals(rng, len, 6);
    for (const q of st) for (let i = 0; i < len; i++) {
      q.ie[i] += Math.abs(drive[i]) * 2;
      q.ii[i] -= drive[i] < -1 ? 1 : 0;
    }
    n1 += ops.lifStep(k, st[0].v, st[0].ie, st[0].ii, st[0].ref, st[0].s, st[0].psi);
    n2 += cpuOps.lifStep(k, st[1].v, st[1].ie, st[1].ii, st[1].ref, st[1].s, st[1].psi);
    t.deepEqual([...st[0].s], [...st[1].s], `spikes at step ${step}`);
    t.deepEqual([...st[0].ref], [...st[1].ref], `refractory counters at step ${step}`);
  }
  t.true(n1 > 0);
  t.is(n1, n2);
  t.true(relErr(st[0].v, st[1].v) < 1e-5 && relErr(st[0].psi, st[1].psi) < 1e-5 && relErr(st[0].ie, st[1].ie) < 1e-5 && relErr(st[0].ii, st[1].ii) < 1e-5);
  const x = normals(rng, len), s = spikesOf(rng, len, 0.5), y = x.slice();
  ops.traceUpdate(x, s, 0.9);
  cpuOps.traceUpdate(y, s, 0.9);
  t.true(relErr(x, y) < 1e-6);
  t.is(ops.backends.lifStep, 'wasm-simd');
});

maybe('threads: the layer ops cut a batch across 2 and 3 threads give the 1-thread results within float32 rounding, identically on every run', async (t) => {
  const B = 7, nIn = 9, nOut = 6, T = 5;
  const run = (threads: number) => {
    const rng = new Rng(11);
    const ops = createWasmSimdOps({ threads });
    const frames = Array.from({ length: T }, () => spikesOf(rng, B * nIn, 0.5));
    const W = ops.adopt!(normals(rng, nIn * nOut, 0.8));
    const bias = ops.adopt!(normals(rng, nOut, 0.1));
    const fwd = ops.lifLayerForward(c, frames, B, nIn, W, nOut, bias, kernel(T).w, true);
    const m = normals(rng, B * nOut, 0.05);
    const dW = ops.adopt!(new Float32Array(nIn * nOut)), db = new Float32Array(nOut); // db not adopted: the copy path
    ops.threeFactorAccumulate(frames, fwd.psi, m, B, nIn, nOut, kernel(T), dW, db);
    const dS = Array.from({ length: T }, () => normals(rng, B * nOut, 0.1));
    const dW2 = new Float32Array(nIn * nOut), db2 = ops.adopt!(new Float32Array(nOut));
    const g = ops.bpttLayerBackward(frames, fwd.spikes, fwd.psi, dS, B, nIn, nOut, kernel(T), W, dW2, db2, true)!;
    return { ops, fwd, dW, db, dW2, db2, g };
  };
  const one = run(1);
  for (const threads of [2, 3]) {
    const a = run(threads), again = run(threads);
    t.is(a.ops.threads, threads);
    t.is(a.fwd.spikeCount, one.fwd.spikeCount);
    t.true(one.fwd.spikeCount > 0);
    for (let s = 0; s < T; s++) t.deepEqual([...a.fwd.spikes[s]], [...one.fwd.spikes[s]]);
    t.true(relErr(a.fwd.h, one.fwd.h) === 0 && relErr(a.fwd.psi[T - 1], one.fwd.psi[T - 1]) === 0, 'the forward pass is per sample: identical');
    for (const key of ['dW', 'db', 'dW2', 'db2'] as const) {
      t.true(relErr(a[key], one[key]) < 1e-5, `${threads} threads, ${key}`);
      t.deepEqual([...a[key]], [...again[key]], `${threads} threads, ${key}: same on every run`);
    }
    t.true(relErr(a.dW, new Float32Array(a.dW.length)) > 1e-3, 'gradients are not zero');
    for (let s = 0; s < T; s++) t.true(relErr(a.g[s], one.g[s]) === 0, 'input gradients are per sample: identical');
    await a.ops.release!();
    await again.ops.release!();
  }
});
