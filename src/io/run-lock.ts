// SPDX-License-Identifier: MIT
/**
 * One `ffsnn train` per run directory: `DIR/train.lock` holds the owner's pid, host and start time,
 * created exclusively (O_EXCL), removed when the run ends. A lock whose process is gone (a run killed
 * with SIGKILL, a crashed machine) is stale and taken over, so a dead process never blocks a
 * directory for good. A lock from another host cannot be checked and is refused with its path.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';

export const LOCK_NAME = 'train.lock';

interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
    return Number.isInteger(info.pid) && info.pid > 0 && typeof info.host === 'string' ? info : null;
  } catch {
    return null; // unreadable or half-written: treated as stale
  }
}

export class RunLock {
  private released = false;
  private constructor(
    readonly path: string,
    /** Set when a stale lock of a dead process was taken over. */
    readonly tookOver: LockInfo | null,
  ) {}

  /** @throws ConfigError naming the owner when a live process (or another host) holds `dir`. */
  static acquire(dir: string): RunLock {
    const path = join(dir, LOCK_NAME);
    let stale: LockInfo | null = null;
    for (let attempt = 0; attempt < 2; attempt++) {
      let fd: number;
      try {
        fd = openSync(path, 'wx');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const info = readLock(path);
        if (info && info.host !== hostname()) {
          throw new ConfigError(`${dir} is in use by ffsnn train pid ${info.pid} on host ${info.host} (since ${info.started}); if that run is gone, delete ${path}`);
        }
        if (info && alive(info.pid)) {
          throw new ConfigError(`${dir} is in use by another ffsnn train (pid ${info.pid}, since ${info.started}); wait for it to end or stop it, or use another --out`);
        }
        stale = info;
        rmSync(path, { force: true });
        continue;
      }
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() }));
      closeSync(fd);
      return new RunLock(path, stale);
    }
    throw new ConfigError(`${dir}: could not take ${path} (another ffsnn train took it at the same moment)`);
  }

  /** Removes the lock if it is still ours; safe to call twice. */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (readLock(this.path)?.pid === process.pid) rmSync(this.path, { force: true });
  }
}
