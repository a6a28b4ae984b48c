// SPDX-License-Identifier: MIT
/**
 * Connectivity builders. Each returns the synapses of a projection in CSR order (row = presynaptic
 * neuron, columns = postsynaptic targets, sorted within a row), and can say in advance how many
 * synapses it will make at most, so the network can refuse a projection before allocating it.
 */
import { ConfigError, invalidParam } from '../errors.js';
import type { Rng } from './rng.js';

export interface Synapses {
  /** rowPtr[i]..rowPtr[i+1] index the synapses of presynaptic neuron i. */
  rowPtr: Uint32Array;
  /** Postsynaptic index of each synapse. */
  col: Uint32Array;
  /** Per-synapse weights when the builder carries them (fromList). */
  weight?: Float32Array;
  /** Per-synapse delays in ms when the builder carries them (fromList). */
  delayMs?: Float64Array;
}

export interface Connectivity {
  readonly kind: string;
  /** Number of synapses the builder will allocate room for (an upper estimate), before building. */
  estimate(nPre: number, nPost: number): number;
  /** `self` is true when pre and post are the same population (autapse rule applies). */
  build(nPre: number, nPost: number, rng: Rng, self: boolean): Synapses;
}

/**
 * Independent Bernoulli(p) per ordered pair (Brian2 `connect(p=...)`). Built in O(synapses) by
 * geometric skipping: the gap to the next target is floor(ln(U) / ln(1 - p)), U uniform in (0, 1].
 * Autapses are allowed unless `autapses: false` (Brian2's CUBA allows them).
 */
export function fixedProbability(p: number, opts: { autapses?: boolean } = {}): Connectivity {
  if (!(p >= 0 && p <= 1)) throw invalidParam('fixedProbability', 'p', p, 'a probability in [0, 1]');
  const autapses = opts.autapses ?? true;
  return {
    kind: 'fixedProbability',
    estimate(nPre, nPost) {
      const mean = nPre * nPost * p;
      return Math.ceil(Math.min(nPre * nPost, mean + 6 * Math.sqrt(mean) + 16));
    },
    build(nPre, nPost, rng, self) {
      const rowPtr = new Uint32Array(nPre + 1);
      let col: Uint32Array = new Uint32Array(this.estimate(nPre, nPost));
      let n = 0;
      const logq = Math.log1p(-p);
      for (let i = 0; i < nPre; i++) {
        rowPtr[i] = n;
        if (p > 0) {
          let j = -1;
          for (;;) {
            // p = 1: logq = -Infinity, the skip is 0 and every target is taken
            j += p === 1 ? 1 : 1 + Math.floor(Math.log(1 - rng.uniform()) / logq);
            if (j >= nPost) break;
            if (!autapses && self && j === i) continue;
            if (n === col.length) col = grow(col);
            col[n++] = j;
          }
        }
      }
      rowPtr[nPre] = n;
      return { rowPtr, col: col.length === n ? col : col.slice(0, n) };
    },
  };
}

/** Each postsynaptic neuron gets exactly `k` distinct presynaptic sources, chosen uniformly. */
export function fixedInDegree(k: number, opts: { autapses?: boolean } = {}): Connectivity {
  if (!Number.isInteger(k) || k < 0) throw invalidParam('fixedInDegree', 'k', k, 'an integer >= 0');
  const autapses = opts.autapses ?? true;
  return {
    kind: 'fixedInDegree',
    estimate: (_nPre, nPost) => nPost * k,
    build(nPre, nPost, rng, self) {
      const pool = !autapses && self ? nPre - 1 : nPre;
      if (k > pool) throw invalidParam('fixedInDegree', 'k', k, `<= ${pool} (the presynaptic sources available)`);
      // Floyd's sampling of k distinct sources per target, then a counting sort into CSR by source
      const pre = new Uint32Array(nPost * k);
      const chosen = new Set<number>();
      for (let j = 0; j < nPost; j++) {
        chosen.clear();
        for (let t = pool - k; t < pool; t++) {
          const r = rng.int(t + 1);
          chosen.add(chosen.has(r) ? t : r);
        }
        let m = j * k;
        for (let s of chosen) {
          if (pool < nPre && s >= j) s++; // skip the autapse slot
          pre[m++] = s;
        }
      }
      return fromPairs(nPre, pre, (m) => Math.floor(m / (k || 1)));
    },
  };
}

