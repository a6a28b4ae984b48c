// SPDX-License-Identifier: MIT
/**
 * Lava learning-rule strings (`dw`, `dd`, `dt` of `Loihi2FLearningRule` / `Loihi3FLearningRule`)
 * parsed into the product list Lava's `ProductSeries` holds (lava-nc/lava b6822fb,
 * magma/core/learning/{symbolic_equation,product_series,learning_rule}.py; loihi-learning.md §2).
 *
 * A rule is a sum of products. Symbols are tried in Lava's order: `+`, `-`, `*`, `x0`, `y0`,
 * `u<digit>`, `x1|x2|y1|y2|y3|w|d|t`, `( ... )`, `sgn( ... )`, literal (`M*2^E`, `2^E`, `M`).
 * Every `+`/`-` after a non-empty product starts a new one; `-` negates its scale; the first
 * dependency (x0, y0, uK) gates it, later x0/y0 are 0/1 factors; literals multiply into the scale
 * s_mantissa * 2^exponent, which is normalised (while |m| > 7, m even, e < 8: m /= 2, e += 1) and
 * must end in -8 <= m <= 7, -7 <= e <= 8.
 *
 * Where Lava accepts a string but computes something else than it says, or hangs, this parser
 * refuses it with the character position (1-based, in the string as written) and the fault:
 *  - `(-x1)`, `sgn(-w)`: Lava drops the minus of a lone bracketed variable (PS:620-629);
 *  - `(x1*2)`: Lava reads the `*` as a `+` (the operator slot of `[op v op c]` is not checked);
 *  - a bracket with more than `v +/- c` (Lava silently uses its first four symbols), a bracket
 *    with only a dependency (`(x0)`, `(u1)`: dropped), an empty or nested bracket (dropped);
 *  - a `uK` after the product's dependency (Lava keeps the first dependency and ignores the uK);
 *  - `**` (Lava reads `2**3` as 2*3), a bracket constant that is not an integer (`(x1+2^-1)`);
 *  - characters no symbol matches (`x3`, `0.5`, `3^2`, `u` without digit, a stray `)`, a tab):
 *    Lava's tokenizer makes no progress and loops forever;
 *  - leading zeros (`08`): Lava's `ast.literal_eval` raises.
 * Warnings (accepted, computed as Lava does): digits glued to a variable (`x12` = x1*2), and
 * products whose factor widths can overflow Lava's int32 multiply (it wraps silently).
 */
import { SnnError } from '../../../errors.js';

export type RuleTarget = 'dw' | 'dd' | 'dt';
export type Dependency = 'x0' | 'y0' | 'u';
export type TraceVar = 'x1' | 'x2' | 'y1' | 'y2' | 'y3';
export type SynVar = 'w' | 'd' | 't';
export type FactorVar = 'x0' | 'y0' | TraceVar | SynVar;

/** One factor of a product: `state_var + const`, saturated to its width, optionally `sgn(...)`. */
export interface RuleFactor {
  state_var: FactorVar;
  const: number | null;
  is_sgn: boolean;
}

/** One product, with the field names of Lava's `Product` (as stored in the golden file). */
export interface RuleProduct {
  dependency: Dependency;
  /** K of `uK` when the product names one, else null. */
  decimate_exponent: number | null;
  s_mantissa: number;
  /** Scale = s_mantissa * 2^exponent. */
  exponent: number;
  /** exponent + 7, the left shift Lava applies after the width shift. */
  lava_s_exp: number;
  factors: RuleFactor[];
}

export interface RuleWarning {
  target: RuleTarget;
  position: number;
  message: string;
}

export interface ParsedRule {
  target: RuleTarget;
  text: string;
  products: RuleProduct[];
  warnings: RuleWarning[];
}

/** Factor widths W (magma/core/learning/constants.py:60-72): a factor saturates to [-2^W, 2^W-1]. */
export const FACTOR_WIDTH: Record<FactorVar, number> = { x0: 1, y0: 1, x1: 7, x2: 7, y1: 7, y2: 7, y3: 7, w: 9, d: 9, t: 9 };
/** Width of the scale mantissa (W_S_MANT) and of the product accumulator (W_ACCUMULATOR_U). */
export const MANTISSA_WIDTH = 4;
export const ACCUMULATOR_WIDTH = 15;

