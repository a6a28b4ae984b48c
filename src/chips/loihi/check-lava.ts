// SPDX-License-Identifier: MIT
/**
 * Replays golden traces recorded from Lava and compares every recorded per-step variable bit for
 * bit. Two formats (shared/fixtures/lava/README.md):
 *  - `lif`: loihi_lif_golden.json, Dense -> LIF (PyDenseModelBitAcc, PyLifModelBitAcc), replayed
 *    with dense-lif.ts;
 *  - `learning`: loihi_learning_golden.json, LearningDense (bit-approximate) -> LIF, replayed with
 *    the learning engine and the random numbers Lava logged (`random` block), or Lava's numpy
 *    streams regenerated from `rule.rng_seed` (lava-random.ts).
 * Every field the replay reads is checked first; a malformed file gives one FileFormatError naming
 * the case and the field.
 */
import { readFileSync } from 'node:fs';
import { FileFormatError } from '../../errors.js';
import { LoihiDense, LoihiLif, type SignMode } from './dense-lif.js';
import { LearningDense, type LearningRandomSource, type TraceRandoms } from './learning/engine.js';
import { lavaLearningRandom } from './learning/lava-random.js';

export type GoldenFormat = 'lif' | 'learning';

export interface Difference {
  /** Step index t (0-based, = Lava time_step - 1); null for per-case values (e.g. truncated weights). */
  t: number | null;
  field: string;
  index: number[];
  expected: number;
  actual: number;
}

export interface CaseResult {
  name: string;
  equal: boolean;
  first_difference: Difference | null;
}

export interface CheckReport {
  format: GoldenFormat;
  cases: CaseResult[];
  equal: number;
  total: number;
}

type Json = Record<string, unknown>;
const SIGN_MODES = ['MIXED', 'EXCITATORY', 'INHIBITORY'];

/** Field accessors that fail with the case and the dotted field path. */
class Fields {
  constructor(
    private readonly file: string,
    private readonly where: string,
  ) {}

  fail(field: string, expected: string): never {
    throw new FileFormatError(this.file, `${this.where}: field '${field}' ${expected}`);
  }

  get(obj: Json, path: string): unknown {
    let cur: unknown = obj;
    for (const part of path.split('.')) {
      if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !(part in cur)) this.fail(path, 'is missing');
      cur = (cur as Json)[part];
    }
    return cur;
  }

  has(obj: Json, path: string): boolean {
    let cur: unknown = obj;
    for (const part of path.split('.')) {
      if (typeof cur !== 'object' || cur === null || !(part in cur)) return false;
      cur = (cur as Json)[part];
    }
    return cur !== null && cur !== undefined;
  }

  int(obj: Json, path: string, min = -Infinity): number {
    const v = this.get(obj, path);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(path, `must be an integer${min > -Infinity ? ` >= ${min}` : ''} (got ${JSON.stringify(v)})`);
    return v;
  }

  num(obj: Json, path: string): number {
    const v = this.get(obj, path);
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, `must be a finite number (got ${JSON.stringify(v)})`);
    return v;
  }

  str(obj: Json, path: string): string {
    const v = this.get(obj, path);
    if (typeof v !== 'string') this.fail(path, `must be a string (got ${JSON.stringify(v)})`);
    return v;
  }

  optStr(obj: Json, path: string): string | null {
    const v = this.get(obj, path);
    if (v !== null && typeof v !== 'string') this.fail(path, `must be a string or null (got ${JSON.stringify(v)})`);
    return v;
  }

  signMode(obj: Json, path: string): SignMode | null {
    const v = this.optStr(obj, path);
    if (v !== null && !SIGN_MODES.includes(v)) this.fail(path, `must be one of ${SIGN_MODES.join(', ')} or null (got ${JSON.stringify(v)})`);
    return v as SignMode | null;
  }

  /** A nested array of numbers with the given shape (integers unless `real`, null entries if `nullable`). */
  array(obj: Json, path: string, shape: number[], opts: { real?: boolean; nullable?: boolean } = {}): unknown[] {
    const v = this.get(obj, path);
    const check = (x: unknown, depth: number, at: string): void => {
      if (depth === shape.length) {
        if (x === null && opts.nullable) return;
        const ok = typeof x === 'number' && Number.isFinite(x) && (opts.real || Number.isInteger(x));
        if (!ok) this.fail(`${path}${at}`, `must be ${opts.real ? 'a finite number' : 'an integer'}${opts.nullable ? ' or null' : ''} (got ${JSON.stringify(x)})`);
        return;
      }
      if (!Array.isArray(x)) this.fail(`${path}${at}`, `must be an array of length ${shape[depth]}`);
      if (x.length !== shape[depth]) this.fail(`${path}${at}`, `has length ${x.length}, expected ${shape[depth]}`);
      x.forEach((y, k) => check(y, depth + 1, `${at}[${k}]`));
    };
    check(v, 0, '');
    return v as unknown[];
  }
}

