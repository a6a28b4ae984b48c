// SPDX-License-Identifier: MIT
/**
 * Command dispatcher. Each command lives in src/cli/commands/<name>.ts and exports
 * `run(argv): Promise<number>` and `help: string`. Errors of type SnnError become one line on
 * stderr and exit code 2; anything else is a bug and prints its stack.
 */
import { SnnError } from '../errors.js';

type Command = { run(argv: string[]): Promise<number>; help: string; summary: string };

const commands: Record<string, () => Promise<Command>> = {
  train: () => import('./commands/train.js'),
  evaluate: () => import('./commands/evaluate.js'),
  simulate: () => import('./commands/simulate.js'),
  profiles: () => import('./commands/profiles.js'),
  map: () => import('./commands/map.js'),
  export: () => import('./commands/export.js'),
  import: () => import('./commands/import.js'),
  'check-lava': () => import('./commands/check-lava.js'),
  rule: () => import('./commands/rule.js'),
  sweep: () => import('./commands/sweep.js'),
  worker: () => import('./commands/worker.js'),
  claims: () => import('./commands/claims.js'),
  report: () => import('./commands/report.js'),
};

const USAGE = `usage: ffsnn <command> [options]

commands:
  train      train a network with a local learning rule (default: spiking FAUST on embedded MNIST)
  evaluate   evaluate a checkpoint
  simulate   run a network file on an input raster (or the cuba benchmark)
  profiles   list or validate hardware profiles
  map        map a checkpoint onto a hardware profile
  export     export a checkpoint (nir, lava, pynn, bundle)
  import     import a NIR file
  check-lava replay golden traces recorded from Lava (Loihi Dense+LIF, learning engine) bit for bit
  rule       check a Loihi learning-rule string (dw/dd/dt) as Lava parses it
  sweep      run a grid of training runs (local pool, Slurm array or Redis queue) and summarise it
  worker     run sweep cells from a Redis queue (filled by 'ffsnn sweep --queue')
  claims     plausibility claims of a set of runs: measurements and verdicts
  report     one self-contained HTML page: claims table and plots of a set of runs

Run 'ffsnn <command> --help' for a command's options.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 1;
  }
  const load = commands[name];
  if (!load) {
    console.error(`ffsnn: unknown command '${name}' (expected one of: ${Object.keys(commands).join(', ')})`);
    return 2;
  }
  try {
    const cmd = await load();
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(cmd.help);
      return 0;
    }
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof SnnError) {
      console.error(`ffsnn ${name}: ${err.message}`);
      return 2;
    }
    throw err;
  }
}
