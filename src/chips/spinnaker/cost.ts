// SPDX-License-Identifier: MIT
/**
 * What one synaptic update costs an ARM968 core: instructions, cycles, DTCM accesses and SDRAM
 * bytes, for sPyNNaker's STDP rules (stdp.ts) and the three-factor rule (three-factor.ts).
 *
 * Count model (an estimate, confidence "assumed"; not measured on a board, not compiler output):
 *   - each rule's C path is walked by hand (sPyNNaker's process_plastic_synapse /
 *     plasticity_update_synapse, the timing and weight functions cited in stdp.ts; three-factor.ts
 *     for the tag rule) and every C operation is charged the ARMv5TE instructions it needs:
 *     a load or store per memory operand (all state is in DTCM once the row has arrived), one ALU
 *     instruction per add / subtract / shift / compare / conditional move, SMULBB for a 16 x 16
 *     trace product, SMULL plus two ALU instructions (lo >> 15 | hi << 17) for an accum multiply
 *     (gcc arm-fixed.md "mulsa3"), four ALU instructions for a saturation to 16 bits (the ARM968
 *     has no SSAT), one branch per loop iteration;
 *   - cycles: ALU 1, load 2 (1 + the usual interlock on the result), store 1, SMULBB 2, SMULL 3,
 *     taken branch 3 (ARM9E-S pipeline timings, from memory of the TRM: unconfirmed);
 *   - SDRAM: sPyNNaker fetches a synaptic row by DMA when its pre spike arrives and writes the
 *     plastic part back: per synapse a 16-bit plastic word and a 16-bit control word read, the
 *     plastic word written (the three-factor word holds weight + tag: 32 bits each way).
 * Energy = cycles x the profile's learning.cyclePj (SpiNNaker 1: whole-chip power per core-cycle,
 * an upper bound; null where no figure is published).
 */
import type { LearningSection, Confidence } from '../profile.js';
import { invalidParam } from '../../errors.js';
import type { WeightRounding } from './three-factor.js';

export type ArmRule =
  | 'stdp-pair-additive'
  | 'stdp-pair-multiplicative'
  | 'stdp-nearest-additive'
  | 'stdp-nearest-multiplicative'
  | 'three-factor-tag'
  | 'three-factor-apply';

export const ARM_RULES: ArmRule[] = [
  'stdp-pair-additive',
  'stdp-pair-multiplicative',
  'stdp-nearest-additive',
  'stdp-nearest-multiplicative',
  'three-factor-tag',
  'three-factor-apply',
];

/** Instruction mix of one step of a C path. */
interface Mix {
  alu?: number;
  loads?: number;
  stores?: number;
  mul16?: number;
  mul32?: number;
  branches?: number;
}

export interface ArmCostLine {
  step: string;
  times: number;
  instructions: number;
  cycles: number;
  dtcmAccesses: number;
}

export interface ArmWork {
  instructions: number;
  cycles: number;
  dtcmAccesses: number;
  sdramBytes: number;
}

export interface ArmCost {
  rule: ArmRule;
  /** One synaptic update (STDP: one synapse at one pre spike; tag: one synapse at one step; apply: one synapse at one sample). */
  perUpdate: ArmWork;
  /** Once per row (per pre spike, or per active row per step / sample), shared by its synapses. */
  perRow: ArmWork;
  lines: ArmCostLine[];
  assumptions: string[];
}

export interface ArmCostOptions {
  /** STDP: post spikes replayed into the synapse at this pre spike (default 1). */
  postEvents?: number;
  /** STDP: steps of the backward search through the post history (default postEvents + 1). */
  windowSteps?: number;
  /** three-factor-apply: how the weight is rounded back to 16 bits (default 'floor'). */
  rounding?: WeightRounding;
}

const CYCLES = { alu: 1, loads: 2, stores: 1, mul16: 2, mul32: 3, branches: 3 } as const;

function line(step: string, times: number, m: Mix): ArmCostLine {
  const n = (k: keyof Mix) => m[k] ?? 0;
  const instructions = n('alu') + n('loads') + n('stores') + n('mul16') + n('mul32') + n('branches');
  const cycles = (Object.keys(CYCLES) as (keyof Mix)[]).reduce((s, k) => s + n(k) * CYCLES[k], 0);
  return { step, times, instructions: instructions * times, cycles: cycles * times, dtcmAccesses: (n('loads') + n('stores')) * times };
}

const sum = (lines: ArmCostLine[], sdramBytes: number): ArmWork => ({
  instructions: lines.reduce((s, l) => s + l.instructions, 0),
  cycles: lines.reduce((s, l) => s + l.cycles, 0),
  dtcmAccesses: lines.reduce((s, l) => s + l.dtcmAccesses, 0),
  sdramBytes,
});

