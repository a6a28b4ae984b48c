// SPDX-License-Identifier: MIT
/**
 * What on-chip learning costs a SpiNNaker core on a 784 -> 500 layer, per synaptic update and per
 * learning sample: instructions, cycles, DTCM accesses, SDRAM bytes (src/chips/spinnaker/cost.ts)
 * and energy from the profiles' learning.cyclePj with its confidence.
 *
 * The work is counted by running the bit-accurate models on real inputs: embedded-MNIST digits,
 * Poisson-encoded (14 steps, spike probability = pixel intensity per step, seeded), and post
 * spikes of the 500 neurons at the default trained network's first-layer rate (62 spikes per digit
 * over 14 steps, README "The main job"; drawn at random, seeded: the layer is not simulated here).
 *   - pair STDP, additive (SpinnakerStdp): every pre spike updates its row of 500 synapses;
 *   - three-factor (SpinnakerThreeFactor): tag += x_i psi_j every step for the rows with a
 *     non-zero trace (tau 10 ms), w += m_j tag once per sample (psi_j, m_j synthetic, non-zero).
 *
 *   node --import tsx bench/spinnaker-plasticity.ts [--samples 20] [--seed 1]
 */
import { parseArgs } from 'node:util';
import { loadEmbeddedMnist } from '../src/data/mnist-embedded.js';
import { Rng } from '../src/sim/rng.js';
import { learningOf, loadProfile } from '../src/chips/profile.js';
import { SpinnakerStdp } from '../src/chips/spinnaker/stdp.js';
import { SpinnakerThreeFactor, stepTraces, toFixed16, toS1615 } from '../src/chips/spinnaker/three-factor.js';
import { expDecayLut } from '../src/chips/spinnaker/stdp-maths.js';
import { armEnergy, armLearningCost, stdpWork, threeFactorWork, type ArmWork } from '../src/chips/spinnaker/cost.js';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '20' }, seed: { type: 'string', default: '1' } } });
const S = Number(values.samples);
const rng = new Rng(Number(values.seed));
const N_IN = 784;
const N_OUT = 500;
const T = 14;
const POST_P = 62 / N_OUT / T;

const data = loadEmbeddedMnist().train!;
const inputs: Uint8Array[][] = [];
const posts: Uint8Array[][] = [];
for (let s = 0; s < S; s++) {
  const x = data.x.subarray(s * N_IN, (s + 1) * N_IN);
  const steps: Uint8Array[] = [];
  const postSteps: Uint8Array[] = [];
  for (let t = 0; t < T; t++) {
    steps.push(Uint8Array.from(x, (v) => (rng.uniform() < v ? 1 : 0)));
    postSteps.push(Uint8Array.from({ length: N_OUT }, () => (rng.uniform() < POST_P ? 1 : 0)));
  }
  inputs.push(steps);
  posts.push(postSteps);
}

// pair STDP, additive, PyNN defaults; 20 silent steps between digits
const w0 = Uint16Array.from({ length: N_IN * N_OUT }, () => rng.int(1024));
const stdp = SpinnakerStdp.fromPyNN(
  { timing: 'pair', weight: 'additive', timestepMs: 1, tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: 0.012, wMin: 0, wMax: 1 },
  { nPre: N_IN, nPost: N_OUT, weightShift: 5, weights: w0 },
);
let t0 = performance.now();
for (let s = 0; s < S; s++)
  for (let t = 0; t < T; t++) {
    const time = s * (T + 20) + t + 1;
    for (let j = 0; j < N_OUT; j++) if (posts[s][t][j]) stdp.postSpike(j, time);
    for (let i = 0; i < N_IN; i++) if (inputs[s][t][i]) stdp.preSpike(i, time);
  }
const stdpMs = (performance.now() - t0) / S;

/**
 * The same rule in float64 with an unlimited post history and real-valued weights (no LUT, no
 * int16 traces, no 16-bit weights), same deferred order: the yardstick for the chip's arithmetic.
 */
