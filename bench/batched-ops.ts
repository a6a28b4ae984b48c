// SPDX-License-Identifier: MIT
/**
 * Times each batched op on the plain-JS path ('cpu-js', the baseline) and on the gpu.js kernel
 * path (webasm by default; FFSNN_BENCH_KERNEL=gpu for whatever gpu.js picks, =webgpu for WebGPU
 * through the asynchronous ops), at B = 10, 100, 200, layer sizes 784x500 and 500x500 and input
 * densities 5-50%. Prints ms per call (a kernel call includes uploading its inputs and reading
 * back its output) and the ratio kernel / plain (> 1: the plain path is faster).
 *
 *   node --import tsx bench/batched-ops.ts [--quick]
 *   FFSNN_BENCH_KERNEL=webgpu node --import tsx bench/batched-ops.ts      (needs a WebGPU adapter)
 *   FFSNN_BENCH_KERNEL=wasm-simd node --import tsx bench/batched-ops.ts   (our WebAssembly SIMD products)
 *
 * Measured 2026-11-27 on an NVIDIA H100 machine (16 cores), WebGPU through Dawn (webgpu 0.2.9),
 * cpu-js baseline in the same run, ms per call (cpu-js / webgpu):
 *   accumulateInput B=100 784x500 50%: 47.7 / 2.08;  5%: 3.95 / 1.79;  B=10 5%: 0.44 / 1.02
 *   outerAccumulate B=100 784x500 50%: 52.4 / 1.89;  B=200 50%: 53.6 / 2.79
 *   backwardInput   B=200 784x500 dense: 113.5 / 1.65;  B=10: 9.4 / 1.14
 *   lifStep         B=100 N=500: 0.59 / 0.97;  traceUpdate B=100 N=500: 0.17 / 0.42
 * hence createAsyncOps on 'auto' runs the products on WebGPU and lifStep/traceUpdate in plain JS.
 * FFSNN_BENCH_KERNEL=wasm-simd --quick, 2026-11-27, 2-core machine with another job on one core
 * (noisy), ms per call (cpu-js / wasm-simd): accumulateInput B=100 784x500 50%: 45.3 / 17.1;
 * outerAccumulate B=100 50%: 41.7 / 7.7; backwardInput B=100 dense: 80.0 / 7.4;
 * accumulateInput B=10 5%: 0.92 / 0.75.
 */
import { Rng } from '../src/sim/rng.js';
import { cpuOps, lifConstants, type BatchedOps } from '../src/sim/batched/ops.js';
import { createAsyncOps, createOps, type AsyncOpsHandle } from '../src/sim/batched/create-ops.js';

const quick = process.argv.includes('--quick');
const budgetMs = quick ? 150 : 400;

async function timeMs(f: () => unknown): Promise<number> {
  await f(); // warm-up (and kernel compile)
  let n = 0;
  const t0 = performance.now();
  do {
    await f();
    n++;
  } while (performance.now() - t0 < budgetMs);
  return (performance.now() - t0) / n;
}

function rand(rng: Rng, n: number, density: number, binary: boolean): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) if (rng.uniform() < density) a[i] = binary ? 1 : rng.normal();
  return a;
}

const kernelBackend = process.env.FFSNN_BENCH_KERNEL ?? 'webasm';
// the asynchronous ops for WebGPU; for the other modes the synchronous ones (what training calls)
const kernel: AsyncOpsHandle | (BatchedOps & { info: AsyncOpsHandle['info']; dispose(): Promise<void> }) =
  kernelBackend === 'webgpu' ? await createAsyncOps({ backend: kernelBackend }) : await createOps({ backend: kernelBackend });
const rng = new Rng(1);
const rows: string[] = [];
const row = (op: string, shape: string, plain: number, k: number, mode: string) =>
  rows.push(`${op.padEnd(16)} ${shape.padEnd(22)} ${plain.toFixed(3).padStart(9)} ${k.toFixed(3).padStart(9)} ${(k / plain).toFixed(2).padStart(7)}  ${mode}`);

