// SPDX-License-Identifier: MIT
/** NIR export and import of the IR (files written atomically). */
import { basename } from 'node:path';
import { writeAtomic } from '../../atomic.js';
import type { NetworkIR } from '../../ir/ir.js';
import { readNirFile, writeNirFile } from './hdf5.js';
import { irToNir } from './from-ir.js';
import { nirToIr, type ImportResult } from './to-ir.js';

export async function exportNir(net: NetworkIR, path: string): Promise<void> {
  const nir = irToNir(net);
  await writeAtomic(path, (tmp) => writeNirFile(tmp, nir));
}

export async function importNir(path: string, opts: { dtMs?: number } = {}): Promise<ImportResult> {
  const nir = await readNirFile(path);
  return nirToIr(nir, basename(path).replace(/\.nir$/, ''), opts);
}

export { irToNir, nirToIr };
