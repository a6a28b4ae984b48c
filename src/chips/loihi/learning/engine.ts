// SPDX-License-Identifier: MIT
/**
 * Loihi 2 learning engine: Lava's `LearningDense` with `PyLearningDenseModelBitApproximate`
 * (lava-nc/lava b6822fb; shared/reference/loihi-learning.md §3-§8), integer for integer.
 *
 * One step, in Lava's order (§7):
 *   forward(pre)   Dense sends last step's a_buff, accumulates this step's pre spikes with the
 *                  current weights; a pre neuron spiking again within the epoch gets its impulse
 *                  now (random 0); tx := within-epoch time; trace randoms advance.
 *   post(spikes)   post spikes set ty (a repeat within the epoch adds the y impulse with the
 *                  random of the first advance); 3F: y1..y3 := the y-port values; trace randoms
 *                  advance; at the end of an epoch: learning (§5, §6).
 * Learning: x/y trace histories over the epoch (stochastic decay, then impulses at the last spike
 * time), products per synapse (factor saturation, width shift, exponent shift, saturation at
 * 32767/-32769, int32 multiply), sign floor, stochastic rounding to 8 bits, clip.
 *
 * Random numbers come from a LearningRandomSource: `goldenRandom` replays what Lava drew (the
 * golden file), `lavaLearningRandom` (lava-random.ts) regenerates Lava's numpy streams from its
 * rng_seed, `seededLearningRandom` draws from ffsnn's Rng for training.
 * Not modelled: graded pre spikes (§9), sparse (csr) weights, the float model (§10).
 */
import { invalidParam } from '../../../errors.js';
import type { Rng } from '../../../sim/rng.js';
import { shiftSigned } from '../../../fixed/fixed.js';
import type { SignMode } from '../dense-lif.js';
import { FACTOR_WIDTH, productShift, type FactorVar, type ParsedRules, type RuleProduct, parseRules } from './rule.js';

/** Trace width (W_TRACE) and the fraction bits of an impulse (W_TRACE_FRACTIONAL_PART). */
export const TRACE_MAX = 127;
export const IMPULSE_FRAC_BITS = 8;
/** Products and the accumulator saturate to [-(2^15)-1, 2^15-1] (Lava's asymmetric limits). */
export const ACC_MIN = -32769;
export const ACC_MAX = 32767;
/** Synaptic variables enter the 16-bit accumulator shifted left by 16 - 9 bits. */
export const SYNVAR_SHIFT = 7;

export type SynTarget = 'weights' | 'tag_1' | 'tag_2';

/** Integer part and 8-bit fraction of an impulse: floor, and round((imp - int) * 256) half to even. */
export function impulseParts(impulse: number): { int: number; frac8: number } {
  const int = Math.floor(impulse);
  const x = (impulse - int) * 2 ** IMPULSE_FRAC_BITS;
  let frac8 = Math.round(x);
  if (frac8 - x === 0.5 && frac8 % 2 !== 0) frac8 -= 1; // numpy rounds half to even
  return { int, frac8 };
}

/** exp(-1/tau) as Lava uses it; null for tau 0 (the trace is replaced by 0 at every history step). */
export function decayFactor(tau: number): number | null {
  return tau === 0 ? null : Math.exp(-1 / tau);
}

/** One step of stochastic decay: p = f*v, floor(p) + [r < p mod 1] (r uniform in [0,1)); f null -> 0. */
export function traceDecay(v: number, factor: number | null, r: number): number {
  if (factor === null) return 0;
  const p = factor * v;
  const fl = Math.floor(p);
  return fl + (r < p - fl ? 1 : 0);
}

/** Impulse add: clip(v + int + [r < frac8], 0, 127) with r an integer 0..127 (so p = min(frac8,128)/128). */
export function traceImpulse(v: number, int: number, frac8: number, r: number): number {
  const s = v + int + (r < frac8 ? 1 : 0);
  return s < 0 ? 0 : s > TRACE_MAX ? TRACE_MAX : s;
}

/** Factor variables by number, so the learning loop needs no string lookups. */
export const FACTOR_CODE: Record<FactorVar, number> = { x1: 0, x2: 1, y1: 2, y2: 3, y3: 4, x0: 5, y0: 6, w: 7, d: 8, t: 9 };
export const DEPENDENCY_CODE = { x0: 0, y0: 1, u: 2 } as const;

