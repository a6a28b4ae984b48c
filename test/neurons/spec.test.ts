// SPDX-License-Identifier: MIT
import test from 'ava';
import { ConfigError, NoImplementationError } from '../../src/errors.js';
import { getNeuronModel, listNeuronModels } from '../../src/neurons/registry.js';
import { initialValue, resolveParams } from '../../src/neurons/spec.js';

test('every registered model validates its parameters with a typed error naming parameter and value', (t) => {
  t.deepEqual(listNeuronModels().sort(), ['IF', 'Izhikevich', 'LIF']);
  for (const name of listNeuronModels()) {
    const spec = getNeuronModel(name).spec;
    const defaults = resolveParams(spec);
    t.deepEqual(Object.keys(defaults).sort(), Object.keys(spec.params).sort(), name);
    for (const [key, ps] of Object.entries(spec.params)) {
      t.true(ps.unit.length > 0, `${name}.${key} has a unit`);
      const nan = t.throws(() => resolveParams(spec, { [key]: NaN }), { instanceOf: ConfigError });
      t.regex(nan!.message, new RegExp(`${name}: parameter '${key}' = NaN`));
      t.throws(() => resolveParams(spec, { [key]: Infinity }), { instanceOf: ConfigError });
      t.throws(() => resolveParams(spec, { [key]: '5' as unknown as number }), { instanceOf: ConfigError });
    }
    for (const key of Object.keys(spec.params).filter((k) => k.startsWith('tau'))) {
      for (const bad of [0, -1]) {
        const e = t.throws(() => resolveParams(spec, { [key]: bad }), { instanceOf: ConfigError });
        t.regex(e!.message, new RegExp(`'${key}' = ${bad} is invalid \\(expected > 0 ms\\)`));
      }
    }
    if ('tRef' in spec.params) {
      const e = t.throws(() => resolveParams(spec, { tRef: -0.5 }), { instanceOf: ConfigError });
      t.regex(e!.message, /'tRef' = -0\.5 is invalid/);
      t.is(resolveParams(spec, { tRef: 0 }).tRef, 0);
    }
    const unknown = t.throws(() => resolveParams(spec, { tauM: 10 }), { instanceOf: ConfigError });
    t.regex(unknown!.message, /'tauM'/);
    for (const s of Object.keys(spec.state)) t.true(Number.isFinite(initialValue(spec, s, defaults)), `${name}.${s} init`);
    t.true(spec.externalInput in spec.state);
    t.true(spec.receptors.exc in spec.state && spec.receptors.inh in spec.state);
  }
});

test('cross-field checks: reset must lie below threshold', (t) => {
  const e = t.throws(() => resolveParams(getNeuronModel('LIF').spec, { vReset: -40, vTh: -50 }), { instanceOf: ConfigError });
  t.regex(e!.message, /vReset' = -40 .*< vTh/);
  t.throws(() => resolveParams(getNeuronModel('IF').spec, { vReset: 20, vTh: 15 }), { instanceOf: ConfigError });
});

test('unknown model names the registered ones', (t) => {
  const e = t.throws(() => getNeuronModel('AdEx'), { instanceOf: NoImplementationError });
  t.regex(e!.message, /LIF, IF, Izhikevich/);
});

test('Izhikevich u starts at b * c', (t) => {
  const spec = getNeuronModel('Izhikevich').spec;
  t.is(initialValue(spec, 'u', resolveParams(spec, { b: 0.25, c: -60 })), -15);
});
