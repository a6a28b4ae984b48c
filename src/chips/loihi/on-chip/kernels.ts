// SPDX-License-Identifier: MIT
/**
 * The integer arithmetic of Lava's bit-approximate learning engine (shared/reference/
 * loihi-learning.md §3-§6), as small kernels over typed arrays, so a batch of samples can learn
 * the way one chip core would. Scalar forms first (they are the specification the vector kernels
 * and their tests follow), then the batched kernels the on-chip trainer runs.
 *
 * - Traces (§3): 7-bit, impulse `int + [r < frac8]` with r an integer 0..127 (so frac8 >= 128
 *   always rounds up), then clipped to 0..127; decay `floor(p) + [r < p mod 1]`, p = exp(-1/tau) v
 *   in float64, r a float in [0, 1).
 * - Products (§5): `m = dep * prod clip(f + c, -2^W, 2^W - 1) * mant`, then `m >>= max(0,
 *   sum W + 4 - 15)` (floor), `m <<= sExp` (sExp = exponent + 7), saturated to [-32769, 32767];
 *   the accumulator saturates after every product, in string order.
 * - Synaptic variables (§6): `A = var << 7` plus the products; sign mode; stochastic rounding
 *   `q = floor(A/128) + [rw < (A mod 128)/128]`; clip (weights by sign mode, tag_1 [-257, 255]).
 *
 * One random value per generator is shared by every neuron and synapse in a step (§4); the
 * kernels take it as an argument. `roundSynVar` generalises §6 to a coarser weight grid (step g,
 * a power of two): `q = g * (floor(A/128g) + [rw < (A mod 128g)/128g])`; g = 1 is Lava's rule.
 */

export const TRACE_MAX = 127;
export const ACC_MIN = -32769;
export const ACC_MAX = 32767;
export const TAG_MIN = -257;
export const TAG_MAX = 255;
/** Accumulator shift of a synaptic variable: 16-bit accumulator minus 9-bit variable (§6). */
export const VAR_SHIFT = 7;
/** Factor widths (§5). */
export const W_DEP = 1;
export const W_TRACE = 7;
export const W_SYNVAR = 9;

export type Rounding = 'stochastic' | 'nearest';
export type SignModeName = 'MIXED' | 'EXCITATORY' | 'INHIBITORY';

/** Impulse split (§3): integer part and the fraction in 1/256 (numpy round: half to even). */
export function splitImpulse(imp: number): { int: number; frac8: number } {
  const int = Math.floor(imp);
  const x = (imp - int) * 256;
  let frac8 = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5 && frac8 % 2 !== 0) frac8 -= 1; // half to even
  return { int, frac8 };
}

/** Impulse add (§3): r is the shared integer random 0..127. */
export function addImpulse(v: number, int: number, frac8: number, r: number): number {
  const x = v + int + (r < frac8 ? 1 : 0);
  return x > TRACE_MAX ? TRACE_MAX : x < 0 ? 0 : x;
}

/** Decay factor exp(-1/tau) of one step (tau 0 replaces the trace by 0: factor 0). */
export function decayFactor(tau: number): number {
  return tau === 0 ? 0 : Math.exp(-1 / tau);
}

/** Decay by one step (§3): r is the shared float random in [0, 1). */
export function decayTrace(v: number, factor: number, r: number): number {
  const p = factor * v;
  const f = Math.floor(p);
  return f + (r < p - f ? 1 : 0);
}

/** Right shift of a product whose factors have these widths (the dependency not counted, §5). */
export function productShift(widths: readonly number[]): number {
  return Math.max(0, widths.reduce((a, w) => a + w, 0) + 4 - 15);
}

/** Saturation of a factor of width W after its constant is added. */
export function clipFactor(f: number, width: number): number {
  const hi = 2 ** width - 1;
  const lo = -(2 ** width);
  return f > hi ? hi : f < lo ? lo : f;
}

export interface ProductTerm {
  /** Scale mantissa -8..7 (sign included) and stored exponent sExp = exponent + 7 (0..15). */
  mant: number;
  sExp: number;
  /** Factor widths (W_TRACE, W_SYNVAR, ...) and the constants added inside brackets. */
  widths: number[];
  consts?: number[];
}

