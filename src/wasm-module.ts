// SPDX-License-Identifier: MIT
/**
 * Loads a committed AssemblyScript kernel (`x.wasm`, built from `x.as.ts` by
 * scripts/build-wasm.mjs) against a shared memory. Modules are compiled once per process and
 * cached; each caller instantiates them on its own memory.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const modules = new Map<string, WebAssembly.Module>();

/** Compiled module of a `.wasm` file, by URL (e.g. `new URL('./kernels.wasm', import.meta.url)`). */
export function wasmModule(url: URL): WebAssembly.Module {
  const key = url.href;
  let m = modules.get(key);
  if (!m) {
    m = new WebAssembly.Module(readFileSync(fileURLToPath(url)));
    modules.set(key, m);
  }
  return m;
}

/** Pages of 64 KiB: the kernels are built with `--maximumMemory 32768` (2 GiB). */
export const WASM_MAX_PAGES = 32768;

/** A shared memory the kernels import as `env.memory`. */
export function sharedMemory(initialPages = 1): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: initialPages, maximum: WASM_MAX_PAGES, shared: true });
}

/** Instantiates a kernel module on `memory`; returns its exports. */
export function instantiateKernel<T>(url: URL, memory: WebAssembly.Memory): T {
  return new WebAssembly.Instance(wasmModule(url), { env: { memory } }).exports as T;
}
