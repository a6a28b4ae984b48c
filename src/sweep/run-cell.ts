// SPDX-License-Identifier: MIT
/**
 * One cell of a sweep = one `ffsnn train` process writing OUT/<cell id>/. The run directory alone
 * says where the cell stands, so any runner (local pool, queue worker, Slurm task) can pick it up:
 *   result.json                        finished: skipped
 *   checkpoint.ffsnn, all epochs done  finished but killed before result.json: result written
 *   checkpoint.ffsnn                   killed mid-run: `train --resume` continues it bit-exactly
 *   nothing                            not started (or killed in its first epoch): trained afresh
 * A failed run leaves failed.json (with the last line it printed) and never touches another cell.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomicSync } from '../atomic.js';
import type { Cell } from './spec.js';

/** The CLI every run starts (the same checkout as this sweep). */
export const BIN = fileURLToPath(new URL('../../bin/ffsnn.js', import.meta.url));
/** setpriv (util-linux) ties a run to its runner: killed with it, never left training alone. */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

export type CellState = 'finished' | 'partial' | 'new';

export interface CellResult {
  id: string;
  index: number;
  flags: Cell['flags'];
  status: 'finished' | 'failed';
  /** Wall seconds of the attempt that finished the run (a resumed run's earlier attempts are in its epochs' seconds). */
  wall_s: number;
  resumed: boolean;
  /** Last line the run printed, for a failure. */
  error?: string;
  runner: string;
}

const readJson = (p: string): unknown => JSON.parse(readFileSync(p, 'utf8'));

export function cellState(dir: string): CellState {
  if (existsSync(join(dir, 'result.json'))) return 'finished';
  if (existsSync(join(dir, 'checkpoint.ffsnn'))) {
    const m = existsSync(join(dir, 'metrics.json')) ? (readJson(join(dir, 'metrics.json')) as { epochs?: unknown[] }) : undefined;
    const c = readJson(join(dir, 'config.json')) as { epochs?: number };
    if (m?.epochs && c.epochs !== undefined && m.epochs.length >= c.epochs) return 'finished';
    return 'partial';
  }
  return 'new';
}

export interface RunCellOptions {
  /** Names the runner in result.json (e.g. `pool`, `worker 1234@host`). */
  runner: string;
  /** Extra `train` flags every run gets (e.g. --backend). */
  extraArgs?: string[];
}

/** Runs (or resumes, or skips) one cell; resolves once its result is written. */
export async function runCell(outRoot: string, cell: Cell, opts: RunCellOptions): Promise<CellResult> {
  const dir = join(outRoot, cell.id);
  const resultFile = join(dir, 'result.json');
  if (existsSync(resultFile)) return readJson(resultFile) as CellResult;
  mkdirSync(dir, { recursive: true });
  writeFileAtomicSync(join(dir, 'cell.json'), `${JSON.stringify({ index: cell.index, id: cell.id, flags: cell.flags, argv: cell.argv }, null, 2)}\n`);
  const state = cellState(dir);
  const t0 = performance.now();
  let error: string | undefined;
  if (state !== 'finished') {
    const args = state === 'partial' ? ['train', '--resume', '--out', dir] : ['train', ...cell.argv, '--out', dir];
    error = await trainProcess([...args, '--json', ...(opts.extraArgs ?? [])], join(dir, 'train.log'));
  }
  const result: CellResult = {
    id: cell.id,
    index: cell.index,
    flags: cell.flags,
    status: error === undefined ? 'finished' : 'failed',
    wall_s: (performance.now() - t0) / 1000,
    resumed: state === 'partial',
    runner: opts.runner,
  };
  if (error !== undefined) {
    result.error = error;
    writeFileAtomicSync(join(dir, 'failed.json'), `${JSON.stringify(result, null, 2)}\n`);
  } else {
    rmSync(join(dir, 'failed.json'), { force: true });
    writeFileAtomicSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  }
  return result;
}

/** Runs `ffsnn ARGS` with output appended to `log`; resolves undefined on success, else the fault's line. */
function trainProcess(args: string[], log: string): Promise<string | undefined> {
  const fd = openSync(log, 'a');
  const cmd = SETPRIV ? [SETPRIV, '--pdeathsig', 'SIGKILL', '--', process.execPath, BIN, ...args] : [process.execPath, BIN, ...args];
  return new Promise((resolve) => {
    const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', fd, fd] });
    child.on('error', (err) => {
      closeSync(fd);
      resolve(`could not start ffsnn train: ${err.message}`);
    });
    child.on('exit', (code, signal) => {
      closeSync(fd);
      if (code === 0) return resolve(undefined);
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      const last = lines.reverse().find((l) => l.startsWith('ffsnn ')) ?? lines[0] ?? '';
      resolve(`${signal ? `killed by ${signal}` : `exit code ${code}`}: ${last.trim()}`);
    });
  });
}