/** One product's contribution to the accumulator (§5), given its dependency (0/1) and factor values. */
export function productValue(p: ProductTerm, dep: number, factors: readonly number[]): number {
  let m = dep * p.mant;
  for (let k = 0; k < factors.length; k++) m *= clipFactor(factors[k] + (p.consts?.[k] ?? 0), p.widths[k]);
  m = Math.floor(m / 2 ** productShift(p.widths)) * 2 ** p.sExp;
  return m > ACC_MAX ? ACC_MAX : m < ACC_MIN ? ACC_MIN : m;
}

/** Accumulator after adding a product (saturating, §5). */
export function accumulate(a: number, m: number): number {
  const x = a + m;
  return x > ACC_MAX ? ACC_MAX : x < ACC_MIN ? ACC_MIN : x;
}

/**
 * Rounds an accumulator back to a synaptic variable (§6) on a grid of step g (1 = Lava): stochastic
 * with the shared random rw in [0, 1), or (what-if) to nearest, halves up.
 */
export function roundSynVar(a: number, rw: number, g = 1, rounding: Rounding = 'stochastic'): number {
  const unit = 128 * g;
  const q = Math.floor(a / unit);
  const rem = a - q * unit;
  if (rounding === 'nearest') return g * (q + (2 * rem >= unit ? 1 : 0));
  return g * (q + (rw < rem / unit ? 1 : 0));
}

/** Weight range of a sign mode with 8 magnitude bits (§6, Lava `clip_weights`). */
export function weightRange(mode: SignModeName): { min: number; max: number } {
  return mode === 'MIXED' ? { min: -256, max: 255 } : mode === 'EXCITATORY' ? { min: 0, max: 255 } : { min: -255, max: 0 };
}

/**
 * A new weight from its accumulator (§6): sign mode, rounding to the grid, clip to the range
 * (rounded inward to the grid).
 */
export function weightFromAcc(a: number, rw: number, mode: SignModeName, g: number, rounding: Rounding): number {
  if (mode === 'EXCITATORY' && a < 0) a = 0;
  else if (mode === 'INHIBITORY' && a > 0) a = 0;
  const q = roundSynVar(a, rw, g, rounding);
  const { min, max } = weightRange(mode);
  const hi = Math.floor(max / g) * g;
  const lo = Math.ceil(min / g) * g;
  return q > hi ? hi : q < lo ? lo : q;
}

/** A tag (tag_1, `t`) from its accumulator (§6): no sign mode, rounding, clip [-257, 255]. */
export function tagFromAcc(a: number, rw: number, rounding: Rounding): number {
  const q = roundSynVar(a, rw, 1, rounding);
  return q > TAG_MAX ? TAG_MAX : q < TAG_MIN ? TAG_MIN : q;
}

// ---------------------------------------------------------------------------------------------
// Batched kernels. Layouts: traces [B][n] (Uint8Array), tags [B][nIn][nOut] (Int16Array),
// weights pre-major [nIn][nOut] (Int16Array), one random of each kind per sample.

/**
 * Pre- or post-synaptic trace step of one sample (§3, §5 with t_epoch = 1): every trace decays,
 * then those whose neuron spiked (s != 0) take the impulse.
 */
export function traceStep(x: Uint8Array, off: number, n: number, s: Uint8Array | Float32Array, sOff: number, factor: number, int: number, frac8: number, rDecay: number, rImp: number): void {
  const up = rImp < frac8 ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const v = x[off + i];
    let d = v;
    if (v !== 0) {
      const p = factor * v;
      const f = Math.floor(p);
      d = f + (rDecay < p - f ? 1 : 0);
    }
    if (s[sOff + i] !== 0) {
      d += int + up;
      if (d > TRACE_MAX) d = TRACE_MAX;
    }
    x[off + i] = d;
  }
}

/**
 * Eligibility step of one sample: `dt = mant*2^(sExp-7) * u0 * x1 * y1` on every synapse of the
 * rows `active` (pre neurons whose x1 is nonzero), tag <- round((tag << 7) + product), clip
 * [-257, 255]. Skipping the other synapses is exact while tags stay >= -256 (their accumulator
 * `tag << 7` then needs no saturation and rounds back to the tag): with mant > 0 and the commit's
 * clearing, tags stay in [0, 255].
 */
