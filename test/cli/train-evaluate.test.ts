// SPDX-License-Identifier: MIT
/** `ffsnn train` / `ffsnn evaluate` end to end on a small generated IDX dataset. */
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capture } from '../helpers/cli.js';
import { readCheckpoint } from '../../src/io/checkpoint.js';
import { syntheticIdxDir } from '../train/synthetic.js';

const data = syntheticIdxDir(200, 60);

test.serial('train writes the run directory; evaluate reproduces test_accuracy; resume extends it', async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'ffsnn-run-')), 'run');
  const base = ['train', '--dataset', `idx:${data}`, '--neuron', 'rate', '--hidden', '32,32', '--batch', '20', '--out', dir, '--backend', 'cpu'];
  const r = await capture([...base, '--epochs', '3']);
  t.is(r.code, 0, r.err);
  t.regex(r.out, /epoch 3\/3 done .* test accuracy/);
  for (const f of ['checkpoint.ffsnn', 'metrics.json', 'config.json']) t.true(existsSync(join(dir, f)), f);
  const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
  t.is(metrics.epochs.length, 3);
  t.is(metrics.dataset, `idx:${data}`);
  t.deepEqual(Object.keys(metrics.dataset_checksums).sort(), ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte']);
  t.true(metrics.test_accuracy >= 0.8 && metrics.test_accuracy <= 1, `accuracy ${metrics.test_accuracy}`);
  t.deepEqual(metrics.signals_read, ['global.label', 'layer.local', 'post.trace', 'post.v', 'pre.trace']);

  const ev = await capture(['evaluate', join(dir, 'checkpoint.ffsnn'), '--json', '--backend', 'cpu']);
  t.is(ev.code, 0, ev.err);
  const rep = JSON.parse(ev.out);
  t.is(rep.accuracy, metrics.test_accuracy);
  t.is(rep.samples, 60);
  t.is(rep.confusion.flat().reduce((a: number, v: number) => a + v, 0), 60);
  t.is(rep.passes_per_inference, 1);
  t.is(rep.layers.length, 2);
  t.true(rep.layers[0].synaptic_events_per_inference > 0);
  t.is(rep.backend.accumulateInput, 'cpu-js');

  const again = await capture(base.concat('--epochs', '3'));
  t.is(again.code, 2);
  t.regex(again.err, /already holds a checkpoint/);
  const res = await capture(['train', '--resume', '--out', dir, '--epochs', '4', '--backend', 'cpu']);
  t.is(res.code, 0, res.err);
  t.is(readCheckpoint(join(dir, 'checkpoint.ffsnn')).epoch, 4);
});

test.serial('bad input: one-line errors, exit 2', async (t) => {
  const cases: [string[], RegExp][] = [
    [['train', '--rule', 'hebb'], /parameter 'rule' = "hebb"/],
    [['train', '--epochs', '0'], /--epochs/],
    [['train', '--dataset', 'idx:/nonexistent/dir'], /does not exist/],
    [['train', '--resume', '--out', '/nonexistent', '--rule', 'ff'], /remove --rule/],
    [['evaluate'], /exactly one CHECKPOINT/],
    [['evaluate', '/nonexistent.ffsnn'], /does not exist/],
  ];
  for (const [argv, msg] of cases) {
    const r = await capture(argv);
    t.is(r.code, 2, argv.join(' '));
    t.regex(r.err, msg);
    t.is(r.err.trim().split('\n').length, 1, r.err);
  }
});

test.serial('784-2000-2000 rate FAUST on IDX files runs end to end; FF evaluates with one pass per label', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'ffsnn-run-'));
  const wide = await capture(['train', '--dataset', `idx:${data}`, '--neuron', 'rate', '--hidden', '2000,2000', '--epochs', '1', '--train-fraction', '0.5', '--out', join(root, 'wide'), '--backend', 'cpu', '--json']);
  t.is(wide.code, 0, wide.err);
  const m = JSON.parse(wide.out.trim().split('\n').pop()!);
  t.is(m.train_samples, 100);
  t.deepEqual(readCheckpoint(join(root, 'wide', 'checkpoint.ffsnn')).network.populations.map((p) => p.size), [784, 2000, 2000]);

  const ff = await capture(['train', '--dataset', `idx:${data}`, '--rule', 'ff', '--neuron', 'rate', '--hidden', '16', '--epochs', '1', '--out', join(root, 'ff'), '--backend', 'cpu']);
  t.is(ff.code, 0, ff.err);
  const ev = await capture(['evaluate', join(root, 'ff', 'checkpoint.ffsnn'), '--json', '--backend', 'cpu']);
  const rep = JSON.parse(ev.out);
  t.is(rep.passes_per_inference, 10);
  t.deepEqual(rep.rule.recorded_reads, ['global.phase', 'layer.local', 'post.trace', 'post.v', 'pre.trace']);
});

