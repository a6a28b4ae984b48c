// SPDX-License-Identifier: MIT
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImportError } from '../../src/errors.js';
import { importNir } from '../../src/export/nir/index.js';
import { NIR_FAULTS, SAMPLE, writeFaulty } from '../helpers/nir-faults.js';

const dir = mkdtempSync(join(tmpdir(), 'ffsnn-nir-faults-'));

test('the unmodified sample imports (the faults below are the only difference)', async (t) => {
  const { net } = await importNir(SAMPLE);
  t.is(net.populations.length, 3);
});

for (const fault of NIR_FAULTS)
  test(`import refuses ${fault.name}: ${fault.fault}, in one line naming the node`, async (t) => {
    const file = await writeFaulty(fault, join(dir, `${fault.name}.nir`));
    const e = await t.throwsAsync(importNir(file), { instanceOf: ImportError });
    t.regex(e!.message, fault.message);
    t.false(e!.message.includes('\n'));
  });
