// SPDX-License-Identifier: MIT
/** The full configuration of a training run, as stored in checkpoints and `config.json`. */
import { invalidParam } from '../errors.js';
import type { OnChipSettings } from '../chips/on-chip.js';
import type { ModelConfig } from '../plasticity/model.js';

export interface RunConfig extends ModelConfig {
  /** `mnist-embedded`, `idx:DIR`, `cifar10:DIR` or `folder:DIR`. */
  dataset: string;
  epochs: number;
  batch: number;
  lr: number;
  /** Learning-rate schedule over epochs: constant, or cosine from lr down to lr/20 in the last epoch. */
  lrSchedule: 'constant' | 'cosine';
  optimizer: 'adam' | 'sgd';
  seed: number;
  /** Share of the training set used (fixed stratified subset, see data/dataset.ts). */
  trainFraction: number;
  /** Present when the run learns inside a chip's plasticity engine (`--on-chip`). */
  onChip?: OnChipSettings;
}

const oneOf = <T extends string>(k: keyof RunConfig, v: unknown, allowed: readonly T[]) => {
  if (!allowed.includes(v as T)) throw invalidParam('train', k, v, allowed.map((a) => `'${a}'`).join(', '));
};

/**
 * Validates every field of a complete configuration (from the command line, or read from a
 * checkpoint, where a damaged value must not reach training).
 * @throws ConfigError naming the field and what was expected.
 */
export function checkRunConfig(c: RunConfig): void {
  if (!c || typeof c !== 'object') throw invalidParam('train', 'config', c, 'an object');
  oneOf('rule', c.rule, ['faust', 'ff', 'bp', 'stdp'] as const);
  if (typeof c.dataset !== 'string') throw invalidParam('train', 'dataset', c.dataset, 'a dataset name');
  oneOf('neuron', c.neuron, ['rate', 'lif'] as const);
  oneOf('encoding', c.encoding, ['poisson', 'latency'] as const);
  oneOf('activity', c.activity, ['spike-count', 'trace'] as const);
  oneOf('positives', c.positives, ['prototype', 'batch'] as const);
  oneOf('lrSchedule', c.lrSchedule, ['constant', 'cosine'] as const);
  oneOf('optimizer', c.optimizer, ['adam', 'sgd'] as const);
  if (c.rule === 'stdp' && c.neuron !== 'lif') throw invalidParam('train', 'rule', 'stdp', "spiking neurons: STDP needs '--neuron lif'");
  const int = (k: keyof RunConfig, min: number) => {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw invalidParam('train', k, v, `an integer >= ${min}`);
  };
  const pos = (k: keyof RunConfig) => {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw invalidParam('train', k, v, 'a finite number > 0');
  };
  int('epochs', 1);
  int('batch', 1);
  int('steps', 2);
  int('classes', 2);
  int('seed', 0);
  if (c.seed > 0xffffffff) throw invalidParam('train', 'seed', c.seed, 'an integer in 0..4294967295');
  for (const k of ['lr', 'dt', 'tauMem', 'tauSyn', 'vTh', 'psiBeta', 'temperature', 'inputRate', 'initScale', 'ffTheta', 'trainFraction'] as const) pos(k);
  if (c.trainFraction > 1) throw invalidParam('train', 'trainFraction', c.trainFraction, 'a fraction in (0, 1]');
  if (!(c.protoMomentum >= 0 && c.protoMomentum < 1)) throw invalidParam('train', 'protoMomentum', c.protoMomentum, 'a number in [0, 1)');
  if (!Array.isArray(c.sizes) || c.sizes.length < 2 || c.sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw invalidParam('train', 'sizes', c.sizes, 'input size then at least one layer size, positive integers');
  }
}
