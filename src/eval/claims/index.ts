// SPDX-License-Identifier: MIT
/** `ffsnn claims` without the printing: load the runs, measure each, judge every claim. */
import { loadDataset, type Dataset } from '../../data/index.js';
import { ConfigError } from '../../errors.js';
import type { BatchedOps } from '../../sim/batched/ops.js';
import { judgeClaims, type ClaimResult } from './claims.js';
import { DEFAULT_MEASURE, measureRun, type MeasureOptions, type RunMeasurement } from './measure.js';
import { loadRuns, type Run } from './runs.js';

export { CLAIMS, judgeClaims, type ClaimResult, type Verdict } from './claims.js';
export { DEFAULT_MEASURE, type MeasureOptions, type RunMeasurement } from './measure.js';
export { loadRuns, type Run } from './runs.js';

export interface Scorecard {
  dataset: string;
  runs: RunMeasurement[];
  claims: ClaimResult[];
}

/** The dataset of a list of runs (one, `loadRuns` refuses mixed ones), with its training split for the probes. */
export function datasetOf(runs: Run[]): Dataset {
  const data = loadDataset(runs[0].ck.config.dataset, true);
  for (const r of runs) {
    if (data.dim !== r.ck.config.sizes[0]) throw new ConfigError(`${r.dir}: the network takes ${r.ck.config.sizes[0]} inputs but ${data.name} has ${data.dim}`);
  }
  return data;
}

export function scorecard(runs: Run[], data: Dataset, ops: BatchedOps, o: MeasureOptions = DEFAULT_MEASURE, say: (m: string) => void = () => {}): Scorecard {
  const ms = runs.map((r, i) => {
    say(`[${i + 1}/${runs.length}] ${r.name}`);
    return measureRun(r, data, ops, o, say);
  });
  return { dataset: data.name, runs: ms, claims: judgeClaims(ms) };
}
