// SPDX-License-Identifier: MIT
/**
 * gpu.js kernel bodies of the batched ops (same equations and layouts as `./ops.ts`). Top-level
 * functions in the GLSL-safe subset: no closures, arrow functions, destructuring or bitwise
 * operators; loop bounds from `this.constants`; 1-D outputs indexed by `this.thread.x`
 * (b = floor(i / n) is exact in float32 below 2^24 elements).
 *
 * This file does not import gpu.js (type-only import); `./gpu-ops.ts` compiles the bodies
 * through `backends/gpu.ts`.
 */
import type { IKernelFunctionThis } from 'gpu.js';

type This<C> = IKernelFunctionThis<C>;

/** out'[b][n] = out[b][n] + sum_k x[b][k] * W[k][n]; zero inputs skipped. Output B*nOut. */
export function accumulateInputKernel(this: This<{ nIn: number; nOut: number }>, x: number[], W: number[], out: number[]): number {
  const i = this.thread.x;
  const b = Math.floor(i / this.constants.nOut);
  const n = i - b * this.constants.nOut;
  let s = out[i];
  for (let k = 0; k < this.constants.nIn; k++) {
    const xv = x[b * this.constants.nIn + k];
    if (xv !== 0) s += xv * W[k * this.constants.nOut + n];
  }
  return s;
}

/** dW'[k][n] = dW[k][n] + scale * sum_b X[b][k] * M[b][n]. Output nIn*nOut. */
export function outerAccumulateKernel(
  this: This<{ B: number; nIn: number; nOut: number }>,
  X: number[],
  M: number[],
  dW: number[],
  scale: number,
): number {
  const i = this.thread.x;
  const k = Math.floor(i / this.constants.nOut);
  const n = i - k * this.constants.nOut;
  let s = 0;
  for (let b = 0; b < this.constants.B; b++) {
    const xv = X[b * this.constants.nIn + k];
    if (xv !== 0) s += xv * M[b * this.constants.nOut + n];
  }
  return dW[i] + scale * s;
}

/** G[b][k] = sum_n M[b][n] * W[k][n]. Output B*nIn. */
export function backwardInputKernel(this: This<{ nIn: number; nOut: number }>, M: number[], W: number[]): number {
  const i = this.thread.x;
  const b = Math.floor(i / this.constants.nIn);
  const k = i - b * this.constants.nIn;
  let s = 0;
  for (let n = 0; n < this.constants.nOut; n++) s += M[b * this.constants.nOut + n] * W[k * this.constants.nOut + n];
  return s;
}

/**
 * The LIF step of `ops.lifStep`, all outputs packed in one array of 6 * len (gpu.js kernel maps
 * do not run on webasm): component c = floor(i / len) is
 * 0: v', 1: spike, 2: ref', 3: psi, 4: iExc', 5: iInh'.
 */
export function lifStepKernel(
  this: This<{ len: number }>,
  v: number[],
  iExc: number[],
  iInh: number[],
  ref: number[],
  aMem: number,
  aExc: number,
  aInh: number,
  kExc: number,
  kInh: number,
  vRest: number,
  vReset: number,
  vTh: number,
  refSteps: number,
  psiBeta: number,
): number {
  const c = Math.floor(this.thread.x / this.constants.len);
  const i = this.thread.x - c * this.constants.len;
  const ie = iExc[i];
  const ii = iInh[i];
  if (c === 4) return ie * aExc;
  if (c === 5) return ii * aInh;
  let vi = v[i];
  let r = ref[i];
  if (r > 0) r = r - 1;
  if (r <= 0) vi = vRest + (vi - vRest) * aMem + ie * kExc + ii * kInh;
  if (c === 3) {
    const d = 1 + psiBeta * Math.abs(vi - vTh);
    return 1 / (d * d);
  }
  let s = 0;
  if (r <= 0 && vi > vTh) {
    s = 1;
    vi = vReset;
    r = refSteps;
  }
  if (c === 0) return vi;
  if (c === 1) return s;
  return r;
}

/** x' = x * decay + s. Output len. */
export function traceUpdateKernel(this: This<Record<string, never>>, x: number[], s: number[], decay: number): number {
  return x[this.thread.x] * decay + s[this.thread.x];
}