/** Parses a golden file's JSON (any parse error is one FileFormatError line). */
export function readGoldenFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FileFormatError(file, `not valid JSON (${(err as Error).message.replace(/\s+/g, ' ')})`);
  }
}

/** Which golden format a parsed file is in (or a FileFormatError). */
export function detectGoldenFormat(json: unknown, file: string): GoldenFormat {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new FileFormatError(file, 'top level must be a JSON object with a "cases" array');
  const cases = (json as Json).cases;
  if (!Array.isArray(cases) || cases.length === 0) throw new FileFormatError(file, 'field "cases" must be a non-empty array');
  const c = cases[0] as Json;
  if (typeof c === 'object' && c !== null && 'rule' in c && 'n_pre' in c) return 'learning';
  if (typeof c === 'object' && c !== null && 'input_spikes' in c && 'n_inputs' in c) return 'lif';
  throw new FileFormatError(file, 'case 0 is neither a Lava LIF golden case (n_inputs, input_spikes) nor a learning golden case (n_pre, rule)');
}

/** Records the first mismatch between a recorded and a replayed value. */
class Comparer {
  first: Difference | null = null;
  check(t: number | null, field: string, expected: unknown, actual: ArrayLike<number> | number, shape: number[]): void {
    if (this.first) return;
    const flat = (expected as unknown[]).flat(shape.length) as number[];
    const got = typeof actual === 'number' ? [actual] : actual;
    for (let k = 0; k < flat.length; k++) {
      if (flat[k] !== got[k]) {
        const index = shape.length === 2 ? [Math.floor(k / shape[1]), k % shape[1]] : [k];
        this.first = { t, field, index, expected: flat[k], actual: got[k] };
        return;
      }
    }
  }
}

