// SPDX-License-Identifier: MIT
import test from 'ava';
import { readFileSync } from 'node:fs';
import { parseRule, parseRules, productShift, RuleSyntaxError } from '../../../src/chips/loihi/learning/rule.js';

const golden = JSON.parse(readFileSync(new URL('../../fixtures/lava/loihi_learning_golden.json', import.meta.url), 'utf8')) as {
  cases: { name: string; rule: { dw: string | null; dd: string | null; dt: string | null; decimate_exponent: number | null; products: Record<string, unknown[]> } }[];
};

for (const c of golden.cases) {
  test(`rule parser gives Lava's products for golden case ${c.name}`, (t) => {
    const parsed = parseRules(c.rule);
    for (const target of ['dw', 'dd', 'dt'] as const) {
      const expected = c.rule.products[target];
      t.deepEqual(parsed[target]?.products ?? undefined, expected, target);
    }
    t.is(parsed.decimateExponent, c.rule.decimate_exponent);
    t.deepEqual(parsed.warnings, []);
  });
}

test('normalisation: 16*x1*y0 -> 4*2^2, 12 -> 6*2^1, 2^E and M*2^E combine, bracket literals keep their sign', (t) => {
  const scale = (s: string) => parseRule(s).products.map((p) => [p.s_mantissa, p.exponent]);
  t.deepEqual(scale('16*x1*y0'), [[4, 2]]);
  t.deepEqual(scale('12*x1*y0'), [[6, 1]]);
  t.deepEqual(scale('3*2^-5*y0 - 2^3*x0'), [[3, -5], [-1, 3]]);
  t.deepEqual(scale('(-3)*(2^-1)*x0'), [[-3, -1]]);
  t.deepEqual(scale('1152921504606846976*2^-60*x0'), [[4, -2]]);
  t.deepEqual(scale('0*y0'), [[0, 0]]);
});

test('brackets: (127-w) is w-127 with the mantissa negated; sgn keeps its constant; widths give the shifts of loihi-learning.md §5', (t) => {
  const [p] = parseRule('y0*x1*(127-w)').products;
  t.deepEqual(p.factors, [{ state_var: 'x1', const: null, is_sgn: false }, { state_var: 'w', const: -127, is_sgn: false }]);
  t.is(p.s_mantissa, -1);
  t.is(productShift(p), 5);
  const [q] = parseRule('sgn(w-3)*x1*y0').products;
  t.deepEqual(q.factors[0], { state_var: 'w', const: -3, is_sgn: true });
  t.is(productShift(q), 5);
  t.is(productShift(parseRule('2^-2*x1*y0').products[0]), 0);
  t.is(productShift(parseRule('x1*y1*x0').products[0]), 3);
  t.deepEqual(parseRule('y0*x0').products[0].factors, [{ state_var: 'x0', const: null, is_sgn: false }]);
});

const refused: [string, number, RegExp][] = [
  ['x0*(-x1)', 5, /drops the minus/],
  ['x0*sgn(-w)', 8, /drops the minus/],
  ['x0*(x1*2)', 7, /reads \(v\*c\) as \(v\+c\)/],
  ['x0*(x1+2+3)', 4, /first four symbols/],
  ['x0*(x1+y1)', 4, /\[\+-\]variable\[\+-\]constant/],
  ['x1*(x0)', 5, /Lava drops it/],
  ['x0*()', 4, /empty/],
  ['x0*((x1))', 5, /nested/],
  ['x0*u1*x1', 4, /ignores u1/],
  ['x0*2**3', 5, /'\*\*'/],
  ['x0*(x1+2^-1)', 8, /not an integer/],
  ['x0*x3', 4, /unexpected character "x"/],
  ['0.5*x0', 2, /no decimals/],
  ['3^2*x0', 2, /'\^' only follows the base 2/],
  ['u*x1', 1, /needs one digit/],
  ['u12*x1', 1, /one digit/],
  ['x0*x1)', 6, /without an opening bracket/],
  ['x0*(x1', 4, /not closed/],
  ['x0\t*x1', 3, /unexpected character/],
  ['08*x0', 1, /leading zero/],
  ['2*x1', 1, /without a dependency/],
  ['x0 - ', 4, /without a dependency/],
  ['9*x0', 1, /mantissa 9/],
  ['2^9*x0', 1, /exponent 9/],
  ['2^-8*x0', 1, /exponent -8/],
  ['', 1, /empty rule/],
  ['sgn(x1)*y0', 5, /'w', 'd' or 't'/],
];

for (const [rule, position, fault] of refused) {
  test(`refused with position and fault: ${JSON.stringify(rule)}`, (t) => {
    const err = t.throws(() => parseRule(rule), { instanceOf: RuleSyntaxError });
    t.is(err?.position, position, err?.message);
    t.regex(err?.fault ?? '', fault);
    t.is(err?.message.split('\n').length, 1);
  });
}

test('positions count the spaces as written', (t) => {
  const err = t.throws(() => parseRule('2^-2 * x1 * y0 - x0 * (-y1)'), { instanceOf: RuleSyntaxError });
  t.is(err?.position, 24);
});

test('uK is shared across dw, dd, dt; glued digits and int32 overflow warn', (t) => {
  t.throws(() => parseRules({ dw: 'u1*x1', dt: 'u2*t' }), { instanceOf: RuleSyntaxError, message: /share one uK/ });
  t.is(parseRules({ dw: 'u2*x1', dd: 'u2*y1' }).decimateExponent, 2);
  const w = parseRule('x12*y0').warnings;
  t.is(w.length, 1);
  t.regex(w[0].message, /reads as x1\*2/);
  t.regex(parseRule('x0*w*d*t*x1').warnings[0]?.message ?? '', /int32/);
});
