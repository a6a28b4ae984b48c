// SPDX-License-Identifier: MIT
/**
 * Defaults of on-chip training and the list of approximations every run states in config.json.
 *
 * The compartment reproduces the float LIF of the spiking trainer (tauSyn, tauMem, vTh): with one
 * integer weight unit standing for `weightUnit` (float), u = S kExc iExc and v = S v_float with
 * S = 64 / (kExc weightUnit), so du = round(4096 (1 - e^(-dt/tauSyn))) - 1,
 * dv = round(4096 (1 - e^(-dt/tauMem))), vth = round(vTh / (kExc weightUnit)).
 */
import { ConfigError } from '../../errors.js';
import { NO_ON_CHIP_LEARNING, ON_CHIP_CHIPS, type OnChipChip, type OnChipRule, type OnChipSettings } from '../../chips/on-chip.js';
import { THIRD_OFFSET, type Rounding } from '../../chips/loihi/on-chip/kernels.js';
import type { RunConfig } from '../../io/run-config.js';
import { lifConstantsOf } from '../../plasticity/model.js';
import { spinnakerSettings } from './spinnaker.js';

/** Float weight of one integer unit: 8 magnitude bits span [-1, 1) (float spiking FAUST's weights stay well inside). */
export const DEFAULT_WEIGHT_UNIT = 1 / 256;

export const WEIGHT_BITS = [8, 6, 4] as const;

/** Largest |m|: y1 = 64 - m stays in [1, 127]. */
export const THIRD_FACTOR_MAX = 63;

/**
 * Momentum of the class prototypes the embedded cores keep. With the float trainer's 0.9 the
 * on-chip test accuracy swung by 1-3 points from epoch to epoch, following the last few batches of
 * integer spike counts (embedded split, 10 epochs, m rounded stochastically, final epoch, seed 1:
 * 0.9 91.70 %, 0.97 92.90 %, 0.99 93.15 %; seed 2: 0.97 93.15 %, 0.99 94.15 %, float 94.50 %).
 */
export const PROTOTYPE_MOMENTUM = 0.99;

/**
 * How the embedded cores round the third factor (software, so the chip's choice): nearest ended
 * 0.2-1.0 points above stochastic at 8 and 6 bits, 2 below at 4 bits (README).
 */
export const THIRD_FACTOR_ROUNDING: Rounding = 'nearest';

/** On-chip pair STDP: potentiation x1 at a post spike, depression y1 at a pre spike (1/64 LSB per trace unit). */
export const STDP_RULE = '2^-7*x1*y0 - 2^-6*y1*x0';

export { CLEAR_PULSE, GATE } from '../../chips/loihi/on-chip/kernels.js';

/** The chip named by --on-chip, or one line saying why it cannot learn / is unknown. */
export function onChipChip(name: string): OnChipChip {
  if (NO_ON_CHIP_LEARNING[name]) throw new ConfigError(`--on-chip ${name}: refused: ${NO_ON_CHIP_LEARNING[name]}`);
  if (!(ON_CHIP_CHIPS as readonly string[]).includes(name)) throw new ConfigError(`--on-chip ${JSON.stringify(name)} is not a chip with on-chip learning (expected one of: ${ON_CHIP_CHIPS.join(', ')})`);
  return name as OnChipChip;
}

