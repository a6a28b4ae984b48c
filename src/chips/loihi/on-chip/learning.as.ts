// SPDX-License-Identifier: MIT
/**
 * WebAssembly forms of the on-chip kernels (kernels.ts, dense-lif-batched.ts), computing the same
 * integers. Built by scripts/build-wasm.mjs into learning.wasm (committed).
 */

/**
 * `eligibilityStep` (i16x8) in its common case: a positive mantissa and stored exponent whose
 * product fits 16 bits (mant <= 2, sExp <= 3: ((127 * 127 * 2) >> 3) << 3 < 2^15) and tags in
 * [0, 255] (the trainer's invariant). Per synapse:
 * m = ((x1 * mant * y1) >> shift) << sExp;  t <- min(255, t + (m >> 7) + [(m & 127) > thr]).
 * tagPtr: Int16 [nIn][nOut] of one sample; activePtr: Int32 rows; xPtr: Uint8 [nIn]; yPtr: Int16 [nOut].
 */
export function eligibility(tagPtr: usize, activePtr: usize, nActive: i32, xPtr: usize, yPtr: usize, nOut: i32, mant: i32, shift: i32, sExp: i32, thr: i32): void {
  const vThr = i16x8.splat(<i16>thr);
  const v127 = i16x8.splat(127);
  const v255 = i16x8.splat(255);
  const v1 = i16x8.splat(1);
  const n8 = nOut & ~7;
  for (let k = 0; k < nActive; k++) {
    const i = load<i32>(activePtr + (<usize>k << 2));
    const xm = <i32>load<u8>(xPtr + <usize>i) * mant;
    const vx = i16x8.splat(<i16>xm);
    const row = tagPtr + ((<usize>i * <usize>nOut) << 1);
    let j = 0;
    for (; j < n8; j += 8) {
      const p = row + (<usize>j << 1);
      const t = v128.load(p);
      const y = v128.load(yPtr + (<usize>j << 1));
      const m = i16x8.shl(i16x8.shr_s(i16x8.mul(vx, y), shift), sExp);
      const up = v128.and(i16x8.gt_s(v128.and(m, v127), vThr), v1);
      v128.store(p, i16x8.min_s(i16x8.add(i16x8.add(t, i16x8.shr_s(m, 7)), up), v255));
    }
    for (; j < nOut; j++) {
      const p = row + (<usize>j << 1);
      const m = ((xm * <i32>load<i16>(yPtr + (<usize>j << 1))) >> shift) << sExp;
      let q = <i32>load<i16>(p) + (m >> 7) + ((m & 127) > thr ? 1 : 0);
      if (q > 255) q = 255;
      store<i16>(p, <i16>q);
    }
  }
}

/**
 * `commitStep`: fwPtr: Int32 [nOut] clip(y1-64)*clip(y2)*mantW; gatePtr: clip(y2); mode 0 MIXED,
 * 1 EXCITATORY, 2 INHIBITORY; cExp: sExp of the floor compensation (-1 none). Tags are not changed.
 */
export function commit(
  wPtr: usize, tagPtr: usize, activePtr: usize, nActive: i32, fwPtr: usize, gatePtr: usize, nOut: i32,
  shiftW: i32, sExpW: i32, shiftT: i32, gBits: i32, wThr: i32, hi: i32, lo: i32, mode: i32, cExp: i32,
): i32 {
  const unitBits = 7 + gBits;
  const unitMask = (1 << unitBits) - 1;
  let changed = 0;
  for (let k = 0; k < nActive; k++) {
    const i = load<i32>(activePtr + (<usize>k << 2));
    const row = <usize>i * <usize>nOut;
    for (let j = 0; j < nOut; j++) {
      const t = <i32>load<i16>(tagPtr + ((row + <usize>j) << 1));
      if (t == 0) continue;
      const jj = <usize>j << 2;
      let m = ((t * load<i32>(fwPtr + jj)) >> shiftW) << sExpW;
      if (m > 32767) m = 32767;
      else if (m < -32769) m = -32769;
      const gate = load<i32>(gatePtr + jj);
      const c = cExp < 0 ? 0 : ((t > 0 ? gate : -gate) >> shiftT) << cExp;
      if (m == 0 && c == 0) continue;
      const wp = wPtr + ((row + <usize>j) << 1);
      const w0 = <i32>load<i16>(wp);
      let a = (w0 << 7) + m;
      if (a > 32767) a = 32767;
      else if (a < -32769) a = -32769;
      a += c;
      if (a > 32767) a = 32767;
      else if (a < -32769) a = -32769;
      if (mode == 1 && a < 0) a = 0;
      else if (mode == 2 && a > 0) a = 0;
      let q = ((a >> unitBits) + ((a & unitMask) > wThr ? 1 : 0)) << gBits;
      if (q > hi) q = hi;
      else if (q < lo) q = lo;
      if (q != w0) {
        changed++;
        store<i16>(wp, <i16>q);
      }
    }
  }
  return changed;
}

/** Dense input of one sample: acc[j] += w[i][j] for every spiking input i (Int16 weights, Int32 acc). */
export function denseAccumulate(wPtr: usize, spikePtr: usize, nIn: i32, accPtr: usize, nOut: i32): void {
  const n8 = nOut & ~7;
  for (let i = 0; i < nIn; i++) {
    if (load<u8>(spikePtr + <usize>i) == 0) continue;
    const row = wPtr + ((<usize>i * <usize>nOut) << 1);
    let j = 0;
    for (; j < n8; j += 8) {
      const w = v128.load(row + (<usize>j << 1));
      const pa = accPtr + (<usize>j << 2);
      v128.store(pa, i32x4.add(v128.load(pa), i32x4.extend_low_i16x8_s(w)));
      v128.store(pa + 16, i32x4.add(v128.load(pa + 16), i32x4.extend_high_i16x8_s(w)));
    }
    for (; j < nOut; j++) {
      const pa = accPtr + (<usize>j << 2);
      store<i32>(pa, load<i32>(pa) + <i32>load<i16>(row + (<usize>j << 1)));
    }
  }
}
