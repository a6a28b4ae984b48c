// SPDX-License-Identifier: MIT
/**
 * AssemblyScript SIMD kernels of spiking training (compiled to spiking.wasm by
 * scripts/build-wasm.mjs; loaded by ./wasm-ops.ts on the same shared memory as the product
 * kernels). Whole per-layer loops run in one call, so nothing crosses into JavaScript per step:
 *
 * - lif_layer: T steps of one LIF layer of B copies (bias, synaptic input, CUBA LIF step with its
 *   surrogate derivative, spike count, layer output h) — `lifLayerForward` of ./ops.ts;
 * - three_factor: the backward eligibility filters and the event-driven outer products of the
 *   three-factor update, bias gradient included — `threeFactorAccumulate` of ./ops.ts;
 * - bptt_layer: one layer of surrogate-gradient BPTT (backward membrane/current filters, weight
 *   and bias gradients, gradient to the layer below) — `bpttLayerBackward` of ./ops.ts;
 * - lif_step, trace_update: the single-step ops `lifStep`, `traceUpdate`.
 *
 * Layout: every address is a byte offset into the imported memory. Layer state rows ([B][nOut])
 * are padded to P = nOut rounded up to 4 floats (rowB = 4 P bytes, pad lanes zero); the
 * elementwise loops touch only the nOut real lanes (vectors, then a scalar tail), so pad lanes stay
 * zero whatever the parameters. Input frames and dense inputs are [B][nIn] unpadded. All arithmetic
 * is float32 (the plain-JS ops form intermediates in float64).
 */

// ---- products (same arithmetic as the hand-written kernels of ./wasm-ops.ts) ----

/** dst[n] += sum_j vals[j] * row_j[n] for n < lenB / 4; rows[j]: byte address of row j. */
function addRows(dst: usize, rows: usize, vals: usize, m: i32, lenB: i32): void {
  let j = 0;
  for (; j + 8 <= m; j += 8) {
    const p = rows + (<usize>j << 2), q = vals + (<usize>j << 2);
    const w0 = <usize>load<u32>(p), w1 = <usize>load<u32>(p, 4), w2 = <usize>load<u32>(p, 8), w3 = <usize>load<u32>(p, 12);
    const w4 = <usize>load<u32>(p, 16), w5 = <usize>load<u32>(p, 20), w6 = <usize>load<u32>(p, 24), w7 = <usize>load<u32>(p, 28);
    const a0 = f32x4.splat(load<f32>(q)), a1 = f32x4.splat(load<f32>(q, 4)), a2 = f32x4.splat(load<f32>(q, 8)), a3 = f32x4.splat(load<f32>(q, 12));
    const a4 = f32x4.splat(load<f32>(q, 16)), a5 = f32x4.splat(load<f32>(q, 20)), a6 = f32x4.splat(load<f32>(q, 24)), a7 = f32x4.splat(load<f32>(q, 28));
    for (let n: usize = 0; n < <usize>lenB; n += 16) {
      const s01 = f32x4.add(f32x4.mul(v128.load(w0 + n), a0), f32x4.mul(v128.load(w1 + n), a1));
      const s23 = f32x4.add(f32x4.mul(v128.load(w2 + n), a2), f32x4.mul(v128.load(w3 + n), a3));
      const s45 = f32x4.add(f32x4.mul(v128.load(w4 + n), a4), f32x4.mul(v128.load(w5 + n), a5));
      const s67 = f32x4.add(f32x4.mul(v128.load(w6 + n), a6), f32x4.mul(v128.load(w7 + n), a7));
      const s = f32x4.add(f32x4.add(s01, s23), f32x4.add(s45, s67));
      v128.store(dst + n, f32x4.add(s, v128.load(dst + n)));
    }
  }
  for (; j + 4 <= m; j += 4) {
    const p = rows + (<usize>j << 2), q = vals + (<usize>j << 2);
    const w0 = <usize>load<u32>(p), w1 = <usize>load<u32>(p, 4), w2 = <usize>load<u32>(p, 8), w3 = <usize>load<u32>(p, 12);
    const a0 = f32x4.splat(load<f32>(q)), a1 = f32x4.splat(load<f32>(q, 4)), a2 = f32x4.splat(load<f32>(q, 8)), a3 = f32x4.splat(load<f32>(q, 12));
    for (let n: usize = 0; n < <usize>lenB; n += 16) {
      const s01 = f32x4.add(f32x4.mul(v128.load(w0 + n), a0), f32x4.mul(v128.load(w1 + n), a1));
      const s23 = f32x4.add(f32x4.mul(v128.load(w2 + n), a2), f32x4.mul(v128.load(w3 + n), a3));
      v128.store(dst + n, f32x4.add(f32x4.add(s01, s23), v128.load(dst + n)));
    }
  }
  for (; j < m; j++) {
    const w0 = <usize>load<u32>(rows + (<usize>j << 2));
    const a0 = f32x4.splat(load<f32>(vals + (<usize>j << 2)));
    for (let n: usize = 0; n < <usize>lenB; n += 16) {
      v128.store(dst + n, f32x4.add(f32x4.mul(v128.load(w0 + n), a0), v128.load(dst + n)));
    }
  }
}

