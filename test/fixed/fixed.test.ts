// SPDX-License-Identifier: MIT
import test from 'ava';
import {
  checkFits,
  clipSigned,
  clipUnsigned,
  fromS1615,
  mulS1615,
  roundHalfAway,
  shiftRightFloor,
  shiftSigned,
  toS1615,
  trunc0Shift,
  wrapSigned,
} from '../../src/fixed/fixed.js';
import { FixedPointRangeError } from '../../src/errors.js';

test('wrapSigned wraps modulo 2^bits into the signed range', (t) => {
  t.is(wrapSigned(2 ** 23, 24), -(2 ** 23));
  t.is(wrapSigned(2 ** 23 - 1, 24), 2 ** 23 - 1);
  t.is(wrapSigned(-(2 ** 23) - 1, 24), 2 ** 23 - 1);
  t.is(wrapSigned(2 ** 24 + 5, 24), 5);
  t.is(wrapSigned(-3 * 2 ** 24 - 7, 24), -7);
  t.is(wrapSigned(128, 8), -128);
});

test('clipSigned saturates, optionally symmetrically', (t) => {
  t.is(clipSigned(9e6, 24), 2 ** 23 - 1);
  t.is(clipSigned(-9e6, 24), -(2 ** 23));
  t.is(clipSigned(-9e6, 24, true), -(2 ** 23) + 1);
  t.is(clipSigned(12, 24), 12);
  t.is(clipUnsigned(-1, 12), 0);
  t.is(clipUnsigned(5000, 12), 4095);
});

test('trunc0Shift rounds toward zero, shiftRightFloor toward -inf, beyond 32 bits', (t) => {
  t.is(trunc0Shift(-4097, 12), -1);
  t.is(trunc0Shift(4097, 12), 1);
  t.is(trunc0Shift(-4095, 12), 0);
  t.is(shiftRightFloor(-1, 3), -1);
  t.is(shiftRightFloor(-8, 3), -1);
  t.is(shiftRightFloor(-9, 3), -2);
  // 2^23 * 4095 needs 35 bits: Number arithmetic keeps it exact where `>>` would not.
  t.is(trunc0Shift(2 ** 23 * 4095, 12), 8386560);
  t.is(shiftSigned(3, 4), 48);
  t.is(shiftSigned(-3, -1), -2);
});

test('roundHalfAway is symmetric', (t) => {
  t.is(roundHalfAway(2.5), 3);
  t.is(roundHalfAway(-2.5), -3);
  t.is(roundHalfAway(-2.4), -2);
});

test('checkFits throws a typed error naming the value', (t) => {
  t.notThrows(() => checkFits('w', -256, 9, true));
  const e = t.throws(() => checkFits('w', 256, 9, true), { instanceOf: FixedPointRangeError });
  t.regex(e!.message, /w = 256 does not fit in 9-bit signed/);
  t.throws(() => checkFits('du', 1.5, 12, false), { instanceOf: FixedPointRangeError });
});

test('s16.15 conversion and multiply', (t) => {
  t.is(toS1615(1), 32768);
  t.is(fromS1615(toS1615(-2.5)), -2.5);
  t.is(mulS1615(toS1615(1.5), toS1615(2)), toS1615(3));
  t.is(mulS1615(-1, 1), -1); // floor of -1/32768
  t.is(mulS1615(toS1615(60000), toS1615(60000)), 2 ** 31 - 1); // saturates
});
