// SPDX-License-Identifier: MIT
/**
 * The one seeded random generator of ffsnn: xoshiro128** (Blackman & Vigna 2018), seeded through
 * splitmix32. 32-bit integer arithmetic only, so it is fast in JavaScript and gives the same
 * sequence on every platform. The same seed always gives the same numbers.
 *
 * Independent streams (one per population, encoder, data shuffle, ...) come from `fork(label)`,
 * which derives a new seed from this generator's seed and the label, never from its state, so
 * adding a consumer does not shift the numbers any other consumer sees.
 */
import { invalidParam } from '../errors.js';

export class Rng {
  readonly seed: number;
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal = NaN;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw invalidParam('Rng', 'seed', seed, 'an integer in 0..4294967295');
    }
    this.seed = seed;
    let x = seed >>> 0;
    const next = (): number => {
      // splitmix32
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A new generator whose seed depends only on this seed and `label`. */
  fork(label: string): Rng {
    let h = 0x811c9dc5 ^ this.seed;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    return new Rng((h ^ (h >>> 12)) >>> 0);
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Marsaglia polar method). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const s = this.spareNormal;
      this.spareNormal = NaN;
      return s;
    }
    let u: number, v: number, q: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = Math.sqrt((-2 * Math.log(q)) / q);
    this.spareNormal = v * f;
    return u * f;
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(a: { length: number; [i: number]: T }): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** Internal state, for checkpoints that must resume bit-exactly. */
  getState(): number[] {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  setState(state: readonly number[]): void {
    if (state.length !== 4 || state.some((x) => !Number.isInteger(x))) {
      throw invalidParam('Rng', 'state', state, 'four 32-bit integers');
    }
    [this.s0, this.s1, this.s2, this.s3] = state.map((x) => x | 0);
    this.spareNormal = NaN;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
