// SPDX-License-Identifier: MIT
/**
 * The batched ops on the backend chosen by `backends/gpu.ts` (option, else FFSNN_BACKEND, else
 * auto):
 * - `createOps`: synchronous ops (what the engine and training on a CPU use). On 'cpu-js' it
 *   returns the plain-JS `cpuOps` and never loads gpu.js;
 * - `createAsyncOps`: the same ops returning Promises, which can also run on WebGPU (gpu.js's
 *   WebGPU kernels are asynchronous). On an H100, accumulateInput at B = 100, 784x500, 50% input
 *   density took 1.8 ms on WebGPU vs 52 ms in plain JS (bench/batched-ops.ts, figures in its header).
 * On a kernel path each op runs its gpu.js kernel from `./kernels.ts`, compiled once per shape,
 * and `backends[op]` is updated to the mode the kernel reports after its first run. Signatures
 * and semantics are the plain path's (results are copied back into the caller's arrays); the
 * dense kernels do not skip work the way the row-adding plain path does, beyond an `x != 0` test
 * per term.
 */
import type { IKernelRunShortcut, KernelFunction } from 'gpu.js';
import { GpuKernels, backendInfo, type BackendInfo } from '../backends/gpu.js';
import { registerImpl } from '../backends/registry.js';
import { createWasmSimdOps } from './wasm-ops.js';
import {
  cpuOps,
  accumulateInput as cpuAccumulateInput,
  outerAccumulate as cpuOuterAccumulate,
  backwardInput as cpuBackwardInput,
  lifStep as cpuLifStep,
  traceUpdate as cpuTraceUpdate,
  adamStep as cpuAdamStep,
  normaliseRows as cpuNormaliseRows,
  checkLen,
  lifLayerForwardWith,
  threeFactorAccumulateWith,
  bpttLayerBackwardWith,
  type BatchedOps,
  type FilterKernel,
  type LifConstants,
  type LifLayerResult,
  type OpName,
} from './ops.js';
import {
  accumulateInputKernel,
  backwardInputKernel,
  lifStepKernel,
  outerAccumulateKernel,
  traceUpdateKernel,
} from './kernels.js';

for (const op of Object.keys(cpuOps.backends) as OpName[]) {
  registerImpl(op, 'cpu-js', 'float', cpuOps[op]);
}
registerImpl('accumulateInput', 'gpujs', 'float', accumulateInputKernel);
registerImpl('outerAccumulate', 'gpujs', 'float', outerAccumulateKernel);
registerImpl('backwardInput', 'gpujs', 'float', backwardInputKernel);
registerImpl('lifStep', 'gpujs', 'float', lifStepKernel);
registerImpl('traceUpdate', 'gpujs', 'float', traceUpdateKernel);

export interface CreateOpsOptions {
  /** 'auto' | 'cpu' | 'gpu' | 'webasm' | 'gpujs-cpu' | 'wasm-simd' ('webgpu' too for createAsyncOps); default: env FFSNN_BACKEND, else 'auto'. */
  backend?: string;
  /** wasm-simd: threads a batch of spiking training is cut across (default 1). */
  threads?: number;
}

/** Batched ops plus what chose their backend, and a release hook for gpu.js resources. */
export interface OpsHandle extends BatchedOps {
  readonly info: BackendInfo;
  dispose(): Promise<void>;
}

type Async<F> = F extends (...a: infer A) => infer R ? (...a: A) => Promise<Awaited<R>> : never;

/** The batched ops with every call returning a Promise (settled when the outputs are written). */
export interface AsyncOpsHandle {
  readonly info: BackendInfo;
  readonly backends: Readonly<Record<OpName, string>>;
  accumulateInput: Async<BatchedOps['accumulateInput']>;
  outerAccumulate: Async<BatchedOps['outerAccumulate']>;
  backwardInput: Async<BatchedOps['backwardInput']>;
  lifStep: Async<BatchedOps['lifStep']>;
  traceUpdate: Async<BatchedOps['traceUpdate']>;
  adamStep: Async<BatchedOps['adamStep']>;
  normaliseRows: Async<BatchedOps['normaliseRows']>;
  /** The whole-layer spiking ops, composed of the async ops above (each step awaited). */
  lifLayerForward: Async<BatchedOps['lifLayerForward']>;
  threeFactorAccumulate: Async<BatchedOps['threeFactorAccumulate']>;
  dispose(): Promise<void>;
}

/**
 * `lifLayerForward` of ./ops.ts over asynchronous ops: the same loop with every op awaited (the
 * step order, and so the result, is the synchronous one's).
 */
