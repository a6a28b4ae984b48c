// SPDX-License-Identifier: MIT
/** Reads a network from a checkpoint, a bundle or a NIR file (by content, not by name). */
import { existsSync, readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { checkBundle, isBundle } from '../export/bundle.js';
import type { ExportSource } from '../export/export.js';
import type { NetworkIR } from '../ir/ir.js';
import { importNir } from '../export/nir/index.js';
import { checkCheckpoint } from '../io/checkpoint.js';
import { sha256 } from '../sealed.js';

export async function loadNetwork(path: string): Promise<{ net: NetworkIR; kind: ExportSource['kind']; notes: string[]; source: ExportSource }> {
  if (!existsSync(path)) throw new ConfigError(`${path}: no such file`);
  const bytes = readFileSync(path);
  const source = (kind: ExportSource['kind'], contentSha256: string | null): ExportSource => ({ path, kind, sha256: sha256(bytes).toString('hex'), contentSha256 });
  if (isBundle(bytes)) {
    const { network, contentSha256 } = checkBundle(bytes, path);
    return { net: network, kind: 'bundle', notes: [], source: source('bundle', contentSha256) };
  }
  if (bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x48, 0x44, 0x46]))) {
    const { net, notes } = await importNir(path);
    return { net, kind: 'nir', notes, source: source('nir', null) };
  }
  const ck = checkCheckpoint(bytes, path);
  if (ck.warning) console.error(`ffsnn: warning: ${ck.warning}`);
  return { net: ck.checkpoint.network, kind: 'checkpoint', notes: [], source: source('checkpoint', ck.contentSha256) };
}