function floatPairStdp(): Float64Array {
  const tp = 20;
  const tm = 20;
  const wMax = 1;
  const aP = 0.01 * wMax;
  const aM = 0.012 * wMax;
  const w = Float64Array.from(w0, (x) => (x * 2 ** 5) / 32768);
  const preT = new Float64Array(N_IN);
  const preR = new Float64Array(N_IN);
  const postTimes: number[][] = Array.from({ length: N_OUT }, () => []);
  const postO: number[][] = Array.from({ length: N_OUT }, () => []);
  for (let s = 0; s < S; s++)
    for (let t = 0; t < T; t++) {
      const time = s * (T + 20) + t + 1;
      for (let j = 0; j < N_OUT; j++)
        if (posts[s][t][j]) {
          const ts = postTimes[j];
          const o = ts.length ? postO[j][ts.length - 1] * Math.exp(-(time - ts[ts.length - 1]) / tm) : 0;
          ts.push(time);
          postO[j].push(o + 1);
        }
      for (let i = 0; i < N_IN; i++) {
        if (!inputs[s][t][i]) continue;
        const last = preT[i];
        const r = preR[i];
        for (let j = 0; j < N_OUT; j++) {
          const k = i * N_OUT + j;
          const ts = postTimes[j];
          let lastPost = -1;
          for (let e = 0; e < ts.length; e++) {
            if (ts[e] <= last) lastPost = e;
            else if (ts[e] <= time) {
              if (ts[e] > last) w[k] = Math.min(wMax, w[k] + aP * r * Math.exp(-(ts[e] - last) / tp));
              lastPost = e;
            }
          }
          if (lastPost >= 0) w[k] = Math.max(0, w[k] - aM * postO[j][lastPost] * Math.exp(-(time - ts[lastPost]) / tm));
        }
        preR[i] = r * Math.exp(-(time - last) / tp) + 1;
        preT[i] = time;
      }
    }
  return w;
}
const wf = floatPairStdp();
let sumDiff = 0;
let sumSigned = 0;
let maxDiff = 0;
let worstK = 0;
let changed = 0;
for (let k = 0; k < wf.length; k++) {
  const signed = (stdp.realWeight(k) - wf[k]) / (2 ** 5 / 32768);
  const d = Math.abs(signed);
  sumDiff += d;
  sumSigned += signed;
  if (d > maxDiff) [maxDiff, worstK] = [d, k];
  if (stdp.weights[k] !== w0[k]) changed++;
}

// three-factor: traces tau 10 ms, psi in (0, 1], m small, stochastic-free floor rounding
const tf = new SpinnakerThreeFactor({ nPre: N_IN, nPost: N_OUT, weightShift: 4, weights: Int16Array.from({ length: N_IN * N_OUT }, () => rng.int(2000) - 1000) });
const decay = expDecayLut(1, 10).values[1];
t0 = performance.now();
for (let s = 0; s < S; s++) {
  const x = new Int16Array(N_IN);
  for (let t = 0; t < T; t++) {
    stepTraces(x, inputs[s][t], decay);
    const psi = Int16Array.from({ length: N_OUT }, () => toFixed16(1 / (1 + 3 * rng.uniform()) ** 2));
    tf.accumulate(x, psi);
  }
  tf.apply(Array.from({ length: N_OUT }, () => toS1615((rng.uniform() - 0.5) * 1e-3)));
}
const tfMs = (performance.now() - t0) / S;

const profiles = ['spinnaker', 'spinnaker2'].map((n) => ({ name: n, learning: learningOf(loadProfile(n), 'three-factor') }));
const energy = (w: ArmWork) =>
  profiles
    .map((p) => {
      const e = armEnergy(w, p.learning);
      const v = e.pj === null ? 'unknown' : e.pj >= 1e9 ? `${(e.pj / 1e9).toFixed(2)} mJ` : e.pj >= 1e6 ? `${(e.pj / 1e6).toFixed(2)} uJ` : `${(e.pj / 1e3).toFixed(2)} nJ`;
      return `${p.name} ${v} (${e.confidence})`;
    })
    .join('; ');
/** 1234567 -> '1.23 M', 12.5 -> '12.5'. */
const si = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e4 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(1));
const fmt = (w: ArmWork, k = 1) =>
  `${si(w.instructions / k)} instr, ${si(w.cycles / k)} cycles, ${si(w.dtcmAccesses / k)} DTCM accesses, ${si(w.sdramBytes / k)} B SDRAM`;