export function eligibilityStep(
  tag: Int16Array,
  tagOff: number,
  active: Int32Array,
  nActive: number,
  x1: Uint8Array,
  xOff: number,
  y1: Uint8Array,
  yOff: number,
  nOut: number,
  mant: number,
  sExp: number,
  rw: number,
  rounding: Rounding,
): void {
  const shift = productShift([W_TRACE, W_TRACE]);
  // q = floor(A/128) + [rw < (A mod 128)/128]  <=>  (A >> 7) + ((A & 127) > floor(128 rw))
  const thr = rounding === 'stochastic' ? Math.floor(rw * 128) : 63;
  for (let k = 0; k < nActive; k++) {
    const i = active[k];
    const xm = x1[xOff + i] * mant;
    const row = tagOff + i * nOut;
    for (let j = 0; j < nOut; j++) {
      // x1, y1 <= 127 and |mant| <= 8: the product and its shift stay in int32
      let m = ((xm * y1[yOff + j]) >> shift) << sExp;
      if (m > ACC_MAX) m = ACC_MAX;
      else if (m < ACC_MIN) m = ACC_MIN;
      const t = tag[row + j];
      let q: number;
      if (t >= 0 && m >= 0) {
        // no low saturation possible; high saturation only raises q past 255, clipped below
        q = t + (m >> 7) + ((m & 127) > thr ? 1 : 0);
        if (q > TAG_MAX) q = TAG_MAX;
      } else {
        let a = (t << 7) + m;
        if (a > ACC_MAX) a = ACC_MAX;
        else if (a < ACC_MIN) a = ACC_MIN;
        q = (a >> 7) + ((a & 127) > thr ? 1 : 0);
        if (q > TAG_MAX) q = TAG_MAX;
        else if (q < TAG_MIN) q = TAG_MIN;
      }
      tag[row + j] = q;
    }
  }
}

/** Offset of the third factor on y1 at a sample's last step: y1 = THIRD_OFFSET - m, read as (y1 - 64). */
export const THIRD_OFFSET = 64;

/** y3 payload of a sample's first step (the only one y3 is sent): clears the tag exactly (-(t * 32) >> 5 = -t). */
export const CLEAR_PULSE = 32;

/** y2 payload of a sample's last step where the third factor is nonzero: opens dw (and its floor compensation). */
export const GATE = 32;

/**
 * The weight update that ends a sample, on every synapse of the rows `active`, with the ports of
 * the last step y2 = the gate (32 where m != 0, else 0) and y1 = 64 - m:
 *   dw = mantW*2^(sExpW-7) * u0 * t * (y1 - 64) * y2          (tag x third factor, gated)
 *        [+ 2^(compSExp-7) * u0 * sgn(t) * y2]                (optional: half a unit of the first
 *                                                               product, so its floor rounds to
 *                                                               nearest; gated, so m = 0 adds nothing)
 * Both read the pre-update tag (§5). The weight goes through the sign mode, rounding to the grid g
 * (a power of two) and the clip. The tags are left to `closeSample`. Synapses with t = 0 add
 * nothing and are skipped (exact: weights >= -256 need no accumulator saturation). Returns the
 * number of weights that changed.
 */
export function commitStep(
  w: Int16Array,
  tag: Int16Array,
  tagOff: number,
  active: Int32Array,
  nActive: number,
  y2: Int32Array,
  y1: Int32Array,
  yOff: number,
  nOut: number,
  mantW: number,
  sExpW: number,
  rw: number,
  mode: SignModeName,
  g: number,
  rounding: Rounding,
  compSExp = -1,
): number {
  const shiftW = productShift([W_SYNVAR, W_TRACE, W_TRACE]);
  const shiftT = productShift([W_SYNVAR, W_TRACE]);
  const { min, max } = weightRange(mode);
  const hi = Math.floor(max / g) * g;
  const lo = Math.ceil(min / g) * g;
  const gBits = Math.log2(g);
  const unitBits = 7 + gBits;
  const unitMask = (1 << unitBits) - 1;
  const wThr = rounding === 'stochastic' ? Math.floor(rw * (1 << unitBits)) : (1 << (unitBits - 1)) - 1;
  // per post neuron: the product of the factors that do not depend on the synapse
  const fw = new Int32Array(nOut);
  const gate = new Int32Array(nOut);
  for (let j = 0; j < nOut; j++) {
    gate[j] = clipFactor(y2[yOff + j], W_TRACE);
    fw[j] = clipFactor(y1[yOff + j] - THIRD_OFFSET, W_TRACE) * gate[j] * mantW;
  }
  let changed = 0;
  for (let k = 0; k < nActive; k++) {
    const i = active[k];
    const row = tagOff + i * nOut;
    const wrow = i * nOut;
    for (let j = 0; j < nOut; j++) {
      const t = tag[row + j];
      if (t === 0) continue;
      // weight: |t * fw| <= 257 * 128 * 128 * 8 < 2^31
      let m = ((t * fw[j]) >> shiftW) * (1 << sExpW);
      if (m > ACC_MAX) m = ACC_MAX;
      else if (m < ACC_MIN) m = ACC_MIN;
      // floor compensation 2^(compSExp-7) * u0 * sgn(t) * y2, the next product in string order
      const c = compSExp < 0 ? 0 : ((t > 0 ? gate[j] : -gate[j]) >> shiftT) << compSExp;
      if (m === 0 && c === 0) continue;
      const w0 = w[wrow + j];
      let a = (w0 << 7) + m;
      if (a > ACC_MAX) a = ACC_MAX;
      else if (a < ACC_MIN) a = ACC_MIN;
      a += c;
      if (a > ACC_MAX) a = ACC_MAX;
      else if (a < ACC_MIN) a = ACC_MIN;
      if (mode === 'EXCITATORY' && a < 0) a = 0;
      else if (mode === 'INHIBITORY' && a > 0) a = 0;
      let q = ((a >> unitBits) + ((a & unitMask) > wThr ? 1 : 0)) << gBits;
      if (q > hi) q = hi;
      else if (q < lo) q = lo;
      if (q !== w0) {
        changed++;
        w[wrow + j] = q;
      }
    }
  }
  return changed;
}

