// SPDX-License-Identifier: MIT
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/ffsnn.js', ...args], { encoding: 'utf8' });

test('profiles --json lists the five targets', (t) => {
  const r = cli('profiles', '--json');
  t.is(r.status, 0, r.stderr);
  t.deepEqual(JSON.parse(r.stdout).map((p: { name: string }) => p.name), ['loihi', 'loihi2', 'spinnaker', 'spinnaker2', 'truenorth']);
  t.deepEqual(JSON.parse(r.stdout).map((p: { learnsOnChip: boolean }) => p.learnsOnChip), [true, true, true, true, false]);
});

test('profiles shows a learns-on-chip column', (t) => {
  const r = cli('profiles');
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /learns on chip/);
  t.regex(r.stdout, /^spinnaker\s.*yes \(arm-software\)/m);
  t.regex(r.stdout, /^truenorth\s.*\sno\s/m);
});

test('profiles validate prints every fault with its JSON path and exits non-zero', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ffsnn-prof-'));
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ name: 'x', title: 't', core: { maxNeurons: { value: 2.5, source: 'abc', confidence: 'doc' } } }));
  const r = cli('profiles', 'validate', file);
  t.is(r.status, 1);
  t.regex(r.stderr, /bad\.json: \/core\/maxNeurons\/value: must be integer/);
  t.regex(r.stderr, /bad\.json: \/: must have required property 'family'/);
  writeFileSync(file, '{ not json');
  const r2 = cli('profiles', 'validate', file);
  t.is(r2.status, 1);
  t.regex(r2.stderr, /not valid JSON/);
  t.is(cli('profiles', 'validate', 'hardware-profiles/loihi2.json').status, 0);
});
