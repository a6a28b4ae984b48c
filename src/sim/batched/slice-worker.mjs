// SPDX-License-Identifier: MIT
/**
 * Worker thread of ./slice-pool.ts: instantiates the spiking kernels (spiking.wasm) on the
 * training's shared WebAssembly.Memory and runs, on request, one kernel call on its slice of the
 * batch. The main thread owns all memory management; a job is only a kernel name and its numeric
 * arguments (byte addresses into the shared memory), passed through a shared Float64Array, and
 * signalled with Atomics (no message passing per job). Plain JavaScript: it must start without
 * the TypeScript loader.
 */
import { workerData } from 'node:worker_threads';

const { module, memory, ctrl: ctrlBuf, job: jobBuf } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctrl = new Int32Array(ctrlBuf); // [0] job sequence number, [1] last finished, [2] error flag
const job = new Float64Array(jobBuf); // [0] kernel id, [1] argument count, [2..] LIF constants or none, then the arguments
const KERNELS = ['lif_layer', 'three_factor', 'bptt_layer'];

let seen = 0;
for (;;) {
  Atomics.wait(ctrl, 0, seen);
  seen = Atomics.load(ctrl, 0);
  try {
    const name = KERNELS[job[0]];
    const n = job[1];
    if (name === 'lif_layer') k.set_lif(...job.subarray(2, 12));
    k[name](...job.subarray(12, 12 + n));
  } catch (e) {
    Atomics.store(ctrl, 2, 1);
    console.error(`ffsnn slice worker: ${e && e.message}`);
  }
  Atomics.store(ctrl, 1, seen);
  Atomics.notify(ctrl, 1);
}
