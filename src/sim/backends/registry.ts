// SPDX-License-Identifier: MIT
/**
 * Which implementation exists for which (op or model, backend, numerics), keyed
 * `${name}_${backend}_${numerics}` (tfjs kernel_registry style). Registration is explicit (each
 * module registers its own entries at load); `listFor` gives the support matrix of a backend.
 * Backends here are families: 'cpu-js' (plain JavaScript) and 'gpujs' (gpu.js kernels on any mode).
 */
import { NoImplementationError } from '../../errors.js';

export type Numerics = 'float' | 'fixed';
export type BackendFamily = 'cpu-js' | 'gpujs';

const table = new Map<string, unknown>();

function key(name: string, backend: BackendFamily, numerics: Numerics): string {
  return `${name}_${backend}_${numerics}`;
}

/** Registers an implementation; a duplicate key replaces the old one with a warning. */
export function registerImpl(name: string, backend: BackendFamily, numerics: Numerics, impl: unknown): void {
  const k = key(name, backend, numerics);
  if (table.has(k)) process.emitWarning(`ffsnn registry: '${k}' registered twice; the later one wins`);
  table.set(k, impl);
}

/** The implementation for the key. @throws NoImplementationError naming what is registered for `name`. */
export function getImpl<T>(name: string, backend: BackendFamily, numerics: Numerics = 'float'): T {
  const k = key(name, backend, numerics);
  if (!table.has(k)) {
    throw new NoImplementationError(`'${name}' on ${backend} (${numerics})`, [...table.keys()].filter((x) => x.startsWith(`${name}_`)));
  }
  return table.get(k) as T;
}

/** Names registered for a backend family and numerics, sorted. */
export function listFor(backend: BackendFamily, numerics: Numerics = 'float'): string[] {
  const suffix = `_${backend}_${numerics}`;
  return [...table.keys()].filter((k) => k.endsWith(suffix)).map((k) => k.slice(0, -suffix.length)).sort();
}
