// SPDX-License-Identifier: MIT
import test from 'ava';
import { readFileSync } from 'node:fs';
import { replayLearningCase } from '../../../src/chips/loihi/check-lava.js';
import {
  LearningDense,
  compileProducts,
  decayFactor,
  impulseParts,
  productTerm,
  roundAndClip,
  seededLearningRandom,
  traceDecay,
  traceImpulse,
  truncateInitialWeights,
} from '../../../src/chips/loihi/learning/engine.js';
import { lavaLearningRandom, NumpyPcg64, seedSequenceState } from '../../../src/chips/loihi/learning/lava-random.js';
import { parseRule } from '../../../src/chips/loihi/learning/rule.js';
import { Rng } from '../../../src/sim/rng.js';

const file = new URL('../../fixtures/lava/loihi_learning_golden.json', import.meta.url);
const golden = JSON.parse(readFileSync(file, 'utf8')) as { cases: Record<string, unknown>[] };

test('the learning golden file holds the 12 Lava cases', (t) => {
  t.is(golden.cases.length, 12);
});

for (const [k, c] of golden.cases.entries()) {
  test(`Lava learning golden ${c.name}: weights, tags, traces, tx/ty, a_buff and LIF bit for bit`, (t) => {
    const recorded = replayLearningCase(c, 'golden', k, { random: 'log' });
    t.deepEqual(recorded.first_difference, null);
    // The reference says no case depends on numpy's exp vs Math.exp: check it with Math.exp.
    const own = replayLearningCase(c, 'golden', k, { random: 'log', recordedDecay: false });
    t.deepEqual(own.first_difference, null);
    // Lava's numpy streams regenerated from rng_seed alone, without the logged numbers.
    const seeded = replayLearningCase(c, 'golden', k, { random: 'seed', recordedDecay: false });
    t.deepEqual(seeded.first_difference, null);
  });
}

test('a changed recorded value is reported as the first difference', (t) => {
  const c = structuredClone(golden.cases[0]) as { trace: { weights: number[][][] } };
  c.trace.weights[12][1][1] += 1;
  const r = replayLearningCase(c as unknown as Record<string, unknown>, 'golden', 0);
  t.false(r.equal);
  t.deepEqual(r.first_difference, { t: 12, field: 'weights', index: [1, 1], expected: 108, actual: 107 });
});

test('impulse split: numpy half-to-even fraction; the 7-bit random makes frac8 >= 128 always round up', (t) => {
  t.deepEqual(impulseParts(12.5), { int: 12, frac8: 128 });
  t.deepEqual(impulseParts(3.75), { int: 3, frac8: 192 });
  t.deepEqual(impulseParts(15.4), { int: 15, frac8: 102 });
  t.deepEqual(impulseParts(1 + 0.5 / 256), { int: 1, frac8: 0 }); // 0.5 -> 0 (even)
  t.deepEqual(impulseParts(1 + 1.5 / 256), { int: 1, frac8: 2 }); // 1.5 -> 2 (even)
  for (let r = 0; r < 128; r++) t.is(traceImpulse(10, 12, 128, r), 23);
  t.is(traceImpulse(10, 6, 64, 63), 17);
  t.is(traceImpulse(10, 6, 64, 64), 16);
  t.is(traceImpulse(120, 16, 0, 0), 127);
  t.is(traceImpulse(-5, 0, 0, 0), 0);
});

test('trace decay: stochastic floor, tau 0 resets, huge tau keeps the value without randomness', (t) => {
  const f = decayFactor(10) as number;
  const p = 100 * f;
  t.is(traceDecay(100, f, 0), Math.floor(p) + 1);
  t.is(traceDecay(100, f, 0.999999), Math.floor(p));
  t.is(traceDecay(100, decayFactor(0), 0), 0);
  t.is(decayFactor(2 ** 60), 1);
  t.is(traceDecay(77, decayFactor(2 ** 60), 0), 77);
});

test('product term: width shift, exponent shift, int32 wrap as numpy, saturation at 32767 / -32769', (t) => {
  const [p] = compileProducts(parseRule('2^-2*x1*y0').products);
  t.is(productTerm(p, 1, () => 100), 100 << 5);
  t.is(productTerm(p, 0, () => 100), 0);
  const [sat] = compileProducts(parseRule('-8*2^8*x1*x0').products);
  t.is(productTerm(sat, 1, () => 127), -32769);
  const [soft] = compileProducts(parseRule('y0*x1*(127-w)').products);
  t.is(soft.shift, 5);
  t.is(productTerm(soft, 1, (v) => (v === 'x1' ? 64 : 100)), ((64 * 27) >> 5) << 7); // -1 * 64 * (100 - 127)
  // Five 7-bit factors and a 9-bit one overflow int32; numpy wraps, so does the model.
  const [big] = compileProducts(parseRule('x0*x1*x2*y1*y2*y3*w').products);
  const raw = Math.imul(Math.imul(127 ** 3, 127 ** 2), 511);
  t.is(productTerm(big, 1, (v) => (v === 'w' ? 511 : 127)), Math.max(-32769, Math.min(32767, (raw >> big.shift) << big.sExp)));
});

