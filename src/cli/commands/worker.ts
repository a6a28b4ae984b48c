// SPDX-License-Identifier: MIT
/** `ffsnn worker`: runs sweep cells taken from a BullMQ/Redis queue (filled by `ffsnn sweep --queue`). */
import { mkdirSync } from 'node:fs';
import { ConfigError } from '../../errors.js';
import { parseQueueUrl, runWorker } from '../../sweep/queue.js';
import { numberOption, parseOptions } from '../args.js';

export const summary = "run sweep cells from a Redis queue (filled by 'ffsnn sweep --queue')";

export const help = `usage: ffsnn worker --queue redis://HOST:PORT --out DIR [--jobs N] [--lock-seconds S] [--exit-when-empty]

Takes jobs enqueued by 'ffsnn sweep SPEC --queue redis://HOST:PORT' and runs each as 'ffsnn train'
into DIR/<cell id>/ (DIR may be a shared file system; a cell already finished there is skipped).
Start one on each machine. A worker that dies mid-run loses nothing: after the lock time its job
goes to another worker, which resumes the run from its last checkpoint. SIGINT/SIGTERM stop
taking jobs and wait for the running ones.

options:
  --queue URL        redis://HOST:PORT[/DB]
  --out DIR          where the run directories go
  --jobs N           runs at a time on this machine (default 1)
  --lock-seconds S   how long a silent worker keeps its job before another takes it over (default 30)
  --exit-when-empty  exit once no job is waiting or running (default: keep waiting for jobs)`;

const OPTIONS = {
  queue: { type: 'string' },
  out: { type: 'string' },
  jobs: { type: 'string' },
  'lock-seconds': { type: 'string' },
  'exit-when-empty': { type: 'boolean' },
} as const;

export async function run(argv: string[]): Promise<number> {
  const { values: o } = parseOptions(argv, OPTIONS);
  if (!o.queue) throw new ConfigError('--queue redis://HOST:PORT is required');
  if (!o.out) throw new ConfigError('--out DIR is required (where the run directories go)');
  const concurrency = numberOption('jobs', o.jobs, { integer: true, min: 1 }) ?? 1;
  const lockSeconds = numberOption('lock-seconds', o['lock-seconds'], { min: 1 }) ?? 30;
  parseQueueUrl(o.queue);
  mkdirSync(o.out, { recursive: true });
  let failed = 0;
  await runWorker(o.queue, {
    out: o.out,
    concurrency,
    lockSeconds,
    exitWhenEmpty: o['exit-when-empty'] === true,
    onDone: (r) => {
      if (r.status === 'failed') failed++;
      console.log(`${r.id}: ${r.status === 'failed' ? `FAILED ${r.error}` : `finished (wall ${Math.round(r.wall_s)} s${r.resumed ? ', resumed' : ''})`}`);
    },
  });
  return failed ? 1 : 0;
}