const Bs = quick ? [10, 100] : [10, 100, 200];
const layers: [number, number][] = quick ? [[784, 500]] : [[784, 500], [500, 500]];
const densities = quick ? [0.05, 0.5] : [0.05, 0.2, 0.5];
for (const B of Bs) {
  for (const [nIn, nOut] of layers) {
    const W = rand(rng, nIn * nOut, 1, false);
    const M = rand(rng, B * nOut, 1, false);
    for (const d of densities) {
      const x = rand(rng, B * nIn, d, true);
      const out = new Float32Array(B * nOut), dW = new Float32Array(nIn * nOut);
      const shape = `B=${B} ${nIn}x${nOut} ${Math.round(d * 100)}%`;
      const run = async (ops: BatchedOps | AsyncOpsHandle) => [
        await timeMs(() => ops.accumulateInput(x, B, nIn, W, nOut, out)),
        await timeMs(() => ops.outerAccumulate(x, M, B, nIn, nOut, dW, 1e-3)),
      ];
      const [pa, po] = await run(cpuOps), [ka, ko] = await run(kernel);
      // the kernel path must compute the same thing, or its timing means nothing
      const o1 = new Float32Array(B * nOut), o2 = new Float32Array(B * nOut);
      cpuOps.accumulateInput(x, B, nIn, W, nOut, o1);
      await kernel.accumulateInput(x, B, nIn, W, nOut, o2);
      let err = 0;
      for (let i = 0; i < o1.length; i++) err = Math.max(err, Math.abs(o1[i] - o2[i]));
      if (!(err < 1e-3)) throw new Error(`kernel accumulateInput differs from cpu-js by ${err} at ${shape}`);
      row('accumulateInput', shape, pa, ka, kernel.backends.accumulateInput);
      row('outerAccumulate', shape, po, ko, kernel.backends.outerAccumulate);
    }
    const G = new Float32Array(B * nIn);
    const shape = `B=${B} ${nIn}x${nOut} dense M`;
    row('backwardInput', shape, await timeMs(() => cpuOps.backwardInput(M, B, nOut, W, nIn, G)), await timeMs(() => kernel.backwardInput(M, B, nOut, W, nIn, G)), kernel.backends.backwardInput);
  }
  const len = B * 500;
  const c = lifConstants({ tauMem: 20, tauExc: 5, tauInh: 10, vRest: 0, vReset: 0, vTh: 1, tauRef: 2, dt: 0.5 });
  const st = () => ({ v: rand(rng, len, 1, false), ie: rand(rng, len, 1, false), ii: rand(rng, len, 1, false), r: new Float32Array(len), s: new Float32Array(len), p: new Float32Array(len) });
  const a = st(), b = st();
  row('lifStep', `B=${B} N=500 (+psi)`, await timeMs(() => cpuOps.lifStep(c, a.v, a.ie, a.ii, a.r, a.s, a.p)), await timeMs(() => kernel.lifStep(c, b.v, b.ie, b.ii, b.r, b.s, b.p)), kernel.backends.lifStep);
  row('traceUpdate', `B=${B} N=500`, await timeMs(() => cpuOps.traceUpdate(a.v, a.s, 0.9)), await timeMs(() => kernel.traceUpdate(b.v, b.s, 0.9)), kernel.backends.traceUpdate);
}
console.log(`batched ops: ms per call, plain JS (cpu-js, baseline) vs ${kernel.info.chosen === 'wasm-simd' ? 'WebAssembly SIMD' : 'gpu.js kernel'} (${kernel.info.chosen}); node ${process.version}`);
console.log(`${'op'.padEnd(16)} ${'shape'.padEnd(22)} ${'cpu-js'.padStart(9)} ${'kernel'.padStart(9)} ${'k/js'.padStart(7)}  kernel ran on`);
for (const r of rows) console.log(r);
await kernel.dispose();