/** Right shift of a product before its exponent shift: max(0, sum of widths + 4 - 15). */
export function productShift(p: RuleProduct): number {
  let sum = MANTISSA_WIDTH;
  for (const f of p.factors) sum += FACTOR_WIDTH[f.state_var];
  return Math.max(0, sum - ACCUMULATOR_WIDTH);
}

/** A rule string Lava would refuse, hang on, or read differently from what it says. */
export class RuleSyntaxError extends SnnError {
  readonly target: RuleTarget;
  readonly position: number;
  readonly fault: string;
  constructor(target: RuleTarget, text: string, position: number, fault: string) {
    super('E_RULE', `${target} = ${JSON.stringify(text)}: at character ${position}: ${fault}`, { target, text, position, fault });
    this.target = target;
    this.position = position;
    this.fault = fault;
  }
}

type Sym =
  | { kind: '+' | '-' | '*'; pos: number }
  | { kind: 'dep'; name: 'x0' | 'y0'; pos: number }
  | { kind: 'u'; k: number; pos: number }
  | { kind: 'var'; name: TraceVar | SynVar; pos: number }
  | { kind: 'lit'; mantissa: bigint; exponent: number; pos: number }
  | { kind: 'bracket' | 'sgn'; inner: Sym[]; pos: number; end: number };

const VARIABLES = ['x1', 'x2', 'y1', 'y2', 'y3', 'w', 'd', 't'] as const;

class Parser {
  /** The string without spaces (Lava removes ' ' only) and, per character, its 1-based position. */
  private readonly s: string;
  private readonly at: number[];
  readonly warnings: RuleWarning[] = [];

  constructor(
    private readonly target: RuleTarget,
    private readonly text: string,
  ) {
    let s = '';
    const at: number[] = [];
    for (let i = 0; i < text.length; i++) {
      if (text[i] === ' ') continue;
      s += text[i];
      at.push(i + 1);
    }
    this.s = s;
    this.at = at;
  }

  fail(k: number, fault: string): never {
    const pos = k < this.at.length ? this.at[k] : this.text.length + 1;
    throw new RuleSyntaxError(this.target, this.text, pos, fault);
  }

  warn(k: number, message: string): void {
    this.warnings.push({ target: this.target, position: this.at[k] ?? this.text.length + 1, message });
  }

  /** Length of the string without spaces. */
  get length(): number {
    return this.s.length;
  }

