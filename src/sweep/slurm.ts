// SPDX-License-Identifier: MIT
/** A Slurm job-array script whose task I runs `ffsnn sweep SPEC --index I --out OUT`. */
import { resolve } from 'node:path';
import { BIN } from './run-cell.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function slurmScript(name: string, specFile: string, outRoot: string, cells: number): string {
  const out = resolve(outRoot);
  return `#!/bin/bash
# ffsnn sweep ${name}: ${cells} cells, one Slurm array task each. Submit with: sbatch <this file>
# A task whose cell already finished exits at once; a re-submitted killed task resumes its checkpoint.
#SBATCH --job-name=ffsnn-${name}
#SBATCH --array=0-${cells - 1}
#SBATCH --cpus-per-task=1
#SBATCH --output=${out}/slurm-%A_%a.log
set -euo pipefail
exec node ${q(BIN)} sweep ${q(resolve(specFile))} --index "$SLURM_ARRAY_TASK_ID" --out ${q(out)}
`;
}
