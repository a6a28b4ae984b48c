// SPDX-License-Identifier: MIT
/**
 * What a checksum costs on a large checkpoint: a 784-2000-2000 rate FAUST checkpoint with Adam moments
 * (the "2000x2000 network", ~67 MB), timed against what saving it already costs (msgpack encoding and
 * the atomic write with fsync), all in the same run. Candidates: SHA-256 (node:crypto, OpenSSL),
 * CRC-32C (crc-32/crc32c, pure JS) and xxHash64 (xxhash-wasm, WebAssembly).
 *
 *   node --import tsx bench/checksum-cost.ts [--reps 5]
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Packr } from 'msgpackr';
import xxhash from 'xxhash-wasm';
import { writeFileAtomicSync } from '../src/atomic.js';
import { encodeCheckpoint } from '../src/io/checkpoint.js';
import { cpuOps } from '../src/sim/batched/ops.js';
import { resolveConfig } from '../src/train/config.js';
import { checkpointOf, startRun } from '../src/train/trainer.js';

const crc32c: { buf(b: Uint8Array): number } = createRequire(import.meta.url)('crc-32/crc32c');
const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' } } });
const reps = Number(values.reps);

const ck = checkpointOf(startRun(resolveConfig({ neuron: 'rate', sizes: [784, 2000, 2000], seed: 1 })), cpuOps);
const packr = new Packr({ moreTypes: true, useRecords: false, structuredClone: false });
const payload = packr.pack(ck);
const { h64Raw } = await xxhash();
const dir = mkdtempSync(join(tmpdir(), 'ffsnn-cksum-'));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
function time(f: () => unknown): number {
  const ts: number[] = [];
  f(); // warm-up
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

const rows: [string, number][] = [
  ['msgpack encode (baseline part 1)', time(() => packr.pack(ck))],
  ['atomic write + fsync (baseline part 2)', time(() => writeFileAtomicSync(join(dir, 'c.ffsnn'), payload))],
  ['SHA-256 (node:crypto)', time(() => createHash('sha256').update(payload).digest())],
  ['CRC-32C (crc-32, pure JS)', time(() => crc32c.buf(payload))],
  ['xxHash64 (xxhash-wasm)', time(() => h64Raw(payload))],
  ['whole sealed encode (msgpack + SHA-256)', time(() => encodeCheckpoint(ck))],
];
rmSync(dir, { recursive: true, force: true });
const base = rows[0][1] + rows[1][1];
console.log(`checkpoint payload ${(payload.length / 1e6).toFixed(1)} MB; median of ${reps}; baseline = encode + atomic write = ${base.toFixed(1)} ms`);
for (const [name, ms] of rows) console.log(`${name.padEnd(42)} ${ms.toFixed(1).padStart(8)} ms  ${(payload.length / 1e6 / (ms / 1000)).toFixed(0).padStart(6)} MB/s  ${(ms / base).toFixed(3)} x baseline`);