export function onChipSettings(c: RunConfig, chip: OnChipChip, rule: OnChipRule, bitsFlag: number | undefined, roundingFlag: string | undefined): OnChipSettings {
  if (rule === 'ff')
    throw new ConfigError("--rule ff --on-chip: refused: FF needs two passes per sample (the label written into the input, a positive and a negative one) and a goodness readout over every label at test time; the three-factor path here carries one third factor per sample, so FF is not emulated on the chip (use faust or stdp)");
  if (rule !== 'faust' && rule !== 'stdp') throw new ConfigError(`--on-chip: rule '${rule}' cannot be trained on the chip (expected faust or stdp)`);
  if (chip === 'spinnaker' || chip === 'spinnaker2') {
    if (rule !== 'faust') throw new ConfigError(`--on-chip ${chip}: rule '${rule}' is not implemented on the ARM cores here (expected faust; sPyNNaker's own STDP is modelled in src/chips/spinnaker/stdp.ts)`);
    return spinnakerSettings(c, chip, rule, bitsFlag, roundingFlag);
  }
  const weightBits = bitsFlag ?? 8;
  const rounding = (roundingFlag ?? 'stochastic') as Rounding;
  if (!(WEIGHT_BITS as readonly number[]).includes(weightBits)) throw new ConfigError(`--weight-bits ${weightBits} is not supported (expected 8, 6 or 4)`);
  if (rounding !== 'stochastic' && rounding !== 'nearest') throw new ConfigError(`--rounding ${JSON.stringify(rounding)} is invalid (expected stochastic or nearest)`);
  const k = lifConstantsOf(c);
  const unit = DEFAULT_WEIGHT_UNIT;
  const du = Math.round(4096 * (1 - k.aExc)) - 1;
  const dv = Math.round(4096 * (1 - k.aMem));
  const vth = Math.round(c.vTh / (k.kExc * unit));
  const approximations = [
    'forward pass: Lava bit-accurate Dense + CUBA LIF (weight_exp 0, no bias, no refractory period), state reset between samples (netx reset_interval)',
    `batching: ${c.batch} samples run side by side on the weights of the start of their batch; each sample's learning epoch then updates the weights in turn (on the chip every sample would see all earlier updates)`,
    'learning engine: Lava bit-approximate LearningDense arithmetic (loihi-learning.md §3-§6), t_epoch 1; one random of each kind per sample and step (ffsnn seeded RNG, not numpy PCG64)',
    `third factor: computed by the embedded x86 (Lakemont) cores from the layer's spike counts (FAUST loss gradient, float), scaled by a running mean of its per-sample largest magnitude and rounded (${THIRD_FACTOR_ROUNDING}, in software on the x86 cores) to an integer m in [-63, 63]; delivered as graded messages at the sample's last step, y1 = 64 - m and y2 = 32 where m != 0 (else 0: no weight moves), i.e. without the one or more steps the counts and messages would take on the mesh`,
    "eligibility: y1 = the post neuron's surrogate 127 / (1 + beta |v - vth| / vth)^2 of its membrane, sent every step but the last as a graded payload (a programmable Loihi 2 neuron; Lava's LearningLIF does not send it); on the last step y1 carries the third factor instead, and the eligibility it adds to the tags is cleared with them",
    `FAUST prototypes: kept by the embedded cores in float, updated once per batch with momentum ${PROTOTYPE_MOMENTUM} (the float trainer: ${c.protoMomentum})`,
    `weights: ${weightBits} magnitude bits plus sign (grid step ${2 ** (8 - weightBits)}); Lava's bit-approximate model keeps 8-bit learned weights whatever num_weight_bits; a coarser grid is rounded as the engine rounds (${rounding})`,
    "biases: one bias neuron per layer spikes every step (and its trace sits at its saturated 127); its Dense row, learned by the same rule as every synapse, is the layer's bias, as the float trainer's bias is a current added every step. Exports write it as a bias column (Lava netx: a v-bias at its steady state)",
    'cost of the engine: every synapse is counted as updated in every learning epoch (u0 products); only synapses whose pre trace is nonzero are computed, which is exact (the others round back to themselves)',
    'dw floor compensation: the product 2^(e-1)*u0*sgn(t)*y2 adds half a unit of the dw product, so its flooring right shift (>> 12, Lava) rounds to nearest instead of biasing every update down (the cause of the falling activity, bench/onchip-drift.ts); y2 gates it, so a neuron with m = 0 gets no update at all (an ungated half unit would push every tagged synapse up; odd-only m, its earlier fix, added a +-1 update of pure noise that grew to dominate as the learning rate fell)',
    "tags: cleared by y3 = 32 at each sample's first step (dt = -u0*t*y3 + ..., the clear before the eligibility in string order, exact); the emulation applies it at the end of the sample (exact: its sum is a multiple of 128). The pulse is rounded to 31 by the y port's stochastic decay with p ~ 5e-4 per sample (Lava §8, random drawn at the end of the sample); the rest of such a tag is carried into the next sample of the same batch slot",
  ];
  if (rule === 'stdp') {
    approximations.splice(1, approximations.length - 1,
      'batching: none; samples run one after the other, every step learning on the weights the previous step left (as on the chip)',
      `learning engine: Lava bit-approximate LearningDense arithmetic, t_epoch 1, weight rule ${STDP_RULE} parsed as Lava parses it; only the synapses of spiking rows and columns are computed (the others round back to themselves); one random of each kind per step (ffsnn seeded RNG)`,
      'traces: x1 and y1, impulse 16, tau = the float LIF membrane tau (in steps)',
      'readout: class prototypes of the spike counts, kept by the embedded x86 cores in float and updated per batch (as the float STDP run); no label reaches the synapses',
      'weights: 8 magnitude bits plus sign (MIXED); no biases',
    );
  }
  if (chip === 'loihi') approximations.push("loihi (1): the same engine as loihi2 (Lava models Loihi 2's learning engine); Loihi 1 has no graded spikes, so its y-port payloads would have to be spike counts on reward channels");
  if (rounding === 'nearest') approximations.push('rounding nearest: a what-if; the chip (and Lava) round synaptic variables stochastically only');
  // eligibility 2^-5: typical tags of tens (not units), so the floor of the dw product's >> 12 is a
  // small bias; learning rate 2^-6 with |m| <= 63 (on 10 % of the split, 2 epochs, before the gate:
  // 82.9 %; 2^-7 80.4 %, 2^-5 82.2 %; eligibility 2^-7 with 2^-5 let the layers fall silent: 64.8 %
  // after a full epoch; 2^-5 with |m| <= 31, the same rate at half the resolution, trailed the
  // gated 2^-6 on the full split: 91.55 % against 92.95 % after 5 epochs)
  const eligibility = { mant: 1, exp: -5 };
  const learning = { mant: 1, exp: -6 };
  if (rule === 'stdp') {
    if (weightBits !== 8 || rounding !== 'stochastic') throw new ConfigError('--rule stdp --on-chip: only 8-bit weights with stochastic rounding (the precision study is for FAUST)');
    return {
      chip, rule, weightBits, rounding,
      compartment: { du, dv, vth },
      weightUnit: unit,
      x1: { impulse: 16, tau: c.tauMem },
      y1: { impulse: 16, tau: c.tauMem },
      eligibility, learning,
      thirdFactorMax: 0,
      scaleMomentum: 0,
      rules: { dw: STDP_RULE, dt: '' },
      approximations,
    };
  }
  return {
    chip,
    rule,
    weightBits,
    rounding,
    compartment: { du, dv, vth },
    weightUnit: unit,
    x1: { impulse: 16, tau: c.tauMem },
    eligibility,
    learning,
    thirdFactorMax: THIRD_FACTOR_MAX,
    scaleMomentum: 0.99,
    thirdFactorRounding: THIRD_FACTOR_ROUNDING,
    prototypeMomentum: PROTOTYPE_MOMENTUM,
    floorCompensation: true,
    biasNeurons: true,
    rules: ruleStrings(eligibility, learning, true),
    approximations,
  };
}