/** A product ready for evaluation: widths, shift and exponent resolved once. */
export interface CompiledProduct {
  dependency: RuleProduct['dependency'];
  /** DEPENDENCY_CODE of the dependency. */
  dep: number;
  factors: { v: FactorVar; code: number; c: number; sgn: boolean; lo: number; hi: number }[];
  mantissa: number;
  shift: number;
  sExp: number;
}

export function compileProducts(products: readonly RuleProduct[]): CompiledProduct[] {
  return products.map((p) => ({
    dependency: p.dependency,
    dep: DEPENDENCY_CODE[p.dependency],
    factors: p.factors.map((f) => ({
      v: f.state_var,
      code: FACTOR_CODE[f.state_var],
      c: f.const ?? 0,
      sgn: f.is_sgn,
      lo: -(2 ** FACTOR_WIDTH[f.state_var]),
      hi: 2 ** FACTOR_WIDTH[f.state_var] - 1,
    })),
    mantissa: p.s_mantissa,
    shift: productShift(p),
    sExp: p.lava_s_exp,
  }));
}

/** A factor's value after its constant, sgn() and saturation to its width. */
export function saturateFactor(raw: number, f: CompiledProduct['factors'][number]): number {
  let x = raw + f.c;
  if (f.sgn) x = Math.sign(x);
  return x < f.lo ? f.lo : x > f.hi ? f.hi : x;
}

/** The end of a product (APPL:305-322): * mantissa in int32, >> width shift, << s_exp, saturate. */
export function scaleTerm(m: number, p: CompiledProduct): number {
  const r = (Math.imul(m, p.mantissa) >> p.shift) << p.sExp;
  return r < ACC_MIN ? ACC_MIN : r > ACC_MAX ? ACC_MAX : r;
}

/** Accumulator add with saturation, after every product. */
export function accumulate(acc: number, term: number): number {
  const a = acc + term;
  return a < ACC_MIN ? ACC_MIN : a > ACC_MAX ? ACC_MAX : a;
}

/**
 * One product term for one synapse (APPL:243-328): dep * prod(clip(f + c)) * mantissa in int32
 * (numpy wraps, so does Math.imul), >> shift, << s_exp, saturated.
 * `value(v)` gives the factor variable as seen under this product's dependency.
 */
export function productTerm(p: CompiledProduct, dep: number, value: (v: FactorVar) => number): number {
  let m = dep | 0;
  for (const f of p.factors) m = Math.imul(m, saturateFactor(value(f.v), f));
  return scaleTerm(m, p);
}

/** Accumulates the products of one target in string order, saturating after each. */
export function evaluateProducts(
  products: readonly CompiledProduct[],
  start: number,
  dep: (d: CompiledProduct['dependency']) => number,
  value: (d: CompiledProduct['dependency'], v: FactorVar) => number,
): number {
  let a = start;
  for (const p of products) a = accumulate(a, productTerm(p, dep(p.dependency), (v) => value(p.dependency, v)));
  return a;
}

/** [lo, hi] of a synaptic variable after learning (weights: clip_weights with 8 bits). */
export function synVarRange(target: SynTarget, signMode: SignMode): [number, number] {
  if (target === 'tag_1') return [-257, 255];
  if (target === 'tag_2') return [0, 255];
  if (signMode === 'EXCITATORY') return [0, 255];
  if (signMode === 'INHIBITORY') return [-255, 0];
  return [-256, 255];
}

/** Sign floor applied to the accumulator before rounding: +1 max(0, A), -1 min(0, A), 0 none. */
export function signFloor(target: SynTarget, signMode: SignMode): -1 | 0 | 1 {
  if ((target === 'weights' && signMode === 'EXCITATORY') || target === 'tag_2') return 1;
  return target === 'weights' && signMode === 'INHIBITORY' ? -1 : 0;
}

/**
 * Accumulator -> synaptic variable (CONN:1028-1172): sign floor (EXCITATORY weights and tag_2 >= 0,
 * INHIBITORY weights <= 0), stochastic rounding floor(A/128) + [rw < (A mod 128)/128], clip.
 */
export function roundAndClip(acc: number, rw: number, target: SynTarget, signMode: SignMode): number {
  const [lo, hi] = synVarRange(target, signMode);
  return roundSynVar(acc, rw, signFloor(target, signMode), lo, hi);
}