/** out[b] += sum_k x[b][k] W_k over the nonzero x[b][k] (x dense [B][nIn], W_k at w + k rowB). */
function accInput(x: usize, B: i32, nIn: i32, w: usize, rowB: i32, out: usize, rows: usize, vals: usize): void {
  for (let b = 0; b < B; b++) {
    const xo = x + <usize>(b * nIn) * 4;
    let cnt = 0;
    for (let k = 0; k < nIn; k++) {
      const xv = load<f32>(xo + (<usize>k << 2));
      if (xv != 0) {
        store<u32>(rows + (<usize>cnt << 2), <u32>(w + <usize>k * <usize>rowB));
        store<f32>(vals + (<usize>cnt << 2), xv);
        cnt++;
      }
    }
    if (cnt > 0) addRows(out + <usize>b * <usize>rowB, rows, vals, cnt, rowB);
  }
}

/** dW_k += sum_b x[b][k] M_b over the nonzero x[b][k] (M_b at m + b rowB, dW_k at dW + k rowB). */
function outerAcc(x: usize, B: i32, nIn: i32, m: usize, rowB: i32, dW: usize, rows: usize, vals: usize): void {
  for (let k = 0; k < nIn; k++) {
    let cnt = 0;
    for (let b = 0; b < B; b++) {
      const xv = load<f32>(x + (<usize>(b * nIn + k) << 2));
      if (xv != 0) {
        store<u32>(rows + (<usize>cnt << 2), <u32>(m + <usize>b * <usize>rowB));
        store<f32>(vals + (<usize>cnt << 2), xv);
        cnt++;
      }
    }
    if (cnt > 0) addRows(dW + <usize>k * <usize>rowB, rows, vals, cnt, rowB);
  }
}

@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** g[k] = M . W_k for k < nIn (M one padded row; W_k at w + k rowB); four rows of W at a time. */
function dotRows(mRow: usize, w: usize, rowB: i32, nIn: i32, g: usize): void {
  let k = 0;
  const rb = <usize>rowB;
  for (; k + 4 <= nIn; k += 4) {
    const r0 = w + <usize>k * rb, r1 = r0 + rb, r2 = r1 + rb, r3 = r2 + rb;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    for (let n: usize = 0; n < rb; n += 16) {
      const mv = v128.load(mRow + n);
      s0 = f32x4.add(s0, f32x4.mul(v128.load(r0 + n), mv));
      s1 = f32x4.add(s1, f32x4.mul(v128.load(r1 + n), mv));
      s2 = f32x4.add(s2, f32x4.mul(v128.load(r2 + n), mv));
      s3 = f32x4.add(s3, f32x4.mul(v128.load(r3 + n), mv));
    }
    const o = g + (<usize>k << 2);
    store<f32>(o, hsum(s0));
    store<f32>(o, hsum(s1), 4);
    store<f32>(o, hsum(s2), 8);
    store<f32>(o, hsum(s3), 12);
  }
  for (; k < nIn; k++) {
    const r0 = w + <usize>k * rb;
    let s0 = f32x4.splat(0);
    for (let n: usize = 0; n < rb; n += 16) s0 = f32x4.add(s0, f32x4.mul(v128.load(r0 + n), v128.load(mRow + n)));
    store<f32>(g + (<usize>k << 2), hsum(s0));
  }
}

