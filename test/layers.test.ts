// SPDX-License-Identifier: MIT
/**
 * The source folders form layers (shared/ARCHITECTURE.md): a folder imports only from folders
 * below it, so the import graph has no cycles and a reader can start at the bottom. This test reads
 * every relative import under src/ and fails on an arrow that runs back up.
 */
import test from 'ava';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Top to bottom. Files directly in src/ (errors.ts, atomic.ts) are the floor every layer may use. */
export const LAYERS = ['cli', 'sweep', 'train', 'eval', 'io', 'export', 'chips', 'ir', 'plasticity', 'data', 'sim', 'neurons', 'fixed'];

const SRC = resolve(new URL('../src', import.meta.url).pathname);

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

/** Layer index of a path under src/ (a bare file in src/ is below every layer). */
function layerOf(file: string): number {
  const parts = relative(SRC, file).split('/');
  if (parts.length === 1) return LAYERS.length;
  const i = LAYERS.indexOf(parts[0]);
  if (i < 0) throw new Error(`src/${parts[0]} is not in the layer list of test/layers.test.ts: add it where it belongs`);
  return i;
}

test('no import runs from a lower source folder back up to a higher one', (t) => {
  const upward: string[] = [];
  let edges = 0;
  for (const file of tsFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import\(?)\s*'(\.[^']+)'/g)) {
      const target = resolve(dirname(file), m[1]);
      edges++;
      if (layerOf(target) < layerOf(file)) upward.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`);
    }
  }
  t.true(edges > 100, 'the import scan found the sources');
  t.deepEqual(upward, []);
});
