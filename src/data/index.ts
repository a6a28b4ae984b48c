// SPDX-License-Identifier: MIT
/** Dataset selection from the command-line form `mnist-embedded | idx:DIR | cifar10:DIR | folder:DIR`. */
import { existsSync } from 'node:fs';
import { ConfigError, invalidParam } from '../errors.js';
import { loadCifar10Dir } from './cifar10.js';
import type { Dataset } from './dataset.js';
import { loadIdxDir } from './idx.js';
import { loadImageFolder } from './image-folder.js';
import { loadEmbeddedMnist } from './mnist-embedded.js';

export type { Dataset, Split } from './dataset.js';
export { fractionOf, takeRows } from './dataset.js';

export function loadDataset(spec: string, withTrain: boolean): Dataset {
  if (spec === 'mnist-embedded') return loadEmbeddedMnist();
  if (spec.startsWith('idx:') && spec.length > 4) return loadIdxDir(spec.slice(4), withTrain);
  if (spec.startsWith('cifar10:') && spec.length > 8) return loadCifar10Dir(spec.slice(8), withTrain);
  if (spec.startsWith('folder:') && spec.length > 7) return loadImageFolder(spec.slice(7), withTrain);
  throw invalidParam('dataset', '--dataset', spec, 'mnist-embedded, idx:DIR, cifar10:DIR or folder:DIR');
}

/** Checks a dataset spec's form and that its folder exists, without reading it. */
export function checkDatasetSpec(spec: string): void {
  if (spec === 'mnist-embedded') return;
  const m = /^(idx|cifar10|folder):(.+)$/.exec(spec);
  if (!m) throw invalidParam('dataset', '--dataset', spec, 'mnist-embedded, idx:DIR, cifar10:DIR or folder:DIR');
  if (!existsSync(m[2])) throw new ConfigError(`dataset ${spec}: folder ${m[2]} does not exist`);
}
