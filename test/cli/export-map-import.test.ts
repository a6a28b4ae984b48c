// SPDX-License-Identifier: MIT
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { encodeBundle } from '../../src/export/bundle.js';
import { writeCheckpoint } from '../../src/io/checkpoint.js';
import { cpuOps } from '../../src/sim/batched/ops.js';
import { resolveConfig } from '../../src/train/config.js';
import { checkpointOf, startRun } from '../../src/train/trainer.js';
import { smallLifNet } from '../helpers/nets.js';

const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/ffsnn.js', ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'ffsnn-cli-hw-'));
const bundle = join(dir, 'small.bundle');
writeFileSync(bundle, encodeBundle(smallLifNet(1)));

test('bad input: unknown target, unknown profile, corrupted bundle and NIR give one line, exit 2, no output file', (t) => {
  const out = mkdtempSync(join(tmpdir(), 'ffsnn-cli-out-'));
  const runs = [
    cli('export', bundle, '--target', 'onnx', '--out', join(out, 'x')),
    cli('export', bundle, '--target', 'nir', '--profile', 'loihi9', '--out', join(out, 'x.nir')),
    cli('map', bundle, '--profile', 'nope'),
  ];
  const broken = join(dir, 'broken.bundle');
  writeFileSync(broken, encodeBundle(smallLifNet(1)).subarray(0, 300));
  runs.push(cli('export', broken, '--target', 'bundle', '--out', join(out, 'y.bundle')));
  const nir = join(dir, 'broken.nir');
  writeFileSync(nir, Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]));
  runs.push(cli('import', nir));
  for (const r of runs) {
    t.is(r.status, 2, r.stderr);
    t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    t.regex(r.stderr, /^ffsnn (export|map|import): /);
  }
  t.regex(runs[0].stderr, /unknown export target "onnx"/);
  t.regex(runs[1].stderr, /unknown profile 'loihi9'/);
  t.regex(runs[3].stderr, /broken\.bundle: damaged bundle/);
  t.regex(runs[4].stderr, /broken\.nir: cannot be read as HDF5/);
  t.deepEqual(readdirSync(out), []);
});

test('map: fits on loihi2 (exit 0); refused by a user profile with the constraint and numbers (exit 1)', (t) => {
  const ok = cli('map', bundle, '--profile', 'loihi2', '--json', '--samples', '2');
  t.is(ok.status, 0, ok.stderr);
  const r = JSON.parse(ok.stdout);
  t.true(r.fits);
  t.is(r.cores, 2);
  t.true(r.energy.microjoules > 0);
  const prof = JSON.parse(readFileSync('hardware-profiles/loihi.json', 'utf8'));
  prof.core.maxInAxons.value = 4;
  const file = join(dir, 'tiny.json');
  writeFileSync(file, JSON.stringify(prof));
  const bad = cli('map', bundle, '--profile', file, '--samples', '1');
  t.is(bad.status, 1, bad.stderr);
  t.regex(bad.stderr, /does not fit loihi: population 'hid': fan-in of 11 input axons exceeds loihi's 4 per core/);
});

test('export records the checksums of its source checkpoint; a damaged checkpoint is refused in one line by evaluate, map and export', (t) => {
  const ck = join(dir, 'checkpoint.ffsnn');
  writeCheckpoint(ck, checkpointOf(startRun(resolveConfig({ neuron: 'rate', sizes: [784, 12, 8], seed: 2 })), cpuOps));
  const bytes = readFileSync(ck);
  const out = join(dir, 'net.bundle');
  const r = cli('export', ck, '--target', 'bundle', '--out', out);
  t.is(r.status, 0, r.stderr);
  const m = JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8'));
  t.deepEqual(m.source, {
    path: 'checkpoint.ffsnn',
    kind: 'checkpoint',
    sha256: createHash('sha256').update(bytes).digest('hex'),
    contentSha256: createHash('sha256').update(bytes.subarray(40)).digest('hex'),
  });
  const damaged = join(dir, 'damaged.ffsnn');
  const flipped = Uint8Array.from(bytes);
  flipped[bytes.length >> 1] ^= 0x08;
  writeFileSync(damaged, flipped);
  for (const args of [['evaluate', damaged], ['map', damaged, '--profile', 'loihi2'], ['export', damaged, '--target', 'bundle', '--out', join(dir, 'never.bundle')]]) {
    const e = cli(...args);
    t.is(e.status, 2, e.stderr);
    t.is(e.stderr.trim().split('\n').length, 1, e.stderr);
    t.regex(e.stderr, /damaged\.ffsnn: damaged checkpoint: its SHA-256 checksum does not match/);
  }
});
