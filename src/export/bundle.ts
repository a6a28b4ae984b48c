// SPDX-License-Identifier: MIT
/**
 * Bundle: the network IR (populations, parameters, projections with float32 weights, learning
 * rule, encoding, readout) in one msgpackr file, read back losslessly (typed arrays stay typed).
 * Layout: 8-byte magic `FFSNNB1\n`, 32-byte SHA-256 of the payload, msgpack payload
 * `{ format: 'ffsnn-bundle', version: 1, network }`. The digest turns truncation and corruption into
 * a clear error instead of a silently different network.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Packr } from 'msgpackr';
import { FileFormatError } from '../errors.js';
import { writeAtomic } from '../atomic.js';
import type { NetworkIR } from '../ir/ir.js';
import { checkNetwork } from '../ir/simulate.js';

const MAGIC = Buffer.from('FFSNNB1\n', 'latin1');
const packr = new Packr({ moreTypes: true, useRecords: false, structuredClone: false });

export function encodeBundle(net: NetworkIR): Uint8Array {
  checkNetwork(net);
  const payload = packr.pack({ format: 'ffsnn-bundle', version: 1, network: net });
  const digest = createHash('sha256').update(payload).digest();
  return Buffer.concat([MAGIC, digest, payload]);
}

export function decodeBundle(bytes: Uint8Array, file: string): NetworkIR {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < MAGIC.length || !b.subarray(0, MAGIC.length).equals(MAGIC)) throw new FileFormatError(file, 'not an ffsnn bundle (missing FFSNNB1 header)');
  if (b.length < MAGIC.length + 33) throw new FileFormatError(file, `truncated bundle (${b.length} bytes)`);
  const digest = b.subarray(MAGIC.length, MAGIC.length + 32);
  const payload = b.subarray(MAGIC.length + 32);
  if (!createHash('sha256').update(payload).digest().equals(digest)) throw new FileFormatError(file, 'corrupted or truncated bundle (SHA-256 of the payload does not match)');
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
  checkNetwork(net);
  return net;
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
  return bytes.length >= MAGIC.length && Buffer.from(bytes.subarray(0, MAGIC.length)).equals(MAGIC);
}