async function lifLayerForwardAsync(
  ops: AsyncOpsHandle, c: LifConstants, frames: Float32Array[], B: number, nIn: number, W: Float32Array, nOut: number,
  bias: Float32Array, wt: ArrayLike<number>, record: boolean,
): Promise<LifLayerResult> {
  if (frames.length === 0 || B * nOut === 0) return cpuOps.lifLayerForward(c, frames, B, nIn, W, nOut, bias, wt, record);
  checkLen('lifLayerForward', 'bias', bias, nOut);
  const len = B * nOut;
  const v = new Float32Array(len), iExc = new Float32Array(len), ref = new Float32Array(len), h = new Float32Array(len);
  const spikes: Float32Array[] = [], psi: Float32Array[] = [];
  let spikeCount = 0;
  for (let t = 0; t < frames.length; t++) {
    for (let b = 0; b < B; b++) for (let j = 0, o = b * nOut; j < nOut; j++) iExc[o + j] += bias[j];
    await ops.accumulateInput(frames[t], B, nIn, W, nOut, iExc);
    const s = new Float32Array(len);
    const p = record ? new Float32Array(len) : null;
    spikeCount += await ops.lifStep(c, v, iExc, null, ref, s, p);
    const w = wt[t];
    for (let i = 0; i < len; i++) if (s[i] !== 0) h[i] += w;
    spikes.push(s);
    if (p) psi.push(p);
  }
  return { spikes, psi, h, spikeCount };
}

/** `threeFactorAccumulate` of ./ops.ts over asynchronous ops (the filters on the CPU, the products awaited). */
async function threeFactorAccumulateAsync(
  ops: AsyncOpsHandle, pre: Float32Array[], psi: Float32Array[], m: Float32Array, B: number, nIn: number, nOut: number,
  k: FilterKernel, dW: Float32Array, db: Float32Array,
): Promise<void> {
  const len = B * nOut;
  checkLen('threeFactorAccumulate', 'm', m, len);
  checkLen('threeFactorAccumulate', 'db', db, nOut);
  const f1 = new Float32Array(len), f2 = new Float32Array(len), G = new Float32Array(len);
  for (let t = pre.length - 1; t >= 0; t--) {
    const p = psi[t];
    const wt = k.w[t];
    for (let i = 0; i < len; i++) {
      f1[i] = f1[i] * k.aMem + wt * p[i];
      f2[i] = f2[i] * k.aSyn + f1[i];
      G[i] = m[i] * k.kSyn * f2[i];
    }
    await ops.outerAccumulate(pre[t], G, B, nIn, nOut, dW, 1);
    for (let b = 0; b < B; b++) for (let j = 0; j < nOut; j++) db[j] += G[b * nOut + j];
  }
}

/** Opens the synchronous batched ops on the requested backend (see `backends/gpu.ts`). */
export async function createOps(opts: CreateOpsOptions = {}): Promise<OpsHandle> {
  const info = await backendInfo(opts.backend);
  if (info.chosen === 'cpu-js') return { ...cpuOps, info, dispose: async () => {} };
  if (info.chosen === 'wasm-simd') {
    const ops = createWasmSimdOps({ threads: opts.threads });
    return { ...ops, info, dispose: async () => ops.release?.() };
  }
  return new KernelOps(await GpuKernels.open(info.chosen), info) as unknown as OpsHandle;
}

/** Opens the asynchronous batched ops; the only way to run them on WebGPU. */
export async function createAsyncOps(opts: CreateOpsOptions = {}): Promise<AsyncOpsHandle> {
  const info = await backendInfo(opts.backend, { async: true });
  const impl = info.chosen === 'cpu-js' || info.chosen === 'wasm-simd' ? null : new KernelOps(await GpuKernels.open(info.chosen), info);
  type Fn = (...a: unknown[]) => unknown;
  const kernelOps = (impl ?? (info.chosen === 'wasm-simd' ? createWasmSimdOps() : cpuOps)) as unknown as Record<OpName, Fn> & { backends: Record<OpName, string> };
  // Under 'auto' each op takes the path measured faster: on WebGPU (H100) the products win 2-70x
  // but the elementwise LIF step and trace update lose 1.2-12x to plain JS (upload + readback).
  const plainOnAuto = new Set<OpName>(info.requested === 'auto' && info.chosen === 'webgpu' ? ['lifStep', 'traceUpdate'] : []);
  const pick = (op: OpName) => (plainOnAuto.has(op) ? (cpuOps[op] as unknown as Fn) : kernelOps[op]);
  // awaiting inside an async function gives every op a Promise, whether its kernel settled now or later
  const wrap = (op: OpName) => {
    const f = pick(op);
    return async (...a: unknown[]) => await f(...a);
  };
  const handle: AsyncOpsHandle = {
    info,
    get backends() {
      const b = { ...kernelOps.backends };
      for (const op of plainOnAuto) b[op] = 'cpu-js';
      return b;
    },
    dispose: async () => {
      await impl?.dispose();
    },
    accumulateInput: wrap('accumulateInput') as AsyncOpsHandle['accumulateInput'],
    outerAccumulate: wrap('outerAccumulate') as AsyncOpsHandle['outerAccumulate'],
    backwardInput: wrap('backwardInput') as AsyncOpsHandle['backwardInput'],
    lifStep: wrap('lifStep') as AsyncOpsHandle['lifStep'],
    traceUpdate: wrap('traceUpdate') as AsyncOpsHandle['traceUpdate'],
    adamStep: wrap('adamStep') as AsyncOpsHandle['adamStep'],
    normaliseRows: wrap('normaliseRows') as AsyncOpsHandle['normaliseRows'],
    lifLayerForward: (...a) => lifLayerForwardAsync(handle, ...a),
    threeFactorAccumulate: (...a) => threeFactorAccumulateAsync(handle, ...a),
  };
  return handle;
}

