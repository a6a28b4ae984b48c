// SPDX-License-Identifier: MIT
/** `ffsnn train` / `ffsnn evaluate` end to end on a small generated IDX dataset. */
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
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

test.serial('SIGKILL mid-run, then `train --resume`: the final checkpoint equals the uninterrupted run bit for bit', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'ffsnn-kill-'));
  // spiking, default backend (wasm-simd here without a GPU): the path `ffsnn train` takes
  const base = ['train', '--dataset', `idx:${data}`, '--hidden', '48,48', '--batch', '20', '--steps', '8', '--epochs', '10'];
  const full = await capture([...base, '--out', join(root, 'full')]);
  t.is(full.code, 0, full.err);

  const dir = join(root, 'killed');
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'ffsnn.js'), ...base, '--out', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = '';
  const killedAt = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      seen += d.toString();
      // kill as soon as the first epoch is reported: the run is at most one checkpoint further on
      if (/epoch 1\/10 done/.test(seen) && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(seen) : reject(new Error(`not killed: exit ${code}\n${seen}`))));
  });
  const saved = readCheckpoint(join(dir, 'checkpoint.ffsnn'));
  t.true(saved.epoch >= 1 && saved.epoch < 10, `killed after epoch ${saved.epoch}; output:\n${killedAt}`);
  const res = await capture(['train', '--resume', '--out', dir, '--epochs', '10']);
  t.is(res.code, 0, res.err);
  const a = readCheckpoint(join(root, 'full', 'checkpoint.ffsnn'));
  const b = readCheckpoint(join(dir, 'checkpoint.ffsnn'));
  const bytes = (xs: Float32Array[]) => xs.map((x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64'));
  t.is(b.epoch, 10);
  t.deepEqual(bytes(b.state.W), bytes(a.state.W));
  t.deepEqual(bytes(b.state.b), bytes(a.state.b));
  t.deepEqual(bytes(b.state.prototypes), bytes(a.state.prototypes));
  t.deepEqual(bytes(b.optimizer.m), bytes(a.optimizer.m));
  t.deepEqual(b.history.map((h) => h.test_accuracy), a.history.map((h) => h.test_accuracy));
  t.deepEqual(JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')).test_accuracy, JSON.parse(readFileSync(join(root, 'full', 'metrics.json'), 'utf8')).test_accuracy);
});