/** The Lava rule strings of the on-chip FAUST rule with these scales (and the floor compensation). */
export function ruleStrings(eligibility: { mant: number; exp: number }, learning: { mant: number; exp: number }, floorCompensation = false): { dw: string; dt: string } {
  const scale = (x: { mant: number; exp: number }) => `${x.mant === 1 ? '' : `${x.mant}*`}2^${x.exp}`;
  const comp = floorCompensation ? ` + 2^${compensationExp(learning)}*u0*sgn(t)*y2` : '';
  return { dt: `-u0*t*y3 + ${scale(eligibility)}*u0*x1*y1`, dw: `${scale(learning)}*u0*t*(y1-${THIRD_OFFSET})*y2${comp}` };
}

/** Whether a run's rule strings are the ones this trainer runs (runs of an earlier port protocol cannot be resumed). */
export function currentRules(s: { eligibility: { mant: number; exp: number }; learning: { mant: number; exp: number }; floorCompensation?: boolean; rules: { dw: string; dt: string } }): boolean {
  const r = ruleStrings(s.eligibility, s.learning, s.floorCompensation);
  return r.dw === s.rules.dw && r.dt === s.rules.dt;
}

/**
 * Exponent of the floor compensation: sgn(t) * y2 = +-32 is shifted right by 5 (widths 9 + 7 + 4
 * - 15), so 2^(e-1) adds half of the dw product's unit 2^(e+7) (accumulator units). Needs e >= -6.
 */
export function compensationExp(learning: { exp: number }): number {
  if (learning.exp - 1 < -7) throw new ConfigError(`on-chip floor compensation needs a learning exponent >= -6 (got ${learning.exp}): Lava's smallest scale is 2^-7`);
  return learning.exp - 1;
}