/** Replays one case of loihi_lif_golden.json. */
export function replayLifCase(c: Json, file: string, index: number): CaseResult {
  const name = typeof c.name === 'string' ? c.name : `#${index}`;
  const f = new Fields(file, `case '${name}'`);
  const T = f.int(c, 'T', 1);
  const nIn = f.int(c, 'n_inputs', 1);
  const n = f.int(c, 'n_neurons', 1);
  const weights = f.array(c, 'dense.weights', [n, nIn]) as number[][];
  const dense = new LoihiDense({
    weights: weights.flat(),
    nIn,
    nOut: n,
    numWeightBits: f.int(c, 'dense.num_weight_bits', 0),
    weightExp: f.int(c, 'dense.weight_exp'),
    signMode: f.signMode(c, 'dense.sign_mode') ?? undefined,
  });
  const vec = (path: string) => (f.has(c, path) ? (f.array(c, path, [n]) as number[]) : undefined);
  const lif = new LoihiLif({
    n,
    du: f.int(c, 'lif.du', 0),
    dv: f.int(c, 'lif.dv', 0),
    vth: f.int(c, 'lif.vth', 0),
    biasMant: vec('lif.bias_mant'),
    biasExp: vec('lif.bias_exp'),
    u0: vec('lif.u0'),
    v0: vec('lif.v0'),
  });
  const input = f.array(c, 'input_spikes', [T, nIn]) as number[][];
  const recorded = ['a_in', 'dense_a_buff', 'u', 'v', 'spikes'] as const;
  const traces = Object.fromEntries(recorded.map((k) => [k, f.array(c, k, [T, n])])) as Record<(typeof recorded)[number], number[][]>;
  const cmp = new Comparer();
  if (f.has(c, 'dense.effective_weights')) cmp.check(null, 'dense.effective_weights', f.array(c, 'dense.effective_weights', [n, nIn]), dense.weights, [n, nIn]);
  for (let t = 0; t < T && !cmp.first; t++) {
    const aIn = dense.step(input[t]);
    const spikes = lif.step(aIn);
    cmp.check(t, 'a_in', traces.a_in[t], aIn, [n]);
    cmp.check(t, 'dense_a_buff', traces.dense_a_buff[t], dense.aBuff, [n]);
    cmp.check(t, 'u', traces.u[t], lif.u, [n]);
    cmp.check(t, 'v', traces.v[t], lif.v, [n]);
    cmp.check(t, 'spikes', traces.spikes[t], spikes, [n]);
  }
  return { name, equal: cmp.first === null, first_difference: cmp.first };
}

/** Replays the random numbers Lava logged for a case (§4 of loihi-learning.md). */
export function goldenRandom(random: { x_decay: number[]; x_impulse: number[]; y_decay: number[]; y_impulse: number[]; y_impulse_mid: number[]; conn: (number | null)[] }, fail: (field: string, fault: string) => never): LearningRandomSource {
  let traceCalls = 0;
  let lastEnd = -1;
  return {
    advanceTraces(): TraceRandoms {
      const t = traceCalls >> 1;
      const mid = (traceCalls++ & 1) === 0;
      if (t >= random.x_decay.length) fail('random.x_decay', `covers ${random.x_decay.length} steps, the replay needs more`);
      // Lava logs only what a step uses of the first advance: the y impulse of a repeated post spike.
      if (mid) return { xDecay: NaN, xImpulse: NaN, yDecay: NaN, yImpulse: random.y_impulse_mid[t] };
      lastEnd = t;
      return { xDecay: random.x_decay[t], xImpulse: random.x_impulse[t], yDecay: random.y_decay[t], yImpulse: random.y_impulse[t] };
    },
    advanceSynaptic(): number {
      const rw = random.conn[lastEnd];
      if (rw === null || rw === undefined) return fail(`random.conn[${lastEnd}]`, `is null, but step ${lastEnd} runs a learning phase`);
      return rw;
    },
  };
}

const TRACE_FIELDS = ['weights', 'tag_1', 'tag_2', 'x1', 'x2', 'y1', 'y2', 'y3', 'tx', 'ty', 'post_spikes', 'a_buff', 'lif_u', 'lif_v', 'lif_spikes'] as const;

export interface LearningReplayOptions {
  /** Take exp(-1/tau) from `rule.decay_factor` as Lava computed it (numpy) instead of Math.exp (default true). */
  recordedDecay?: boolean;
  /**
   * Where the random numbers come from: 'log' = the case's `random` block (what Lava drew),
   * 'seed' = Lava's own numpy streams regenerated from `rule.rng_seed`. Default: the log if the
   * case has one, else the seed.
   */
  random?: 'log' | 'seed';
}

