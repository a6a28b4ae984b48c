// SPDX-License-Identifier: MIT
/** Every committed AssemblyScript kernel binary is exactly what its source compiles to. */
import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
// @ts-expect-error: a plain .mjs build script without type declarations
import { ROOT, buildKernel, kernelSources } from '../scripts/build-wasm.mjs';

test('committed .wasm kernels are up to date with their .as.ts sources (run: npm run build:wasm)', async (t) => {
  const sources = kernelSources() as string[];
  const out = mkdtempSync(join(tmpdir(), 'ffsnn-wasm-'));
  for (const src of sources) {
    const fresh = readFileSync(await buildKernel(src, out));
    const committedPath = src.replace(/\.as\.ts$/, '.wasm');
    let committed: Buffer | undefined;
    try {
      committed = readFileSync(committedPath);
    } catch {
      t.fail(`${relative(ROOT, committedPath)} is missing: run npm run build:wasm and commit it`);
      continue;
    }
    t.true(fresh.equals(committed), `${relative(ROOT, committedPath)} is stale: run npm run build:wasm and commit it`);
  }
  t.pass(`${sources.length} kernel(s) checked`);
});
