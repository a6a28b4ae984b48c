// SPDX-License-Identifier: MIT
/**
 * Can a hardware profile run a Loihi learning-rule string on chip? Only the Loihi family has the
 * sum-of-products learning engine these strings program; the rule's signals must also be among
 * the profile's `plasticity.signals`. A `learning` section (added to the profiles elsewhere) is
 * read defensively: `onChip: false` / `supported: false` refuses, with its reason if it gives one.
 */
import type { HardwareProfile } from '../../profile.js';
import type { FactorVar, ParsedRules } from './rule.js';

const SIGNAL_OF: Record<FactorVar | 'x0' | 'y0', string> = {
  x0: 'pre.spike',
  y0: 'post.spike',
  x1: 'pre.trace',
  x2: 'pre.trace',
  y1: 'post.trace',
  y2: 'post.trace',
  y3: 'post.trace',
  w: 'syn.w',
  d: 'syn.eligibility',
  t: 'syn.eligibility',
};

export interface RuleSupport {
  /** null when the profile can run the rule, else why not (one sentence). */
  refusal: string | null;
  notes: string[];
}

export function learningRuleSupport(profile: HardwareProfile, rules: ParsedRules): RuleSupport {
  const notes: string[] = [];
  const learning = (profile as unknown as { learning?: Record<string, unknown> }).learning;
  const said = learning && typeof learning === 'object' ? learning : null;
  const reason = said && typeof said.reason === 'string' ? ` (${said.reason})` : '';
  const signals = profile.plasticity?.signals ?? [];
  if (said && (said.onChip === false || said.supported === false))
    return { refusal: `profile '${profile.name}' has no on-chip learning${reason}`, notes };
  if (profile.family === 'truenorth' || signals.length === 0)
    return {
      refusal: `profile '${profile.name}' has no on-chip learning: ${profile.family === 'truenorth' ? 'TrueNorth synapses are fixed crossbar bits set at configuration time' : 'it lists no plasticity signals'}${reason}`,
      notes,
    };
  if (profile.family !== 'loihi')
    return {
      refusal: `profile '${profile.name}' (${profile.family}) has no Loihi learning engine: its plasticity runs as ARM-core software, which this rule-string format does not program`,
      notes,
    };
  if (profile.name !== 'loihi2')
    notes.push(`the engine modelled is Loihi 2's (Lava LearningDense, bit-approximate); '${profile.name}' is checked against it`);
  for (const target of ['dw', 'dd', 'dt'] as const)
    for (const p of rules[target]?.products ?? [])
      for (const v of [p.dependency === 'u' ? null : p.dependency, ...p.factors.map((f) => f.state_var)]) {
        if (v === null) continue;
        const signal = SIGNAL_OF[v];
        if (!signals.includes(signal)) return { refusal: `${target} reads ${v} (${signal}), which profile '${profile.name}' does not provide`, notes };
      }
  return { refusal: null, notes };
}
