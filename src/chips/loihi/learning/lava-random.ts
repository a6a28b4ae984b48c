// SPDX-License-Identifier: MIT
/**
 * Lava's random streams, number for number: numpy `default_rng(seed)` (SeedSequence -> PCG64,
 * XSL-RR 128/64) and the two draws Lava makes from it (loihi-learning.md §4, RND:36-116):
 * `random(1)[0]` = (next64 >> 11) * 2^-53, and `integers(0, 128, size=1, dtype=int)[0]` =
 * Lemire's bounded draw on numpy's buffered 32-bit output (low half first), which for a range
 * of 128 never rejects: next32 >> 25.
 *
 * With this, a Lava run is replayed from its `rng_seed` alone (`lavaLearningRandom`), without a
 * log of the numbers it drew. BigInt arithmetic: fine for replays, not meant for training.
 */
import { invalidParam } from '../../../errors.js';
import type { LearningRandomSource, TraceRandoms } from './engine.js';

const M32 = 0xffffffff;
const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;
const PCG_MULT = (0x2360ed051fc65da4n << 64n) | 0x4385df649fccf645n;

/** numpy SeedSequence(seed).generate_state(4, uint64) for a non-negative integer seed (pool size 4). */
export function seedSequenceState(seed: number | bigint): bigint[] {
  let n = BigInt(seed);
  if (n < 0n) throw invalidParam('SeedSequence', 'seed', String(seed), 'a non-negative integer');
  const entropy: number[] = [];
  do {
    entropy.push(Number(n & 0xffffffffn));
    n >>= 32n;
  } while (n > 0n);
  let hashA = 0x43b0d7e5;
  const hashmix = (value: number): number => {
    let v = (value ^ hashA) >>> 0;
    hashA = Math.imul(hashA, 0x931e8875) >>> 0;
    v = Math.imul(v, hashA) >>> 0;
    return (v ^ (v >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (Math.imul(0xca01f9dd, x) - Math.imul(0x4973f715, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  const pool = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0);
  for (let s = 0; s < 4; s++) for (let d = 0; d < 4; d++) if (s !== d) pool[d] = mix(pool[d], hashmix(pool[s]));
  for (let s = 4; s < entropy.length; s++) for (let d = 0; d < 4; d++) pool[d] = mix(pool[d], hashmix(entropy[s]));
  let hashB = 0x8b51f9dd;
  const words: number[] = [];
  for (let k = 0; k < 8; k++) {
    let v = (pool[k % 4] ^ hashB) >>> 0;
    hashB = Math.imul(hashB, 0x58f38ded) >>> 0;
    v = Math.imul(v, hashB) >>> 0;
    words.push((v ^ (v >>> 16)) >>> 0);
  }
  return [0, 1, 2, 3].map((k) => (BigInt(words[2 * k + 1]) << 32n) | BigInt(words[2 * k]));
}

/** numpy's PCG64 bit generator with its 32-bit buffer, seeded like `default_rng(seed)`. */
export class NumpyPcg64 {
  private state = 0n;
  private readonly inc: bigint;
  private hasUint32 = false;
  private uinteger = 0;

  constructor(seed: number | bigint) {
    const [s0, s1, s2, s3] = seedSequenceState(seed);
    const initState = (s0 << 64n) | s1;
    const initSeq = (s2 << 64n) | s3;
    this.inc = ((initSeq << 1n) | 1n) & MASK128;
    this.step();
    this.state = (this.state + initState) & MASK128;
    this.step();
  }

  private step(): void {
    this.state = (this.state * PCG_MULT + this.inc) & MASK128;
  }

  nextUint64(): bigint {
    this.step();
    const hi = this.state >> 64n;
    const x = (hi ^ this.state) & MASK64;
    const rot = Number(hi >> 58n);
    return ((x >> BigInt(rot)) | (x << BigInt((64 - rot) & 63))) & MASK64;
  }

  nextUint32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    const v = this.nextUint64();
    this.hasUint32 = true;
    this.uinteger = Number(v >> 32n) & M32;
    return Number(v & 0xffffffffn) >>> 0;
  }

  /** Generator.random(): 53-bit double in [0, 1). */
  random(): number {
    return Number(this.nextUint64() >> 11n) / 2 ** 53;
  }

  /** Generator.integers(0, 128) (int64): Lemire on a 32-bit draw; range 128 never rejects. */
  int128(): number {
    return this.nextUint32() >>> 25;
  }
}

/**
 * Lava's five streams (CONN:680-692): x decay `seed`, x impulse `seed+1`, y decay `seed+2`,
 * y impulse `seed+3`, synaptic variables seed 2 always; each draws once at construction.
 */
export function lavaLearningRandom(rngSeed: number): LearningRandomSource {
  const xd = new NumpyPcg64(rngSeed);
  const xi = new NumpyPcg64(rngSeed + 1);
  const yd = new NumpyPcg64(rngSeed + 2);
  const yi = new NumpyPcg64(rngSeed + 3);
  const syn = new NumpyPcg64(2);
  xd.random();
  xi.int128();
  yd.random();
  yi.int128();
  syn.random();
  return {
    advanceTraces: (): TraceRandoms => ({ xDecay: xd.random(), xImpulse: xi.int128(), yDecay: yd.random(), yImpulse: yi.int128() }),
    advanceSynaptic: () => syn.random(),
  };
}