/** roundAndClip with the target's floor and range resolved (for inner loops). */
export function roundSynVar(acc: number, rw: number, floor: number, lo: number, hi: number): number {
  const a = floor > 0 ? Math.max(0, acc) : floor < 0 ? Math.min(0, acc) : acc;
  const d = a / 2 ** SYNVAR_SHIFT;
  const fl = Math.floor(d);
  const q = fl + (rw < d - fl ? 1 : 0);
  return q < lo ? lo : q > hi ? hi : q;
}

/**
 * Lava truncates the INITIAL weights once (first run_spk, weightutils.py:204-247) and does not
 * clip them: drop 8 - numWeightBits (+1 if MIXED) LSBs, floor; INHIBITORY on the magnitude.
 */
export function truncateInitialWeights(w: ArrayLike<number>, signMode: SignMode, numWeightBits = 8): Int32Array {
  if (!Number.isInteger(numWeightBits) || numWeightBits < 1 || numWeightBits > 8)
    throw invalidParam('LearningDense', 'numWeightBits', numWeightBits, 'an integer in [1, 8]');
  const n = 8 - numWeightBits + (signMode === 'MIXED' ? 1 : 0);
  const out = new Int32Array(w.length);
  for (let k = 0; k < w.length; k++) {
    const x = signMode === 'INHIBITORY' ? -w[k] : w[k];
    const t = Math.floor(x / 2 ** n) * 2 ** n;
    out[k] = signMode === 'INHIBITORY' ? -t : t;
  }
  return out;
}

/** The values of Lava's four trace generators after one advance. */
export interface TraceRandoms {
  /** x (pre) decay random, uniform [0,1). */
  xDecay: number;
  /** x impulse random, integer 0..127. */
  xImpulse: number;
  yDecay: number;
  yImpulse: number;
}

/** Where the engine's random numbers come from, drawn when Lava draws them (§4). */
export interface LearningRandomSource {
  /** Advances the trace generators (twice per step: after the pre spikes and at the end). */
  advanceTraces(): TraceRandoms;
  /** Advances the synaptic-variable generator (once at the start of every learning phase). */
  advanceSynaptic(): number;
}

/** Training: ffsnn's seeded generator, one forked stream per Lava generator. */
export function seededLearningRandom(rng: Rng): LearningRandomSource {
  const xd = rng.fork('loihi-x-decay');
  const xi = rng.fork('loihi-x-impulse');
  const yd = rng.fork('loihi-y-decay');
  const yi = rng.fork('loihi-y-impulse');
  const syn = rng.fork('loihi-synaptic');
  return {
    advanceTraces: () => ({ xDecay: xd.uniform(), xImpulse: xi.int(128), yDecay: yd.uniform(), yImpulse: yi.int(128) }),
    advanceSynaptic: () => syn.uniform(),
  };
}

export interface TraceParams {
  impulse: number;
  tau: number;
}

export interface LearningRuleConfig {
  dw?: string | null;
  dd?: string | null;
  dt?: string | null;
  /** Learning epoch in steps (>= 1). */
  tEpoch: number;
  /** Loihi3FLearningRule: y1..y3 come from the y ports (impulses 0, taus 65535 forced as in Lava). */
  threeFactor?: boolean;
  x1?: TraceParams;
  x2?: TraceParams;
  y1?: TraceParams;
  y2?: TraceParams;
  y3?: TraceParams;
  /** exp(-1/tau) per trace as the reference used it (default Math.exp; null = tau 0). */
  decayFactors?: Partial<Record<'x1' | 'x2' | 'y1' | 'y2' | 'y3', number | null>>;
}

export interface LearningDenseConfig {
  nPre: number;
  nPost: number;
  /** Row-major [post][pre] initial weights (Lava weights[j][i]). */
  weights: ArrayLike<number>;
  tag1?: ArrayLike<number>;
  tag2?: ArrayLike<number>;
  /** LearningDense does not auto-detect: default MIXED (CONN:142). */
  signMode?: SignMode;
  numWeightBits?: number;
  weightExp?: number;
  rule: LearningRuleConfig;
}

const X_TRACES = ['x1', 'x2'] as const;
const Y_TRACES = ['y1', 'y2', 'y3'] as const;

