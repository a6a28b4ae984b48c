// SPDX-License-Identifier: MIT
/**
 * Cost of the bit-approximate Loihi 2 learning engine (src/chips/loihi/learning/engine.ts) per
 * time step of a 784 -> 100 layer with 10 % pre and post spike density, learning every step
 * (t_epoch 1), against a named baseline measured in the same run: the same engine with a rule
 * that learns only every 1000 steps (forward pass, spike bookkeeping and trace randoms only).
 * Prints CPU ms per step (process.cpuUsage, steadier than wall time on a loaded machine), the
 * ratio learning / baseline, and ns per synapse update.
 *
 *   node --import tsx bench/loihi-learning.ts
 */
import { Rng } from '../src/sim/rng.js';
import { LearningDense, seededLearningRandom } from '../src/chips/loihi/learning/engine.js';

const nPre = 784;
const nPost = 100;
const steps = 200;
const rng = new Rng(7);
const weights = Array.from({ length: nPre * nPost }, () => rng.int(200) - 100);
const raster = (n: number) => Array.from({ length: steps }, () => Uint8Array.from({ length: n }, () => (rng.uniform() < 0.1 ? 1 : 0)));
const pre = raster(nPre);
const post = raster(nPost);

function msPerStep(dw: string, tEpoch: number): number {
  const ld = new LearningDense(
    { nPre, nPost, weights, rule: { dw, tEpoch, x1: { impulse: 16, tau: 10 }, y1: { impulse: 16, tau: 10 } } },
    seededLearningRandom(new Rng(1)),
  );
  for (let s = 0; s < 5; s++) ld.step(pre[s], post[s]); // warm-up
  // CPU time of this process, steadier than wall time on the shared, loaded machine.
  const t0 = process.cpuUsage();
  for (let s = 0; s < steps; s++) ld.step(pre[s], post[s]);
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000 / steps;
}

const stdp = '2^-2*x1*y0 - 2^-2*y1*x0';
const base = msPerStep(stdp, 1000);
for (const [name, dw] of [
  ['pair STDP', stdp],
  ['soft-bound STDP (w factors)', '2^-4*y0*x1*(127-w) - 2^-4*x0*y1*w'],
] as const) {
  const ms = msPerStep(dw, 1);
  console.log(
    `${name.padEnd(28)} ${ms.toFixed(2)} ms/step  baseline (no learning phase) ${base.toFixed(2)} ms/step  ratio ${(ms / base).toFixed(1)}x  ${(((ms - base) * 1e6) / (nPre * nPost)).toFixed(0)} ns per synapse update`,
  );
}
