// SPDX-License-Identifier: MIT
/**
 * Data parallelism for the 'wasm-simd' ops: the samples of a batch are cut into S contiguous
 * slices, one per thread; slice 0 runs on the calling thread, the others on worker threads
 * (./slice-worker.mjs) that share the ops' WebAssembly.Memory, so weights are read in place and
 * nothing is copied between threads. A call is synchronous: the caller hands out the jobs, runs its
 * own slice, then waits on Atomics for the others, so the training loop stays synchronous and its
 * order of operations (and hence its result, for a given thread count) is fixed. Gradients are
 * accumulated per slice and summed in slice order by the caller.
 *
 * Why Atomics rather than messages: a job is ~30 numbers and a batch runs ~10 jobs per thread;
 * a message round trip needs the caller's event loop, which a synchronous op cannot yield to.
 */
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../../errors.js';

export type SliceKernel = 'lif_layer' | 'three_factor' | 'bptt_layer';
const KERNEL_ID: Record<SliceKernel, number> = { lif_layer: 0, three_factor: 1, bptt_layer: 2 };

/** One kernel call: the LIF constants (lif_layer only) and the kernel's arguments. */
export interface SliceJob {
  kernel: SliceKernel;
  lif?: number[];
  args: number[];
}

interface Helper {
  worker: Worker;
  ctrl: Int32Array;
  job: Float64Array;
  seq: number;
}

/** Start of slice s of S over B samples (equal sizes, the first ones one larger when uneven). */
export function sliceStart(B: number, S: number, s: number): number {
  return Math.floor((s * B) / S);
}

export class SlicePool {
  readonly threads: number;
  private readonly helpers: Helper[];

  /** Starts threads - 1 workers on the kernels' module and memory. */
  constructor(threads: number, module: WebAssembly.Module, memory: WebAssembly.Memory) {
    if (!Number.isInteger(threads) || threads < 1) throw new ConfigError(`threads = ${threads} is invalid (expected an integer >= 1)`);
    this.threads = threads;
    this.helpers = Array.from({ length: threads - 1 }, () => {
      const ctrl = new Int32Array(new SharedArrayBuffer(12));
      const job = new Float64Array(new SharedArrayBuffer(8 * 48));
      const worker = new Worker(new URL('./slice-worker.mjs', import.meta.url), { workerData: { module, memory, ctrl: ctrl.buffer, job: job.buffer } });
      worker.unref(); // idle workers (blocked in Atomics.wait) never keep the process alive
      return { worker, ctrl, job, seq: 0 };
    });
  }

  /**
   * Runs jobs[0] with `local` on this thread and jobs[1..] on the workers, and returns when all
   * are done. @throws Error when a worker's kernel failed (its message went to stderr).
   */
  run(jobs: SliceJob[], local: (job: SliceJob) => void): void {
    if (jobs.length > this.threads) throw new Error(`SlicePool: ${jobs.length} jobs for ${this.threads} threads`);
    for (let i = 1; i < jobs.length; i++) {
      const h = this.helpers[i - 1], j = jobs[i];
      h.job[0] = KERNEL_ID[j.kernel];
      h.job[1] = j.args.length;
      if (j.lif) h.job.set(j.lif, 2);
      h.job.set(j.args, 12);
      h.seq++;
      Atomics.store(h.ctrl, 0, h.seq);
      Atomics.notify(h.ctrl, 0);
    }
    if (jobs.length > 0) local(jobs[0]);
    let failed = false;
    for (let i = 1; i < jobs.length; i++) {
      const h = this.helpers[i - 1];
      for (let done = Atomics.load(h.ctrl, 1); done !== h.seq; done = Atomics.load(h.ctrl, 1)) Atomics.wait(h.ctrl, 1, done);
      if (Atomics.exchange(h.ctrl, 2, 0) !== 0) failed = true;
    }
    if (failed) throw new Error('a slice worker failed (see its message above)');
  }

  async dispose(): Promise<void> {
    await Promise.all(this.helpers.map((h) => h.worker.terminate()));
  }
}
