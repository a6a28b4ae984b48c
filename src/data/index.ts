// SPDX-License-Identifier: MIT
/** Dataset selection from the command-line form `mnist-embedded | idx:DIR | cifar10:DIR | folder:DIR`. */
import { existsSync } from 'node:fs';
import { ConfigError, invalidParam } from '../errors.js';
import { loadCifar10Dir } from './cifar10.js';
import { checkDataset, type Dataset } from './dataset.js';
import { loadIdxDir } from './idx.js';
import { loadImageFolder } from './image-folder.js';
import { loadEmbeddedMnist } from './mnist-embedded.js';

export type { Dataset, Split } from './dataset.js';
export { checkDataset, fractionOf, takeRows } from './dataset.js';

const READERS = { idx: loadIdxDir, cifar10: loadCifar10Dir, folder: loadImageFolder } as const;

/** `KIND:DIR` -> its reader and folder; anything else is a ConfigError. */
function parseSpec(spec: string): { read: (dir: string, withTrain: boolean) => Dataset; dir: string } {
  const m = /^(idx|cifar10|folder):(.+)$/.exec(spec);
  if (!m) throw invalidParam('dataset', '--dataset', spec, 'mnist-embedded, idx:DIR, cifar10:DIR or folder:DIR');
  return { read: READERS[m[1] as keyof typeof READERS], dir: m[2] };
}

/** Loads a dataset by its command-line name; every reader's result is checked (finite pixels in [0, 1], labels in range). */
export function loadDataset(spec: string, withTrain: boolean): Dataset {
  if (spec === 'mnist-embedded') return checkDataset(loadEmbeddedMnist());
  const { read, dir } = parseSpec(spec);
  return checkDataset(read(dir, withTrain));
}

/** Checks a dataset spec's form and that its folder exists, without reading it. */
export function checkDatasetSpec(spec: string): void {
  if (spec === 'mnist-embedded') return;
  const { dir } = parseSpec(spec);
  if (!existsSync(dir)) throw new ConfigError(`dataset ${spec}: folder ${dir} does not exist`);
}
