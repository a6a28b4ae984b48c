// SPDX-License-Identifier: MIT
import test from 'ava';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAllAtomic, writeAtomic } from '../src/atomic.js';

test('a failing writer leaves neither its temp file nor earlier files of the same export', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ffsnn-atomic-'));
  await t.throwsAsync(
    writeAllAtomic([
      { path: join(dir, 'a.txt'), write: (tmp) => writeFileSync(tmp, 'a') },
      {
        path: join(dir, 'b.txt'),
        write: (tmp) => {
          writeFileSync(tmp, 'half');
          throw new Error('disk full');
        },
      },
    ]),
    { message: 'disk full' },
  );
  t.deepEqual(readdirSync(dir), []);
  await writeAtomic(join(dir, 'c.txt'), (tmp) => writeFileSync(tmp, 'c'));
  t.deepEqual(readdirSync(dir), ['c.txt']);
});
