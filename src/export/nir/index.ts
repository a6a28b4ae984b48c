// SPDX-License-Identifier: MIT
/** NIR export and import of the IR (files written atomically). */
import { basename } from 'node:path';
import { writeAtomic } from '../../atomic.js';
import type { NetworkIR } from '../../ir/ir.js';
import { readNirFile, writeNirFile } from './hdf5.js';
import { irToNir } from './from-ir.js';
import { nirToIr, type ImportResult } from './to-ir.js';

/** Writes `path`; returns what the file cannot express (see irToNir). */
export async function exportNir(net: NetworkIR, path: string, opts: { readouts?: boolean } = {}): Promise<string[]> {
  const { nir, unsupported } = irToNir(net, opts);
  await writeAtomic(path, (tmp) => writeNirFile(tmp, nir));
  return unsupported;
}

export async function importNir(path: string, opts: { dtMs?: number } = {}): Promise<ImportResult> {
  const nir = await readNirFile(path);
  return nirToIr(nir, basename(path).replace(/\.nir$/, ''), opts);
}

export { irToNir, nirToIr };