  /** Tokenises s[from, to) into Lava's symbols. */
  symbols(from: number, to: number): Sym[] {
    const s = this.s;
    const out: Sym[] = [];
    let k = from;
    const rest = () => s.slice(k, to);
    while (k < to) {
      const c = s[k];
      const r = rest();
      let m: RegExpMatchArray | null;
      if (c === '+' || c === '-' || c === '*') {
        if (c === '*' && s[k + 1] === '*') this.fail(k, "'**' is not a power: Lava reads 2**3 as 2*3; write 2^3");
        out.push({ kind: c, pos: k });
        k++;
      } else if (r.startsWith('x0') || r.startsWith('y0')) {
        out.push({ kind: 'dep', name: r.slice(0, 2) as 'x0' | 'y0', pos: k });
        k += 2;
        this.gluedDigits(k, to, r.slice(0, 2));
      } else if (c === 'u') {
        if (!/^\d/.test(s.slice(k + 1, to))) this.fail(k, "'u' needs one digit K (u0..u9)");
        if (/^\d/.test(s.slice(k + 2, to))) this.fail(k, `'u' takes one digit: Lava reads ${s.slice(k, k + 3)} as u${s[k + 1]}*${s[k + 2]} but checks it as a different uK`);
        out.push({ kind: 'u', k: Number(s[k + 1]), pos: k });
        k += 2;
      } else if ((m = /^(x[12]|y[123]|[wdt])/.exec(r))) {
        out.push({ kind: 'var', name: m[1] as TraceVar | SynVar, pos: k });
        k += m[1].length;
        this.gluedDigits(k, to, m[1]);
      } else if (c === '(' || r.startsWith('sgn(')) {
        const open = c === '(' ? k : k + 3;
        let depth = 0;
        let close = -1;
        for (let q = open; q < to; q++) {
          if (s[q] === '(') depth++;
          else if (s[q] === ')' && --depth === 0) {
            close = q;
            break;
          }
        }
        if (close < 0) this.fail(open, 'bracket not closed');
        out.push({ kind: c === '(' ? 'bracket' : 'sgn', inner: this.symbols(open + 1, close), pos: k, end: close });
        k = close + 1;
      } else if ((m = /^(\d+)\*2\^([+-]?\d+)/.exec(r)) || (m = /^()2\^([+-]?\d+)/.exec(r)) || (m = /^(\d+)()/.exec(r))) {
        const [whole, mant, exp] = m;
        for (const digits of [mant, exp.replace(/^[+-]/, '')])
          if (digits.length > 1 && digits[0] === '0') this.fail(k, `leading zero in '${whole}' (Lava's literal_eval refuses it)`);
        out.push({ kind: 'lit', mantissa: mant === '' ? 1n : BigInt(mant), exponent: exp === '' ? 0 : Number(exp), pos: k });
        k += whole.length;
        if (s[k] === '^') this.fail(k, "'^' only follows the base 2 (write M*2^E or 2^E)");
        if (s[k] === '.') this.fail(k, 'no decimals in a rule (write a power of two, e.g. 2^-1, or M*2^E)');
      } else if (c === ')') {
        this.fail(k, "')' without an opening bracket");
      } else {
        this.fail(k, `unexpected character ${JSON.stringify(c)} (expected + - * x0 x1 x2 y0 y1 y2 y3 uK w d t ( sgn( or a literal); Lava's parser would loop forever here`);
      }
    }
    return out;
  }

  private gluedDigits(k: number, to: number, name: string): void {
    const m = /^\d+/.exec(this.s.slice(k, to));
    if (m) this.warn(k, `'${name}${m[0]}' reads as ${name}*${m[0]}`);
  }
}

/** Parses one rule string into Lava's products (throws RuleSyntaxError). */
export function parseRule(text: string, target: RuleTarget = 'dw'): ParsedRule {
  const p = new Parser(target, text);
  const symbols = p.symbols(0, p.length);
  if (!symbols.length) p.fail(0, 'empty rule');
  // Lava _separate_products: drop '*'; + or - after a non-empty product starts a new product.
  const groups: Sym[][] = [];
  let current: Sym[] = [];
  for (const sym of symbols) {
    if (sym.kind === '*') continue;
    if ((sym.kind === '+' || sym.kind === '-') && current.length) {
      groups.push(current);
      current = [sym];
    } else current.push(sym);
  }
  groups.push(current);
  const products = groups.map((g) => product(p, g));
  for (const prod of products) {
    let bits = MANTISSA_WIDTH - 1;
    for (const f of prod.factors) bits += FACTOR_WIDTH[f.state_var];
    if (bits >= 31)
      p.warnings.push({
        target,
        position: 1,
        message: `a product with factors ${prod.factors.map((f) => f.state_var).join('*')} can exceed int32 before its shift; Lava's numpy multiply wraps silently (modelled)`,
      });
  }
  return { target, text, products, warnings: p.warnings };
}

