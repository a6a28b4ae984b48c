// SPDX-License-Identifier: MIT
import test from 'ava';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import { FileFormatError, ConfigError } from '../../src/errors.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_MAGIC, encodeCheckpoint, readCheckedCheckpoint, readCheckpoint, writeCheckpoint } from '../../src/io/checkpoint.js';
import { seal } from '../../src/sealed.js';
import { resolveConfig } from '../../src/train/config.js';
import { checkpointOf, startRun } from '../../src/train/trainer.js';
import { cpuOps } from '../../src/sim/batched/ops.js';

function sample(rule: 'faust' | 'bp' | 'ff' = 'faust', neuron: 'lif' | 'rate' = 'lif') {
  return checkpointOf(startRun(resolveConfig({ rule, neuron, sizes: [784, 10, 7], seed: 4 })), cpuOps);
}

test('round trip keeps config, typed arrays, IR and RNG state; write is atomic', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ffsnn-ck-'));
  const file = join(dir, 'checkpoint.ffsnn');
  const ck = sample();
  writeCheckpoint(file, ck);
  t.deepEqual(readdirSync(dir), ['checkpoint.ffsnn']);
  const back = readCheckpoint(file);
  t.is(back.format, CHECKPOINT_FORMAT);
  t.deepEqual(back.config, ck.config);
  t.true(back.state.W[0] instanceof Float32Array);
  t.deepEqual(back.state.W, ck.state.W);
  t.deepEqual(back.rng, ck.rng);
  t.deepEqual(back.network, ck.network);
});

test('IR: transposed dense weights, LIF params, encoding and prototype readout', (t) => {
  const ck = sample();
  const ir = ck.network;
  t.deepEqual(ir.populations.map((p) => [p.name, p.size, p.model]), [['input', 784, 'Input'], ['h1', 10, 'LIF'], ['h2', 7, 'LIF']]);
  const w = ir.projections[0].weights;
  t.is(w.format, 'dense');
  // IR [post][pre] vs training [pre][post]
  t.is((w as { weight: Float32Array }).weight[3 * 784 + 5], ck.state.W[0][5 * 10 + 3]);
  t.is(ir.encoding!.kind, 'poisson');
  t.is(ir.encoding!.steps, ck.config.steps);
  t.is(ir.readout!.kind, 'prototype-cosine');
  t.deepEqual(ir.readout!.layers, ['h1', 'h2']);
  t.is(ir.readout!.prototypes!.length, 2);
  t.true(ir.learning!.reads.includes('layer.local'));
  const bp = sample('bp', 'rate').network;
  t.is(bp.readout!.kind, 'argmax');
  t.deepEqual(bp.outputs, ['out']);
  t.is(sample('ff', 'rate').network.readout!.kind, 'goodness');
});

test('truncated, foreign, wrong-version and inconsistent files are FileFormatErrors naming the file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ffsnn-ck-'));
  const good = encodeCheckpoint(sample());
  const packr = new Packr({ moreTypes: true, useRecords: false });
  const flipped = Uint8Array.from(good);
  flipped[good.length - 5] ^= 0x01; // one bit of the last weights
  const badMagic = Uint8Array.from(good);
  badMagic[2] ^= 0x10;
  const cases: [string, Uint8Array, RegExp][] = [
    ['truncated.ffsnn', good.subarray(0, Math.floor(good.length / 2)), /damaged checkpoint: its SHA-256 checksum does not match/],
    ['cut-in-header.ffsnn', good.subarray(0, 20), /damaged checkpoint: truncated/],
    ['flipped.ffsnn', flipped, /damaged checkpoint/],
    ['bad-magic.ffsnn', badMagic, /damaged checkpoint: its FFSNNC2 header is corrupted/],
    ['empty.ffsnn', new Uint8Array(0), /damaged checkpoint/],
    ['garbage.ffsnn', Buffer.from('hello world, not msgpack at all'), /./],
    ['foreign.ffsnn', new Packr().pack({ format: 'something-else', version: 1 }), /not an ffsnn checkpoint/],
    ['future.ffsnn', seal(CHECKPOINT_MAGIC, packr.pack({ ...sample(), version: 99 })), /unsupported checkpoint version 99/],
    ['bare-v2.ffsnn', packr.pack(sample()), /unsupported checkpoint version 2 in a bare msgpack file/],
    ['shape.ffsnn', seal(CHECKPOINT_MAGIC, packr.pack({ ...sample(), config: { ...sample().config, sizes: [784, 11, 7] } })), /state\.W\[0\]/],
  ];
  for (const [name, bytes, msg] of cases) {
    const f = join(dir, name);
    writeFileSync(f, bytes);
    const err = t.throws(() => readCheckpoint(f), { instanceOf: FileFormatError }, name);
    t.true(err!.message.startsWith(f), err!.message);
    t.regex(err!.message, msg);
    t.is(err!.message.split('\n').length, 1);
  }
  t.throws(() => readCheckpoint(join(dir, 'missing.ffsnn')), { instanceOf: ConfigError });
  t.is(readFileSync(join(dir, 'truncated.ffsnn')).length, Math.floor(good.length / 2));
});

test('version 2 carries a verified SHA-256; a version-1 file (no checksum) loads with a warning', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ffsnn-ck-'));
  const ck = sample();
  const file = join(dir, 'v2.ffsnn');
  writeCheckpoint(file, ck);
  const checked = readCheckedCheckpoint(file);
  t.is(checked.checkpoint.version, 2);
  t.regex(checked.contentSha256!, /^[0-9a-f]{64}$/);
  t.regex(checked.fileSha256, /^[0-9a-f]{64}$/);
  t.is(checked.warning, undefined);

  const legacy = join(dir, 'v1.ffsnn');
  writeFileSync(legacy, new Packr({ moreTypes: true, useRecords: false }).pack({ ...ck, version: 1 }));
  const warnings: string[] = [];
  const back = readCheckpoint(legacy, (m) => warnings.push(m));
  t.deepEqual(back.state.W, ck.state.W);
  t.is(warnings.length, 1);
  t.regex(warnings[0], /v1\.ffsnn: checkpoint version 1 carries no checksum/);
  t.is(readCheckedCheckpoint(legacy).contentSha256, null);
});