test('round and clip: sign floor, stochastic rounding, per-variable ranges', (t) => {
  t.is(roundAndClip(100 * 128 + 64, 0.49, 'weights', 'MIXED'), 101);
  t.is(roundAndClip(100 * 128 + 64, 0.5, 'weights', 'MIXED'), 100);
  t.is(roundAndClip(-5 * 128, 0, 'weights', 'EXCITATORY'), 0);
  t.is(roundAndClip(5 * 128, 0, 'weights', 'INHIBITORY'), 0);
  t.is(roundAndClip(-32769, 0.99, 'weights', 'MIXED'), -256);
  t.is(roundAndClip(32767, 0, 'weights', 'MIXED'), 255);
  t.is(roundAndClip(-32769, 0.995, 'tag_1', 'MIXED'), -257);
  t.is(roundAndClip(-32769, 0.99, 'tag_1', 'MIXED'), -256); // -32769 is not a multiple of 128: random
  t.is(roundAndClip(-100, 0, 'tag_2', 'MIXED'), 0);
  t.deepEqual(Array.from(truncateInitialWeights([41, -81, 300], 'MIXED')), [40, -82, 300]);
  t.deepEqual(Array.from(truncateInitialWeights([-5, 7], 'INHIBITORY', 6)), [-4, 8]); // floor of the negated value; the positive weight survives unclipped
});

test('seeded random source: same seed same run, another seed another run; LearningDense learns STDP', (t) => {
  const run = (seed: number) => {
    const ld = new LearningDense(
      { nPre: 2, nPost: 1, weights: [40, 40], rule: { dw: '2^-2*x1*y0 - 2^-2*y1*x0', tEpoch: 1, x1: { impulse: 12.5, tau: 10 }, y1: { impulse: 12.5, tau: 10 } } },
      seededLearningRandom(new Rng(seed)),
    );
    for (let s = 0; s < 200; s++) ld.step([s % 10 === 0 ? 1 : 0, s % 10 === 5 ? 1 : 0], [s % 10 === 2 ? 1 : 0]);
    return Array.from(ld.weights);
  };
  const a = run(1);
  t.deepEqual(run(1), a);
  t.true(a[0] > 40, 'pre 2 steps before post: potentiated');
  t.true(a[1] < 40, 'pre 3 steps after post: depressed');
  t.notDeepEqual(run(2), a);
});

const BIG_SEED_RANDOMS = [0.004739459374490829, 0.3725845824112115];
const ZERO_SEED_INTS = [108, 81, 65, 34, 39];

test("Lava's numpy streams: SeedSequence + PCG64 give numpy's numbers and the golden file's logged randoms", (t) => {
  // Values printed by numpy (default_rng(seed).integers(0, 128, size=1, dtype=int) / .random()).
  const a = new NumpyPcg64(12);
  t.deepEqual([0, 1, 2, 3, 4, 5].map(() => a.int128()), [78, 32, 124, 121, 8, 24]);
  const b = new NumpyPcg64(11);
  t.deepEqual([0, 1, 2, 3].map(() => b.random()), [0.12857020276919962, 0.49927786244011496, 0.6014983576233575, 0.028689008371944547]);
  t.deepEqual(seedSequenceState(12), [9986919024197907781n, 10586821778172662475n, 3837913623146970179n, 11661283909843770069n]);
  const big = new NumpyPcg64(2 ** 40 + 5);
  t.deepEqual([big.random(), big.random()], BIG_SEED_RANDOMS);
  const zero = new NumpyPcg64(0);
  t.deepEqual([0, 1, 2, 3, 4].map(() => zero.int128()), ZERO_SEED_INTS);
  for (const c of golden.cases as { name: string; rule: { rng_seed: number }; random: Record<string, number[]> & { conn: (number | null)[] } }[]) {
    const src = lavaLearningRandom(c.rule.rng_seed);
    for (let s = 0; s < c.random.x_decay.length; s++) {
      const mid = src.advanceTraces();
      const end = src.advanceTraces();
      t.is(mid.yImpulse, c.random.y_impulse_mid[s], `${c.name} y_impulse_mid[${s}]`);
      t.deepEqual([end.xDecay, end.xImpulse, end.yDecay, end.yImpulse], [c.random.x_decay[s], c.random.x_impulse[s], c.random.y_decay[s], c.random.y_impulse[s]], `${c.name} step ${s}`);
      if (c.random.conn[s] !== null) t.is(src.advanceSynaptic(), c.random.conn[s] as number, `${c.name} conn[${s}]`);
    }
  }
});

test('a zero term still saturates the accumulator: tag_1 = -257 (A = -32896) is clipped at the first product', (t) => {
  // Fixed random numbers: decays 0.5, impulses 0, rounding 0.5.
  const fixed = { advanceTraces: () => ({ xDecay: 0.5, xImpulse: 0, yDecay: 0.5, yImpulse: 0 }), advanceSynaptic: () => 0.5 };
  const ld = new LearningDense(
    { nPre: 1, nPost: 1, weights: [0], tag1: [-257], rule: { dt: '2^-7*x0 + y0*2^2', tEpoch: 1 } },
    fixed,
  );
  ld.step([0], [1]); // post spikes, pre silent: the x0 product is 0, the y0 product adds 512
  // Lava: clip(-32896 + 0) = -32769, then -32769 + 512 = -32257 = -252.0078 * 128 -> -253 + [0.5 < 0.992] = -252.
  // Without the first clip: -32896 + 512 = -32384 = -253 * 128 exactly -> -253.
  t.is(ld.tag1[0], -252);
  const quiet = new LearningDense({ nPre: 1, nPost: 1, weights: [0], tag1: [-257], rule: { dt: '2^-7*x0', tEpoch: 1 } }, fixed);
  quiet.step([0], [0]);
  t.is(quiet.tag1[0], -256, 'no spike at all: the clip alone moves -257 to -256 (with rw 0.5)');
});
