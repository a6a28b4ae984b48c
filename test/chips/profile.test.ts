// SPDX-License-Identifier: MIT
import test from 'ava';
import { listProfileNames, loadProfile, profileFaults, profileQuantities } from '../../src/chips/profile.js';
import { HardwareProfileError } from '../../src/errors.js';

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
