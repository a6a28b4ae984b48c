// SPDX-License-Identifier: MIT
/** The claims scorecard on tiny generated runs, and its measurement pieces on data with known answers. */
import test from 'ava';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckpoint, writeCheckpoint } from '../../src/io/checkpoint.js';
import { datasetOf, judgeClaims, loadRuns, scorecard, type Scorecard } from '../../src/eval/claims/index.js';
import { classSimilarity, linearProbe, pca2 } from '../../src/eval/claims/representations.js';
import { evaluateCheckpoint } from '../../src/eval/report.js';
import { cpuOps } from '../../src/sim/batched/ops.js';
import { Rng } from '../../src/sim/rng.js';
import { tinyRuns } from './tiny-runs.js';

const OPTS = { samples: 60, probeSamples: 200, hwSamples: 5, profiles: ['loihi', 'spinnaker', 'truenorth'] };
const runs = tinyRuns();

/** Two classes on orthogonal axes plus a little noise: separable, same-class cosine near 1, other near 0. */
function twoClasses(n: number, d: number, seed: number): { h: Float32Array; y: Uint8Array } {
  const rng = new Rng(seed);
  const h = new Float32Array(n * d);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let j = 0; j < d; j++) h[i * d + j] = 0.05 * rng.uniform();
    h[i * d + y[i]] += 1;
  }
  return { h, y };
}

test('class similarity, linear probe and PCA on data with known answers', (t) => {
  const { h, y } = twoClasses(200, 8, 1);
  const sim = classSimilarity(h, y, 200, 8, 2);
  t.true(sim.same > 0.98, `same-class cosine ${sim.same}`);
  t.true(sim.other < 0.15, `other-class cosine ${sim.other}`);
  t.is(sim.matrix[0][1], sim.matrix[1][0]);
  const test2 = twoClasses(100, 8, 2);
  t.is(linearProbe(h, y, 200, test2.h, test2.y, 100, 8, 2), 1);
  // shuffled labels: the probe cannot beat chance by much
  const noise = Uint8Array.from(y, (_, i) => (i * 7919) % 3 === 0 ? 1 : 0);
  t.true(linearProbe(h, noise, 200, test2.h, test2.y, 100, 8, 2) < 0.8);
  const p = pca2(h, 200, 8, new Rng(3));
  t.true(p.explained[0] > 0.9, `first axis explains ${p.explained[0]}`);
  // the first component separates the classes by sign
  const sign0 = Math.sign(p.x[0]);
  t.true(Array.from(p.x).every((v, i) => Math.sign(v) === (y[i] === y[0] ? sign0 : -sign0)));
});

let card: Scorecard;
test.before(async () => {
  const { dirs } = await runs;
  const loaded = loadRuns(Object.values(dirs));
  card = scorecard(loaded, datasetOf(loaded), cpuOps, OPTS);
});

const claim = (id: string) => card.claims.find((c) => c.id === id)!;
const run = (name: string) => card.runs.find((r) => r.name === name)!;

test('figures are the ones evaluate and training recorded', async (t) => {
  const { dirs } = await runs;
  for (const [name, dir] of Object.entries(dirs)) {
    const ck = readCheckpoint(join(dir, 'checkpoint.ffsnn'));
    const data = datasetOf(loadRuns([dir]));
    t.is(run(name).accuracy, evaluateCheckpoint(ck, data.test, data.name).accuracy, name);
    t.is(run(name).accuracy, ck.history[ck.history.length - 1].test_accuracy, `${name}: same as the last epoch's metric`);
  }
  t.is(run('ff-rate').inference.passes, 10);
  t.is(run('faust-lif').inference.time_steps, 4);
  const lat = run('faust-lif').inference.latency!;
  t.true(lat.mean_steps >= 1 && lat.mean_steps <= 4);
  t.is(run('faust-rate').inference.latency, null);
  t.is(run('faust-rate').hardware, null, 'rate networks are not mapped');
  const hw = run('faust-lif').hardware!;
  t.deepEqual(hw.map((h) => h.profile), ['loihi', 'spinnaker', 'truenorth']);
  t.true(hw.find((h) => h.profile === 'loihi')!.fits);
  t.is(hw.find((h) => h.profile === 'loihi')!.samples, 5);
  for (const m of card.runs) {
    t.is(m.robustness.accuracy.gaussian.length, 3);
    t.true(m.representations.every((r) => r.probe_accuracy >= 0 && r.probe_accuracy <= 1));
  }
  t.is(run('bp-rate').representations.length, 2, "BP's output layer is not a hidden layer");
});

