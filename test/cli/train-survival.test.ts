// SPDX-License-Identifier: MIT
/** `ffsnn train` under a full disk, a read-only folder, divergence and sizes that cannot fit. */
import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as train } from '../../src/cli/commands/train.js';
import { WriteError } from '../../src/errors.js';
import { readCheckpoint, writeCheckpoint } from '../../src/io/checkpoint.js';
import { capture } from '../helpers/cli.js';
import { syntheticIdxDir } from '../train/synthetic.js';

const data = syntheticIdxDir(100, 30);
const small = (dir: string) => ['--dataset', `idx:${data}`, '--neuron', 'rate', '--hidden', '16,16', '--batch', '20', '--epochs', '3', '--backend', 'cpu', '--out', dir];
const errno = (code: string) => Object.assign(new Error(`${code}: simulated failure, write`), { code });

/** A writer that fails on its `failAt`-th file (1-based) after writing half of it, like a disk filling up. */
function failingDisk(failAt: number, code: string) {
  let calls = 0;
  return (fd: number, d: string | Uint8Array) => {
    const bytes = typeof d === 'string' ? Buffer.from(d) : d;
    if (++calls !== failAt) return void writeFileSync(fd, bytes);
    writeFileSync(fd, bytes.subarray(0, bytes.length >> 1));
    throw errno(code);
  };
}

test.serial('a full disk while writing a checkpoint: one line, the previous checkpoint intact, no temp file, lock released', async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'ffsnn-enospc-')), 'run');
  // writes: config.json (1), checkpoint epoch 1 (2), metrics (3), checkpoint epoch 2 (4)
  const err = await t.throwsAsync(() => train(small(dir), { writeData: failingDisk(4, 'ENOSPC') }), { instanceOf: WriteError });
  t.regex(err!.message, /^cannot write \S+checkpoint\.ffsnn: ENOSPC \(no space left on the device\); the last complete checkpoint \(epoch 1\) is intact in \S+; once fixed, resume with: ffsnn train --resume --out \S+ --epochs 3$/);
  t.is(readCheckpoint(join(dir, 'checkpoint.ffsnn')).epoch, 1);
  t.deepEqual(readdirSync(dir).sort(), ['checkpoint.ffsnn', 'config.json', 'metrics.json']);
  // and the printed command does resume it
  const res = await capture(['train', '--resume', '--out', dir, '--epochs', '3', '--backend', 'cpu']);
  t.is(res.code, 0, res.err);
  t.is(readCheckpoint(join(dir, 'checkpoint.ffsnn')).epoch, 3);
});

test.serial('a read-only run directory at the first checkpoint: one line saying nothing was saved yet', async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'ffsnn-erofs-')), 'run');
  const err = await t.throwsAsync(() => train(small(dir), { writeData: failingDisk(2, 'EROFS') }), { instanceOf: WriteError });
  t.regex(err!.message, /checkpoint\.ffsnn: EROFS \(the file system is read-only\); no checkpoint was saved yet;/);
  t.false(err!.message.includes('\n'));
  t.deepEqual(readdirSync(dir), ['config.json']);
});

test.serial('divergence stops the run at that batch, naming the layer and step; the last good checkpoint is kept unchanged', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'ffsnn-diverge-'));
  // from the start: --lr 1e30 overflows the output layer's activity at the second batch
  const fresh = await capture(['train', ...small(join(root, 'a')), '--rule', 'bp', '--optimizer', 'sgd', '--lr', '1e30']);
  t.is(fresh.code, 2, fresh.err);
  t.regex(fresh.err, /^ffsnn train: training diverged at epoch 1, batch \d+ of 5 \(step \d+ of the run\): the (activity|loss|weight gradient|a weight)\S* .*of layer (h\d|out) is (-?Infinity|NaN) \(try a smaller --lr\); no checkpoint was saved yet$/);
  t.false(existsSync(join(root, 'a', 'checkpoint.ffsnn')));

  // after a good epoch: weights blown up to 1e20 (finite, so the checkpoint loads) overflow at once
  const dir = join(root, 'b');
  const ok = await capture(['train', ...small(dir).slice(0, -4), '--epochs', '1', '--backend', 'cpu', '--out', dir, '--rule', 'bp']);
  t.is(ok.code, 0, ok.err);
  const ck = readCheckpoint(join(dir, 'checkpoint.ffsnn'));
  ck.state.W.forEach((w) => w.fill(1e20));
  writeCheckpoint(join(dir, 'checkpoint.ffsnn'), ck);
  const before = readFileSync(join(dir, 'checkpoint.ffsnn'));
  const res = await capture(['train', '--resume', '--out', dir, '--epochs', '3', '--backend', 'cpu']);
  t.is(res.code, 2, res.err);
  t.regex(res.err, /training diverged at epoch 2, batch 1 of 5 \(step 6 of the run\): the activity of layer h2 is Infinity \(try a smaller --lr\); the last complete checkpoint \(epoch 1\) is intact in \S+checkpoint\.ffsnn$/);
  t.true(readFileSync(join(dir, 'checkpoint.ffsnn')).equals(before));
  t.false(existsSync(join(dir, 'train.lock')));
});

test.serial('a network that cannot fit is refused before allocating, with the bytes it needs', async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'ffsnn-huge-')), 'run');
  const r = await capture(['train', '--dataset', `idx:${data}`, '--hidden', '1000000,1000000', '--out', dir]);
  t.is(r.code, 2, r.err);
  t.regex(r.err, /^ffsnn train: training a 784-1000000-1000000 network \(weights, gradients, optimizer state, activations\) would need [\d,]{15,} bytes, more than the [\d,]+ bytes available$/);
  t.false(existsSync(dir));
});
