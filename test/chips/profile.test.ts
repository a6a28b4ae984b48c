// SPDX-License-Identifier: MIT
import test from 'ava';
import { learningOf, listProfileNames, loadProfile, profileFaults, profileQuantities } from '../../src/chips/profile.js';
import { HardwareProfileError, OnChipLearningError } from '../../src/errors.js';

test('the five shipped profiles validate and every number has a source and a confidence', (t) => {
  t.deepEqual(listProfileNames(), ['loihi', 'loihi2', 'spinnaker', 'spinnaker2', 'truenorth']);
  for (const name of listProfileNames()) {
    const p = loadProfile(name);
    t.is(p.name, name);
    const qs = profileQuantities(p);
    t.true(qs.length >= 10, name);
    for (const q of qs) t.true(q.source.length > 3 && !!q.confidence, `${name}${q.path}`);
  }
});

test('a malformed profile yields every fault with its JSON path', (t) => {
  const p = JSON.parse(JSON.stringify(loadProfile('loihi')));
  p.core.maxNeurons.value = 10.5;
  delete p.chip.coresPerChip.source;
  p.weights.format = 'float';
  p.extra = 1;
  const faults = profileFaults(p);
  t.true(faults.includes('/core/maxNeurons/value: must be integer'), faults.join('\n'));
  t.true(faults.includes("/chip/coresPerChip: must have required property 'source'"));
  t.true(faults.some((f) => f.startsWith('/weights/format: must be equal to one of the allowed values')));
  t.true(faults.includes("/: must NOT have additional properties 'extra'"));
});

test('semantic checks: delay range order', (t) => {
  const p = JSON.parse(JSON.stringify(loadProfile('spinnaker')));
  p.delay.min.value = 100;
  t.deepEqual(profileFaults(p), ['/delay/min/value: must be <= /delay/max/value (64)']);
});

test('an unknown profile name is refused with the list of known ones', (t) => {
  const e = t.throws(() => loadProfile('loihi3'), { instanceOf: HardwareProfileError });
  t.regex(e!.message, /unknown profile 'loihi3' \(expected one of: loihi, loihi2/);
});

test('every profile has a learning section; learning chips give precisions, schedule, third-factor path and energy with sources', (t) => {
  for (const name of listProfileNames()) {
    const p = loadProfile(name);
    if (!p.learning.learnsOnChip) continue;
    const l = learningOf(p);
    for (const q of [l.traceBits, l.weightBits, l.synUpdatePj]) t.true(q.source.length > 3 && !!q.confidence, name);
    for (const s of [l.expresses, l.updateSchedule, l.thirdFactor]) t.true(s.text.length > 3 && s.source.length > 3 && !!s.confidence, name);
  }
  const l2 = learningOf(loadProfile('loihi2'), 'three-factor');
  t.deepEqual(l2.ruleVariables, ['x0', 'x1', 'x2', 'y0', 'y1', 'y2', 'y3', 'u', 'w', 'd', 't']);
  t.is(l2.traceBits.value, 7);
  t.regex(l2.thirdFactor.text, /y1\.\.y3/);
  const sp = learningOf(loadProfile('spinnaker'), 'three-factor');
  t.is(sp.engine, 'arm-software');
  t.is(sp.weightBits.value, 16);
  t.is(sp.traceFracBits?.value, 11);
});

test('learningOf refuses TrueNorth with the reason, and a chip without a third factor for three-factor rules', (t) => {
  const e = t.throws(() => learningOf(loadProfile('truenorth')), { instanceOf: OnChipLearningError });
  t.regex(e!.message, /^truenorth has no on-chip learning: its synapses are a fixed binary crossbar/);
  t.true(e instanceof HardwareProfileError);
  const p = JSON.parse(JSON.stringify(loadProfile('loihi2')));
  p.learning.factors = [2];
  p.learning.thirdFactor.supported = false;
  t.is(learningOf(p).engine, 'loihi2-learning-engine');
  const e3 = t.throws(() => learningOf(p, 'three-factor'), { instanceOf: OnChipLearningError });
  t.regex(e3!.message, /^loihi2 cannot run three-factor rules on chip: its learning engine supports 2-factor rules/);
});

test('the schema requires a reason when a chip cannot learn, and the precisions when it can', (t) => {
  const tn = JSON.parse(JSON.stringify(loadProfile('truenorth')));
  delete tn.learning.reason;
  t.deepEqual(profileFaults(tn), ["/learning: must have required property 'reason'"]);
  const sp = JSON.parse(JSON.stringify(loadProfile('spinnaker')));
  delete sp.learning.traceBits;
  sp.learning.factors = [4];
  const faults = profileFaults(sp);
  t.true(faults.includes("/learning: must have required property 'traceBits'"), faults.join('\n'));
  t.true(faults.some((f) => f.startsWith('/learning/factors/0: must be equal to one of the allowed values')), faults.join('\n'));
  const missing = JSON.parse(JSON.stringify(loadProfile('loihi')));
  delete missing.learning;
  t.deepEqual(profileFaults(missing), ["/: must have required property 'learning'"]);
});
