// SPDX-License-Identifier: MIT
/**
 * The BullMQ/Redis path with a real redis-server (Debian package `redis-server`, installed by
 * .ci/run) on a free loopback port: two workers, one SIGKILLed mid-run; every job finishes exactly
 * once and the killed run is resumed by the other worker.
 */
import test from 'ava';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { QUEUE_NAME } from '../../src/sweep/queue.js';
import { expandCells, readSpec } from '../../src/sweep/spec.js';
import { syntheticIdxDir } from '../train/synthetic.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'ffsnn.js');
const redisAvailable = spawnSync('redis-server', ['--version']).status === 0;
const redisTest = redisAvailable ? test.serial : test.serial.skip;
if (!redisAvailable) console.log('queue.test.ts: redis-server not found (apt-get install redis-server); the Redis queue test is skipped');

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

async function startRedis(): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ffsnn-redis-'));
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    proc.stdout!.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes('Ready to accept connections')) resolve();
    });
    proc.on('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${seen}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, proc };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

redisTest('two workers, one killed mid-run: every job finished exactly once, the killed run resumed by the other', async (t) => {
  const { url, proc: redis } = await startRedis();
  t.teardown(() => void redis.kill('SIGTERM'));
  const data = syntheticIdxDir(200, 60);
  const specFile = join(mkdtempSync(join(tmpdir(), 'ffsnn-q-')), 'spec.json');
  writeFileSync(
    specFile,
    JSON.stringify({
      name: 'qtest',
      flags: { dataset: `idx:${data}`, neuron: 'rate', hidden: '16', batch: 20, epochs: 2, backend: 'cpu' },
      grid: { rule: ['faust', 'bp'], seed: [1, 2] },
      // cell 0 runs long enough to be killed in the middle
      where: [{ if: { rule: 'faust', seed: 1 }, flags: { epochs: 12, hidden: '64' } }],
    }),
  );
  const cells = expandCells(readSpec(specFile));
  const out = join(mkdtempSync(join(tmpdir(), 'ffsnn-q-out-')), 'runs');

  const e = cli('sweep', specFile, '--queue', url);
  t.is(e.status, 0, e.stderr);
  t.regex(e.stdout, /4 of 4 cells enqueued/);
  t.regex(cli('sweep', specFile, '--queue', url).stdout, /0 of 4 cells enqueued .*4 were already there/);

  const worker = () => spawn(process.execPath, [BIN, 'worker', '--queue', url, '--out', out, '--lock-seconds', '2', '--exit-when-empty'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const a = worker();
  const first = join(out, cells[0].id);
  const deadline = Date.now() + 60_000;
  while (!existsSync(join(first, 'metrics.json')) && Date.now() < deadline) await sleep(50);
  const b = worker();
  let bOut = '';
  b.stdout!.on('data', (d: Buffer) => (bOut += d.toString()));
  a.kill('SIGKILL');
  await new Promise((r) => a.on('exit', r));
  t.false(existsSync(join(first, 'result.json')), 'worker A was killed before cell 0 finished');
  const code = await new Promise<number | null>((r) => b.on('exit', r));
  t.is(code, 0, bOut);

  for (const c of cells) {
    const dir = join(out, c.id);
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    t.is(result.status, 'finished', c.id);
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    t.is(metrics.epochs.length, c.flags.epochs, c.id);
    // `train --json` prints its final metrics once per successful run: exactly one run finished the cell
    const finals = readFileSync(join(dir, 'train.log'), 'utf8').split('\n').filter((l) => l.startsWith('{"rule"'));
    t.is(finals.length, 1, `${c.id} finished ${finals.length} times`);
  }
  const killed = JSON.parse(readFileSync(join(first, 'result.json'), 'utf8'));
  t.true(killed.resumed, 'the killed run was resumed from its checkpoint');
  t.regex(killed.runner, new RegExp(`^worker ${b.pid}@`));

  const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: Number(new URL(url).port), maxRetriesPerRequest: null } });
  const counts = await queue.getJobCounts('completed', 'failed', 'wait', 'active', 'delayed');
  await queue.close();
  t.deepEqual(counts, { completed: 4, failed: 0, wait: 0, active: 0, delayed: 0 });
});

test('an unreachable queue is one clear line', async (t) => {
  const port = await freePort(); // nothing listens there
  const r = cli('worker', '--queue', `redis://127.0.0.1:${port}`, '--out', mkdtempSync(join(tmpdir(), 'ffsnn-q-')));
  t.is(r.status, 2);
  t.regex(r.stderr, new RegExp(`^ffsnn worker: queue redis://127.0.0.1:${port} is unreachable \\(.*ECONNREFUSED.*\\)\\n$`));
  const bad = cli('worker', '--queue', 'http://x', '--out', 'o');
  t.regex(bad.stderr, /^ffsnn worker: --queue "http:\/\/x" is invalid \(expected redis:\/\/HOST:PORT\)\n$/);
});