/**
 * The tags of one sample's slot after its last step (dt = -u0*t*y3 + 2^e*u0*x1*y1 with y3 = 0 and
 * y1 = 64 - m: eligibility that means nothing) and the next sample's first step, whose clear
 * pulse y3 = `pulse` comes first in string order (-(t*32) >> 5 = -t). With the pulse at 32 every
 * tag ends at 0, exactly (tags stay in [0, 255], no saturation); when the y port's decay made it 31
 * the rest g + floor(-31 g / 32) is computed from the last step's eligibility (`eligibilityStep`
 * on the rows with x1 != 0, with that step's random), and carried into the next sample of the slot.
 * Both sums of the clear are multiples of 128, so the next first step's eligibility, rounded once
 * with it on the chip, lands on the same integer tag.
 */
export function closeSample(
  tag: Int16Array, tagOff: number, nIn: number, nOut: number, x1: Uint8Array, xOff: number, y1: Uint8Array, yOff: number,
  elig: { mant: number; sExp: number }, rw: number, rounding: Rounding, pulse: number,
): void {
  const end = tagOff + nIn * nOut;
  if (pulse === CLEAR_PULSE) {
    tag.fill(0, tagOff, end);
    return;
  }
  const active = new Int32Array(nIn);
  let na = 0;
  for (let i = 0; i < nIn; i++) if (x1[xOff + i] !== 0) active[na++] = i;
  eligibilityStep(tag, tagOff, active, na, x1, xOff, y1, yOff, nOut, elig.mant, elig.sExp, rw, rounding);
  const shiftT = productShift([W_SYNVAR, W_TRACE]);
  const p = clipFactor(pulse, W_TRACE);
  for (let k = tagOff; k < end; k++) {
    const t = tag[k];
    if (t === 0) continue;
    let mt = ((-t * p) >> shiftT) << VAR_SHIFT;
    if (mt > ACC_MAX) mt = ACC_MAX;
    else if (mt < ACC_MIN) mt = ACC_MIN;
    let at = (t << 7) + mt;
    if (at > ACC_MAX) at = ACC_MAX;
    else if (at < ACC_MIN) at = ACC_MIN;
    tag[k] = at >> 7; // a multiple of 128 unless saturated; the first step's rounding comes with its eligibility
  }
}

/**
 * The 3F y-port value a factor sees (§8): the received value passed through one history step with
 * tau 65535 and impulse 0, i.e. floor(v e^(-1/65535)) + [r < frac]; then, for a post neuron that
 * spiked in the epoch, clipped to [0, 127] by the (zero) impulse add.
 */
export const Y_PORT_DECAY = Math.exp(-1 / 65535);
export function yPortValue(v: number, rDecay: number, spiked: boolean): number {
  const p = v * Y_PORT_DECAY;
  const f = Math.floor(p);
  let x = f + (rDecay < p - f ? 1 : 0);
  if (spiked) x = x > TRACE_MAX ? TRACE_MAX : x < 0 ? 0 : x;
  return x;
}
