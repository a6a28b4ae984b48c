// SPDX-License-Identifier: MIT
/**
 * The on-chip trainer's batched kernels (JS and WebAssembly) against the scalar Lava engine
 * (src/chips/loihi/learning/engine.ts, checked 12/12 against Lava's golden cases): one small
 * random layer, several samples, the trainer's rule strings, the same injected random numbers.
 * Traces, tags and weights must agree bit for bit after every step and every sample.
 *
 * What the trainer approximates on purpose: the samples of a batch run their forward pass on the
 * weights of the start of the batch (the engine, like the chip, uses the weights after the previous
 * sample), so the Dense input is compared for the first sample only; learning (traces, tags, the
 * commit of each sample in turn) does not read the forward weights and is compared for all.
 */
import test from 'ava';
import { closeSample, commitStep, decayFactor, eligibilityStep, splitImpulse, THIRD_OFFSET, traceStep, yPortValue } from '../../../src/chips/loihi/on-chip/kernels.js';
import { ChipKernels } from '../../../src/chips/loihi/on-chip/learning-wasm.js';
import { LearningDense, type LearningRandomSource } from '../../../src/chips/loihi/learning/engine.js';
import { CLEAR_PULSE, compensationExp, GATE, ruleStrings, STDP_RULE } from '../../../src/train/on-chip/settings.js';
import { spikeTimedStep } from '../../../src/chips/loihi/on-chip/spike-learning.js';
import { spikeTimedRule } from '../../../src/train/on-chip/stdp.js';
import { Rng } from '../../../src/sim/rng.js';

const nIn = 23;
const nOut = 17;
const B = 3;
const T = 7;
const TAU = 20;
const IMPULSE = 16;
const ELIG = { mant: 1, exp: -5 };
const LEARN = { mant: 1, exp: -6 };

interface Case {
  w0: Int16Array;
  input: Uint8Array[]; // [T] x [B][nIn]
  out: Uint8Array[]; // [T] x [B][nOut]
  y1raw: Uint8Array[]; // [T] x [B][nOut]
  q: Int32Array; // [B][nOut], the third factor in [-63, 63], a quarter of it 0
  rand: Float64Array[]; // rDecX, rImpX, rDecY, rW, each [B*T]
  rPulse: Float64Array; // [B]: the y-port decay random of the clear pulse of each slot's next sample
}

function randomCase(seed: number): Case {
  const r = new Rng(seed);
  const bits = (n: number, p: number) => Uint8Array.from({ length: n }, () => (r.uniform() < p ? 1 : 0));
  return {
    w0: Int16Array.from({ length: nIn * nOut }, () => r.int(512) - 256),
    input: Array.from({ length: T }, () => bits(B * nIn, 0.3)),
    out: Array.from({ length: T }, () => bits(B * nOut, 0.2)),
    y1raw: Array.from({ length: T }, () => Uint8Array.from({ length: B * nOut }, () => r.int(128))),
    q: Int32Array.from({ length: B * nOut }, () => (r.uniform() < 0.25 ? 0 : r.int(127) - 63)),
    rand: [0, 1, 2, 3].map(() => Float64Array.from({ length: B * T }, () => r.uniform())),
    // one slot's pulse rounded to 31 by the port's decay, so the carried rest is compared too
    rPulse: Float64Array.from({ length: B }, (_, b) => (b === 1 ? 0.99999 : r.uniform())),
  };
}

