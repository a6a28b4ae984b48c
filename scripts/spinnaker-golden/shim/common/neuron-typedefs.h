// SPDX-License-Identifier: MIT
// ffsnn shim: the types sPyNNaker's STDP headers expect, for a host (x86-64) C++ build.
// `accum` is GCC's s16.15 _Accum on ARM; host GCC has no fixed-point types, so it is a class whose
// operators do what arm-none-eabi-gcc emits for it: add/subtract wrap in 32 bits, and
// multiplication is gcc/config/arm/arm-fixed.md "mulsa3": SMULL, then (lo >> 15) | (hi << 17),
// i.e. bits 15..46 of the 64-bit product (floor, no rounding, no saturation).
#pragma once
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef uint32_t *address_t;
typedef uint32_t index_t;
typedef uint16_t weight_t;  // SYNAPSE_WEIGHT_BITS 16, unsigned (synapse_row.h)
#define UNUSED __attribute__((unused))

struct accum {
  int32_t bits;
  accum() : bits(0) {}
  static accum from_bits(int32_t b) { accum a; a.bits = b; return a; }
};
static inline int32_t wrap32(int64_t x) { return (int32_t)(uint32_t)(uint64_t)x; }
static inline accum kbits(int32_t b) { return accum::from_bits(b); }
static inline int32_t bitsk(accum a) { return a.bits; }
static inline accum operator+(accum a, accum b) { return kbits(wrap32((int64_t)a.bits + b.bits)); }
static inline accum operator-(accum a, accum b) { return kbits(wrap32((int64_t)a.bits - b.bits)); }
static inline accum operator*(accum a, accum b) { return kbits(wrap32(((int64_t)a.bits * (int64_t)b.bits) >> 15)); }
static inline accum &operator+=(accum &a, accum b) { a = a + b; return a; }
static inline accum &operator-=(accum &a, accum b) { a = a - b; return a; }

// ARMv5TE SMULBB: signed 16 x 16 of the bottom halves.
static inline int32_t __smulbb(int32_t a, int32_t b) { return (int32_t)(int16_t)a * (int32_t)(int16_t)b; }
