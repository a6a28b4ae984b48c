// SPDX-License-Identifier: MIT
import test from 'ava';
import { ConfigError } from '../../src/errors.js';
import { fixedInDegree, fixedProbability, fromList, oneToOne } from '../../src/sim/connectivity.js';
import { Rng } from '../../src/sim/rng.js';

function rowsSortedUnique(rowPtr: Uint32Array, col: Uint32Array): boolean {
  for (let i = 0; i + 1 < rowPtr.length; i++) for (let s = rowPtr[i] + 1; s < rowPtr[i + 1]; s++) if (col[s] <= col[s - 1]) return false;
  return true;
}

test('fixedProbability: Bernoulli count, sorted unique rows, same seed same synapses', (t) => {
  const p = 0.05;
  const a = fixedProbability(p).build(800, 600, new Rng(1), false);
  const mean = 800 * 600 * p;
  t.true(Math.abs(a.col.length - mean) < 5 * Math.sqrt(mean * (1 - p)), `${a.col.length} vs ${mean}`);
  t.true(a.col.length <= fixedProbability(p).estimate(800, 600));
  t.true(rowsSortedUnique(a.rowPtr, a.col));
  t.is(a.rowPtr[800], a.col.length);
  const b = fixedProbability(p).build(800, 600, new Rng(1), false);
  t.deepEqual(b.col, a.col);
  t.notDeepEqual(fixedProbability(p).build(800, 600, new Rng(2), false).col, a.col);
  // each ordered pair independently: the in-degree histogram has the binomial mean in every column block
  const inDeg = new Float64Array(600);
  for (const j of a.col) inDeg[j]++;
  const meanIn = inDeg.reduce((x, y) => x + y) / 600;
  t.true(Math.abs(meanIn - 40) < 1.5);
});

test('fixedProbability edge cases: p = 0, p = 1, autapses', (t) => {
  t.is(fixedProbability(0).build(50, 50, new Rng(1), true).col.length, 0);
  const full = fixedProbability(1).build(20, 30, new Rng(1), false);
  t.is(full.col.length, 600);
  const noSelf = fixedProbability(1, { autapses: false }).build(20, 20, new Rng(1), true);
  t.is(noSelf.col.length, 380);
  for (let i = 0; i < 20; i++) for (let s = noSelf.rowPtr[i]; s < noSelf.rowPtr[i + 1]; s++) t.not(noSelf.col[s], i);
  t.throws(() => fixedProbability(1.5), { instanceOf: ConfigError, message: /'p' = 1.5/ });
  t.throws(() => fixedProbability(NaN), { instanceOf: ConfigError });
});

test('fixedInDegree: exactly k distinct sources per target, autapses excluded on request', (t) => {
  const k = 7;
  const s = fixedInDegree(k, { autapses: false }).build(30, 30, new Rng(3), true);
  t.is(s.col.length, 30 * k);
  const sources = Array.from({ length: 30 }, () => new Set<number>());
  for (let i = 0; i < 30; i++) for (let q = s.rowPtr[i]; q < s.rowPtr[i + 1]; q++) sources[s.col[q]].add(i);
  for (let j = 0; j < 30; j++) {
    t.is(sources[j].size, k);
    t.false(sources[j].has(j));
  }
  t.throws(() => fixedInDegree(31).build(30, 5, new Rng(1), false), { instanceOf: ConfigError });
  t.throws(() => fixedInDegree(30, { autapses: false }).build(30, 30, new Rng(1), true), { instanceOf: ConfigError });
  t.throws(() => fixedInDegree(-1), { instanceOf: ConfigError });
});

test('oneToOne and fromList', (t) => {
  const o = oneToOne().build(4, 4, new Rng(0), false);
  t.deepEqual(Array.from(o.col), [0, 1, 2, 3]);
  t.throws(() => oneToOne().build(4, 5, new Rng(0), false), { instanceOf: ConfigError });
  const l = fromList({ pre: [2, 0, 2, 1], post: [1, 3, 0, 0], weight: [0.5, 1.5, 2.5, 3.5], delay: [1, 2, 3, 4] }).build(3, 4, new Rng(0), false);
  t.deepEqual(Array.from(l.rowPtr), [0, 1, 2, 4]);
  t.deepEqual(Array.from(l.col), [3, 0, 1, 0]);
  t.deepEqual(Array.from(l.weight!), [1.5, 3.5, 0.5, 2.5]);
  t.deepEqual(Array.from(l.delayMs!), [2, 4, 1, 3]);
  t.throws(() => fromList({ pre: [0, 5], post: [0, 0] }).build(3, 3, new Rng(0), false), { instanceOf: ConfigError, message: /pre\[1\]' = 5/ });
  t.throws(() => fromList({ pre: [0], post: [0, 1] }), { instanceOf: ConfigError });
});