// ---- the LIF step ----

// Step constants, set by set_lif before a LIF kernel runs (globals: the kernels take fewer arguments).
let aMem: f32 = 0, aExc: f32 = 0, aInh: f32 = 0, kExc: f32 = 0, kInh: f32 = 0;
let vRest: f32 = 0, vReset: f32 = 0, vTh: f32 = 0, refSteps: f32 = 0, psiBeta: f32 = 1;

export function set_lif(am: f32, ae: f32, ai: f32, ke: f32, ki: f32, vr: f32, vres: f32, vt: f32, rs: f32, pb: f32): void {
  aMem = am; aExc = ae; aInh = ai; kExc = ke; kInh = ki;
  vRest = vr; vReset = vres; vTh = vt; refSteps = rs; psiBeta = pb;
}

/**
 * One LIF step of elements [i0, i1) (byte offsets from each array base; i1 - i0 a multiple of 16
 * on the vector path): see `lifStep` in ./ops.ts. iInh, psi: 0 for none. Adds w * spike to h when
 * h != 0. Returns the spikes.
 */
@inline function lifVec(o: usize, v: usize, iExc: usize, iInh: usize, ref: usize, spikes: usize, psi: usize, h: usize, w: v128): v128 {
  const one = f32x4.splat(1), zero = f32x4.splat(0);
  const ie = v128.load(iExc + o);
  const ii = iInh ? v128.load(iInh + o) : zero;
  let r = v128.load(ref + o);
  r = v128.bitselect(f32x4.sub(r, one), r, f32x4.gt(r, zero));
  const free = f32x4.le(r, zero);
  const v0 = v128.load(v + o);
  const vr = f32x4.splat(vRest);
  let vi = f32x4.add(f32x4.add(f32x4.add(vr, f32x4.mul(f32x4.sub(v0, vr), f32x4.splat(aMem))), f32x4.mul(ie, f32x4.splat(kExc))), f32x4.mul(ii, f32x4.splat(kInh)));
  vi = v128.bitselect(vi, v0, free);
  v128.store(iExc + o, f32x4.mul(ie, f32x4.splat(aExc)));
  if (iInh) v128.store(iInh + o, f32x4.mul(ii, f32x4.splat(aInh)));
  const th = f32x4.splat(vTh);
  if (psi) {
    const d = f32x4.add(one, f32x4.mul(f32x4.splat(psiBeta), f32x4.abs(f32x4.sub(vi, th))));
    v128.store(psi + o, f32x4.div(one, f32x4.mul(d, d)));
  }
  const fire = v128.and(free, f32x4.gt(vi, th));
  const s = v128.and(fire, one);
  v128.store(spikes + o, s);
  v128.store(v + o, v128.bitselect(f32x4.splat(vReset), vi, fire));
  v128.store(ref + o, v128.bitselect(f32x4.splat(refSteps), r, fire));
  if (h) v128.store(h + o, f32x4.add(v128.load(h + o), f32x4.mul(s, w)));
  return s;
}

@inline function lifScalar(o: usize, v: usize, iExc: usize, iInh: usize, ref: usize, spikes: usize, psi: usize, h: usize, w: f32): f32 {
  const ie = load<f32>(iExc + o);
  const ii: f32 = iInh ? load<f32>(iInh + o) : 0;
  let vi = load<f32>(v + o);
  let r = load<f32>(ref + o);
  if (r > 0) r -= 1;
  if (r <= 0) vi = ((vRest + (vi - vRest) * aMem) + ie * kExc) + ii * kInh;
  store<f32>(iExc + o, ie * aExc);
  if (iInh) store<f32>(iInh + o, ii * aInh);
  if (psi) {
    const d: f32 = 1 + psiBeta * Mathf.abs(vi - vTh);
    store<f32>(psi + o, 1 / (d * d));
  }
  let s: f32 = 0;
  if (r <= 0 && vi > vTh) {
    s = 1;
    vi = vReset;
    r = refSteps;
  }
  store<f32>(spikes + o, s);
  store<f32>(v + o, vi);
  store<f32>(ref + o, r);
  if (h) store<f32>(h + o, load<f32>(h + o) + s * w);
  return s;
}