console.log(`SpiNNaker on-chip learning, 784 -> 500 layer, ${S} embedded-MNIST digits x ${T} steps (seed ${values.seed})`);
console.log('\nper synaptic update (count model of src/chips/spinnaker/cost.ts):');
for (const [name, c] of [
  ['pair STDP additive, 0 post spikes replayed', armLearningCost('stdp-pair-additive', { postEvents: 0 })],
  ['pair STDP additive, 1 post spike replayed', armLearningCost('stdp-pair-additive', { postEvents: 1 })],
  ['pair STDP multiplicative, 1 post spike', armLearningCost('stdp-pair-multiplicative', { postEvents: 1 })],
  ['three-factor tag (per synapse per step)', armLearningCost('three-factor-tag')],
  ['three-factor apply, floor (per synapse per sample)', armLearningCost('three-factor-apply')],
  ['three-factor apply, stochastic rounding', armLearningCost('three-factor-apply', { rounding: 'stochastic' })],
] as const)
  console.log(`  ${name.padEnd(52)} ${fmt(c.perUpdate)}; energy ${energy(c.perUpdate)}`);

const sw = stdpWork('stdp-pair-additive', stdp.counts);
const c = stdp.counts;
console.log(`\npair STDP (additive) per learning sample: ${(c.preSpikes / S).toFixed(1)} pre spikes, ${(c.postSpikes / S).toFixed(1)} post spikes, ` +
  `${(c.synapseUpdates / S).toFixed(0)} synapse updates, ${(c.postEventsApplied / c.synapseUpdates).toFixed(3)} post spikes replayed per update`);
console.log(`  per sample: ${fmt(sw, S)}; energy ${energy({ ...sw, cycles: sw.cycles / S })}`);
console.log(`  per update (averaged over the run): ${fmt(sw, c.synapseUpdates)}`);
console.log(`  chip vs float64 pair STDP after ${S} digits: ${changed} of ${wf.length} weights changed; |difference| mean ${(sumDiff / wf.length).toFixed(3)} LSB (signed mean ${(sumSigned / wf.length).toFixed(3)}), max ${maxDiff.toFixed(2)} LSB (LSB = 2^5 / 2^15 = ${(2 ** 5 / 32768).toFixed(6)} nA)`);
console.log(`    worst synapse: pre ${Math.floor(worstK / N_OUT)} -> post ${worstK % N_OUT}, chip ${stdp.weights[worstK]} vs float ${(wf[worstK] * 1024).toFixed(1)} (from ${w0[worstK]})`);
const cores = Math.ceil(N_OUT / 256);
console.log(`  at 200 MHz on ${cores} cores (256 neurons each): ${((sw.cycles / S / cores / 200e6) * 1e3).toFixed(2)} ms of ARM time per sample, vs ${T} ms of real time`);

const tw = threeFactorWork(tf.counts, N_IN);
const tc = tf.counts;
console.log(`\nthree-factor per learning sample: ${(tc.tagRows / S).toFixed(1)} row-steps with a non-zero trace (of ${N_IN * T}), ` +
  `${(tc.tagUpdates / S).toFixed(0)} tag updates, ${(tc.weightUpdates / S).toFixed(0)} weight updates, ${N_OUT} third factors (computed on the post neurons' core, no packets)`);
console.log(`  tags per sample:  ${fmt(tw.tag, S)}; energy ${energy({ ...tw.tag, cycles: tw.tag.cycles / S })}`);
console.log(`  apply per sample: ${fmt(tw.apply, S)}; energy ${energy({ ...tw.apply, cycles: tw.apply.cycles / S })}`);
console.log(`  at 200 MHz on ${cores} cores (256 neurons each): ${((tw.tag.cycles + tw.apply.cycles) / S / cores / 200e6 * 1e3).toFixed(2)} ms of ARM time per sample for learning, vs ${T} ms of real time`);
console.log(`\nmodel speed here (JS, shared 2-core machine): pair STDP ${stdpMs.toFixed(1)} ms / sample, three-factor ${tfMs.toFixed(1)} ms / sample`);
