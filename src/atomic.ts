// SPDX-License-Identifier: MIT
/**
 * Atomic output: every file is written to a temporary name in the same folder and renamed into
 * place only when complete; on any error the temporary file is removed, so a failed export never
 * leaves a partial file.
 */
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ExportError } from './errors.js';

export async function writeAtomic(path: string, write: (tmp: string) => Promise<void> | void): Promise<void> {
  const dir = dirname(path);
  if (!existsSync(dir)) throw new ExportError(`cannot write ${path}: folder ${dir} does not exist`, { path });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await write(tmp);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Writes several files all-or-nothing: if any fails, none of them is left behind. */
export async function writeAllAtomic(files: { path: string; write: (tmp: string) => Promise<void> | void }[]): Promise<void> {
  const done: string[] = [];
  try {
    for (const f of files) {
      await writeAtomic(f.path, f.write);
      done.push(f.path);
    }
  } catch (err) {
    for (const p of done) rmSync(p, { force: true });
    throw err;
  }
}

export function writeTextAtomic(path: string, text: string | Uint8Array): Promise<void> {
  return writeAtomic(path, (tmp) => writeFileSync(tmp, text));
}

/** Writes all of `data` to an open file; replaceable so tests can inject a failing disk (ENOSPC). */
export type WriteData = (fd: number, data: string | Uint8Array) => void;
const writeAll: WriteData = (fd, data) => writeFileSync(fd, data); // loops until every byte is written

/**
 * Synchronous atomic write of one file (temp file in the same folder, fsync, rename), for files
 * rewritten during a run (checkpoints, metrics): a crash, a full disk or a read-only folder leaves
 * the previous version intact and no temporary file behind.
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array, writeData: WriteData = writeAll): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeData(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