/** The trainer's sequence (train/on-chip/loihi.ts runLayer + learnBatch) on the batched kernels. */
function batched(c: Case, wasm: boolean, comp: boolean) {
  const compSExp = comp ? compensationExp(LEARN) + 7 : -1;
  const k = new ChipKernels([nIn, nOut], B, [c.w0]);
  const w = wasm ? k.weights[0] : Int16Array.from(c.w0);
  const tag = wasm ? k.tags[0] : new Int16Array(B * nIn * nOut);
  const x1 = new Uint8Array(B * nIn);
  const y1 = new Uint8Array(B * nOut);
  const touched = new Uint8Array(B * nIn);
  const active = new Int32Array(nIn);
  const imp = splitImpulse(IMPULSE);
  const [rDecX, rImpX, rDecY, rW] = c.rand;
  const traces: Uint8Array[][] = Array.from({ length: B }, () => []);
  const dense0: Int32Array[] = [];
  for (let t = 0; t < T; t++) {
    if (t > 0) dense0.push(k.dense(0, c.input[t - 1], B, nIn, nOut).slice(0, nOut));
    const last = t === T - 1;
    for (let b = 0; b < B; b++) {
      const r = b * T + t;
      traceStep(x1, b * nIn, nIn, c.input[t], b * nIn, decayFactor(TAU), imp.int, imp.frac8, rDecX[r], Math.floor(rImpX[r] * 128));
      traces[b].push(x1.slice(b * nIn, (b + 1) * nIn));
      for (let j = 0; j < nOut; j++) y1[b * nOut + j] = last ? 0 : yPortValue(c.y1raw[t][b * nOut + j], rDecY[r], c.out[t][b * nOut + j] !== 0);
      if (last) continue;
      let na = 0;
      for (let i = 0; i < nIn; i++) if (x1[b * nIn + i] !== 0) ((active[na++] = i), (touched[b * nIn + i] = 1));
      if (wasm) k.eligibility(0, b * nIn * nOut, active, na, x1, b * nIn, y1, b * nOut, nIn, nOut, ELIG.mant, ELIG.exp + 7, rW[r], 'stochastic');
      else eligibilityStep(tag, b * nIn * nOut, active, na, x1, b * nIn, y1, b * nOut, nOut, ELIG.mant, ELIG.exp + 7, rW[r], 'stochastic');
    }
  }
  const y2 = new Int32Array(B * nOut);
  const third = new Int32Array(B * nOut);
  const thirdBytes = new Uint8Array(B * nOut);
  const tagsBefore: Int16Array[] = [];
  const tagsAfter: Int16Array[] = [];
  const weightsAfter: Int16Array[] = [];
  for (let b = 0; b < B; b++) {
    const r = b * T + T - 1;
    for (let j = 0; j < nOut; j++) {
      const spiked = c.out[T - 1][b * nOut + j] !== 0;
      y2[b * nOut + j] = yPortValue(c.q[b * nOut + j] !== 0 ? GATE : 0, rDecY[r], spiked);
      thirdBytes[b * nOut + j] = third[b * nOut + j] = yPortValue(THIRD_OFFSET - c.q[b * nOut + j], rDecY[r], spiked);
    }
    const pulse = yPortValue(CLEAR_PULSE, c.rPulse[b], false);
    let na = 0;
    for (let i = 0; i < nIn; i++) if (touched[b * nIn + i]) active[na++] = i;
    const slot = [b * nIn * nOut, (b + 1) * nIn * nOut] as const;
    tagsBefore.push(tag.slice(...slot));
    if (wasm) k.commit(0, b * nIn * nOut, active, na, y2, third, b * nOut, nOut, LEARN.mant, LEARN.exp + 7, rW[r], 'MIXED', 1, 'stochastic', compSExp);
    else commitStep(w, tag, b * nIn * nOut, active, na, y2, third, b * nOut, nOut, LEARN.mant, LEARN.exp + 7, rW[r], 'MIXED', 1, 'stochastic', compSExp);
    closeSample(tag, b * nIn * nOut, nIn, nOut, x1, b * nIn, thirdBytes, b * nOut, { mant: ELIG.mant, sExp: ELIG.exp + 7 }, rW[r], 'stochastic', pulse);
    tagsAfter.push(tag.slice(...slot));
    weightsAfter.push(w.slice());
  }
  return { traces, dense0, tagsBefore, tagsAfter, weightsAfter };
}

/** Engine layout [post][pre] -> trainer layout [pre][post]. */
const prePost = (a: Int32Array) => Int16Array.from({ length: nIn * nOut }, (_, k) => a[(k % nOut) * nIn + Math.floor(k / nOut)]);

/**
 * The scalar engine, sample after sample, state reset between samples as the trainer does; after
 * each sample's last step one more step (the slot's next first step: y3 = the clear pulse, no
 * input) clears the tags, which the trainer's commit applies at once.
 */
