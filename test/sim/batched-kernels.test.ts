// SPDX-License-Identifier: MIT
// The gpu.js kernel path of every batched op, in gpu.js 'cpu' mode and on webasm, against the
// plain-JS path (float32 tolerance: the kernels sum in float32 in a different order).
import test from 'ava';
import { Rng } from '../../src/sim/rng.js';
import { cpuOps, lifConstants } from '../../src/sim/batched/ops.js';
import { createAsyncOps, createOps } from '../../src/sim/batched/create-ops.js';
import { backendInfo, resolveBackendRequest } from '../../src/sim/backends/gpu.js';
import { BackendUnavailableError, ConfigError } from '../../src/errors.js';
import { simdAvailable } from '../../src/neurons/wasm.js';

function rand(rng: Rng, n: number, density: number, binary = false): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) if (rng.uniform() < density) a[i] = binary ? 1 : rng.normal();
  return a;
}
function maxAbs(a: Float32Array, b: Float32Array): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
  return e;
}

for (const backend of ['gpujs-cpu', 'webasm']) {
  test(`kernel ops on ${backend} match the plain-JS ops`, async (t) => {
    const ops = await createOps({ backend });
    try {
      const rng = new Rng(7);
      const B = 3, nIn = 11, nOut = 6;
      const x = rand(rng, B * nIn, 0.4, true), W = rand(rng, nIn * nOut, 1), M = rand(rng, B * nOut, 1);
      const o1 = rand(rng, B * nOut, 1), o2 = Float32Array.from(o1);
      ops.accumulateInput(x, B, nIn, W, nOut, o1);
      cpuOps.accumulateInput(x, B, nIn, W, nOut, o2);
      t.true(maxAbs(o1, o2) < 1e-5, 'accumulateInput');
      const d1 = rand(rng, nIn * nOut, 1), d2 = Float32Array.from(d1);
      ops.outerAccumulate(x, M, B, nIn, nOut, d1, 0.3);
      cpuOps.outerAccumulate(x, M, B, nIn, nOut, d2, 0.3);
      t.true(maxAbs(d1, d2) < 1e-5, 'outerAccumulate');
      const g1 = new Float32Array(B * nIn), g2 = new Float32Array(B * nIn);
      ops.backwardInput(M, B, nOut, W, nIn, g1);
      cpuOps.backwardInput(M, B, nOut, W, nIn, g2);
      t.true(maxAbs(g1, g2) < 1e-5, 'backwardInput');
      const tr1 = rand(rng, 10, 1), tr2 = Float32Array.from(tr1), s = rand(rng, 10, 0.5, true);
      ops.traceUpdate(tr1, s, 0.9);
      cpuOps.traceUpdate(tr2, s, 0.9);
      t.true(maxAbs(tr1, tr2) < 1e-6, 'traceUpdate');

      // 40 LIF steps of 2 x 5 neurons with random input; spike trains must agree exactly here
      // (inputs are far from the threshold knife-edge at float32 resolution)
      const c = lifConstants({ tauMem: 10, tauExc: 5, tauInh: 8, vRest: 0, vReset: -2, vTh: 1, tauRef: 0.3, dt: 0.1 });
      const len = 10;
      const st = [0, 1].map(() => ({ v: new Float32Array(len), ie: new Float32Array(len), ii: new Float32Array(len), ref: new Float32Array(len), s: new Float32Array(len), psi: new Float32Array(len) }));
      let n1 = 0, n2 = 0;
      for (let k = 0; k < 40; k++) {
        const drive = rand(rng, len, 0.3);
        for (let i = 0; i < len; i++) {
          for (const q of st) {
            q.ie[i] += Math.abs(drive[i]) * 8;
            q.ii[i] -= drive[i] < -1 ? 1 : 0;
          }
        }
        n1 += ops.lifStep(c, st[0].v, st[0].ie, st[0].ii, st[0].ref, st[0].s, st[0].psi);
        n2 += cpuOps.lifStep(c, st[1].v, st[1].ie, st[1].ii, st[1].ref, st[1].s, st[1].psi);
        t.deepEqual([...st[0].s], [...st[1].s], `spikes at step ${k}`);
      }
      t.true(n1 > 0, 'the test drives some spikes');
      t.is(n1, n2);
      t.true(maxAbs(st[0].v, st[1].v) < 1e-4 && maxAbs(st[0].psi, st[1].psi) < 1e-5);
      const expected = backend === 'gpujs-cpu' ? 'cpu' : 'webasm';
      for (const op of Object.keys(ops.backends) as (keyof typeof ops.backends)[]) t.is(ops.backends[op], op === 'adamStep' || op === 'normaliseRows' ? 'cpu-js' : expected, op);
      t.is(ops.info.chosen, expected);
    } finally {
      await ops.dispose();
    }
  });
}