/** Lava LearningDense (bit-approximate), state in typed arrays indexed [post * nPre + pre]. */
export class LearningDense {
  readonly nPre: number;
  readonly nPost: number;
  readonly tEpoch: number;
  readonly threeFactor: boolean;
  readonly signMode: SignMode;
  readonly weightExp: number;
  readonly rules: ParsedRules;
  weights: Int32Array;
  tag1: Int32Array;
  tag2: Int32Array;
  /** x[k * nPre + i], k = 0 (x1), 1 (x2). */
  x: Int32Array;
  /** y[k * nPost + j], k = 0..2 (y1..y3); 3F: the port values, not clipped. */
  y: Int32Array;
  tx: Int32Array;
  ty: Int32Array;
  aBuff: Float64Array;
  /** Lava time_step of the last step (0 before the first). */
  timeStep = 0;
  /** Learning phases run so far (for cost reports). */
  learningPhases = 0;
  private readonly xParts: { int: number; frac8: number }[];
  private readonly yParts: { int: number; frac8: number }[];
  private readonly xFactor: (number | null)[];
  private readonly yFactor: (number | null)[];
  private readonly compiled: Partial<Record<SynTarget, CompiledProduct[]>>;
  private midRandoms: TraceRandoms | null = null;

  constructor(
    cfg: LearningDenseConfig,
    private readonly random: LearningRandomSource,
  ) {
    const { nPre, nPost, rule } = cfg;
    for (const [k, v] of [['nPre', nPre], ['nPost', nPost]] as const)
      if (!Number.isInteger(v) || v < 1) throw invalidParam('LearningDense', k, v, 'a positive integer');
    if (cfg.weights.length !== nPre * nPost) throw invalidParam('LearningDense', 'weights', `length ${cfg.weights.length}`, `nPost*nPre = ${nPost * nPre}`);
    if (!Number.isInteger(rule.tEpoch) || rule.tEpoch < 1) throw invalidParam('LearningDense', 'tEpoch', rule.tEpoch, 'an integer >= 1');
    this.nPre = nPre;
    this.nPost = nPost;
    this.tEpoch = rule.tEpoch;
    this.threeFactor = !!rule.threeFactor;
    this.signMode = cfg.signMode ?? 'MIXED';
    this.weightExp = cfg.weightExp ?? 0;
    this.rules = parseRules(rule);
    this.compiled = {};
    if (this.rules.dw) this.compiled.weights = compileProducts(this.rules.dw.products);
    if (this.rules.dd) this.compiled.tag_2 = compileProducts(this.rules.dd.products);
    if (this.rules.dt) this.compiled.tag_1 = compileProducts(this.rules.dt.products);
    const trace = (name: (typeof X_TRACES)[number] | (typeof Y_TRACES)[number]): TraceParams => {
      if (this.threeFactor && name[0] === 'y') return { impulse: 0, tau: 65535 };
      const p = rule[name] ?? { impulse: 0, tau: 0 };
      if (!(p.impulse >= 0) || !Number.isFinite(p.impulse)) throw invalidParam('LearningDense', `${name}_impulse`, p.impulse, 'a finite number >= 0');
      if (!(p.tau >= 0)) throw invalidParam('LearningDense', `${name}_tau`, p.tau, 'a number >= 0');
      return p;
    };
    const factor = (name: (typeof X_TRACES)[number] | (typeof Y_TRACES)[number]) => {
      const given = rule.decayFactors?.[name];
      return given !== undefined ? given : decayFactor(trace(name).tau);
    };
    this.xParts = X_TRACES.map((n) => impulseParts(trace(n).impulse));
    this.yParts = Y_TRACES.map((n) => impulseParts(trace(n).impulse));
    this.xFactor = X_TRACES.map(factor);
    this.yFactor = Y_TRACES.map(factor);
    this.weights = truncateInitialWeights(cfg.weights, this.signMode, cfg.numWeightBits ?? 8);
    const init = (v: ArrayLike<number> | undefined, name: string) => {
      if (v && v.length !== nPre * nPost) throw invalidParam('LearningDense', name, `length ${v.length}`, `nPost*nPre = ${nPost * nPre}`);
      return v ? Int32Array.from(v) : new Int32Array(nPre * nPost);
    };
    this.tag1 = init(cfg.tag1, 'tag1');
    this.tag2 = init(cfg.tag2, 'tag2');
    this.x = new Int32Array(2 * nPre);
    this.y = new Int32Array(3 * nPost);
    this.tx = new Int32Array(nPre);
    this.ty = new Int32Array(nPost);
    this.aBuff = new Float64Array(nPost);
  }

  /** Within-epoch time of the current step, 1..tEpoch. */
  private withinEpoch(): number {
    return this.timeStep % this.tEpoch || this.tEpoch;
  }

