// SPDX-License-Identifier: MIT
/**
 * `createOps`: the batched ops on the backend chosen by `backends/gpu.ts` (option, else
 * FFSNN_BACKEND, else auto). On 'cpu-js' it returns the plain-JS `cpuOps` and never loads gpu.js;
 * otherwise each op runs its gpu.js kernel from `./kernels.ts`, compiled once per shape, and
 * `backends[op]` is updated to the mode the kernel reports after its first run.
 *
 * The kernel path has the same signatures and semantics as the plain path (results are copied
 * back into the caller's arrays). The dense product kernels do not skip work the way the row-
 * adding plain path does, except for the `x != 0` test per term.
 */
import type { IKernelRunShortcut, KernelFunction } from 'gpu.js';
import { GpuKernels, backendInfo, type BackendInfo } from '../backends/gpu.js';
import { registerImpl } from '../backends/registry.js';
import {
  cpuOps,
  accumulateInput as cpuAccumulateInput,
  outerAccumulate as cpuOuterAccumulate,
  backwardInput as cpuBackwardInput,
  lifStep as cpuLifStep,
  traceUpdate as cpuTraceUpdate,
  checkLen,
  type BatchedOps,
  type LifConstants,
  type OpName,
} from './ops.js';
import {
  accumulateInputKernel,
  backwardInputKernel,
  lifStepKernel,
  outerAccumulateKernel,
  traceUpdateKernel,
} from './kernels.js';

for (const op of ['accumulateInput', 'outerAccumulate', 'backwardInput', 'lifStep', 'traceUpdate'] as const) {
  registerImpl(op, 'cpu-js', 'float', cpuOps[op]);
}
registerImpl('accumulateInput', 'gpujs', 'float', accumulateInputKernel);
registerImpl('outerAccumulate', 'gpujs', 'float', outerAccumulateKernel);
registerImpl('backwardInput', 'gpujs', 'float', backwardInputKernel);
registerImpl('lifStep', 'gpujs', 'float', lifStepKernel);
registerImpl('traceUpdate', 'gpujs', 'float', traceUpdateKernel);

export interface CreateOpsOptions {
  /** 'auto' | 'cpu' | 'gpu' | 'webasm' | 'gpujs-cpu'; default: env FFSNN_BACKEND, else 'auto'. */
  backend?: string;
}

/** Batched ops plus what chose their backend, and a release hook for gpu.js resources. */
export interface OpsHandle extends BatchedOps {
  readonly info: BackendInfo;
  dispose(): Promise<void>;
}

/** Opens the batched ops on the requested backend (see `backends/gpu.ts` for the policy). */
export async function createOps(opts: CreateOpsOptions = {}): Promise<OpsHandle> {
  const info = await backendInfo(opts.backend);
  if (info.chosen === 'cpu-js') return { ...cpuOps, info, dispose: async () => {} };
  const gk = await GpuKernels.open(info.chosen);
  return new KernelOps(gk, info);
}

function asF32(r: unknown): Float32Array {
  // 1-D kernels return a Float32Array on every synchronous gpu.js backend
  return r as Float32Array;
}

class KernelOps implements OpsHandle {
  readonly info: BackendInfo;
  readonly backends: Record<OpName, string>;
  private readonly gk: GpuKernels;
  private readonly confirmed = new Set<OpName>();
  private zeros = new Float32Array(0);

  constructor(gk: GpuKernels, info: BackendInfo) {
    this.gk = gk;
    this.info = info;
    const m = info.chosen;
    this.backends = { accumulateInput: m, outerAccumulate: m, backwardInput: m, lifStep: m, traceUpdate: m };
  }

  private run(op: OpName, key: string, fn: KernelFunction, size: number, argumentTypes: Record<string, string>, constants: Record<string, number>, args: unknown[]): Float32Array {
    const k: IKernelRunShortcut = this.gk.kernel(`${op}:${key}`, fn, { output: [size], argumentTypes, constants } as never);
    const r = asF32((k as unknown as (...a: unknown[]) => unknown)(...args));
    if (!this.confirmed.has(op)) {
      this.backends[op] = GpuKernels.modeOf(k);
      this.confirmed.add(op);
    }
    return r;
  }