/** Neuron i connects to neuron i (pre and post must have the same size). */
export function oneToOne(): Connectivity {
  return {
    kind: 'oneToOne',
    estimate: (nPre) => nPre,
    build(nPre, nPost) {
      if (nPre !== nPost) throw new ConfigError(`oneToOne: pre size ${nPre} != post size ${nPost}`);
      const rowPtr = new Uint32Array(nPre + 1);
      const col = new Uint32Array(nPre);
      for (let i = 0; i < nPre; i++) {
        rowPtr[i + 1] = i + 1;
        col[i] = i;
      }
      return { rowPtr, col };
    },
  };
}

/** Every pre connects to every post (CSR form; for a dense matrix use `Network.connectDense`). */
export function allToAll(opts: { autapses?: boolean } = {}): Connectivity {
  return fixedProbability(1, opts);
}

/**
 * Explicit synapse list: parallel arrays `pre[m] -> post[m]`, optionally with a weight and a delay
 * (ms) per synapse. Duplicates are kept (two synapses).
 */
export function fromList(list: {
  pre: ArrayLike<number>;
  post: ArrayLike<number>;
  weight?: ArrayLike<number>;
  delay?: ArrayLike<number>;
}): Connectivity {
  const m = list.pre.length;
  if (list.post.length !== m) throw invalidParam('fromList', 'post', `length ${list.post.length}`, `length ${m} like pre`);
  if (list.weight && list.weight.length !== m) throw invalidParam('fromList', 'weight', `length ${list.weight.length}`, `length ${m}`);
  if (list.delay && list.delay.length !== m) throw invalidParam('fromList', 'delay', `length ${list.delay.length}`, `length ${m}`);
  return {
    kind: 'fromList',
    estimate: () => m,
    build(nPre, nPost) {
      const pre = new Uint32Array(m);
      for (let s = 0; s < m; s++) {
        const i = list.pre[s];
        const j = list.post[s];
        if (!Number.isInteger(i) || i < 0 || i >= nPre) throw invalidParam('fromList', `pre[${s}]`, i, `an index in 0..${nPre - 1}`);
        if (!Number.isInteger(j) || j < 0 || j >= nPost) throw invalidParam('fromList', `post[${s}]`, j, `an index in 0..${nPost - 1}`);
        pre[s] = i;
      }
      return fromPairs(nPre, pre, (s) => list.post[s], list.weight, list.delay);
    },
  };
}

/** Stable counting sort of synapses m = 0..pre.length-1 into CSR by presynaptic index. */
function fromPairs(
  nPre: number,
  pre: Uint32Array,
  postOf: (m: number) => number,
  weight?: ArrayLike<number>,
  delay?: ArrayLike<number>,
): Synapses {
  const m = pre.length;
  const rowPtr = new Uint32Array(nPre + 1);
  for (let s = 0; s < m; s++) rowPtr[pre[s] + 1]++;
  for (let i = 0; i < nPre; i++) rowPtr[i + 1] += rowPtr[i];
  const fill = rowPtr.slice(0, nPre);
  const col = new Uint32Array(m);
  const w = weight ? new Float32Array(m) : undefined;
  const d = delay ? new Float64Array(m) : undefined;
  for (let s = 0; s < m; s++) {
    const at = fill[pre[s]]++;
    col[at] = postOf(s);
    if (w) w[at] = weight![s];
    if (d) d[at] = delay![s];
  }
  return { rowPtr, col, weight: w, delayMs: d };
}

function grow(a: Uint32Array): Uint32Array {
  const b = new Uint32Array(Math.ceil(a.length * 1.5) + 16);
  b.set(a);
  return b;
}