  /**
   * First half of a step: returns the activation for the post neurons (last step's buffer),
   * accumulates this step's pre spikes with the current weights, processes the pre spikes.
   */
  forward(pre: ArrayLike<number>): Float64Array {
    const { nPre, nPost } = this;
    if (pre.length !== nPre) throw invalidParam('LearningDense', 'pre spikes', `length ${pre.length}`, `${nPre}`);
    this.timeStep++;
    const out = this.aBuff;
    const acc = new Float64Array(nPost);
    for (let i = 0; i < nPre; i++) {
      if (!pre[i]) continue;
      for (let j = 0; j < nPost; j++) acc[j] += this.weights[j * nPre + i];
    }
    for (let j = 0; j < nPost; j++) acc[j] = shiftSigned(acc[j], this.weightExp);
    this.aBuff = acc;
    const ts = this.withinEpoch();
    for (let i = 0; i < nPre; i++) {
      if (!pre[i]) continue;
      // A repeated spike within the epoch adds the impulse now, with random 0 (CONN:719-758).
      if (this.tx[i] > 0)
        for (let k = 0; k < 2; k++) this.x[k * nPre + i] = traceImpulse(this.x[k * nPre + i], this.xParts[k].int, this.xParts[k].frac8, 0);
      this.tx[i] = ts;
    }
    this.midRandoms = this.random.advanceTraces();
    return out;
  }

  /**
   * Second half of a step: post spikes (s_in_bap), for 3F rules the y-port values
   * (`yIn[k][j]`, absent = 0), then learning when the epoch ends. Call after `forward`.
   */
  post(postSpikes: ArrayLike<number>, yIn: (ArrayLike<number> | null | undefined)[] = []): void {
    const { nPost } = this;
    if (!this.midRandoms) throw invalidParam('LearningDense', 'post', 'called twice', 'one forward() before each post()');
    if (postSpikes.length !== nPost) throw invalidParam('LearningDense', 'post spikes', `length ${postSpikes.length}`, `${nPost}`);
    const ts = this.withinEpoch();
    const r = this.midRandoms.yImpulse;
    for (let j = 0; j < nPost; j++) {
      if (!postSpikes[j]) continue;
      if (this.ty[j] > 0)
        for (let k = 0; k < 3; k++) this.y[k * nPost + j] = traceImpulse(this.y[k * nPost + j], this.yParts[k].int, this.yParts[k].frac8, r);
      this.ty[j] = ts;
    }
    if (this.threeFactor)
      for (let k = 0; k < 3; k++) {
        const v = yIn[k];
        if (v && v.length !== nPost) throw invalidParam('LearningDense', `y${k + 1} port`, `length ${v.length}`, `${nPost}`);
        for (let j = 0; j < nPost; j++) this.y[k * nPost + j] = v ? v[j] | 0 : 0;
      }
    this.midRandoms = null;
    const end = this.random.advanceTraces();
    if (this.timeStep % this.tEpoch === 0) this.learn(end);
  }

  /** forward + post with post spikes given (no post neuron model in the loop). */
  step(pre: ArrayLike<number>, postSpikes: ArrayLike<number>, yIn?: (ArrayLike<number> | null | undefined)[]): Float64Array {
    const a = this.forward(pre);
    this.post(postSpikes, yIn);
    return a;
  }

  /** Trace histories over the epoch: H[h] for h = 0..tEpoch, laid out [h][k][neuron]. */
  private history(
    stored: Int32Array,
    n: number,
    nTraces: number,
    factors: (number | null)[],
    parts: { int: number; frac8: number }[],
    spikeTime: Int32Array,
    rDecay: number,
    rImpulse: number,
  ): Int32Array {
    const E = this.tEpoch;
    const size = nTraces * n;
    const h = new Int32Array((E + 1) * size);
    h.set(stored, 0);
    for (let s = 1; s <= E; s++) {
      const cur = s * size;
      const prev = cur - size;
      for (let k = 0; k < nTraces; k++)
        for (let i = 0; i < n; i++) h[cur + k * n + i] = traceDecay(h[prev + k * n + i], factors[k], rDecay);
      for (let i = 0; i < n; i++) {
        if (spikeTime[i] !== s) continue;
        for (let k = 0; k < nTraces; k++) h[cur + k * n + i] = traceImpulse(h[cur + k * n + i], parts[k].int, parts[k].frac8, rImpulse);
      }
    }
    return h;
  }

