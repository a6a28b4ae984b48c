// SPDX-License-Identifier: MIT
/** Run configuration: defaults that depend on rule, neuron and encoding; validation by name. */
import test from 'ava';
import { resolveConfig } from '../../src/train/config.js';
import { ConfigError } from '../../src/errors.js';

test('defaults follow rule, neuron and encoding; explicit values win', (t) => {
  t.is(resolveConfig({}).initScale, 1);
  t.is(resolveConfig({ encoding: 'latency' }).initScale, 3, 'latency: one spike per pixel needs larger initial weights');
  t.is(resolveConfig({ encoding: 'latency', initScale: 1.5 }).initScale, 1.5);
  t.is(resolveConfig({ encoding: 'latency', neuron: 'rate' }).initScale, 1, 'rate neurons ignore the encoding');
  t.is(resolveConfig({ rule: 'bp' }).lr, 5e-3);
  t.is(resolveConfig({ rule: 'bp', neuron: 'rate' }).lr, 1e-3);
  t.is(resolveConfig({ rule: 'stdp', encoding: 'latency' }).lr, 1e-4);
  t.is(resolveConfig({ rule: 'stdp', encoding: 'latency' }).initScale, 3);
});

test('bad values are ConfigErrors naming the field', (t) => {
  t.throws(() => resolveConfig({ initScale: 0 }), { instanceOf: ConfigError, message: /initScale/ });
  t.throws(() => resolveConfig({ encoding: 'phase' as never }), { instanceOf: ConfigError, message: /encoding/ });
});
