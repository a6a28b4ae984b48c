// SPDX-License-Identifier: MIT
/**
 * Fuzzing harness for file readers (fast-check). Every input, mutated from a valid file or generated,
 * is written to a temporary file and read by the reader under test. The property:
 *   - the reader returns (a valid object, as the reader itself defines it) or throws an SnnError
 *     subclass; any other exception is a bug;
 *   - it finishes within TIME_BOUND_MS;
 *   - the memory it leaves allocated in ArrayBuffers right after the call is within what the file's
 *     size justifies (ALLOC_PER_BYTE x size + ALLOC_SLACK): a header count trusted before checking it
 *     against the file size shows up here (measured with process.memoryUsage().arrayBuffers, so
 *     it is approximate: a transient allocation freed by a GC before the call returns is not seen).
 * Failures report the reader, the fast-check seed and the shrunk input; keep the input in
 * test/fuzz/regressions/<reader>/ once fixed (test/fuzz/regressions.test.ts replays them).
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SnnError } from '../../src/errors.js';

export const TIME_BOUND_MS = 5000;
export const ALLOC_PER_BYTE = 16;
export const ALLOC_SLACK = 32 * 1024 * 1024;

export interface FuzzReader {
  /** Name printed in the counts and used as the regression folder. */
  name: string;
  /** Name of the temporary file the input is written to (the extension matters to some readers, e.g. `.gz`). */
  fileName: string;
  /** Cases in the quick run of `npm test` when fewer than the default (a reader slow per case). */
  quickRuns?: number;
  /** Valid files to mutate. */
  seeds: () => Uint8Array[];
  /** Structured inputs beyond random bytes (e.g. headers with random counts). */
  generate?: fc.Arbitrary<Uint8Array>;
  /** Applied to an input after mutation (e.g. re-sealing a checkpoint so its validation, not its checksum, is fuzzed). */
  finish?: (bytes: Uint8Array) => Uint8Array;
  /** Reads the file; returns the result or throws. */
  read: (file: string) => unknown;
  /** Checks an accepted result is usable downstream (throws when it is not): a reader that returns an invalid object fails the property. */
  valid?: (result: any) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface FuzzCounts {
  reader: string;
  cases: number;
  accepted: number;
  refused: number;
  /** Refusal counts by error class. */
  byError: Record<string, number>;
  maxMs: number;
}

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'u32'; at: number; value: number; bigEndian: boolean }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; n: number };

// positions: often in the header, where counts and magic numbers live; otherwise anywhere
const at = fc.oneof(fc.nat(63), fc.nat());
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at, bit: fc.nat(7) }),
  fc.record({ kind: fc.constant('byte' as const), at, value: fc.nat(255) }),
  fc.record({
    kind: fc.constant('u32' as const),
    at,
    value: fc.constantFrom(0, 1, 2, 0x7f, 0xff, 0xffff, 1e6, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff),
    bigEndian: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at }),
  fc.record({ kind: fc.constant('insert' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at, n: fc.integer({ min: 1, max: 64 }) }),
);

export function mutate(src: Uint8Array, ms: Mutation[]): Uint8Array {
  let b = Buffer.from(src);
  for (const m of ms) {
    const i = b.length === 0 ? 0 : m.at % b.length;
    switch (m.kind) {
      case 'flip':
        if (b.length) b[i] ^= 1 << m.bit;
        break;
      case 'byte':
        if (b.length) b[i] = m.value;
        break;
      case 'u32':
        if (i + 4 <= b.length) m.bigEndian ? b.writeUInt32BE(m.value >>> 0, i) : b.writeUInt32LE(m.value >>> 0, i);
        break;
      case 'truncate':
        b = b.subarray(0, i);
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, i), m.bytes, b.subarray(i)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, i), b.subarray(i + m.n)]);
        break;
    }
  }
  return b;
}

