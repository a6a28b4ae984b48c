#!/usr/bin/env node
// SPDX-License-Identifier: MIT
/**
 * Compiles every AssemblyScript kernel `src/**\/*.as.ts` into the `.wasm` beside it (`x.as.ts` ->
 * `x.wasm`), with one set of flags for all: SIMD and threads on, the memory imported as a shared
 * `env.memory` (so JS views survive growth and worker threads can share it), no runtime, no
 * assertions. The .wasm files are committed so that users need no compiler; test/wasm-build.test.ts
 * fails when a committed binary is not what its source compiles to.
 *
 *   node scripts/build-wasm.mjs            build all
 *   node scripts/build-wasm.mjs --out DIR  build into DIR instead (the staleness test uses this)
 */
import { readdirSync, statSync, mkdirSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ASC_FLAGS = [
  '-O3', '--runtime', 'stub', '--noAssert',
  '--enable', 'simd', '--enable', 'threads',
  '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '32768',
];

export function kernelSources(dir = join(ROOT, 'src')) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...kernelSources(p));
    else if (name.endsWith('.as.ts')) out.push(p);
  }
  return out;
}

/** Compiles one source; returns the path written. */
export async function buildKernel(src, outDir) {
  const rel = relative(ROOT, src).replace(/\.as\.ts$/, '.wasm');
  const out = outDir ? join(outDir, rel) : join(ROOT, rel);
  mkdirSync(dirname(out), { recursive: true });
  const { error, stderr } = await asc.main([relative(ROOT, src), ...ASC_FLAGS, '-o', out], { stdout: process.stdout, stderr: process.stderr });
  if (error) throw new Error(`asc failed on ${relative(ROOT, src)}: ${error.message}\n${stderr.toString()}`);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const outDir = i > 0 ? process.argv[i + 1] : undefined;
  process.chdir(ROOT);
  for (const src of kernelSources()) console.log(relative(ROOT, await buildKernel(src, outDir)));
}
