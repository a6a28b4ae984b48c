// SPDX-License-Identifier: MIT
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.js';
import { LOCK_NAME, RunLock } from '../../src/io/run-lock.js';

test('one holder per directory; released on release; a dead holder\'s lock is taken over; another host\'s is refused with its path', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ffsnn-lock-'));
  const lock = RunLock.acquire(dir);
  t.is(JSON.parse(readFileSync(join(dir, LOCK_NAME), 'utf8')).pid, process.pid);
  const e = t.throws(() => RunLock.acquire(dir), { instanceOf: ConfigError });
  t.regex(e!.message, new RegExp(`in use by another ffsnn train \\(pid ${process.pid}, since `));
  lock.release();
  t.false(existsSync(join(dir, LOCK_NAME)));
  lock.release(); // twice is harmless

  const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // a pid whose process has exited
  writeFileSync(join(dir, LOCK_NAME), JSON.stringify({ pid: dead, host: (await import('node:os')).hostname(), started: 'earlier' }));
  const again = RunLock.acquire(dir);
  t.is(again.tookOver?.pid, dead);
  again.release();

  writeFileSync(join(dir, LOCK_NAME), JSON.stringify({ pid: 1, host: 'elsewhere', started: 'earlier' }));
  t.throws(() => RunLock.acquire(dir), { message: /in use by ffsnn train pid 1 on host elsewhere .*; if that run is gone, delete \S+train\.lock$/ });
});