function product(p: Parser, g: Sym[]): RuleProduct {
  let dependency: Dependency | null = null;
  let decimate: number | null = null;
  let mant = 1n;
  let exp = 0;
  const factors: RuleFactor[] = [];
  const start = g[0].pos;
  for (const sym of g) {
    switch (sym.kind) {
      case '+':
      case '*':
        break;
      case '-':
        mant = -mant;
        break;
      case 'dep':
        if (dependency === null) dependency = sym.name;
        else factors.push({ state_var: sym.name, const: null, is_sgn: false });
        break;
      case 'u':
        if (dependency !== null)
          p.fail(sym.pos, `u${sym.k} after the dependency ${dependency}: Lava keeps the first dependency and ignores u${sym.k}`);
        dependency = 'u';
        decimate = sym.k;
        break;
      case 'var':
        factors.push({ state_var: sym.name, const: null, is_sgn: false });
        break;
      case 'lit':
        mant *= sym.mantissa;
        exp += sym.exponent;
        break;
      case 'bracket':
      case 'sgn': {
        const b = bracket(p, sym);
        if (b.kind === 'scale') {
          mant *= b.mantissa;
          exp += b.exponent;
        } else {
          if (b.negate) mant = -mant;
          factors.push(b.factor);
        }
      }
    }
  }
  // Lava PS:716-718 (int(m / 2) is exact here: only small odd * 2^k can pass the limits below).
  while ((mant > 7n || mant < -7n) && mant % 2n === 0n && exp < 8) {
    mant /= 2n;
    exp += 1;
  }
  if (dependency === null) p.fail(start, 'product without a dependency (x0, y0 or uK); a constant term is written C*x0, C*y0 or uK*C');
  if (mant < -8n || mant > 7n) p.fail(start, `scale mantissa ${mant} is outside [-8, 7] after normalisation (scale must be m*2^e)`);
  if (exp < -7 || exp > 8) p.fail(start, `scale exponent ${exp} is outside [-7, 8]`);
  const m = Number(mant);
  return { dependency, decimate_exponent: decimate, s_mantissa: m, exponent: exp, lava_s_exp: exp + 7, factors };
}

type BracketValue =
  | { kind: 'scale'; mantissa: bigint; exponent: number }
  | { kind: 'factor'; factor: RuleFactor; negate: boolean };

