// SPDX-License-Identifier: MIT
/**
 * Summary of a sweep's output directory: runs that differ only by seed form one row, with the
 * mean ± sample standard deviation of the final test accuracy, the mean epochs to 95 % of the
 * final accuracy, training samples/s and wall seconds. Reads only finished runs' files, so it can
 * be run while a sweep is still going (unfinished runs are counted, not averaged).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { CellResult } from './run-cell.js';
import type { Flags } from './spec.js';

interface RunMetrics {
  test_accuracy: number | null;
  epochs_to_95pct_of_final: number | null;
  train_samples: number;
  epochs: { seconds: number; samples_per_s: number }[];
}

export interface SummaryRow {
  /** The row's flags (every flag of its runs but the seed). */
  flags: Flags;
  seeds: number[];
  runs: number;
  accuracy_mean: number;
  accuracy_sd: number | null;
  epochs_to_95pct_mean: number | null;
  samples_per_s_mean: number;
  /** Mean over seeds of the summed epoch training seconds. */
  train_s_mean: number;
  /** Mean over seeds of the finishing attempt's wall seconds (training, evaluation, checkpoints). */
  wall_s_mean: number;
}

export interface Summary {
  dir: string;
  rows: SummaryRow[];
  finished: number;
  unfinished: string[];
  failed: { id: string; error: string }[];
}

const mean = (xs: number[]) => xs.reduce((a, v) => a + v, 0) / xs.length;
const sd = (xs: number[]) => (xs.length < 2 ? null : Math.sqrt(xs.reduce((a, v) => a + (v - mean(xs)) ** 2, 0) / (xs.length - 1)));

export function summarise(dir: string): Summary {
  if (!existsSync(dir)) throw new ConfigError(`sweep output directory ${dir} does not exist`);
  const groups = new Map<string, { flags: Flags; runs: { seed: number; m: RunMetrics; r: CellResult }[] }>();
  const unfinished: string[] = [];
  const failed: Summary['failed'] = [];
  let finished = 0;
  for (const id of readdirSync(dir).sort()) {
    const cellFile = join(dir, id, 'cell.json');
    if (!existsSync(cellFile)) continue;
    const resultFile = join(dir, id, 'result.json');
    if (!existsSync(resultFile)) {
      const failedFile = join(dir, id, 'failed.json');
      if (existsSync(failedFile)) failed.push({ id, error: (JSON.parse(readFileSync(failedFile, 'utf8')) as CellResult).error ?? '' });
      else unfinished.push(id);
      continue;
    }
    const r = JSON.parse(readFileSync(resultFile, 'utf8')) as CellResult;
    const m = JSON.parse(readFileSync(join(dir, id, 'metrics.json'), 'utf8')) as RunMetrics;
    finished++;
    const { seed, ...rest } = r.flags;
    const key = JSON.stringify(Object.keys(rest).sort().map((k) => [k, rest[k]]));
    if (!groups.has(key)) groups.set(key, { flags: rest, runs: [] });
    groups.get(key)!.runs.push({ seed: Number(seed ?? 1), m, r });
  }
  const rows: SummaryRow[] = [...groups.values()].map(({ flags, runs }) => {
    const acc = runs.map((x) => x.m.test_accuracy ?? NaN);
    const reach = runs.map((x) => x.m.epochs_to_95pct_of_final).filter((v): v is number => v !== null);
    const trainS = runs.map((x) => x.m.epochs.reduce((a, e) => a + e.seconds, 0));
    return {
      flags,
      seeds: runs.map((x) => x.seed).sort((a, b) => a - b),
      runs: runs.length,
      accuracy_mean: mean(acc),
      accuracy_sd: sd(acc),
      epochs_to_95pct_mean: reach.length > 0 ? mean(reach) : null,
      samples_per_s_mean: mean(runs.map((x, i) => (x.m.train_samples * x.m.epochs.length) / trainS[i])),
      train_s_mean: mean(trainS),
      wall_s_mean: mean(runs.map((x) => x.r.wall_s)),
    };
  });
  return { dir, rows, finished, unfinished, failed };
}

const seconds = (s: number) => (s < 100 ? s.toFixed(1) : Math.round(s).toString());
const pct = (r: SummaryRow) => `${(100 * r.accuracy_mean).toFixed(2)} ± ${r.accuracy_sd === null ? '–' : (100 * r.accuracy_sd).toFixed(2)}`;

function columns(rows: SummaryRow[]): string[] {
  const keys = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.flags)) keys.add(k);
  const first = ['dataset', 'rule', 'neuron', 'train-fraction'];
  return [...first.filter((k) => keys.has(k)), ...[...keys].filter((k) => !first.includes(k)).sort()];
}

/** One table: flag columns, then the measured ones. */
export function formatSummary(s: Summary, markdown: boolean): string {
  const cols = columns(s.rows);
  const head = [...cols, 'seeds', 'test acc % (mean ± sd)', 'epochs to 95 %', 'samples/s', 'train s', 'wall s'];
  const body = s.rows.map((r) => [
    ...cols.map((k) => (r.flags[k] === undefined ? '' : String(r.flags[k]))),
    String(r.runs),
    pct(r),
    r.epochs_to_95pct_mean === null ? '–' : r.epochs_to_95pct_mean.toFixed(1),
    Math.round(r.samples_per_s_mean).toString(),
    seconds(r.train_s_mean),
    seconds(r.wall_s_mean),
  ]);
  const lines: string[] = [];
  if (markdown) {
    lines.push(`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`);
    for (const b of body) lines.push(`| ${b.join(' | ')} |`);
  } else {
    const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const fmt = (row: string[]) => row.map((c, i) => c.padEnd(w[i])).join('  ').trimEnd();
    lines.push(fmt(head), ...body.map(fmt));
  }
  lines.push('', `${s.finished} runs finished, ${s.unfinished.length} unfinished, ${s.failed.length} failed (${s.dir})`);
  for (const f of s.failed) lines.push(`failed: ${f.id}: ${f.error}`);
  return lines.join('\n');
}
