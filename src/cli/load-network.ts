// SPDX-License-Identifier: MIT
/** Reads a network from a checkpoint, a bundle or a NIR file (by content, not by name). */
import { existsSync, openSync, readSync, closeSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { isBundle, readBundle } from '../export/bundle.js';
import type { NetworkIR } from '../ir/ir.js';
import { importNir } from '../export/nir/index.js';
import { readCheckpoint } from '../io/checkpoint.js';

export async function loadNetwork(path: string): Promise<{ net: NetworkIR; kind: 'checkpoint' | 'bundle' | 'nir'; notes: string[] }> {
  if (!existsSync(path)) throw new ConfigError(`${path}: no such file`);
  const head = Buffer.alloc(8);
  const fd = openSync(path, 'r');
  const got = readSync(fd, head, 0, 8, 0);
  closeSync(fd);
  if (isBundle(head.subarray(0, got))) return { net: readBundle(path), kind: 'bundle', notes: [] };
  if (head.subarray(0, 4).equals(Buffer.from([0x89, 0x48, 0x44, 0x46]))) {
    const { net, notes } = await importNir(path);
    return { net, kind: 'nir', notes };
  }
  return { net: readCheckpoint(path).network, kind: 'checkpoint', notes: [] };
}
