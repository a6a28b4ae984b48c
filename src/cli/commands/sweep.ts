// SPDX-License-Identifier: MIT
/** `ffsnn sweep`: a grid of training runs (local pool, one cell, a Slurm array or a Redis queue), and its summary. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ConfigError, SnnError } from '../../errors.js';
import { runPool } from '../../sweep/pool.js';
import { enqueue } from '../../sweep/queue.js';
import { cellState, runCell, type CellResult } from '../../sweep/run-cell.js';
import { slurmScript } from '../../sweep/slurm.js';
import { expandCells, readSpec, type Cell } from '../../sweep/spec.js';
import { formatSummary, summarise } from '../../sweep/summarise.js';
import { numberOption, parseOptions } from '../args.js';
import { checkTrainArgs } from './train.js';

export const summary = 'run a grid of training runs (local pool, Slurm array or Redis queue) and summarise it';

export const help = `usage: ffsnn sweep SPEC.json [--jobs N] [--out DIR] [--backend B]
       ffsnn sweep SPEC.json --index I [--out DIR]        run cell I alone (e.g. one Slurm array task)
       ffsnn sweep SPEC.json --slurm [--out DIR]          print an sbatch job-array script, one task per cell
       ffsnn sweep SPEC.json --queue redis://HOST:PORT    enqueue every cell for 'ffsnn worker' processes
       ffsnn sweep summarise DIR [--json | --markdown]    mean ± sd over seeds per cell, epochs to 95 %,
                                                          samples/s, wall time
SPEC.json: {"name": ..., "flags": {train flags for all}, "grid": {train flag: [values, ...]},
            "where": [{"if": {flag: value}, "flags": {...}}]}  (keys are 'ffsnn train' option names)
Each cell is a separate 'ffsnn train' run in DIR/<cell id>/ (default DIR: runs/sweep-<name>).
Resumable: a finished cell is skipped, a killed one resumed from its checkpoint. Every cell is
checked before any starts; a failed cell is reported and the others still run.

options:
  --jobs N        local pool size (default: the number of CPU cores, ${availableParallelism()} here)
  --out DIR       output directory
  --index I       run only cell I (0-based, in grid order)
  --slurm         print a Slurm job-array script whose task I runs --index I
  --queue URL     enqueue on BullMQ/Redis instead of running (see 'ffsnn worker --help')
  --backend B     batched-ops backend for every run (see 'ffsnn train --help')
  --list          print the cells (index, id, train flags) and exit`;

const OPTIONS = {
  jobs: { type: 'string' },
  out: { type: 'string' },
  index: { type: 'string' },
  slurm: { type: 'boolean' },
  queue: { type: 'string' },
  backend: { type: 'string' },
  list: { type: 'boolean' },
  json: { type: 'boolean' },
  markdown: { type: 'boolean' },
} as const;

/** Reads the spec and checks every cell's train flags and dataset before anything runs. */
function loadCells(file: string): { name: string; cells: Cell[] } {
  const spec = readSpec(file);
  const cells = expandCells(spec);
  for (const c of cells) {
    try {
      checkTrainArgs(c.argv);
    } catch (err) {
      if (err instanceof SnnError) throw new ConfigError(`sweep spec ${file}, cell ${c.index} (${c.id}): ${err.message}`);
      throw err;
    }
  }
  return { name: spec.name, cells };
}

function accuracyOf(out: string, r: CellResult): string {
  if (r.status === 'failed') return `FAILED ${r.error}`;
  const m = JSON.parse(readFileSync(join(out, r.id, 'metrics.json'), 'utf8')) as { test_accuracy: number };
  return `test accuracy ${(100 * m.test_accuracy).toFixed(2)}% (wall ${Math.round(r.wall_s)} s${r.resumed ? ', resumed' : ''})`;
}

export async function run(argv: string[]): Promise<number> {
  const { values: o, positionals } = parseOptions(argv, OPTIONS, true);
  if (positionals[0] === 'summarise' || positionals[0] === 'summarize') {
    if (positionals.length !== 2) throw new ConfigError('usage: ffsnn sweep summarise DIR [--json | --markdown]');
    if (o.json && o.markdown) throw new ConfigError('choose one of --json and --markdown');
    const s = summarise(positionals[1]);
    console.log(o.json ? JSON.stringify(s, null, 2) : formatSummary(s, o.markdown === true));
    return 0;
  }
  if (o.json || o.markdown) throw new ConfigError('--json and --markdown belong to `ffsnn sweep summarise DIR`');
  if (positionals.length !== 1) throw new ConfigError('expected one sweep spec file (usage: ffsnn sweep SPEC.json [options])');
  const { name, cells } = loadCells(positionals[0]);
  const out = o.out ?? join('runs', `sweep-${name}`);
  const modes = [o.index !== undefined, o.slurm, o.queue !== undefined, o.list].filter(Boolean).length;
  if (modes > 1) throw new ConfigError('choose one of --index, --slurm, --queue and --list');
  if (o.list) {
    for (const c of cells) console.log(`${c.index}\t${c.id}\t${c.argv.join(' ')}`);
    return 0;
  }
  if (o.slurm) {
    mkdirSync(out, { recursive: true }); // Slurm writes the tasks' logs there before they start
    console.log(slurmScript(name, positionals[0], out, cells.length).trimEnd());
    return 0;
  }
  if (o.queue !== undefined) {
    const { added, total } = await enqueue(o.queue, name, cells);
    console.log(`sweep ${name}: ${added} of ${total} cells enqueued on ${o.queue} (${total - added} were already there); run 'ffsnn worker --queue ${o.queue} --out DIR' on each machine`);
    return 0;
  }
  const extraArgs = o.backend !== undefined ? ['--backend', o.backend] : [];
  mkdirSync(out, { recursive: true });
  if (o.index !== undefined) {
    const i = numberOption('index', o.index, { integer: true, min: 0, max: cells.length - 1 })!;
    const r = await runCell(out, cells[i], { runner: `index ${i} pid ${process.pid}`, extraArgs });
    console.log(`cell ${i} ${r.id}: ${accuracyOf(out, r)}`);
    return r.status === 'finished' ? 0 : 1;
  }
  const jobs = numberOption('jobs', o.jobs, { integer: true, min: 1 }) ?? availableParallelism();
  const states = cells.map((c) => (existsSync(join(out, c.id)) ? cellState(join(out, c.id)) : 'new'));
  const count = (s: string) => states.filter((x) => x === s).length;
  console.log(`sweep ${name}: ${cells.length} cells in ${out} (${count('finished')} finished before, ${count('partial')} to resume), ${jobs} at a time`);
  const results = await runPool(out, cells, jobs, (r, done, total) => console.log(`[${done}/${total}] ${r.id}: ${accuracyOf(out, r)}`), extraArgs);
  const failed = results.filter((r) => r.status === 'failed');
  console.log(`sweep ${name}: ${results.length - failed.length} of ${cells.length} cells finished${failed.length ? `, ${failed.length} failed (see their train.log)` : ''}; 'ffsnn sweep summarise ${out}' prints the table`);
  return failed.length ? 1 : 0;
}