function scalar(c: Case, comp: boolean) {
  const [rDecX, rImpX, rDecY, rW] = c.rand;
  let r = 0;
  let clearing = -1; // the slot whose clear step runs, else -1
  const random: LearningRandomSource = {
    // two advances per step: the first (mid-step) only feeds repeated spikes within an epoch,
    // which t_epoch 1 never has; the second feeds the learning phase at the step's end
    advanceTraces: () => ({ xDecay: rDecX[r], xImpulse: Math.floor(rImpX[r] * 128), yDecay: clearing >= 0 ? c.rPulse[clearing] : rDecY[r], yImpulse: 0 }),
    advanceSynaptic: () => rW[r],
  };
  const rules = ruleStrings(ELIG, LEARN, comp);
  const e = new LearningDense(
    { nPre: nIn, nPost: nOut, weights: new Int32Array(nIn * nOut), rule: { dw: rules.dw, dt: rules.dt, tEpoch: 1, threeFactor: true, x1: { impulse: IMPULSE, tau: TAU } } },
    random,
  );
  // set the weights after construction: Lava truncates initial MIXED 8-bit weights by one LSB
  e.weights = Int32Array.from({ length: nIn * nOut }, (_, k) => c.w0[(k % nIn) * nOut + Math.floor(k / nIn)]);
  const traces: Uint8Array[][] = [];
  const dense0: Int32Array[] = [];
  const tagsBefore: Int16Array[] = [];
  const tagsAfter: Int16Array[] = [];
  const weightsAfter: Int16Array[] = [];
  for (let b = 0; b < B; b++) {
    e.x.fill(0);
    e.y.fill(0);
    e.tag1.fill(0); // each sample of the batch starts from its own (fresh) tag slot
    e.aBuff.fill(0);
    traces.push([]);
    for (let t = 0; t < T; t++) {
      r = b * T + t;
      const last = t === T - 1;
      const a = e.forward(c.input[t].subarray(b * nIn, (b + 1) * nIn));
      if (b === 0 && t > 0) dense0.push(Int32Array.from(a));
      const q = (j: number) => c.q[b * nOut + j];
      const y1 = last ? Uint8Array.from({ length: nOut }, (_, j) => THIRD_OFFSET - q(j)) : c.y1raw[t].subarray(b * nOut, (b + 1) * nOut);
      const y2 = Int32Array.from({ length: nOut }, (_, j) => (last && q(j) !== 0 ? GATE : 0));
      const y3 = new Int32Array(nOut).fill(t === 0 ? CLEAR_PULSE : 0);
      if (last) tagsBefore.push(prePost(e.tag1));
      e.post(c.out[t].subarray(b * nOut, (b + 1) * nOut), [y1, y2, y3]);
      traces[b].push(Uint8Array.from(e.x.subarray(0, nIn)));
    }
    // the slot's next first step: only its clear (no input, y1 = y2 = 0)
    clearing = b;
    e.forward(new Uint8Array(nIn));
    e.post(new Uint8Array(nOut), [new Uint8Array(nOut), new Int32Array(nOut), new Int32Array(nOut).fill(CLEAR_PULSE)]);
    clearing = -1;
    tagsAfter.push(prePost(e.tag1));
    weightsAfter.push(prePost(e.weights));
  }
  return { traces, dense0, tagsBefore, tagsAfter, weightsAfter };
}

