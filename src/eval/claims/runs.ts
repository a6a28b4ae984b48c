// SPDX-License-Identifier: MIT
/**
 * Run directories as `ffsnn train` writes them (checkpoint.ffsnn, metrics.json, config.json),
 * read and checked before anything is measured. Runs on different datasets are REFUSED in one
 * claims table (their accuracies and costs are not comparable); give each dataset's runs separately.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ConfigError, FileFormatError } from '../../errors.js';
import { readCheckpoint, type Checkpoint } from '../../io/checkpoint.js';

export interface Run {
  dir: string;
  /** Short label: the directory's name (made unique when two runs share one). */
  name: string;
  ck: Checkpoint;
  /** Final test accuracy and the convergence figure as training recorded them in metrics.json. */
  metrics: { test_accuracy: number; epochs_to_95pct_of_final: number | null; train_samples: number };
}

function readMetrics(dir: string): Run['metrics'] {
  const file = join(dir, 'metrics.json');
  if (!existsSync(file)) throw new ConfigError(`${dir}: no metrics.json (not a run directory written by 'ffsnn train', or the run has not finished an epoch)`);
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FileFormatError(file, `not valid JSON (${(err as Error).message})`);
  }
  const acc = m?.test_accuracy;
  if (typeof acc !== 'number' || !Number.isFinite(acc)) throw new FileFormatError(file, "'test_accuracy' must be a number");
  const e = m.epochs_to_95pct_of_final;
  const n = m.train_samples;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new FileFormatError(file, "'train_samples' must be an integer");
  return { test_accuracy: acc, epochs_to_95pct_of_final: typeof e === 'number' ? e : null, train_samples: n };
}

export function loadRun(dir: string): Run {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`${dir}: no such run directory`);
  const metrics = readMetrics(dir);
  const ckFile = join(dir, 'checkpoint.ffsnn');
  if (!existsSync(ckFile)) throw new ConfigError(`${dir}: no checkpoint.ffsnn`);
  const ck = readCheckpoint(ckFile);
  if (ck.history.length === 0) throw new FileFormatError(ckFile, 'holds no completed epoch');
  return { dir, name: basename(resolve(dir)), ck, metrics };
}

/** Loads every run; refuses an empty list and runs on different datasets (one line naming two of them). */
export function loadRuns(dirs: string[]): Run[] {
  if (dirs.length === 0) throw new ConfigError('expected at least one RUN_DIR (a directory written by ffsnn train)');
  const runs = dirs.map(loadRun);
  const first = runs[0];
  const other = runs.find((r) => r.ck.config.dataset !== first.ck.config.dataset);
  if (other) {
    throw new ConfigError(
      `runs on different datasets cannot share one claims table: ${first.dir} is on ${first.ck.config.dataset}, ${other.dir} on ${other.ck.config.dataset} (give each dataset's runs separately)`,
    );
  }
  const seen = new Map<string, number>();
  for (const r of runs) {
    const k = (seen.get(r.name) ?? 0) + 1;
    seen.set(r.name, k);
    if (k > 1) r.name = `${r.name}#${k}`;
  }
  return runs;
}

/** "faust rate", "bp lif", ... */
export function kindOf(r: Run): string {
  return `${r.ck.config.rule} ${r.ck.config.neuron}`;
}
