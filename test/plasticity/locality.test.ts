// SPDX-License-Identifier: MIT
/**
 * The plausibility audit: every rule runs under a recording context and may read only the signals
 * it declared. BP must declare (and use) other-layer signals and transposed weights.
 */
import test from 'ava';
import { LocalityError } from '../../src/errors.js';
import { applyRule, ruleSpec } from '../../src/plasticity/rules.js';
import { NON_LOCAL, ReadRecorder, isLocal, type RuleSpec } from '../../src/plasticity/signals.js';
import { cpuOps } from '../../src/sim/batched/ops.js';
import { gradsFor, tinyBatch, tinyModel } from './helpers.js';

const cases = [
  ['faust', 'rate'],
  ['faust', 'lif'],
  ['ff', 'rate'],
  ['ff', 'lif'],
  ['bp', 'rate'],
  ['bp', 'lif'],
  ['stdp', 'lif'],
] as const;

for (const [rule, neuron] of cases) {
  test(`${rule}/${neuron} reads only what it declares`, (t) => {
    const model = tinyModel({ rule, neuron });
    const rec = new ReadRecorder();
    const grads = gradsFor(model);
    applyRule(model, tinyBatch(model), grads, cpuOps, rec);
    const spec = ruleSpec(model.config);
    t.deepEqual(rec.undeclared(spec), [], `undeclared reads: ${rec.undeclared(spec).join(', ')}`);
    t.notThrows(() => rec.check(spec));
    const unused = spec.reads.filter((s) => !rec.seen.has(s));
    if (unused.length) t.log(`declared but not read (warning): ${unused.join(', ')}`);
    t.deepEqual(unused, [], 'declarations are minimal');
    // the rule changed something: the update is not a no-op
    t.true(grads.some((g) => g.dW.some((v) => v !== 0)));
    if (rule === 'bp') {
      t.true(rec.seen.has('other.layers') && rec.seen.has('syn.w.transposed'));
      t.false(isLocal(spec));
    } else {
      t.true(isLocal(spec));
      for (const s of NON_LOCAL) t.false(rec.seen.has(s));
    }
  });
}

test('the recorder catches a read that was not declared', (t) => {
  const liar: RuleSpec = { name: 'liar', cite: '', reads: ['pre.trace'], writes: ['syn.w'] };
  const rec = new ReadRecorder();
  const ctx = rec.wrap({ 'pre.trace': 1, 'global.label': 2 } as Record<string, unknown>);
  void ctx['pre.trace'];
  void ctx['global.label'];
  t.deepEqual(rec.undeclared(liar), ['global.label']);
  t.throws(() => rec.check(liar), { instanceOf: LocalityError, message: /liar.*global\.label/ });
  t.throws(() => ctx['not.a.signal'], { instanceOf: LocalityError });
  t.throws(() => Object.keys(ctx), { instanceOf: LocalityError });
});