/** The per-update cost of a rule on an ARM968 core (see the count model at the top of this file). */
export function armLearningCost(rule: ArmRule, opts: ArmCostOptions = {}): ArmCost {
  if (!ARM_RULES.includes(rule)) throw invalidParam('armLearningCost', 'rule', rule, ARM_RULES.join(' | '));
  const postEvents = opts.postEvents ?? 1;
  if (!(postEvents >= 0) || !Number.isFinite(postEvents)) throw invalidParam('armLearningCost', 'postEvents', postEvents, 'a number >= 0');
  const windowSteps = opts.windowSteps ?? postEvents + 1;
  if (!(windowSteps >= 1) || !Number.isFinite(windowSteps)) throw invalidParam('armLearningCost', 'windowSteps', windowSteps, 'a number >= 1');
  const rounding = opts.rounding ?? 'floor';
  const assumptions = [
    'hand count of the C path as ARMv5TE instructions; ARM9E-S cycle timings (unconfirmed); DTCM-resident state after the row DMA',
  ];

  if (rule.startsWith('stdp-')) {
    const pair = rule.startsWith('stdp-pair');
    const mult = rule.endsWith('multiplicative');
    // potentiation: dt, LUT (index shift, size compare, 3 loads), [pair: SMULBB + asr], [nearest:
    // dt-post compare], mul_accum_fixed (lsl 4, SMULL + 2), add, [additive: load max + clamp 2;
    // multiplicative: (max - w) * a2+ = sub + SMULL + 2], window advance (2 loads, 3 ALU, branch).
    const pot: Mix = {
      alu: 1 + 1 + 2 + (pair ? 1 : 3) + 1 + 2 + 1 + (mult ? 3 : 2) + 3,
      loads: 3 + 1 + 2,
      mul16: pair ? 1 : 0,
      mul32: mult ? 2 : 1,
      branches: 1,
    };
    // depression: dt, LUT, [pair: SMULBB + asr], mul_accum_fixed, subtract, [additive: load min +
    // clamp; multiplicative: (w - min) * a2- ], valid-test.
    const dep: Mix = { alu: 1 + 2 + (pair ? 1 : 0) + 1 + 2 + 1 + (mult ? 3 : 2) + 1, loads: 3 + 2, mul16: pair ? 1 : 0, mul32: mult ? 2 : 1 };
    const lines = [
      line('row loop, control word, synapse index and type', 1, { alu: 5, loads: 1, branches: 1 }),
      line('weight_get_initial: load 16-bit weight and shift, << shift', 1, { alu: 2, loads: 2 }),
      line('post_events_get_window_delayed: one step back through the history', windowSteps, { alu: 2, loads: 1, branches: 1 }),
      line('window result: previous event, count', 1, { alu: 3, loads: 2 }),
      line(`timing_apply_post_spike + weight potentiation (${pair ? 'pair' : 'nearest pair'}, ${mult ? 'multiplicative' : 'additive'})`, postEvents, pot),
      line('timing_apply_pre_spike + weight depression', 1, dep),
      line('weight_get_final (>> shift) and store the plastic word', 1, { alu: 1, stores: 1 }),
    ];
    const perRow = [
      line('row DMA set-up and completion callback', 1, { alu: 20, loads: 4, stores: 4, branches: 3 }),
      line(pair ? 'timing_add_pre_spike: LUT decay, SMULBB, + 1.0, store time and trace' : 'store pre time', 1, pair ? { alu: 5, loads: 5, mul16: 1, stores: 2 } : { alu: 1, stores: 1 }),
    ];
    assumptions.push(
      `${postEvents} post spike(s) replayed per update, ${windowSteps} history step(s)`,
      'SDRAM per synapse: 16-bit weight + 16-bit control word read, weight written back (6 bytes); per row 8 bytes of pre history + 12 bytes of header',
      'the forward pass (adding the weight to the ring buffer) is not counted: it is the synaptic event, not the update',
    );
    return { rule, perUpdate: sum(lines, 6), perRow: sum(perRow, 20), lines: [...lines, ...perRow], assumptions };
  }

  if (rule === 'three-factor-tag') {
    const lines = [
      line('loop over the row, load tag and psi_j, skip psi_j = 0', 1, { alu: 3, loads: 2, branches: 1 }),
      line('SMULBB x_i * psi_j, >> (22 - tagFracBits), add', 1, { alu: 2, mul16: 1 }),
      line('saturate the tag to 16 bits (compare pairs) and store', 1, { alu: 4, stores: 1 }),
    ];
    const perRow = [line('row DMA set-up and callback, load x_i', 1, { alu: 20, loads: 5, stores: 4, branches: 3 })];
    assumptions.push(
      'every row whose pre trace is non-zero is fetched and written back every time step (tags change each step)',
      'SDRAM per synapse and step: 32-bit weight+tag word and 16-bit control word read, 32-bit word written (10 bytes)',
    );
    return { rule, perUpdate: sum(lines, 10), perRow: sum(perRow, 12), lines: [...lines, ...perRow], assumptions };
  }

  const roundMix: Mix = rounding === 'floor' ? {} : rounding === 'nearest' ? { alu: 1 } : { alu: 10, loads: 2, stores: 2 };
  const lines = [
    line('loop over the row, load tag, skip tag = 0', 1, { alu: 3, loads: 1, branches: 1 }),
    line('load w and m_j; w << shift; tag << (15 - tagFracBits)', 1, { alu: 2, loads: 2 }),
    line('accum multiply m_j * tag (SMULL + 2) and add', 1, { alu: 3, mul32: 1 }),
    line(`round to 16 bits (${rounding}${rounding === 'stochastic' ? ': software KISS generator' : ''}), >> shift`, 1, { ...roundMix, alu: (roundMix.alu ?? 0) + 1 }),
    line('saturate to int16, store w, clear the tag', 1, { alu: 4, stores: 2 }),
  ];
  const perRow = [line('row DMA set-up and callback', 1, { alu: 20, loads: 4, stores: 4, branches: 3 })];
  assumptions.push(
    'm_j is computed on the core that holds post neuron j, which also processes the rows of its synapses: no packets carry it',
    'SDRAM per synapse and sample: 32-bit weight+tag word and 16-bit control word read, 32-bit word written (10 bytes)',
  );
  return { rule, perUpdate: sum(lines, 10), perRow: sum(perRow, 12), lines: [...lines, ...perRow], assumptions };
}

