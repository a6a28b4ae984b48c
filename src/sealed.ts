// SPDX-License-Identifier: MIT
/**
 * Sealed files: the one container checkpoints and bundles share, so that a flipped bit or a cut-off
 * file is refused instead of silently loading different weights.
 *
 * Layout: 8-byte magic naming the kind and its container version (e.g. `FFSNNC2\n`), 32-byte
 * SHA-256 of the payload, then the payload (msgpack). SHA-256 from node:crypto was chosen over
 * CRC-32C and xxHash (bench/checksum-cost.ts): it needs no dependency, any corruption is caught
 * with certainty for practical purposes, and on a 2000x2000 checkpoint it costs a small fraction of
 * the msgpack encoding and the fsync that every checkpoint write already pays (README, Integrity).
 */
import { createHash } from 'node:crypto';
import { FileFormatError } from './errors.js';

export const DIGEST_BYTES = 32;

export function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** magic + SHA-256(payload) + payload. */
export function seal(magic: Buffer, payload: Uint8Array): Buffer {
  return Buffer.concat([magic, sha256(payload), payload]);
}

export function hasMagic(bytes: Uint8Array, magic: Buffer): boolean {
  return bytes.length >= magic.length && Buffer.from(bytes.buffer, bytes.byteOffset, magic.length).equals(magic);
}

/**
 * True when the bytes start with `magic`, or with something a few flipped bits away from it, or are
 * a cut-off piece of it: a sealed file whose header was damaged, to be refused as damaged rather
 * than read as some other format.
 */
export function looksSealed(bytes: Uint8Array, magic: Buffer): boolean {
  const n = Math.min(bytes.length, magic.length);
  let bits = 0;
  for (let i = 0; i < n; i++) for (let x = bytes[i] ^ magic[i]; x; x &= x - 1) bits++;
  return bytes.length === 0 || bits <= 4;
}

/**
 * The payload of a sealed file and its digest (hex), or a FileFormatError naming `file` and saying
 * it is damaged when the stored digest does not match (any bit flip or truncation after the magic).
 */
export function unseal(bytes: Uint8Array, magic: Buffer, file: string, what: string): { payload: Buffer; digest: string } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!hasMagic(b, magic)) {
    if (looksSealed(b, magic)) throw new FileFormatError(file, `damaged ${what}: its ${magic.toString('latin1').trim()} header is corrupted or cut off (${b.length} bytes); refusing to load it`);
    throw new FileFormatError(file, `not an ffsnn ${what} (missing ${magic.toString('latin1').trim()} header)`);
  }
  if (b.length < magic.length + DIGEST_BYTES + 1) throw new FileFormatError(file, `damaged ${what}: truncated to ${b.length} bytes; refusing to load it`);
  const stored = b.subarray(magic.length, magic.length + DIGEST_BYTES);
  const payload = b.subarray(magic.length + DIGEST_BYTES);
  const actual = sha256(payload);
  if (!actual.equals(stored)) {
    throw new FileFormatError(file, `damaged ${what}: its SHA-256 checksum does not match its content (corrupted or truncated); refusing to load it`);
  }
  return { payload, digest: actual.toString('hex') };
}