  private learn(r: TraceRandoms): void {
    const { nPre, nPost, tEpoch: E } = this;
    const rw = this.random.advanceSynaptic();
    const xh = this.history(this.x, nPre, 2, this.xFactor, this.xParts, this.tx, r.xDecay, r.xImpulse);
    const yh = this.history(this.y, nPost, 3, this.yFactor, this.yParts, this.ty, r.yDecay, r.yImpulse);
    const xSize = 2 * nPre;
    const ySize = 3 * nPost;
    this.x = xh.slice(E * xSize);
    if (!this.threeFactor) this.y = yh.slice(E * ySize);
    const k = this.rules.decimateExponent;
    const u = k !== null && Math.floor(this.timeStep / E) % 2 ** k === 0 ? 1 : 0;
    const old = { weights: this.weights, tag_1: this.tag1, tag_2: this.tag2 };
    const next = { weights: this.weights.slice(), tag_1: this.tag1.slice(), tag_2: this.tag2.slice() };
    const targets = (['weights', 'tag_2', 'tag_1'] as const)
      .filter((t) => this.compiled[t])
      .map((t) => {
        const [lo, hi] = synVarRange(t, this.signMode);
        return { products: this.compiled[t]!, src: old[t], dst: next[t], floor: signFloor(t, this.signMode), lo, hi };
      });
    const { tx, ty } = this;
    const w = old.weights;
    const d = old.tag_2;
    const tg = old.tag_1;
    const nSyn = nPre * nPost;
    // Pre and post neurons that spiked in the epoch: only their synapses get non-zero x0 / y0 terms.
    const preOn: number[] = [];
    const postOn: number[] = [];
    for (let i = 0; i < nPre; i++) if (tx[i] > 0) preOn.push(i);
    for (let j = 0; j < nPost; j++) if (ty[j] > 0) postOn.push(j);
    const acc = new Float64Array(nSyn);
    /** Adds product p's term for synapse (j, i) to acc (dependency value 1; traces at history step h). */
    const addTerm = (p: CompiledProduct, j: number, i: number, h: number, saturate: boolean) => {
      const s = j * nPre + i;
      let m = 1;
      for (const f of p.factors) {
        const c = f.code;
        const raw =
          c < 2 ? xh[h * xSize + c * nPre + i]
          : c < 5 ? yh[h * ySize + (c - 2) * nPost + j]
          : c === 5 ? (tx[i] > 0 ? 1 : 0)
          : c === 6 ? (ty[j] > 0 ? 1 : 0)
          : c === 7 ? w[s]
          : c === 8 ? d[s]
          : tg[s];
        m = Math.imul(m, saturateFactor(raw, f));
        if (m === 0) return; // 0 stays 0 through the rest of the product
      }
      const a = acc[s] + scaleTerm(m, p);
      acc[s] = saturate ? (a < ACC_MIN ? ACC_MIN : a > ACC_MAX ? ACC_MAX : a) : a;
    };
    for (const target of targets) {
      for (let s = 0; s < nSyn; s++) acc[s] = target.src[s] * 2 ** SYNVAR_SHIFT;
      // Products in string order, each over the synapses whose dependency is 1; a zero term only
      // saturates the accumulator, which matters once (the first product, see the clip below).
      target.products.forEach((p, k) => {
        const saturate = k > 0;
        if (p.dep === 0) {
          for (const i of preOn) for (let j = 0; j < nPost; j++) addTerm(p, j, i, tx[i], saturate);
        } else if (p.dep === 1) {
          for (const j of postOn) for (let i = 0; i < nPre; i++) addTerm(p, j, i, ty[j], saturate);
        } else if (u === 1) {
          for (let j = 0; j < nPost; j++) for (let i = 0; i < nPre; i++) addTerm(p, j, i, E, saturate);
        }
        if (k === 0) for (let s = 0; s < nSyn; s++) acc[s] = acc[s] < ACC_MIN ? ACC_MIN : acc[s] > ACC_MAX ? ACC_MAX : acc[s];
      });
      for (let s = 0; s < nSyn; s++) target.dst[s] = roundSynVar(acc[s], rw, target.floor, target.lo, target.hi);
    }
    this.weights = next.weights;
    this.tag1 = next.tag_1;
    this.tag2 = next.tag_2;
    this.tx.fill(0);
    this.ty.fill(0);
    this.learningPhases++;
  }
}
