// SPDX-License-Identifier: MIT
/** Dataset selection from the command-line form `mnist-embedded | idx:DIR | cifar10:DIR`. */
import { invalidParam } from '../errors.js';
import { loadCifar10Dir } from './cifar10.js';
import { checkDataset, type Dataset } from './dataset.js';
import { loadIdxDir } from './idx.js';
import { loadEmbeddedMnist } from './mnist-embedded.js';

export type { Dataset, Split } from './dataset.js';
export { checkDataset, fractionOf, takeRows } from './dataset.js';

/** Loads a dataset by its command-line name; every reader's result is checked (finite pixels in [0, 1], labels in range). */
export function loadDataset(spec: string, withTrain: boolean): Dataset {
  if (spec === 'mnist-embedded') return checkDataset(loadEmbeddedMnist());
  if (spec.startsWith('idx:') && spec.length > 4) return checkDataset(loadIdxDir(spec.slice(4), withTrain));
  if (spec.startsWith('cifar10:') && spec.length > 8) return checkDataset(loadCifar10Dir(spec.slice(8), withTrain));
  throw invalidParam('dataset', '--dataset', spec, 'mnist-embedded, idx:DIR or cifar10:DIR');
}
