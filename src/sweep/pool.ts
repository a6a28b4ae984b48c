// SPDX-License-Identifier: MIT
/** The default runner: a local pool of `jobs` training processes working through the cells. */
import { runCell, type CellResult } from './run-cell.js';
import type { Cell } from './spec.js';

export async function runPool(
  outRoot: string,
  cells: Cell[],
  jobs: number,
  onDone: (r: CellResult, done: number, total: number) => void,
  extraArgs: string[] = [],
): Promise<CellResult[]> {
  const results: CellResult[] = [];
  let next = 0;
  const lane = async () => {
    while (next < cells.length) {
      const cell = cells[next++];
      const r = await runCell(outRoot, cell, { runner: `pool pid ${process.pid}`, extraArgs });
      results.push(r);
      onDone(r, results.length, cells.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, cells.length) }, lane));
  return results.sort((a, b) => a.index - b.index);
}
