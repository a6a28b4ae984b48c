// SPDX-License-Identifier: MIT
/** Tiny run directories trained through the CLI on generated 28x28 digits, for the claims and report tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capture } from '../helpers/cli.js';
import { syntheticIdxDir } from '../train/synthetic.js';

export const TINY_RUNS = {
  'faust-rate': ['--rule', 'faust', '--neuron', 'rate', '--hidden', '16,16'],
  'bp-rate': ['--rule', 'bp', '--neuron', 'rate', '--hidden', '16,16'],
  'ff-rate': ['--rule', 'ff', '--neuron', 'rate', '--hidden', '16,16'],
  'faust-rate-half': ['--rule', 'faust', '--neuron', 'rate', '--hidden', '16,16', '--train-fraction', '0.5'],
  'bp-rate-half': ['--rule', 'bp', '--neuron', 'rate', '--hidden', '16,16', '--train-fraction', '0.5'],
  'faust-lif': ['--rule', 'faust', '--neuron', 'lif', '--hidden', '12,12', '--steps', '4', '--init-scale', '2'],
  'bp-lif': ['--rule', 'bp', '--neuron', 'lif', '--hidden', '12,12', '--steps', '4', '--init-scale', '2'],
} as const;

export type TinyName = keyof typeof TINY_RUNS;

/** Trains the runs named (2 epochs each) into a fresh folder; returns their directories. */
export async function tinyRuns(names: TinyName[] = Object.keys(TINY_RUNS) as TinyName[], data = syntheticIdxDir(200, 60)): Promise<{ root: string; dirs: Record<TinyName, string>; data: string }> {
  const root = mkdtempSync(join(tmpdir(), 'ffsnn-claims-'));
  const dirs = {} as Record<TinyName, string>;
  for (const name of names) {
    const dir = join(root, name);
    const r = await capture(['train', '--dataset', `idx:${data}`, ...TINY_RUNS[name], '--epochs', '2', '--batch', '20', '--out', dir, '--backend', 'cpu', '--json']);
    if (r.code !== 0) throw new Error(`training ${name} failed: ${r.err}`);
    dirs[name] = dir;
  }
  return { root, dirs, data };
}