/** A bracket or sgn(): `v`, a literal, or `v +/- c` / `c +/- v` (Lava PS:611-709). */
function bracket(p: Parser, b: Extract<Sym, { kind: 'bracket' | 'sgn' }>): BracketValue {
  const isSgn = b.kind === 'sgn';
  const name = isSgn ? 'sgn(...)' : 'a bracket';
  const inner = b.inner;
  if (!inner.length) p.fail(b.pos, `empty ${name}`);
  const list: Sym[] = inner[0].kind === '+' || inner[0].kind === '-' ? inner : [{ kind: '+', pos: inner[0].pos }, ...inner];
  const isVar = (s: Sym): s is Extract<Sym, { kind: 'var' | 'dep' }> => s.kind === 'var' || s.kind === 'dep';
  for (const s of list) {
    if (s.kind === '*') p.fail(s.pos, `'*' inside ${name}: Lava reads (v*c) as (v+c); a bracket holds v, a literal, or v +/- literal`);
    if (s.kind === 'bracket' || s.kind === 'sgn') p.fail(s.pos, `nested bracket inside ${name}: Lava drops it`);
    if (s.kind === 'u') p.fail(s.pos, `uK inside ${name}: Lava drops it (write uK outside the bracket)`);
  }
  if (list.length > 4 || list.length === 3)
    p.fail(b.pos, `${name} must hold v, a literal, or v +/- literal (Lava reads only its first four symbols)`);
  const sign = (s: Sym) => (s.kind === '-' ? -1n : 1n);
  if (list.length === 2) {
    const [op, v] = list;
    if (op.kind !== '+' && op.kind !== '-') p.fail(op.pos, `${name} must start with a term`);
    if (v.kind === 'lit') {
      if (isSgn) p.fail(b.pos, "sgn(...) applies to 'w', 'd' or 't' only");
      return { kind: 'scale', mantissa: sign(op) * v.mantissa, exponent: v.exponent };
    }
    if (v.kind === 'dep') p.fail(v.pos, `a lone ${v.name} in ${name}: Lava drops it (write it without brackets)`);
    if (v.kind !== 'var') return p.fail(v.pos, `${name} must hold v, a literal, or v +/- literal`);
    if (op.kind === '-') p.fail(op.pos, `'-' before a lone variable in ${name}: Lava drops the minus; write -${v.name} outside the bracket`);
    if (isSgn && !['w', 'd', 't'].includes(v.name)) p.fail(v.pos, "sgn(...) applies to 'w', 'd' or 't' only");
    return { kind: 'factor', factor: { state_var: v.name, const: null, is_sgn: isSgn }, negate: false };
  }
  const [s0, a, s1, c] = list;
  let varSign: Sym, v: Sym, constSign: Sym, lit: Sym;
  if (isVar(a) && c.kind === 'lit') [varSign, v, constSign, lit] = [s0, a, s1, c];
  else if (isVar(c) && a.kind === 'lit') [varSign, v, constSign, lit] = [s1, c, s0, a];
  else return p.fail(b.pos, `${name} cannot be read as [+-]variable[+-]constant`);
  if ((varSign.kind !== '+' && varSign.kind !== '-') || (constSign.kind !== '+' && constSign.kind !== '-'))
    return p.fail(b.pos, `${name} cannot be read as [+-]variable[+-]constant`);
  if (lit.kind !== 'lit' || !isVar(v)) return p.fail(b.pos, `${name} cannot be read as [+-]variable[+-]constant`);
  if (lit.exponent < 0 && lit.mantissa % 2n ** BigInt(-lit.exponent) !== 0n)
    p.fail(lit.pos, `the constant in ${name} is not an integer (Lava would add a fraction to an integer factor)`);
  const value = lit.exponent >= 0 ? lit.mantissa * 2n ** BigInt(lit.exponent) : lit.mantissa / 2n ** BigInt(-lit.exponent);
  if (value > 2n ** 40n) p.fail(lit.pos, `the constant in ${name} is too large`);
  let k = Number(value) * (constSign.kind === '-' ? -1 : 1);
  const negate = varSign.kind === '-';
  if (isSgn) {
    if (!['w', 'd', 't'].includes(v.name)) p.fail(v.pos, "sgn(...) applies to 'w', 'd' or 't' only");
    if (negate) p.fail(varSign.pos, 'the variable in sgn(...) cannot be negative (Lava raises)');
  }
  if (negate) k = -k;
  return { kind: 'factor', factor: { state_var: v.name, const: k === 0 ? 0 : k, is_sgn: isSgn }, negate };
}

export interface ParsedRules {
  dw: ParsedRule | null;
  dd: ParsedRule | null;
  dt: ParsedRule | null;
  /** The K shared by every uK of dw, dd and dt (null when none is used). */
  decimateExponent: number | null;
  warnings: RuleWarning[];
}

/** Parses dw, dd, dt together and checks what Lava checks across them (one shared uK). */
export function parseRules(rules: { dw?: string | null; dd?: string | null; dt?: string | null }): ParsedRules {
  const out: ParsedRules = { dw: null, dd: null, dt: null, decimateExponent: null, warnings: [] };
  let first: { target: RuleTarget; k: number } | null = null;
  for (const target of ['dw', 'dd', 'dt'] as const) {
    const text = rules[target];
    if (text === undefined || text === null) continue;
    const parsed = parseRule(text, target);
    out[target] = parsed;
    out.warnings.push(...parsed.warnings);
    for (const prod of parsed.products) {
      if (prod.decimate_exponent === null) continue;
      if (first && first.k !== prod.decimate_exponent) {
        const at = text.indexOf(`u${prod.decimate_exponent}`) + 1;
        throw new RuleSyntaxError(target, text, at, `u${prod.decimate_exponent} differs from u${first.k} in ${first.target}: dw, dd and dt share one uK (Lava raises)`);
      }
      first ??= { target, k: prod.decimate_exponent };
    }
  }
  if (!out.dw && !out.dd && !out.dt) throw new SnnError('E_RULE', 'no rule given: at least one of dw, dd, dt is needed');
  out.decimateExponent = first?.k ?? null;
  return out;
}