/** Applies `use` to a kernel result now (synchronous gpu.js modes) or when it arrives (WebGPU). */
function after<T>(r: Float32Array | PromiseLike<Float32Array>, use: (r: Float32Array) => T): T | Promise<T> {
  // any thenable, not only a native Promise: handing one to `use` would copy nothing, silently
  return typeof (r as PromiseLike<Float32Array>).then === 'function' ? Promise.resolve(r).then(use) : use(r as Float32Array);
}

/**
 * Kernel-path ops. On synchronous gpu.js modes every method returns its plain result; on WebGPU
 * it returns a Promise of it (only `createAsyncOps` exposes that case).
 */
class KernelOps {
  readonly info: BackendInfo;
  readonly backends: Record<OpName, string>;
  private readonly gk: GpuKernels;
  private readonly confirmed = new Set<OpName>();
  private zeros = new Float32Array(0);

  constructor(gk: GpuKernels, info: BackendInfo) {
    this.gk = gk;
    this.info = info;
    const m = info.chosen;
    // gpu.js has no Adam or row-normalisation kernel: both are elementwise, and stay in plain JS
    this.backends = { accumulateInput: m, outerAccumulate: m, backwardInput: m, lifStep: m, traceUpdate: m, adamStep: 'cpu-js', normaliseRows: 'cpu-js' } as Record<OpName, string>;
    // the whole-layer loops are composed of this object's products and LIF step: they report theirs
    const self = this.backends;
    Object.defineProperties(self, {
      lifLayerForward: { get: () => self.lifStep, enumerable: true },
      threeFactorAccumulate: { get: () => self.outerAccumulate, enumerable: true },
      bpttLayerBackward: { get: () => self.outerAccumulate, enumerable: true },
    });
  }

  adamStep = cpuAdamStep;
  normaliseRows = cpuNormaliseRows;
  // synchronous gpu.js modes only (createOps); createAsyncOps exposes the primitive ops
  lifLayerForward: BatchedOps['lifLayerForward'] = (...a) => lifLayerForwardWith(this as unknown as BatchedOps, ...a);
  threeFactorAccumulate: BatchedOps['threeFactorAccumulate'] = (...a) => threeFactorAccumulateWith(this as unknown as BatchedOps, ...a);
  bpttLayerBackward: BatchedOps['bpttLayerBackward'] = (...a) => bpttLayerBackwardWith(this as unknown as BatchedOps, ...a);

  private run(op: OpName, key: string, fn: KernelFunction, size: number, argumentTypes: Record<string, string>, constants: Record<string, number>, args: unknown[]): Float32Array | PromiseLike<Float32Array> {
    const k: IKernelRunShortcut = this.gk.kernel(`${op}:${key}`, fn, { output: [size], argumentTypes, constants } as never);
    // 1-D kernels return a Float32Array (a Promise of one on WebGPU)
    const r = (k as unknown as (...a: unknown[]) => Float32Array | PromiseLike<Float32Array>)(...args);
    if (!this.confirmed.has(op)) {
      this.backends[op] = GpuKernels.modeOf(k);
      this.confirmed.add(op);
    }
    return r;
  }

  accumulateInput = (x: Float32Array, B: number, nIn: number, W: Float32Array, nOut: number, out: Float32Array): void | Promise<void> => {
    if (B * nIn * nOut === 0) return cpuAccumulateInput(x, B, nIn, W, nOut, out);
    checkSizes('accumulateInput', { x: [x, B * nIn], W: [W, nIn * nOut], out: [out, B * nOut] });
    const r = this.run('accumulateInput', `${B}x${nIn}x${nOut}`, accumulateInputKernel as KernelFunction, B * nOut,
      { x: 'Array', W: 'Array', out: 'Array' }, { nIn, nOut }, [x.subarray(0, B * nIn), W.subarray(0, nIn * nOut), out.subarray(0, B * nOut)]);
    return after(r, (v) => out.set(v));
  };