for (const [wasm, comp] of [[false, false], [true, false], [false, true], [true, true]]) {
  const what = `on-chip ${wasm ? 'WebAssembly' : 'JS'} kernels${comp ? ' with the floor compensation' : ''}`;
  test(`${what} equal the scalar Lava engine bit for bit (traces, tags, weights; ${B} samples)`, (t) => {
    t.is(ruleStrings(ELIG, LEARN, comp).dw, `2^-6*u0*t*(y1-64)*y2${comp ? ' + 2^-7*u0*sgn(t)*y2' : ''}`);
    t.is(ruleStrings(ELIG, LEARN, comp).dt, '-u0*t*y3 + 2^-5*u0*x1*y1');
    for (const seed of [1, 2, 3]) {
      const c = randomCase(seed);
      const got = batched(c, wasm, comp);
      const want = scalar(c, comp);
      for (let b = 0; b < B; b++) {
        for (let s = 0; s < T; s++) t.deepEqual([...got.traces[b][s]], [...want.traces[b][s]], `seed ${seed} sample ${b} step ${s}: x1`);
        t.deepEqual([...got.tagsBefore[b]], [...want.tagsBefore[b]], `seed ${seed} sample ${b}: tags before the commit`);
        t.deepEqual([...got.tagsAfter[b]], [...want.tagsAfter[b]], `seed ${seed} sample ${b}: tags after the commit`);
        t.deepEqual([...got.weightsAfter[b]], [...want.weightsAfter[b]], `seed ${seed} sample ${b}: weights after its commit`);
      }
      // the comparison is not vacuous: tags grew and weights moved
      t.true(got.tagsBefore.some((x) => x.some((v) => v > 0)), 'some tag is nonzero');
      t.true(got.tagsAfter[1].some((v) => v !== 0), 'the 31 pulse left a rest in some tag');
      t.true(got.weightsAfter[B - 1].some((v, k) => v !== c.w0[k]), 'some weight changed');
      for (let s = 0; s < T - 1; s++) t.deepEqual([...got.dense0[s]], [...want.dense0[s]], `seed ${seed} step ${s + 1}: Dense input of sample 0`);
    }
  });
}

test('spike-timed (STDP) kernel equals the scalar Lava engine bit for bit on the trainer rule, several steps', (t) => {
  const r = new Rng(7);
  const products = spikeTimedRule(STDP_RULE);
  const nSteps = 12;
  const w0 = Int16Array.from({ length: nIn * nOut }, () => r.int(512) - 256);
  const pre = Array.from({ length: nSteps }, () => Uint8Array.from({ length: nIn }, () => (r.uniform() < 0.3 ? 1 : 0)));
  const post = Array.from({ length: nSteps }, () => Uint8Array.from({ length: nOut }, () => (r.uniform() < 0.3 ? 1 : 0)));
  const rand = Array.from({ length: nSteps }, () => ({ xDecay: r.uniform(), xImpulse: r.int(128), yDecay: r.uniform(), yImpulse: r.int(128), rw: r.uniform() }));
  let k = 0;
  const e = new LearningDense(
    { nPre: nIn, nPost: nOut, weights: new Int32Array(nIn * nOut), rule: { dw: STDP_RULE, tEpoch: 1, x1: { impulse: IMPULSE, tau: TAU }, y1: { impulse: IMPULSE, tau: TAU } } },
    { advanceTraces: () => rand[k], advanceSynaptic: () => rand[k].rw },
  );
  e.weights = Int32Array.from({ length: nIn * nOut }, (_, s) => w0[(s % nIn) * nOut + Math.floor(s / nIn)]);
  const w = Int16Array.from(w0);
  const x1 = new Uint8Array(nIn);
  const y1 = new Uint8Array(nOut);
  const imp = splitImpulse(IMPULSE);
  let changed = 0;
  for (k = 0; k < nSteps; k++) {
    e.step(pre[k], post[k]);
    const q = rand[k];
    traceStep(x1, 0, nIn, pre[k], 0, decayFactor(TAU), imp.int, imp.frac8, q.xDecay, q.xImpulse);
    traceStep(y1, 0, nOut, post[k], 0, decayFactor(TAU), imp.int, imp.frac8, q.yDecay, q.yImpulse);
    changed += spikeTimedStep(products, w, nIn, nOut, pre[k], 0, post[k], 0, x1, y1, q.rw);
    t.deepEqual([...x1], [...e.x.subarray(0, nIn)], `step ${k}: x1`);
    t.deepEqual([...y1], [...e.y.subarray(0, nOut)], `step ${k}: y1`);
    t.deepEqual([...w], [...prePost(e.weights)], `step ${k}: weights`);
  }
  t.true(changed > 0, 'weights moved');
});

test('on-chip STDP refuses rules it cannot run spike-timed, in one line', (t) => {
  t.throws(() => spikeTimedRule('2^-6*u0*x1*y1'), { message: /every product must depend on x0 or y0/ });
  t.throws(() => spikeTimedRule('2^-6*x2*y0'), { message: /factor x2 is not supported here/ });
});
