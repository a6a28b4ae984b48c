// SPDX-License-Identifier: MIT
/**
 * The integer arithmetic of sPyNNaker's STDP code on the ARM968, bit for bit.
 *
 * Citations are `file:line` in SpiNNakerManchester/sPyNNaker neural_modelling/src/neuron/plasticity/stdp/
 * (maths.h, stdp_typedefs.h at @02c5eeb; the other files as listed in
 * test/fixtures/spinnaker/stdp_golden.json) and spynnaker/pyNN/models/neuron/plasticity/stdp/common.py.
 *
 * Formats:
 *   - traces and decay factors: int16 in s4.11 (`STDP_FIXED_POINT 11`, stdp_typedefs.h:29);
 *   - weights while they are updated: `accum`, s16.15 in an int32 (weight_*_impl.h), built from the
 *     16-bit synaptic weight by a left shift (the per-synapse-type ring-buffer shift).
 * `accum` arithmetic is what arm-none-eabi-gcc emits: + and - wrap in 32 bits; * is
 * gcc/config/arm/arm-fixed.md "mulsa3" (SMULL, then (lo >> 15) | (hi << 17)): the 64-bit product
 * shifted right by 15 with floor, wrapped to 32 bits, no rounding, no saturation.
 */
import { invalidParam } from '../../errors.js';

/** stdp_typedefs.h:29 */
export const STDP_FIXED_POINT = 11;
/** stdp_typedefs.h:31 */
export const STDP_FIXED_POINT_ONE = 1 << STDP_FIXED_POINT;
/** stdp_typedefs.h:44: s4.11 -> s16.15 */
export const S1615_TO_STDP_RIGHT_SHIFT = 4;

/** Two's-complement int16 of an integer (a C cast to int16_t). */
export const toInt16 = (x: number): number => (x << 16) >> 16;

/** ARMv5TE SMULBB: signed 16 x 16 of the bottom halves of two registers. */
export const smulbb = (a: number, b: number): number => ((a << 16) >> 16) * ((b << 16) >> 16);

/** maths.h:134-138 `maths_fixed_mul16(a, b, 11)` = STDP_FIXED_MUL_16X16: SMULBB then an arithmetic shift. */
export const fixedMul16 = (a: number, b: number): number => smulbb(a, b) >> STDP_FIXED_POINT;

/**
 * `accum * accum` on the ARM (mulsa3): floor(a * b / 2^15), wrapped to int32 (src/fixed's
 * mulS1615 saturates instead, which the ARM code does not).
 */
export function mulAccum(a: number, b: number): number {
  const p = a * b;
  if (Math.abs(p) < 2 ** 53) return wrapInt32(Math.floor(p / 32768));
  return Number(BigInt.asIntN(32, (BigInt(a) * BigInt(b)) >> 15n));
}

/** int32 wrap of an integer held exactly in a double (ToInt32 is exact modulo 2^32). */
export const wrapInt32 = (x: number): number => x | 0;

/** stdp_typedefs.h:47-49 `mul_accum_fixed(a, stdp_fixed)` = a * kbits(stdp_fixed << 4). */
export const mulAccumFixed = (a: number, stdpFixed: number): number => mulAccum(a, stdpFixed << S1615_TO_STDP_RIGHT_SHIFT);

/**
 * A real number as the host writes an s16.15 parameter (spinn_front_end_common DataType.S1615:
 * `int(round(Decimal(str(v)) * 32768))`, round half to even). The float product is used here; it
 * differs from the decimal one only for values whose decimal expansion sits exactly on a half.
 */
export function s1615(v: number): number {
  if (!Number.isFinite(v) || Math.abs(v) >= 65536) throw invalidParam('s1615', 'value', v, 'a finite number in (-65536, 65536)');
  const x = v * 32768;
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/** An exponential-decay lookup table as sPyNNaker keeps it in DTCM (maths.h:44-48 `int16_lut`). */
export interface Int16Lut {
  /** Time -> index shift. */
  shift: number;
  /** exp(-(i << shift) * ts / tau) in s4.11, floored. */
  values: Int16Array;
}

/**
 * common.py `get_exp_lut_array(time_step, time_constant, shift)`: size = ln(2048) / (ts / tau) / 2^shift
 * rounded up to an even count; values floor(exp(-(i << shift) * ts / tau) * 2048).
 * (numpy's exp and V8's Math.exp can differ by one ulp; the golden test checks the tables used.)
 */
export function expDecayLut(timestepMs: number, tauMs: number, shift = 0): Int16Lut {
  if (!(timestepMs > 0) || !Number.isFinite(timestepMs)) throw invalidParam('expDecayLut', 'timestepMs', timestepMs, 'a finite number > 0');
  if (!(tauMs > 0) || !Number.isFinite(tauMs)) throw invalidParam('expDecayLut', 'tauMs', tauMs, 'a finite number > 0');
  if (!Number.isInteger(shift) || shift < 0 || shift > 15) throw invalidParam('expDecayLut', 'shift', shift, 'an integer in 0..15');
  const lambda = timestepMs / tauMs;
  const raw = Math.log(STDP_FIXED_POINT_ONE) / lambda / 2 ** shift;
  const half = Math.floor(raw / 2);
  const size = (half + (raw - 2 * half > 0 ? 1 : 0)) * 2;
  if (size > 65535) throw invalidParam('expDecayLut', 'tauMs', tauMs, `a table of at most 65535 entries (ts/tau = ${lambda} gives ${size})`);
  const values = new Int16Array(size);
  for (let i = 0; i < size; i++) values[i] = Math.floor(Math.exp(i * 2 ** shift * -lambda) * STDP_FIXED_POINT_ONE);
  return { shift, values };
}

/** maths.h:80-87 `maths_lut_exponential_decay`: the entry for `time >> shift`, 0 beyond the table. */
export function lutDecay(time: number, lut: Int16Lut): number {
  const i = (time >>> 0) >>> lut.shift;
  return i < lut.values.length ? lut.values[i] : 0;
}