/** LIF step of B rows of nOut real lanes (row stride rowB bytes); returns the spike count. */
function lifRows(B: i32, nOut: i32, rowB: i32, v: usize, iExc: usize, iInh: usize, ref: usize, spikes: usize, psi: usize, h: usize, w: f32): i32 {
  const vecB = <usize>(nOut & ~3) << 2, endB = <usize>nOut << 2;
  const wv = f32x4.splat(w);
  let acc = f32x4.splat(0);
  let tail: f32 = 0;
  for (let b = 0; b < B; b++) {
    const row = <usize>b * <usize>rowB;
    for (let o = row; o < row + vecB; o += 16) acc = f32x4.add(acc, lifVec(o, v, iExc, iInh, ref, spikes, psi, h, wv));
    for (let o = row + vecB; o < row + endB; o += 4) tail += lifScalar(o, v, iExc, iInh, ref, spikes, psi, h, w);
  }
  return <i32>hsum(acc) + <i32>tail;
}

/** `lifStep` over len contiguous elements (no row padding); returns the spike count. */
export function lif_step(len: i32, v: usize, iExc: usize, iInh: usize, ref: usize, spikes: usize, psi: usize): i32 {
  return lifRows(1, len, len << 2, v, iExc, iInh, ref, spikes, psi, 0, 0);
}

/** `traceUpdate`: x <- x * decay + s over len elements. */
export function trace_update(len: i32, x: usize, s: usize, decay: f32): void {
  const d = f32x4.splat(decay);
  const vecB = <usize>(len & ~3) << 2, endB = <usize>len << 2;
  for (let o: usize = 0; o < vecB; o += 16) v128.store(x + o, f32x4.add(f32x4.mul(v128.load(x + o), d), v128.load(s + o)));
  for (let o = vecB; o < endB; o += 4) store<f32>(x + o, load<f32>(x + o) * decay + load<f32>(s + o));
}

/** a[b] += c for B padded rows (c: one padded row). */
function addRowToAll(a: usize, c: usize, B: i32, rowB: i32): void {
  for (let b = 0; b < B; b++) {
    const row = a + <usize>b * <usize>rowB;
    for (let n: usize = 0; n < <usize>rowB; n += 16) v128.store(row + n, f32x4.add(v128.load(row + n), v128.load(c + n)));
  }
}

/**
 * T steps of one LIF layer (single current, no inhibitory input), state zeroed first:
 *   iExc += bias; iExc += frames[t] W; LIF step (spikes[t], psi[t]); h += wt[t] * spikes[t]
 * frames: [T][B][nIn]; spikes, psi (0: not recorded): [T][B][P]; v, iExc, ref, h: [B][P];
 * wt: T floats; rows, vals: nIn words of scratch. Returns the spike count.
 */
export function lif_layer(
  frames: usize, T: i32, B: i32, nIn: i32, w: usize, bias: usize, nOut: i32, rowB: i32,
  v: usize, iExc: usize, ref: usize, h: usize, spikes: usize, psi: usize, wt: usize, rows: usize, vals: usize,
): i32 {
  const stateB = <usize>B * <usize>rowB;
  memory.fill(v, 0, stateB);
  memory.fill(iExc, 0, stateB);
  memory.fill(ref, 0, stateB);
  memory.fill(h, 0, stateB);
  let count = 0;
  for (let t = 0; t < T; t++) {
    addRowToAll(iExc, bias, B, rowB);
    accInput(frames + <usize>t * <usize>(B * nIn) * 4, B, nIn, w, rowB, iExc, rows, vals);
    count += lifRows(B, nOut, rowB, v, iExc, 0, ref, spikes + <usize>t * stateB, psi ? psi + <usize>t * stateB : 0, h, load<f32>(wt + (<usize>t << 2)));
  }
  return count;
}

/**
 * The three-factor update of one layer (see ../../plasticity/three-factor.ts), backwards in time:
 *   f1 = f1 aMem + wt[t] psi[t];  f2 = f2 aSyn + f1;  G = (m kSyn) f2
 *   dW += pre[t]^T G;  db += sum_b G
 * pre: [T][B][nIn]; psi: [T][B][P]; m, f1, f2, G: [B][P]; dW: [nIn][P]; db: P floats.
 */
