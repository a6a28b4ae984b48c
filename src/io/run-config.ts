// SPDX-License-Identifier: MIT
/** The full configuration of a training run, as stored in checkpoints and `config.json`. */
import type { OnChipSettings } from '../chips/on-chip.js';
import type { ModelConfig } from '../plasticity/model.js';

export interface RunConfig extends ModelConfig {
  /** `mnist-embedded`, `idx:DIR` or `cifar10:DIR`. */
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