  accumulateInput = (x: Float32Array, B: number, nIn: number, W: Float32Array, nOut: number, out: Float32Array): void => {
    if (B * nIn * nOut === 0) return cpuAccumulateInput(x, B, nIn, W, nOut, out);
    checkSizes('accumulateInput', { x: [x, B * nIn], W: [W, nIn * nOut], out: [out, B * nOut] });
    const r = this.run('accumulateInput', `${B}x${nIn}x${nOut}`, accumulateInputKernel as KernelFunction, B * nOut,
      { x: 'Array', W: 'Array', out: 'Array' }, { nIn, nOut }, [x.subarray(0, B * nIn), W.subarray(0, nIn * nOut), out.subarray(0, B * nOut)]);
    out.set(r);
  };

  outerAccumulate = (X: Float32Array, M: Float32Array, B: number, nIn: number, nOut: number, dW: Float32Array, scale: number): void => {
    if (B * nIn * nOut === 0 || !Number.isFinite(scale)) return cpuOuterAccumulate(X, M, B, nIn, nOut, dW, scale);
    checkSizes('outerAccumulate', { X: [X, B * nIn], M: [M, B * nOut], dW: [dW, nIn * nOut] });
    const r = this.run('outerAccumulate', `${B}x${nIn}x${nOut}`, outerAccumulateKernel as KernelFunction, nIn * nOut,
      { X: 'Array', M: 'Array', dW: 'Array', scale: 'Float' }, { B, nIn, nOut },
      [X.subarray(0, B * nIn), M.subarray(0, B * nOut), dW.subarray(0, nIn * nOut), scale]);
    dW.set(r);
  };

  backwardInput = (M: Float32Array, B: number, nOut: number, W: Float32Array, nIn: number, G: Float32Array): void => {
    if (B * nIn * nOut === 0) return cpuBackwardInput(M, B, nOut, W, nIn, G);
    checkSizes('backwardInput', { M: [M, B * nOut], W: [W, nIn * nOut], G: [G, B * nIn] });
    const r = this.run('backwardInput', `${B}x${nIn}x${nOut}`, backwardInputKernel as KernelFunction, B * nIn,
      { M: 'Array', W: 'Array' }, { nIn, nOut }, [M.subarray(0, B * nOut), W.subarray(0, nIn * nOut)]);
    G.set(r);
  };

  lifStep = (
    c: LifConstants,
    v: Float32Array,
    iExc: Float32Array,
    iInh: Float32Array | null,
    ref: Float32Array,
    spikes: Float32Array,
    psi: Float32Array | null,
  ): number => {
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
    v.set(r.subarray(0, len));
    spikes.set(r.subarray(len, 2 * len));
    ref.set(r.subarray(2 * len, 3 * len));
    if (psi) psi.set(r.subarray(3 * len, 4 * len));
    iExc.set(r.subarray(4 * len, 5 * len));
    if (iInh) iInh.set(r.subarray(5 * len, 6 * len));
    let count = 0;
    for (let i = 0; i < len; i++) count += spikes[i];
    return count;
  };

  traceUpdate = (x: Float32Array, s: Float32Array, decay: number): void => {
    if (x.length === 0 || !Number.isFinite(decay) || decay < 0 || decay > 1 || s.length < x.length) return cpuTraceUpdate(x, s, decay);
    const r = this.run('traceUpdate', `${x.length}`, traceUpdateKernel as KernelFunction, x.length,
      { x: 'Array', s: 'Array', decay: 'Float' }, {}, [x, s.subarray(0, x.length), decay]);
    x.set(r);
  };

  async dispose(): Promise<void> {
    await this.gk.dispose();
  }
}

function checkSizes(op: string, arrays: Record<string, [Float32Array, number]>): void {
  for (const [name, [a, n]] of Object.entries(arrays)) checkLen(op, name, a, n);
}
