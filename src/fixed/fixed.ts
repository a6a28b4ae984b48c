// SPDX-License-Identifier: MIT
/**
 * Fixed-point helpers shared by the bit-accurate neuron models and the quantisers.
 *
 * Everything is done in JS Number arithmetic, exact for integers below 2^53: JS `>>` and `<<`
 * work on 32 bits, but a 24-bit state times a 12-bit decay needs 36 bits (CONVENTIONS.md §2).
 */
import { FixedPointRangeError } from '../errors.js';

/** Two's-complement wrap of an integer into `bits` signed bits: result in [-2^(bits-1), 2^(bits-1)). */
export function wrapSigned(x: number, bits: number): number {
  const m = 2 ** bits;
  const h = m / 2;
  const r = (((x + h) % m) + m) % m;
  return r - h;
}

/** Saturates an integer to the symmetric or full signed range of `bits` bits. */
export function clipSigned(x: number, bits: number, symmetric = false): number {
  const hi = 2 ** (bits - 1) - 1;
  const lo = symmetric ? -hi : -(2 ** (bits - 1));
  return x > hi ? hi : x < lo ? lo : x;
}

/** Saturates an integer to [0, 2^bits - 1]. */
export function clipUnsigned(x: number, bits: number): number {
  const hi = 2 ** bits - 1;
  return x > hi ? hi : x < 0 ? 0 : x;
}

/** Integer division rounding toward zero: `sign(p) * (|p| >> shift)` as in Lava's decays. */
export function trunc0Shift(p: number, shift: number): number {
  return Math.trunc(p / 2 ** shift) + 0; // + 0 turns -0 into 0
}

/** Arithmetic shift right (floor), numpy `>>` on signed ints, for any shift >= 0. */
export function shiftRightFloor(x: number, shift: number): number {
  return Math.floor(x / 2 ** shift);
}

/** Shift left by `shift` (>= 0), or arithmetic (floor) shift right when `shift` < 0. */
export function shiftSigned(x: number, shift: number): number {
  return shift >= 0 ? x * 2 ** shift : Math.floor(x / 2 ** -shift);
}

/** Round half away from zero (Loihi 2 `np.fix(x + sign(x)*0.5)`-style rounding for quantisers). */
export function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.floor(Math.abs(x) + 0.5);
}

/** Throws FixedPointRangeError unless `x` is an integer that fits `bits` (signed or unsigned). */
export function checkFits(name: string, x: number, bits: number, signed: boolean): void {
  const lo = signed ? -(2 ** (bits - 1)) : 0;
  const hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  if (!Number.isInteger(x) || x < lo || x > hi) throw new FixedPointRangeError(name, x, bits, signed);
}

/** s16.15 (SpiNNaker `accum`/REAL): 1 sign, 16 integer and 15 fractional bits in an int32. */
export const S1615_FRAC_BITS = 15;
export const S1615_ONE = 2 ** S1615_FRAC_BITS;

/** Nearest s16.15 value of a real number, saturated to the int32 range (as `kbits(x * 2^15)`). */
export function toS1615(x: number): number {
  return clipSigned(Math.round(x * S1615_ONE), 32);
}

/** Real value of an s16.15 integer. */
export function fromS1615(k: number): number {
  return k / S1615_ONE;
}

/**
 * s16.15 product `a * b` as the ARM fixed-point multiply does it: the 64-bit product shifted right
 * by 15 (floor), then saturated to int32.
 */
export function mulS1615(a: number, b: number): number {
  // a*b can exceed 2^53 only when both exceed 2^26.5 in magnitude, i.e. |value| > 2^11.5; split to stay exact.
  const p = a * b;
  if (Math.abs(p) < 2 ** 53) return clipSigned(Math.floor(p / S1615_ONE), 32);
  const big = BigInt(a) * BigInt(b);
  const q = big >> 15n;
  return clipSigned(Number(q), 32);
}
