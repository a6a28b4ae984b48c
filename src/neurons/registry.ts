// SPDX-License-Identifier: MIT
/**
 * The explicit list of neuron models (no directory scanning: it would not survive bundling).
 * A new model is added here and nowhere else.
 */
import { NoImplementationError } from '../errors.js';
import { ifModel } from './if/index.js';
import { izhikevichModel } from './izhikevich/index.js';
import { lifModel } from './lif/index.js';
import type { NeuronModel } from './model.js';
import type { NeuronModelName } from './spec.js';

const models: Record<NeuronModelName, NeuronModel> = {
  LIF: lifModel,
  IF: ifModel,
  Izhikevich: izhikevichModel,
};

export function getNeuronModel(name: string): NeuronModel {
  const m = (models as Record<string, NeuronModel | undefined>)[name];
  if (!m) throw new NoImplementationError(`neuron model '${name}'`, Object.keys(models));
  return m;
}

export function listNeuronModels(): NeuronModelName[] {
  return Object.keys(models) as NeuronModelName[];
}
