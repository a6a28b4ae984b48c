// SPDX-License-Identifier: MIT
/**
 * Sweeps across machines through BullMQ on Redis: `enqueue` adds one job per cell (job id = sweep
 * name + cell id, so enqueuing twice adds nothing), and each `ffsnn worker` takes jobs and runs them
 * with runCell into its --out folder (a shared file system when workers are on several machines).
 *
 * A worker killed mid-run stops renewing its job's lock; after `lockSeconds` BullMQ's stalled-job
 * check hands the job to another worker, which resumes the run from its last checkpoint (the
 * killed run's training process dies with its worker: runCell ties them together).
 */
import { hostname } from 'node:os';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { ConfigError } from '../errors.js';
import { runCell, type CellResult } from './run-cell.js';
import type { Cell } from './spec.js';

export const QUEUE_NAME = 'ffsnn-sweep';

export interface QueueJob {
  sweep: string;
  cell: Cell;
}

/** `redis://HOST:PORT[/DB]` -> connection options; anything else is a ConfigError. */
export function parseQueueUrl(url: string): { host: string; port: number; db: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError(`--queue ${JSON.stringify(url)} is invalid (expected redis://HOST:PORT)`);
  }
  const port = Number(u.port || 6379);
  const db = Number(u.pathname.replace(/^\//, '') || 0);
  if (u.protocol !== 'redis:' || !u.hostname || !Number.isInteger(port) || !Number.isInteger(db)) {
    throw new ConfigError(`--queue ${JSON.stringify(url)} is invalid (expected redis://HOST:PORT)`);
  }
  return { host: u.hostname, port, db };
}

/** Fails fast with one line when the server cannot be reached (ioredis would otherwise retry forever). */
export async function checkReachable(url: string): Promise<ConnectionOptions> {
  const conn = parseQueueUrl(url);
  const probe = new Redis({ ...conn, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5000 });
  let cause: Error | undefined;
  probe.on('error', (err: Error) => (cause ??= err));
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    throw new ConfigError(`queue ${url} is unreachable (${(cause ?? (err as Error)).message.split('\n')[0]})`);
  } finally {
    probe.disconnect();
  }
  return { ...conn, maxRetriesPerRequest: null };
}

/** Adds every cell as a job; returns how many were new. */
export async function enqueue(url: string, sweep: string, cells: Cell[]): Promise<{ added: number; total: number }> {
  const connection = await checkReachable(url);
  const queue = new Queue<QueueJob>(QUEUE_NAME, { connection });
  try {
    let added = 0;
    for (const cell of cells) {
      const jobId = `${sweep}.${cell.id}`;
      if (await queue.getJob(jobId)) continue;
      await queue.add(cell.id, { sweep, cell }, { jobId, removeOnComplete: false, removeOnFail: false });
      added++;
    }
    return { added, total: cells.length };
  } finally {
    await queue.close();
  }
}

export interface WorkerOptions {
  out: string;
  concurrency: number;
  lockSeconds: number;
  /** Exit once no job is waiting, delayed or active (for batch use and tests); else run until a signal. */
  exitWhenEmpty: boolean;
  onDone: (r: CellResult) => void;
}

/** Runs jobs until stopped (SIGINT/SIGTERM: the current runs finish first) or, with exitWhenEmpty, until the queue is empty. */
export async function runWorker(url: string, o: WorkerOptions): Promise<void> {
  const connection = await checkReachable(url);
  const runner = `worker ${process.pid}@${hostname()}`;
  const worker = new Worker<QueueJob, CellResult>(
    QUEUE_NAME,
    async (job) => {
      const r = await runCell(o.out, job.data.cell, { runner });
      o.onDone(r);
      if (r.status === 'failed') throw new Error(r.error);
      return r;
    },
    { connection, concurrency: o.concurrency, lockDuration: o.lockSeconds * 1000, stalledInterval: o.lockSeconds * 1000, maxStalledCount: 1000 },
  );
  worker.on('error', () => {});
  const queue = new Queue(QUEUE_NAME, { connection });
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const onSignal = () => stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let timer: NodeJS.Timeout | undefined;
  if (o.exitWhenEmpty) {
    timer = setInterval(async () => {
      const c = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
      if (Object.values(c).every((n) => n === 0)) stop();
    }, 500);
  }
  await stopped;
  if (timer) clearInterval(timer);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await worker.close();
  await queue.close();
}