test('backend request: option beats env, unknown names are a ConfigError, cpu needs no gpu.js platform', async (t) => {
  const saved = process.env.FFSNN_BACKEND;
  try {
    process.env.FFSNN_BACKEND = 'webasm';
    t.deepEqual(resolveBackendRequest(), { request: 'webasm', source: 'env FFSNN_BACKEND' });
    t.deepEqual(resolveBackendRequest('cpu'), { request: 'cpu', source: 'option' });
    process.env.FFSNN_BACKEND = 'cuda';
    t.throws(() => resolveBackendRequest(), { instanceOf: ConfigError, message: /FFSNN_BACKEND: 'cuda'/ });
  } finally {
    if (saved === undefined) delete process.env.FFSNN_BACKEND;
    else process.env.FFSNN_BACKEND = saved;
  }
  const info = await backendInfo('cpu');
  t.is(info.chosen, 'cpu-js');
  t.is(info.platform, null);
  const auto = await backendInfo('auto');
  t.true(auto.platform !== null);
  // auto picks gpu.js kernels only on a GL GPU, never webasm; else our SIMD products, else plain JS
  const fallback = simdAvailable() ? 'wasm-simd' : 'cpu-js';
  t.is(auto.chosen, auto.platform!.headlessgl || auto.platform!.webgl2 || auto.platform!.webgl ? auto.chosen : fallback);
  t.regex(auto.reason, /./);
});

test('registry: support matrix lists the ops and model kernel plans; a missing entry names what exists', async (t) => {
  await import('../../src/sim/batched/engine.js'); // registers the model kernel plans
  const { getImpl, listFor } = await import('../../src/sim/backends/registry.js');
  const { NoImplementationError } = await import('../../src/errors.js');
  t.deepEqual(listFor('gpujs'), ['IF', 'Izhikevich', 'LIF', 'accumulateInput', 'backwardInput', 'lifStep', 'outerAccumulate', 'traceUpdate']);
  t.deepEqual(listFor('cpu-js'), ['accumulateInput', 'adamStep', 'backwardInput', 'bpttLayerBackward', 'lifLayerForward', 'lifStep', 'normaliseRows', 'outerAccumulate', 'threeFactorAccumulate', 'traceUpdate']);
  t.is(getImpl('lifStep', 'cpu-js'), cpuOps.lifStep);
  t.throws(() => getImpl('LIF', 'gpujs', 'fixed'), { instanceOf: NoImplementationError, message: /LIF_gpujs_float/ });
});

for (const backend of ['cpu', 'gpujs-cpu']) {
  test(`async ops on ${backend} return Promises and match the plain ops`, async (t) => {
    const ops = await createAsyncOps({ backend });
    try {
      const rng = new Rng(9);
      const B = 2, nIn = 7, nOut = 5;
      const x = rand(rng, B * nIn, 0.5, true), W = rand(rng, nIn * nOut, 1);
      const o1 = new Float32Array(B * nOut), o2 = new Float32Array(B * nOut);
      const p = ops.accumulateInput(x, B, nIn, W, nOut, o1);
      t.true(p instanceof Promise);
      await p;
      cpuOps.accumulateInput(x, B, nIn, W, nOut, o2);
      t.true(maxAbs(o1, o2) < 1e-5);
      const c = lifConstants({ tauMem: 10, tauExc: 5, vRest: 2, vReset: 0, vTh: 1, tauRef: 0, dt: 1 });
      const v = new Float32Array([0.99, 0]), z = new Float32Array(2);
      t.is(await ops.lifStep(c, v, new Float32Array(2), null, new Float32Array(2), z, null), 1);
      t.is(ops.backends.lifStep, backend === 'cpu' ? 'cpu-js' : 'cpu');
    } finally {
      await ops.dispose();
    }
  });
}

test('webgpu: refused to synchronous callers; async callers get it or a BackendUnavailableError with the cause', async (t) => {
  await t.throwsAsync(createOps({ backend: 'webgpu' }), { instanceOf: ConfigError, message: /createAsyncOps/ });
  try {
    const info = await backendInfo('webgpu', { async: true });
    t.is(info.chosen, 'webgpu'); // a machine with a WebGPU adapter
  } catch (e) {
    t.true(e instanceof BackendUnavailableError, String(e));
    t.regex((e as Error).message, /webgpu' is unavailable: \S/);
  }
  const auto = await backendInfo('auto', { async: true });
  t.true(auto.chosen === 'webgpu' || auto.platform!.webgpu === false);
});