test('every claim has a figure per run and a verdict with a reason', (t) => {
  t.is(card.claims.length, 18);
  for (const c of card.claims) {
    t.is(c.figures.length, card.runs.length, c.id);
    t.true(['supported', 'not supported', 'mixed', 'not measurable here'].includes(c.verdict), c.id);
    t.true(c.reason.length > 0 && c.rule.length > 0, c.id);
  }
});

test('locality verdicts follow the recorded reads', (t) => {
  t.is(claim('weight-transport').verdict, 'supported');
  t.is(claim('backward-locking').verdict, 'supported');
  t.is(claim('single-pass').verdict, 'supported');
  t.is(run('bp-rate').locality.weight_transport, true);
  t.is(run('bp-rate').locality.phases_per_sample, 2);
  t.is(run('ff-rate').locality.phases_per_sample, 2);
  t.is(run('faust-rate').locality.phases_per_sample, 1);
  t.is(run('faust-lif').locality.storage_per_synapse, 1, 'spiking FAUST keeps an eligibility trace per synapse');
  t.is(run('bp-lif').locality.storage_per_neuron, 8, 'BPTT keeps spikes and surrogate derivatives of 4 steps');
});

test('a FAUST run recorded reading transposed weights fails the weight-transport claim', async (t) => {
  const { dirs, root } = await runs;
  const dir = join(root, 'faust-tampered');
  mkdirSync(dir);
  copyFileSync(join(dirs['faust-rate'], 'metrics.json'), join(dir, 'metrics.json'));
  const ck = readCheckpoint(join(dirs['faust-rate'], 'checkpoint.ffsnn'));
  writeCheckpoint(join(dir, 'checkpoint.ffsnn'), { ...ck, signalsRead: [...ck.signalsRead, 'syn.w.transposed'] });
  const loaded = loadRuns([dir, dirs['bp-rate']]);
  const c = scorecard(loaded, datasetOf(loaded), cpuOps, { ...OPTS, samples: 20 });
  t.is(c.claims.find((x) => x.id === 'weight-transport')!.verdict, 'not supported');
});

test('verdicts that need pairs say what is missing', async (t) => {
  const { dirs } = await runs;
  const loaded = loadRuns([dirs['faust-rate'], dirs['ff-rate']]);
  const c = scorecard(loaded, datasetOf(loaded), cpuOps, { ...OPTS, samples: 20 });
  for (const id of ['accuracy', 'convergence', 'sample-efficiency', 'precision', 'energy']) {
    t.is(c.claims.find((x) => x.id === id)!.verdict, 'not measurable here', id);
  }
  // the sample-efficiency claim is judged when FAUST and BP ran at a fraction and at 1
  t.not(claim('sample-efficiency').verdict, 'not measurable here');
  t.regex(claim('sample-efficiency').reason, /0\.5: FAUST keeps/);
});

test('accuracy verdict rule: gap <= 2 points in every pair, > 2 in every pair, or mixed', (t) => {
  const withGaps = (gap: (faust: string) => number) =>
    judgeClaims(
      card.runs.map((m) => {
        if (m.rule !== 'faust') return m;
        const bp = card.runs.find((b) => b.rule === 'bp' && b.neuron === m.neuron && b.train_fraction === m.train_fraction)!;
        return { ...m, accuracy: bp.accuracy - gap(m.name) };
      }),
    ).find((c) => c.id === 'accuracy')!.verdict;
  t.is(withGaps(() => 0.01), 'supported');
  t.is(withGaps(() => 0.05), 'not supported');
  t.is(withGaps((n) => (n === 'faust-lif' ? 0.05 : 0)), 'mixed');
});