// spiking, default backend (wasm-simd here without a GPU): the path `ffsnn train` takes
const longRun = ['train', '--dataset', `idx:${data}`, '--hidden', '48,48', '--batch', '20', '--steps', '8', '--epochs', '10'];
let uninterrupted: Promise<string> | undefined;
/** The run directory of the 10-epoch run, trained once for the tests that compare against it. */
function fullRun(t: { is(a: unknown, b: unknown, m?: string): void }): Promise<string> {
  uninterrupted ??= (async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ffsnn-full-')), 'full');
    const full = await capture([...longRun, '--out', dir]);
    t.is(full.code, 0, full.err);
    return dir;
  })();
  return uninterrupted;
}

/** Starts `ffsnn train` in a child process; `onEpoch1` runs once its first epoch is reported (saved). */
function trainChild(dir: string, onEpoch1: (child: ChildProcess) => void | Promise<void>) {
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'ffsnn.js'), ...longRun, '--out', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let fired = false;
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!fired && /epoch 1\/10 done/.test(out)) {
        fired = true;
        void onEpoch1(child);
      }
    });
    child.on('exit', (code, signal) => resolve({ code, signal, out, err }));
  });
}

const bytes = (xs: Float32Array[]) => xs.map((x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64'));
function sameAsUninterrupted(t: import('ava').ExecutionContext, dir: string, fullDir: string) {
  const a = readCheckpoint(join(fullDir, 'checkpoint.ffsnn'));
  const b = readCheckpoint(join(dir, 'checkpoint.ffsnn'));
  t.is(b.epoch, 10);
  t.deepEqual(bytes(b.state.W), bytes(a.state.W));
  t.deepEqual(bytes(b.state.b), bytes(a.state.b));
  t.deepEqual(bytes(b.state.prototypes), bytes(a.state.prototypes));
  t.deepEqual(bytes(b.optimizer.m), bytes(a.optimizer.m));
  t.deepEqual(b.history.map((h) => h.test_accuracy), a.history.map((h) => h.test_accuracy));
  t.deepEqual(JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')).test_accuracy, JSON.parse(readFileSync(join(fullDir, 'metrics.json'), 'utf8')).test_accuracy);
}

test.serial('a second train on a running --out is refused by its lock; SIGKILL leaves a stale lock that `train --resume` takes over; the result equals the uninterrupted run bit for bit', async (t) => {
  const fullDir = await fullRun(t);
  const dir = join(mkdtempSync(join(tmpdir(), 'ffsnn-kill-')), 'killed');
  let second: Awaited<ReturnType<typeof capture>> | undefined;
  const r = await trainChild(dir, async (child) => {
    second = await capture(['train', '--resume', '--out', dir, '--epochs', '10']);
    child.kill('SIGKILL');
  });
  t.is(r.signal, 'SIGKILL', r.err);
  t.is(second!.code, 2);
  t.regex(second!.err, /killed is in use by another ffsnn train \(pid \d+, since .*\); wait for it to end or stop it/);
  t.true(existsSync(join(dir, 'train.lock')), 'a killed run cannot remove its lock');
  const saved = readCheckpoint(join(dir, 'checkpoint.ffsnn'));
  t.true(saved.epoch >= 1 && saved.epoch < 10, `killed after epoch ${saved.epoch}; output:\n${r.out}`);
  const res = await capture(['train', '--resume', '--out', dir, '--epochs', '10']);
  t.is(res.code, 0, res.err);
  t.regex(res.err, /took over .*train\.lock left by pid \d+, which is no longer running/);
  t.false(existsSync(join(dir, 'train.lock')));
  sameAsUninterrupted(t, dir, fullDir);
});

test.serial('SIGINT stops after the current batch: last complete checkpoint kept, resume command printed, exit 130; resuming equals the uninterrupted run bit for bit', async (t) => {
  const fullDir = await fullRun(t);
  const dir = join(mkdtempSync(join(tmpdir(), 'ffsnn-int-')), 'interrupted');
  const r = await trainChild(dir, (child) => void child.kill('SIGINT'));
  t.is(r.code, 130, r.err);
  const m = /interrupted by SIGINT (?:in epoch \d+ after batch \d+|after epoch \d+); the last complete checkpoint \(epoch (\d+)\) is intact in \S+; resume with: (ffsnn train --resume --out \S+ --epochs 10)\n/.exec(r.err);
  t.truthy(m, r.err);
  const saved = readCheckpoint(join(dir, 'checkpoint.ffsnn'));
  t.is(saved.epoch, Number(m![1]));
  t.true(saved.epoch < 10);
  t.false(existsSync(join(dir, 'train.lock')));
  t.deepEqual(readdirSync(dir).sort(), ['checkpoint.ffsnn', 'config.json', 'metrics.json']);
  const res = await capture(m![2].split(' ').slice(1));
  t.is(res.code, 0, res.err);
  sameAsUninterrupted(t, dir, fullDir);
});
