// SPDX-License-Identifier: MIT
/**
 * NIR import faults, ffsnn beside NIR's own reader: each structurally faulty file of
 * test/helpers/nir-faults.ts (written with h5wasm) is read by `importNir` and by `nir.read`
 * (type_check on, its default); prints both refusals per file and whether they agree.
 *
 *   node --import tsx bench/interop/nir-faults.ts
 *
 * Needs /usr/bin/python3 with h5py (Debian) and the nir sources on PYTHONPATH (README.md).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importNir } from '../../src/export/nir/index.js';
import { NIR_FAULTS, SAMPLE, writeFaulty } from '../../test/helpers/nir-faults.js';

const dir = mkdtempSync(join(tmpdir(), 'ffsnn-nir-faults-'));
const files = [{ name: 'sample (no fault)', fault: '', path: SAMPLE }];
for (const f of NIR_FAULTS) files.push({ name: f.name, fault: f.fault, path: await writeFaulty(f, join(dir, `${f.name}.nir`)) });
const script = `
import sys, nir
for path in sys.argv[1:]:
    try:
        nir.read(path)
        print("accepted")
    except Exception as e:
        print(f"refused: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:200])
`;
const py = spawnSync('/usr/bin/python3', ['-c', script, ...files.map((f) => f.path)], { encoding: 'utf8' });
if (py.status !== 0) throw new Error(`nir.read failed to run:\n${py.stderr}`);
const nirSays = py.stdout.trim().split('\n');
let agree = 0;
const rows = [];
for (const [k, f] of files.entries()) {
  let ours = 'accepted';
  try {
    await importNir(f.path);
  } catch (e) {
    ours = `refused: ${(e as Error).message}`;
  }
  const same = ours.startsWith('refused') === nirSays[k].startsWith('refused');
  if (same) agree++;
  rows.push({ file: f.name, fault: f.fault, ffsnn: ours, nir_read: nirSays[k], agree: same });
}
console.log(JSON.stringify({ files: files.length, agree, rows }, null, 2));