  outerAccumulate = (X: Float32Array, M: Float32Array, B: number, nIn: number, nOut: number, dW: Float32Array, scale: number): void | Promise<void> => {
    if (B * nIn * nOut === 0 || !Number.isFinite(scale)) return cpuOuterAccumulate(X, M, B, nIn, nOut, dW, scale);
    checkSizes('outerAccumulate', { X: [X, B * nIn], M: [M, B * nOut], dW: [dW, nIn * nOut] });
    const r = this.run('outerAccumulate', `${B}x${nIn}x${nOut}`, outerAccumulateKernel as KernelFunction, nIn * nOut,
      { X: 'Array', M: 'Array', dW: 'Array', scale: 'Float' }, { B, nIn, nOut },
      [X.subarray(0, B * nIn), M.subarray(0, B * nOut), dW.subarray(0, nIn * nOut), scale]);
    return after(r, (v) => dW.set(v));
  };

  backwardInput = (M: Float32Array, B: number, nOut: number, W: Float32Array, nIn: number, G: Float32Array): void | Promise<void> => {
    if (B * nIn * nOut === 0) return cpuBackwardInput(M, B, nOut, W, nIn, G);
    checkSizes('backwardInput', { M: [M, B * nOut], W: [W, nIn * nOut], G: [G, B * nIn] });
    const r = this.run('backwardInput', `${B}x${nIn}x${nOut}`, backwardInputKernel as KernelFunction, B * nIn,
      { M: 'Array', W: 'Array' }, { nIn, nOut }, [M.subarray(0, B * nOut), W.subarray(0, nIn * nOut)]);
    return after(r, (v) => G.set(v));
  };

  lifStep = (
    c: LifConstants,
    v: Float32Array,
    iExc: Float32Array,
    iInh: Float32Array | null,
    ref: Float32Array,
    spikes: Float32Array,
    psi: Float32Array | null,
  ): number | Promise<number> => {
    const len = v.length;
    if (len === 0) return cpuLifStep(c, v, iExc, iInh, ref, spikes, psi);
    checkSizes('lifStep', { iExc: [iExc, len], ref: [ref, len], spikes: [spikes, len], iInh: [iInh ?? v, len], psi: [psi ?? v, len] });
    if (!iInh && this.zeros.length !== len) this.zeros = new Float32Array(len);
    const r = this.run('lifStep', `${len}`, lifStepKernel as KernelFunction, 6 * len,
      {
        v: 'Array', iExc: 'Array', iInh: 'Array', ref: 'Array', aMem: 'Float', aExc: 'Float', aInh: 'Float', kExc: 'Float',
        kInh: 'Float', vRest: 'Float', vReset: 'Float', vTh: 'Float', refSteps: 'Float', psiBeta: 'Float',
      },
      { len },
      [v, iExc.subarray(0, len), iInh ? iInh.subarray(0, len) : this.zeros, ref.subarray(0, len), c.aMem, c.aExc, c.aInh, c.kExc, c.kInh,
        c.vRest, c.vReset, c.vTh, c.refSteps, c.psiBeta],
    );
    return after(r, (out) => {
      v.set(out.subarray(0, len));
      spikes.set(out.subarray(len, 2 * len));
      ref.set(out.subarray(2 * len, 3 * len));
      if (psi) psi.set(out.subarray(3 * len, 4 * len));
      iExc.set(out.subarray(4 * len, 5 * len));
      if (iInh) iInh.set(out.subarray(5 * len, 6 * len));
      let count = 0;
      for (let i = 0; i < len; i++) count += spikes[i];
      return count;
    });
  };

  traceUpdate = (x: Float32Array, s: Float32Array, decay: number): void | Promise<void> => {
    if (x.length === 0 || !Number.isFinite(decay) || decay < 0 || decay > 1 || s.length < x.length) return cpuTraceUpdate(x, s, decay);
    const r = this.run('traceUpdate', `${x.length}`, traceUpdateKernel as KernelFunction, x.length,
      { x: 'Array', s: 'Array', decay: 'Float' }, {}, [x, s.subarray(0, x.length), decay]);
    return after(r, (v) => x.set(v));
  };

  async dispose(): Promise<void> {
    await this.gk.dispose();
  }
}

function checkSizes(op: string, arrays: Record<string, [Float32Array, number]>): void {
  for (const [name, [a, n]] of Object.entries(arrays)) checkLen(op, name, a, n);
}