export interface ArmEnergy {
  /** pJ, or null when the profile has no energy per cycle. */
  pj: number | null;
  source: string;
  confidence: Confidence;
}

/** Energy of some ARM work from the profile's learning.cyclePj (cycles x pJ per core-cycle). */
export function armEnergy(work: Pick<ArmWork, 'cycles'>, learning: LearningSection): ArmEnergy {
  const c = learning.cyclePj;
  if (!c || c.value === null) return { pj: null, source: c?.source ?? 'the profile has no learning.cyclePj', confidence: c?.confidence ?? 'unconfirmed' };
  return { pj: work.cycles * c.value, source: `cycles x ${c.value} pJ per core-cycle (${c.source})`, confidence: c.confidence };
}

const scaleWork = (w: ArmWork, k: number): ArmWork => ({
  instructions: w.instructions * k,
  cycles: w.cycles * k,
  dtcmAccesses: w.dtcmAccesses * k,
  sdramBytes: w.sdramBytes * k,
});
const addWork = (...ws: ArmWork[]): ArmWork => ({
  instructions: ws.reduce((s, w) => s + w.instructions, 0),
  cycles: ws.reduce((s, w) => s + w.cycles, 0),
  dtcmAccesses: ws.reduce((s, w) => s + w.dtcmAccesses, 0),
  sdramBytes: ws.reduce((s, w) => s + w.sdramBytes, 0),
});
const diff = (a: ArmWork, b: ArmWork): ArmWork => addWork(a, scaleWork(b, -1));

/**
 * Total ARM work of an STDP run from the counters of SpinnakerStdp (the cost is linear in the post
 * spikes replayed and the history steps searched; depression is charged on every update).
 */
export function stdpWork(
  rule: Extract<ArmRule, `stdp-${string}`>,
  counts: { preSpikes: number; synapseUpdates: number; postEventsApplied: number; windowSteps: number },
): ArmWork {
  const a = armLearningCost(rule, { postEvents: 0, windowSteps: 1 });
  const perEvent = diff(armLearningCost(rule, { postEvents: 1, windowSteps: 1 }).perUpdate, a.perUpdate);
  const perStep = diff(armLearningCost(rule, { postEvents: 0, windowSteps: 2 }).perUpdate, a.perUpdate);
  const base = diff(a.perUpdate, perStep);
  return addWork(
    scaleWork(base, counts.synapseUpdates),
    scaleWork({ ...perEvent, sdramBytes: 0 }, counts.postEventsApplied),
    scaleWork({ ...perStep, sdramBytes: 0 }, counts.windowSteps),
    scaleWork(a.perRow, counts.preSpikes),
  );
}

/** Total ARM work of a three-factor run from the counters of SpinnakerThreeFactor. */
export function threeFactorWork(
  counts: { tagRows: number; tagUpdates: number; weightUpdates: number; samples: number },
  nPre: number,
  rounding: WeightRounding = 'floor',
): { tag: ArmWork; apply: ArmWork } {
  const tag = armLearningCost('three-factor-tag');
  const apply = armLearningCost('three-factor-apply', { rounding });
  return {
    tag: addWork(scaleWork(tag.perUpdate, counts.tagUpdates), scaleWork(tag.perRow, counts.tagRows)),
    // every row is visited at the end of a sample; only synapses with a non-zero tag do the update
    apply: addWork(scaleWork(apply.perUpdate, counts.weightUpdates), scaleWork(apply.perRow, counts.samples * nPre)),
  };
}
