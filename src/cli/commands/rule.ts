// SPDX-License-Identifier: MIT
import { parseOptions } from '../args.js';
import { ConfigError } from '../../errors.js';
import { loadProfile } from '../../chips/profile.js';
import { parseRules, productShift, RuleSyntaxError, type RuleProduct, type RuleTarget } from '../../chips/loihi/learning/rule.js';
import { learningRuleSupport } from '../../chips/loihi/learning/support.js';

export const summary = 'check a Loihi learning-rule string (dw/dd/dt) as Lava parses it';
export const help = `usage: ffsnn rule check "dw = RULE" [--dd RULE] [--dt RULE] [--profile loihi2] [--json]

Parses Lava learning-rule strings (Loihi2FLearningRule / Loihi3FLearningRule dw, dd, dt) exactly as
Lava does - products, dependency (x0, y0, uK), factors with bracket constants and sgn, scale
mantissa and exponent after Lava's normalisation, and the width shift each product gets - and
prints them. The positional rule may start with "dw =", "dd =" or "dt =" (default dw); --dw, --dd,
--dt give the others. Refuses with one line naming the character position and the fault what Lava
rejects, and what Lava accepts but computes differently from what it says (e.g. "(-x1)", whose
minus Lava drops). --profile (default loihi2): the chip must have on-chip learning (TrueNorth has
none; SpiNNaker's plasticity is ARM software, not this engine).
Exit code: 0 accepted, 1 refused (rule or profile), 2 bad usage.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(
    argv,
    { dw: { type: 'string' }, dd: { type: 'string' }, dt: { type: 'string' }, profile: { type: 'string' }, json: { type: 'boolean' } },
    true,
  );
  if (positionals[0] !== 'check') throw new ConfigError(`rule: expected 'check' (got ${positionals[0] === undefined ? 'nothing' : JSON.stringify(positionals[0])})`);
  if (positionals.length > 2) throw new ConfigError('rule check: expected one rule string (quote it); give dd and dt with --dd, --dt');
  const rules: Partial<Record<RuleTarget, string>> = {};
  const put = (fallback: RuleTarget, raw: string | undefined) => {
    if (raw === undefined) return;
    const m = /^\s*(dw|dd|dt)\s*=(.*)$/s.exec(raw);
    const target = (m?.[1] as RuleTarget | undefined) ?? fallback;
    if (m && target !== fallback && fallback !== 'dw') throw new ConfigError(`rule check: --${fallback} holds a rule named ${target}`);
    if (rules[target] !== undefined) throw new ConfigError(`rule check: ${target} given twice`);
    rules[target] = m ? m[2].trim() : raw.trim();
  };
  put('dw', positionals[1]);
  put('dw', values.dw);
  put('dd', values.dd);
  put('dt', values.dt);
  if (!Object.keys(rules).length) throw new ConfigError('rule check: expected a rule, e.g. "dw = 2^-2*x1*y0 - 2^-2*y1*x0"');
  const profile = loadProfile(values.profile ?? 'loihi2');
  let parsed;
  try {
    parsed = parseRules(rules);
  } catch (err) {
    if (!(err instanceof RuleSyntaxError)) throw err;
    return refuse(!!values.json, profile.name, err.message, { target: err.target, position: err.position, fault: err.fault });
  }
  const support = learningRuleSupport(profile, parsed);
  if (support.refusal) return refuse(!!values.json, profile.name, support.refusal, {});
  const targets = (['dw', 'dd', 'dt'] as const).filter((t) => parsed[t]);
  if (values.json) {
    const out = {
      accepted: true,
      profile: profile.name,
      decimate_exponent: parsed.decimateExponent,
      rules: Object.fromEntries(targets.map((t) => [t, { text: parsed[t]!.text, products: parsed[t]!.products.map((p) => ({ ...p, shift: productShift(p) })) }])),
      warnings: parsed.warnings,
      notes: support.notes,
    };
    console.log(JSON.stringify(out, null, 2));
    return 0;
  }
  console.log(`profile ${profile.name}: accepted (Lava LearningDense, bit-approximate engine)`);
  for (const t of targets) {
    console.log(`${t} = ${parsed[t]!.text}`);
    const rows = parsed[t]!.products.map((p, k) => [String(k + 1), dependency(p), scale(p), factors(p), String(productShift(p)), String(p.lava_s_exp)]);
    const header = ['#', 'dependency', 'scale m*2^e', 'factors', 'shift', 's_exp'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    for (const r of [header, ...rows]) console.log(`  ${r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}`);
  }
  for (const w of parsed.warnings) console.log(`warning: ${w.target} at character ${w.position}: ${w.message}`);
  for (const n of support.notes) console.log(`note: ${n}`);
  return 0;
}

function refuse(json: boolean, profile: string, message: string, detail: Record<string, unknown>): number {
  if (json) console.log(JSON.stringify({ accepted: false, profile, error: message, ...detail }, null, 2));
  console.error(`ffsnn rule: ${message}`);
  return 1;
}

const dependency = (p: RuleProduct) => (p.dependency === 'u' ? `u${p.decimate_exponent}` : p.dependency);
const scale = (p: RuleProduct) => `${p.s_mantissa}*2^${p.exponent}`;
function factors(p: RuleProduct): string {
  if (!p.factors.length) return '(constant)';
  return p.factors
    .map((f) => {
      const inner = f.const === null ? f.state_var : `${f.state_var}${f.const < 0 ? '-' : '+'}${Math.abs(f.const)}`;
      return f.is_sgn ? `sgn(${inner})` : f.const === null ? inner : `(${inner})`;
    })
    .join('*');
}