/** Folder name of a reader's regression inputs: test/fuzz/regressions/<slug>/. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Mutated seeds, random bytes and the reader's own generated inputs. */
export function inputsOf(r: FuzzReader): fc.Arbitrary<Uint8Array> {
  const seeds = r.seeds();
  const mutated = fc
    .tuple(fc.nat(seeds.length - 1), fc.array(mutation, { minLength: 1, maxLength: 6 }))
    .map(([k, ms]) => mutate(seeds[k], ms));
  const arbs: fc.Arbitrary<Uint8Array>[] = [mutated, mutated, mutated, fc.uint8Array({ maxLength: 1024 })];
  if (r.generate) arbs.push(r.generate, r.generate);
  const any = fc.oneof(...arbs);
  return r.finish ? any.map(r.finish) : any;
}

/** Reads one input and checks the property; returns the error class name, or null when accepted. */
export async function readOne(r: FuzzReader, bytes: Uint8Array, dir: string, stats?: { maxMs: number }): Promise<string | null> {
  const file = join(dir, r.fileName);
  writeFileSync(file, bytes);
  const before = process.memoryUsage().arrayBuffers;
  const t0 = performance.now();
  let refused: string | null = null;
  let result: unknown;
  try {
    result = await r.read(file);
  } catch (err) {
    if (!(err instanceof SnnError)) {
      throw new Error(`${r.name}: untyped exception ${(err as Error)?.name ?? typeof err}: ${(err as Error)?.message ?? String(err)}`);
    }
    if (err.message.includes('\n')) throw new Error(`${r.name}: error message is not one line: ${JSON.stringify(err.message)}`);
    refused = err.constructor.name;
  }
  const ms = performance.now() - t0;
  const grew = process.memoryUsage().arrayBuffers - before;
  if (refused === null && r.valid) {
    try {
      r.valid(result);
    } catch (err) {
      throw new Error(`${r.name}: accepted an invalid file (${(err as Error).message})`);
    }
  }
  result = undefined;
  if (stats) stats.maxMs = Math.max(stats.maxMs, ms);
  if (ms > TIME_BOUND_MS) throw new Error(`${r.name}: took ${ms.toFixed(0)} ms on a ${bytes.length}-byte input (bound ${TIME_BOUND_MS} ms)`);
  const budget = ALLOC_PER_BYTE * bytes.length + ALLOC_SLACK;
  if (grew > budget) throw new Error(`${r.name}: allocated ${grew} bytes for a ${bytes.length}-byte input (budget ${budget})`);
  return refused;
}

/** Untimed first read: it loads modules (h5wasm compiles its WebAssembly) and JIT-compiles the reader. */
export async function warmUp(r: FuzzReader, dir: string): Promise<void> {
  writeFileSync(join(dir, r.fileName), r.seeds()[0]);
  await Promise.resolve()
    .then(() => r.read(join(dir, r.fileName)))
    .catch(() => undefined);
}

/**
 * Runs `runs` cases against one reader; on the first failure throws one message naming the reader,
 * the fault and the fast-check seed, with the failing input saved to a file (not shrunk: inputs are
 * whole files, and the seed reproduces the case).
 */
export async function fuzzReader(r: FuzzReader, runs: number, seed: number): Promise<FuzzCounts> {
  const dir = mkdtempSync(join(tmpdir(), `ffsnn-fuzz-${slug(r.name)}-`));
  const counts: FuzzCounts = { reader: r.name, cases: 0, accepted: 0, refused: 0, byError: {}, maxMs: 0 };
  try {
    await warmUp(r, dir);
    const out = await fc.check(
      fc.asyncProperty(inputsOf(r), async (bytes) => {
        const refused = await readOne(r, bytes, dir, counts);
        counts.cases++;
        if (refused === null) counts.accepted++;
        else {
          counts.refused++;
          counts.byError[refused] = (counts.byError[refused] ?? 0) + 1;
        }
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );
    if (out.failed) {
      const input = out.counterexample?.[0] as Uint8Array | undefined;
      const saved = join(tmpdir(), `ffsnn-fuzz-failure-${slug(r.name)}-${seed}-${out.numRuns}.bin`);
      if (input) writeFileSync(saved, input);
      const why = (out.errorInstance as Error | undefined)?.message ?? String(out.errorInstance);
      throw new Error(`${why}\n  (reader '${r.name}', seed ${seed}, case ${out.numRuns}; input of ${input?.length} bytes saved to ${saved})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return counts;
}