export function three_factor(
  pre: usize, T: i32, B: i32, nIn: i32, psi: usize, m: usize, nOut: i32, rowB: i32,
  dW: usize, db: usize, f1: usize, f2: usize, G: usize, wt: usize, rows: usize, vals: usize,
  am: f32, as: f32, ks: f32,
): void {
  const stateB = <usize>B * <usize>rowB;
  memory.fill(f1, 0, stateB);
  memory.fill(f2, 0, stateB);
  const aM = f32x4.splat(am), aS = f32x4.splat(as), kS = f32x4.splat(ks);
  for (let t = T - 1; t >= 0; t--) {
    const p = psi + <usize>t * stateB;
    const w = f32x4.splat(load<f32>(wt + (<usize>t << 2)));
    for (let o: usize = 0; o < stateB; o += 16) {
      const a = f32x4.add(f32x4.mul(v128.load(f1 + o), aM), f32x4.mul(w, v128.load(p + o)));
      const c = f32x4.add(f32x4.mul(v128.load(f2 + o), aS), a);
      v128.store(f1 + o, a);
      v128.store(f2 + o, c);
      v128.store(G + o, f32x4.mul(f32x4.mul(v128.load(m + o), kS), c));
    }
    outerAcc(pre + <usize>t * <usize>(B * nIn) * 4, B, nIn, G, rowB, dW, rows, vals);
    addRowsOf(db, G, B, rowB);
  }
}

/** acc += sum_b a[b] (B padded rows, in order b = 0, 1, ...). */
function addRowsOf(acc: usize, a: usize, B: i32, rowB: i32): void {
  for (let b = 0; b < B; b++) {
    const row = a + <usize>b * <usize>rowB;
    for (let n: usize = 0; n < <usize>rowB; n += 16) v128.store(acc + n, f32x4.add(v128.load(acc + n), v128.load(row + n)));
  }
}

/**
 * One layer of surrogate-gradient BPTT (see ../../plasticity/bp.ts), backwards in time:
 *   dv = dS[t] psi[t] + aMem (1 - s[t]) dv;  dc = kSyn dv + aSyn dc
 *   dW += inSp[t]^T dc;  db += sum_b dc;  dSin[t] = dc W^T (when dSin != 0)
 * inSp: [T][B][nIn]; spikes, psi, dS: [T][B][P]; dv, dc: [B][P]; w, dW: [nIn][P]; dSin: [T][B][nIn].
 */
export function bptt_layer(
  inSp: usize, T: i32, B: i32, nIn: i32, spikes: usize, psi: usize, dS: usize, nOut: i32, rowB: i32,
  w: usize, dW: usize, db: usize, dv: usize, dc: usize, dSin: usize, rows: usize, vals: usize,
  am: f32, as: f32, ks: f32,
): void {
  const stateB = <usize>B * <usize>rowB;
  memory.fill(dv, 0, stateB);
  memory.fill(dc, 0, stateB);
  const aM = f32x4.splat(am), aS = f32x4.splat(as), kS = f32x4.splat(ks), one = f32x4.splat(1);
  for (let t = T - 1; t >= 0; t--) {
    const at = <usize>t * stateB;
    for (let o: usize = 0; o < stateB; o += 16) {
      const s = v128.load(spikes + at + o);
      const a = f32x4.add(f32x4.mul(v128.load(dS + at + o), v128.load(psi + at + o)), f32x4.mul(f32x4.mul(aM, f32x4.sub(one, s)), v128.load(dv + o)));
      const c = f32x4.add(f32x4.mul(kS, a), f32x4.mul(aS, v128.load(dc + o)));
      v128.store(dv + o, a);
      v128.store(dc + o, c);
    }
    outerAcc(inSp + <usize>t * <usize>(B * nIn) * 4, B, nIn, dc, rowB, dW, rows, vals);
    addRowsOf(db, dc, B, rowB);
    if (dSin) {
      const out = dSin + <usize>t * <usize>(B * nIn) * 4;
      for (let b = 0; b < B; b++) dotRows(dc + <usize>b * <usize>rowB, w, rowB, nIn, out + <usize>(b * nIn) * 4);
    }
  }
}
