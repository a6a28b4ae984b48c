// SPDX-License-Identifier: MIT
import test from 'ava';
import { capture } from '../../helpers/cli.js';

const cli = (...args: string[]) => capture(['rule', ...args]);

test.serial('rule check prints the normalised products (--json) for dw, dd, dt', async (t) => {
  const r = await cli('check', 'dw = u0*2^-2*t', '--dd', '2^-1*x0*y1 - 2^-1*y0*x1', '--dt', '16*y0*x1 - 2^-2*x0*y1*(127-w) - u0*2^-3*t', '--profile', 'loihi2', '--json');
  t.is(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  t.true(out.accepted);
  t.is(out.decimate_exponent, 0);
  t.deepEqual(Object.keys(out.rules), ['dw', 'dd', 'dt']);
  t.deepEqual(out.rules.dw.products[0], { dependency: 'u', decimate_exponent: 0, s_mantissa: 1, exponent: -2, lava_s_exp: 5, factors: [{ state_var: 't', const: null, is_sgn: false }], shift: 0 });
  t.like(out.rules.dt.products[0], { s_mantissa: 4, exponent: 2, shift: 0 });
  t.like(out.rules.dt.products[1], { s_mantissa: 1, exponent: -2, shift: 5, factors: [{ state_var: 'y1' }, { state_var: 'w', const: -127 }] });
});

test.serial('rule check: readable table with dependency, scale, factors, shift', async (t) => {
  const r = await cli('check', 'dw = 2^-4*y0*x1*(127-w) - 2^-4*x0*y1*w');
  t.is(r.code, 0, r.err);
  t.regex(r.out, /profile loihi2: accepted/);
  t.regex(r.out, /1\s+y0\s+-1\*2\^-4\s+x1\*\(w-127\)\s+5\s+3/);
  t.regex(r.out, /2\s+x0\s+-1\*2\^-4\s+y1\*w\s+5\s+3/);
  const warned = await cli('check', 'x12*y0');
  t.regex(warned.out, /warning: dw at character 3: 'x12' reads as x1\*2/);
});

test.serial('rule check refuses with one line: position and fault, or the profile reason', async (t) => {
  const cases: [string[], RegExp][] = [
    [['check', 'dw = x0*(-x1)'], /at character 5: '-' before a lone variable in a bracket: Lava drops the minus/],
    [['check', 'dw = 2^-2*x1*y0', '--dt', 'x0*u1*t'], /dt = "x0\*u1\*t": at character 4: u1 after the dependency x0/],
    [['check', 'dw = u1*x1', '--dt', 'u2*t'], /share one uK/],
    [['check', 'dw = x1*y0', '--profile', 'truenorth'], /profile 'truenorth' has no on-chip learning: TrueNorth/],
    [['check', 'dw = x1*y0', '--profile', 'spinnaker2'], /no Loihi learning engine/],
  ];
  for (const [args, message] of cases) {
    const r = await cli(...args);
    t.is(r.code, 1, args.join(' '));
    t.is(r.err.split('\n').length, 1, r.err);
    t.regex(r.err, message);
  }
  const json = await cli('check', 'dw = x0*(-x1)', '--json');
  t.like(JSON.parse(json.out), { accepted: false, target: 'dw', position: 5 });
});

test.serial('rule: bad usage is exit 2 with one line', async (t) => {
  for (const args of [['lint', 'x0'], ['check'], ['check', 'x0*x1', '--dw', 'x0*x1'], ['check', 'x0*x1', '--profile', 'nochip'], ['check', 'x0*x1', '--bogus']]) {
    const r = await cli(...args);
    t.is(r.code, 2, args.join(' '));
    t.is(r.err.split('\n').length, 1, r.err);
  }
});
