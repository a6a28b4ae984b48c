// SPDX-License-Identifier: MIT
import test from 'ava';
import { ARM_RULES, armEnergy, armLearningCost, stdpWork, threeFactorWork } from '../../../src/chips/spinnaker/cost.js';
import { SpinnakerStdp } from '../../../src/chips/spinnaker/stdp.js';
import { learningOf, loadProfile } from '../../../src/chips/profile.js';
import { ConfigError } from '../../../src/errors.js';

test('every rule has a positive per-update cost whose lines add up', (t) => {
  for (const r of ARM_RULES) {
    const c = armLearningCost(r);
    t.true(c.perUpdate.instructions > 0 && c.perUpdate.cycles >= c.perUpdate.instructions && c.perUpdate.sdramBytes > 0, r);
    const total = c.lines.reduce((s, l) => s + l.instructions, 0);
    t.is(total, c.perUpdate.instructions + c.perRow.instructions, r);
    t.true(c.assumptions.length >= 2, r);
  }
});

test('the count model orders the rules as their C paths do', (t) => {
  const cyc = (r: (typeof ARM_RULES)[number], o = {}) => armLearningCost(r, o).perUpdate.cycles;
  t.true(cyc('stdp-pair-multiplicative') > cyc('stdp-pair-additive')); // one more SMULL per term
  t.true(cyc('stdp-pair-additive', { postEvents: 4 }) > cyc('stdp-pair-additive', { postEvents: 1 }));
  t.true(cyc('three-factor-apply', { rounding: 'stochastic' }) > cyc('three-factor-apply', { rounding: 'nearest' }));
  t.true(cyc('three-factor-apply', { rounding: 'nearest' }) > cyc('three-factor-apply'));
  t.true(cyc('three-factor-tag') < cyc('stdp-pair-additive', { postEvents: 0 }));
  t.throws(() => armLearningCost('stdp-triplet' as never), { instanceOf: ConfigError, message: /rule/ });
  t.throws(() => armLearningCost('stdp-pair-additive', { postEvents: -1 }), { message: /postEvents/ });
});

test('stdpWork from the model\'s counters equals the per-update cost times the work done', (t) => {
  const stdp = SpinnakerStdp.fromPyNN(
    { timing: 'pair', weight: 'additive', timestepMs: 1, tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: 0.012, wMin: 0, wMax: 1 },
    { nPre: 1, nPost: 3, weightShift: 5, weights: [100, 100, 100] },
  );
  stdp.postSpike(0, 2);
  stdp.preSpike(0, 5);
  // 3 synapses: one replays one post spike (2 window steps), two replay none (1 step each)
  t.deepEqual(stdp.counts, { preSpikes: 1, postSpikes: 1, synapseUpdates: 3, postEventsApplied: 1, depressions: 1, windowSteps: 4 });
  const w = stdpWork('stdp-pair-additive', stdp.counts);
  const one = armLearningCost('stdp-pair-additive', { postEvents: 1, windowSteps: 2 });
  const none = armLearningCost('stdp-pair-additive', { postEvents: 0, windowSteps: 1 });
  t.is(w.cycles, one.perUpdate.cycles + 2 * none.perUpdate.cycles + one.perRow.cycles);
  t.is(w.sdramBytes, 3 * 6 + 20);
  const tf = threeFactorWork({ tagRows: 2, tagUpdates: 6, weightUpdates: 4, samples: 1 }, 3);
  t.is(tf.tag.cycles, 6 * armLearningCost('three-factor-tag').perUpdate.cycles + 2 * armLearningCost('three-factor-tag').perRow.cycles);
  t.is(tf.apply.cycles, 4 * armLearningCost('three-factor-apply').perUpdate.cycles + 3 * armLearningCost('three-factor-apply').perRow.cycles);
});

test('energy comes from the profile: SpiNNaker per core-cycle figure, none for SpiNNaker 2', (t) => {
  const c = armLearningCost('stdp-pair-additive');
  const e = armEnergy(c.perUpdate, learningOf(loadProfile('spinnaker')));
  t.is(e.pj, c.perUpdate.cycles * 277.8);
  t.is(e.confidence, 'unconfirmed');
  t.regex(e.source, /per core-cycle/);
  t.is(armEnergy(c.perUpdate, learningOf(loadProfile('spinnaker2'))).pj, null);
});