/** Replays one case of loihi_learning_golden.json. */
export function replayLearningCase(c: Json, file: string, index: number, options: LearningReplayOptions = {}): CaseResult {
  const useRecordedDecay = options.recordedDecay ?? true;
  const name = typeof c.name === 'string' ? c.name : `#${index}`;
  const f = new Fields(file, `case '${name}'`);
  const T = f.int(c, 'T', 1);
  const nPre = f.int(c, 'n_pre', 1);
  const nPost = f.int(c, 'n_post', 1);
  const mat = [nPost, nPre];
  const postMode = f.str(c, 'post_mode');
  if (postMode !== 'lif' && postMode !== 'raster') f.fail('post_mode', `must be "lif" or "raster" (got ${JSON.stringify(postMode)})`);
  const trace = (name: string) => {
    const impulse = f.num(c, `rule.${name}_impulse`);
    const tau = f.num(c, `rule.${name}_tau`);
    if (impulse < 0) f.fail(`rule.${name}_impulse`, 'must be >= 0');
    if (tau < 0) f.fail(`rule.${name}_tau`, 'must be >= 0');
    return { impulse, tau };
  };
  const decayFactors: Record<string, number | null> = {};
  if (useRecordedDecay && f.has(c, 'rule.decay_factor'))
    for (const k of ['x1', 'x2', 'y1', 'y2', 'y3']) {
      const v = f.get(c, `rule.decay_factor.${k}`);
      if (v !== null && (typeof v !== 'number' || !(v > 0 && v <= 1))) f.fail(`rule.decay_factor.${k}`, `must be a number in (0, 1] or null (got ${JSON.stringify(v)})`);
      decayFactors[k] = v as number | null;
    }
  const threeFactor = f.get(c, 'rule.three_factor');
  if (typeof threeFactor !== 'boolean') return f.fail('rule.three_factor', 'must be true or false');
  const tags = (k: string) => (f.has(c, `dense.${k}`) ? (f.array(c, `dense.${k}`, mat) as number[][]).flat() : undefined);
  let engine: LearningDense;
  const fromSeed = options.random === 'seed' || (options.random === undefined && !f.has(c, 'random'));
  const random = fromSeed
    ? lavaLearningRandom(f.int(c, 'rule.rng_seed', 0))
    : goldenRandom(
        {
          x_decay: f.array(c, 'random.x_decay', [T], { real: true }) as number[],
          x_impulse: f.array(c, 'random.x_impulse', [T]) as number[],
          y_decay: f.array(c, 'random.y_decay', [T], { real: true }) as number[],
          y_impulse: f.array(c, 'random.y_impulse', [T]) as number[],
          y_impulse_mid: f.array(c, 'random.y_impulse_mid', [T]) as number[],
          conn: f.array(c, 'random.conn', [T], { real: true, nullable: true }) as (number | null)[],
        },
        (field, fault) => f.fail(field, fault),
      );
  try {
    engine = new LearningDense(
      {
        nPre,
        nPost,
        weights: (f.array(c, 'dense.weights', mat) as number[][]).flat(),
        tag1: tags('tag_1'),
        tag2: tags('tag_2'),
        signMode: f.signMode(c, 'dense.sign_mode') ?? undefined,
        numWeightBits: f.int(c, 'dense.num_weight_bits', 1),
        weightExp: f.int(c, 'dense.weight_exp'),
        rule: {
          dw: f.optStr(c, 'rule.dw'),
          dd: f.optStr(c, 'rule.dd'),
          dt: f.optStr(c, 'rule.dt'),
          tEpoch: f.int(c, 'rule.t_epoch', 1),
          threeFactor,
          x1: trace('x1'),
          x2: trace('x2'),
          y1: trace('y1'),
          y2: trace('y2'),
          y3: trace('y3'),
          decayFactors,
        },
      },
      random,
    );
  } catch (err) {
    if (err instanceof FileFormatError) throw err;
    throw new FileFormatError(file, `case '${name}': ${(err as Error).message}`);
  }
  const vecIn = (path: string) => (f.has(c, path) ? (f.array(c, path, [nPost]) as number[]) : undefined);
  const lif =
    postMode === 'lif' || f.has(c, 'trace.lif_u')
      ? new LoihiLif({ n: nPost, du: f.int(c, 'lif.du', 0), dv: f.int(c, 'lif.dv', 0), vth: f.int(c, 'lif.vth', 0), biasMant: vecIn('lif.bias_mant'), biasExp: vecIn('lif.bias_exp'), u0: vecIn('lif.u0'), v0: vecIn('lif.v0') })
      : null;
  const pre = f.array(c, 'inputs.pre_spikes', [T, nPre]) as number[][];
  const raster = postMode === 'raster' ? (f.array(c, 'inputs.post_spikes_raster', [T, nPost]) as number[][]) : null;
  const yIn = [1, 2, 3].map((k) => (f.has(c, `inputs.y${k}_in`) ? (f.array(c, `inputs.y${k}_in`, [T, nPost]) as number[][]) : null));
  const recordedTrace = f.get(c, 'trace');
  if (typeof recordedTrace !== 'object' || recordedTrace === null) return f.fail('trace', 'must be an object');
  for (const k of Object.keys(recordedTrace))
    if (!(TRACE_FIELDS as readonly string[]).includes(k)) f.fail(`trace.${k}`, `is not a variable ffsnn replays (expected ${TRACE_FIELDS.join(', ')})`);
  const shapeOf: Record<(typeof TRACE_FIELDS)[number], number[]> = {
    weights: mat,
    tag_1: mat,
    tag_2: mat,
    x1: [nPre],
    x2: [nPre],
    tx: [nPre],
    y1: [nPost],
    y2: [nPost],
    y3: [nPost],
    ty: [nPost],
    post_spikes: [nPost],
    a_buff: [nPost],
    lif_u: [nPost],
    lif_v: [nPost],
    lif_spikes: [nPost],
  };
  const recorded = TRACE_FIELDS.filter((k) => f.has(c, `trace.${k}`)).map((k) => ({ k, rows: f.array(c, `trace.${k}`, [T, ...shapeOf[k]]) }));
  const cmp = new Comparer();
  if (f.has(c, 'dense.weights_truncated')) cmp.check(null, 'dense.weights_truncated', f.array(c, 'dense.weights_truncated', mat), engine.weights, mat);
  try {
    for (let t = 0; t < T && !cmp.first; t++) {
      const aIn = engine.forward(pre[t]);
      let lifSpikes: Uint8Array | null = null;
      if (lif) lifSpikes = lif.step(aIn);
      const post = raster ? raster[t] : (lifSpikes as Uint8Array);
      engine.post(post, yIn.map((y) => (y ? y[t] : null)));
      const actual: Record<(typeof TRACE_FIELDS)[number], ArrayLike<number>> = {
        weights: engine.weights,
        tag_1: engine.tag1,
        tag_2: engine.tag2,
        x1: engine.x.subarray(0, nPre),
        x2: engine.x.subarray(nPre),
        tx: engine.tx,
        y1: engine.y.subarray(0, nPost),
        y2: engine.y.subarray(nPost, 2 * nPost),
        y3: engine.y.subarray(2 * nPost),
        ty: engine.ty,
        post_spikes: post,
        a_buff: engine.aBuff,
        lif_u: lif?.u ?? [],
        lif_v: lif?.v ?? [],
        lif_spikes: lifSpikes ?? [],
      };
      for (const { k, rows } of recorded) cmp.check(t, k, rows[t], actual[k], shapeOf[k]);
    }
  } catch (err) {
    if (err instanceof FileFormatError) throw err;
    throw new FileFormatError(file, `case '${name}': ${(err as Error).message}`);
  }
  return { name, equal: cmp.first === null, first_difference: cmp.first };
}

/** Replays every case of a parsed golden file (either format). */
export function checkLava(json: unknown, file: string, options: LearningReplayOptions = {}): CheckReport {
  const format = detectGoldenFormat(json, file);
  const cases = (json as { cases: unknown[] }).cases.map((c, k) => {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new FileFormatError(file, `case ${k} must be an object`);
    return format === 'lif' ? replayLifCase(c as Json, file, k) : replayLearningCase(c as Json, file, k, options);
  });
  return { format, cases, equal: cases.filter((c) => c.equal).length, total: cases.length };
}
