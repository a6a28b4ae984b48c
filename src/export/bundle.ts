// SPDX-License-Identifier: MIT
/**
 * Bundle: the network IR (populations, parameters, projections with float32 weights, learning
 * rule, encoding, readout) in one msgpackr file, read back losslessly (typed arrays stay typed).
 * Layout: a sealed file (src/sealed.ts: 8-byte magic `FFSNNB1\n`, 32-byte SHA-256 of the
 * payload), msgpack payload `{ format: 'ffsnn-bundle', version: 1, network }`. The digest turns
 * truncation and corruption into a clear error instead of a silently different network.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Packr } from 'msgpackr';
import { FileFormatError } from '../errors.js';
import { writeAtomic } from '../atomic.js';
import type { NetworkIR } from '../ir/ir.js';
import { checkNetwork } from '../ir/simulate.js';
import { hasMagic, seal, unseal } from '../sealed.js';

export const BUNDLE_MAGIC = Buffer.from('FFSNNB1\n', 'latin1');
const packr = new Packr({ moreTypes: true, useRecords: false, structuredClone: false });

export function encodeBundle(net: NetworkIR): Uint8Array {
  checkNetwork(net);
  return seal(BUNDLE_MAGIC, packr.pack({ format: 'ffsnn-bundle', version: 1, network: net }));
}

export function decodeBundle(bytes: Uint8Array, file: string): NetworkIR {
  return checkBundle(bytes, file).network;
}

/** Decodes a bundle and returns its verified content SHA-256 (hex) beside the network. */
export function checkBundle(bytes: Uint8Array, file: string): { network: NetworkIR; contentSha256: string } {
  const { payload, digest } = unseal(bytes, BUNDLE_MAGIC, file, 'bundle');
  let doc: { format?: unknown; version?: unknown; network?: NetworkIR };
  try {
    doc = packr.unpack(payload);
  } catch (err) {
    throw new FileFormatError(file, `unreadable bundle payload (${(err as Error).message})`);
  }
  if (doc?.format !== 'ffsnn-bundle') throw new FileFormatError(file, `not an ffsnn bundle (format ${JSON.stringify(doc?.format)})`);
  if (doc.version !== 1) throw new FileFormatError(file, `unsupported bundle version ${JSON.stringify(doc.version)} (this ffsnn reads 1)`);
  const net = doc.network;
  if (!net || net.format !== 'ffsnn-ir' || !Array.isArray(net.populations) || !Array.isArray(net.projections))
    throw new FileFormatError(file, "missing or malformed 'network'");
  try {
    checkNetwork(net);
  } catch (err) {
    throw new FileFormatError(file, `malformed 'network': ${(err as Error).message.replace(/\s+/g, ' ')}`);
  }
  return { network: net, contentSha256: digest };
}

export async function writeBundle(net: NetworkIR, path: string): Promise<void> {
  const bytes = encodeBundle(net);
  await writeAtomic(path, (tmp) => writeFileSync(tmp, bytes));
}

export function readBundle(path: string): NetworkIR {
  if (!existsSync(path)) throw new FileFormatError(path, 'no such file');
  return decodeBundle(readFileSync(path), path);
}

/** True when the bytes start with the bundle magic. */
export function isBundle(bytes: Uint8Array): boolean {
  return hasMagic(bytes, BUNDLE_MAGIC);
}
