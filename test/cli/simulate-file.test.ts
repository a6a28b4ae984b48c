// SPDX-License-Identifier: MIT
import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBundle } from '../../src/export/bundle.js';
import { exportNetwork } from '../../src/export/export.js';
import { loadProfile } from '../../src/chips/profile.js';
import { quantizeNetwork } from '../../src/chips/quantize.js';
import { simulateQuantized } from '../../src/chips/simulate.js';
import { simulateIR } from '../../src/ir/simulate.js';
import type { NetworkIR } from '../../src/ir/ir.js';
import { npyBytes } from '../../src/io/raster.js';
import { poissonRaster, smallLifNet } from '../helpers/nets.js';
import { capture } from '../helpers/cli.js';

/** Runs the CLI in-process, capturing what it prints. */
const cli = (...args: string[]) => capture(['simulate', ...args]);

const dir = mkdtempSync(join(tmpdir(), 'ffsnn-simfile-'));
const net = smallLifNet(3);
const bundle = join(dir, 'small.bundle');
writeFileSync(bundle, encodeBundle(net));
const raster = poissonRaster(5, 40, 6, 0.35);
const npyT = join(dir, 'tn.npy');
const npyN = join(dir, 'nt.npy');
writeFileSync(npyT, npyBytes(raster));
writeFileSync(npyN, npyBytes(raster, 'neuron-major'));

/** Counts per neuron of a population from simulateIR. */
function irCounts(n: NetworkIR, frames: Float64Array[], pop: string): number[] {
  return Array.from(simulateIR(n, frames.length, (t) => frames[t]).counts[pop]);
}

test.serial('bundle on a .npy raster: [T][n] and [n][T] give the float simulator’s spikes; JSON output has the documented fields', async (t) => {
  const a = await cli(bundle, '--input', npyT, '--json');
  const b = await cli(bundle, '--input', npyN, '--json');
  t.is(a.code, 0, a.err);
  t.is(b.code, 0, b.err);
  const ra = JSON.parse(a.out);
  t.deepEqual(ra.layers, JSON.parse(b.out).layers);
  t.is(ra.output, 'out');
  t.is(ra.steps, 40);
  t.deepEqual(Object.keys(ra.layers).sort(), ['hid', 'out']);
  t.deepEqual(ra.layers.out.counts, irCounts(net, raster, 'out'));
  t.deepEqual(ra.layers.hid.counts, irCounts(net, raster, 'hid'));
  t.is(ra.layers.hid.per_step.length, 40);
  t.deepEqual(
    ra.layers.hid.counts,
    ra.layers.hid.per_step.reduce((s: number[], f: number[]) => s.map((x, i) => x + f[i]), new Array(5).fill(0)),
  );
  t.true(ra.layers.hid.counts.some((c: number) => c > 0));
});

test.serial('JSON raster, --steps pads with silence, --record picks layers', async (t) => {
  const js = join(dir, 'r.json');
  writeFileSync(js, JSON.stringify({ raster: raster.map((f) => Array.from(f)) }));
  const r = await cli(bundle, '--input', js, '--steps', '50', '--record', 'in,out', '--json');
  t.is(r.code, 0, r.err);
  const o = JSON.parse(r.out);
  t.is(o.steps, 50);
  t.deepEqual(Object.keys(o.layers), ['in', 'out']);
  const padded = [...raster, ...Array.from({ length: 10 }, () => new Float64Array(6))];
  t.deepEqual(o.layers.out.counts, irCounts(net, padded, 'out'));
  t.deepEqual(o.layers.in.per_step[3], Array.from(raster[3]));
});

test.serial('--profile loihi2 runs the chip model (simulateQuantized), not the float one', async (t) => {
  const r = await cli(bundle, '--input', npyT, '--profile', 'loihi2', '--json');
  t.is(r.code, 0, r.err);
  const q = simulateQuantized(net, quantizeNetwork(net, loadProfile('loihi2')), raster);
  const o = JSON.parse(r.out);
  t.deepEqual(o.layers.out.per_step, q.frames.out.map((f) => Array.from(f)));
  t.regex(o.model, /loihi2 fixed point/);
});

/** input(8) -> h1(6) -> h2(4), no bias, no recurrence: a netx chain. */
function chainNet(): NetworkIR {
  const base = smallLifNet(7, 8, 6, 4);
  const [inHid, , hidOut] = base.projections;
  return { ...base, name: 'chain', projections: [inHid, { ...hidOut, weights: { format: 'dense', weight: hidOut.weights.format === 'dense' ? hidOut.weights.weight.map((w) => Math.abs(w) * 1.5) : new Float32Array() } }] };
}

test.serial('a Lava netx export runs (Lava fixed point, layer names from its manifest) and matches --profile loihi2 on the checkpoint', async (t) => {
  const chain = chainNet();
  const cb = join(dir, 'chain.bundle');
  writeFileSync(cb, encodeBundle(chain));
  const netx = join(dir, 'chain.net');
  await exportNetwork(chain, 'lava', netx, { profile: loadProfile('loihi2') });
  const frames = poissonRaster(9, 60, 8, 0.4);
  const npy = join(dir, 'chain.npy');
  writeFileSync(npy, npyBytes(frames, 'neuron-major'));
  const a = await cli(netx, '--input', npy, '--json');
  const b = await cli(cb, '--input', npy, '--profile', 'loihi2', '--json');
  t.is(a.code, 0, a.err);
  t.is(b.code, 0, b.err);
  const oa = JSON.parse(a.out);
  t.regex(oa.model, /Lava Loihi fixed point/);
  t.deepEqual(Object.keys(oa.layers), ['hid', 'out']);
  t.deepEqual(oa.layers, JSON.parse(b.out).layers);
  t.true(oa.layers.out.counts.some((c: number) => c > 0));
});

test.serial('--digits K encodes test digits back to back (needs an encoding)', async (t) => {
  const small = join(dir, 'no-enc.bundle');
  writeFileSync(small, encodeBundle({ ...net, encoding: undefined }));
  const r = await cli(small, '--digits', '2');
  t.is(r.code, 2);
  t.regex(r.err, /no input encoding is known for this network/);
  const wrong = await cli(bundle, '--digits', '2');
  t.is(wrong.code, 2);
  t.regex(wrong.err, /input has 6 neurons, the digits 784 pixels/);
});

test.serial('bad rasters and options: one line each, exit 2', async (t) => {
  const w = (name: string, data: Buffer | string) => {
    const p = join(dir, name);
    writeFileSync(p, data);
    return p;
  };
  const floatNpy = (vals: number[], rows: number, cols: number) => {
    let h = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
    h += ' '.repeat(64 - ((10 + h.length + 1) % 64)) + '\n';
    const head = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length, 0]);
    return Buffer.concat([head, Buffer.from(h, 'latin1'), Buffer.from(Float64Array.from(vals).buffer)]);
  };
  const sq = Array.from({ length: 36 }, (_, k) => (k % 7 === 1 ? 1 : 0));
  const cases: [string[], RegExp][] = [
    [['--input', npyT, '--digits', '2'], /exactly one of --input RASTER and --digits K/],
    [['--input', w('wide.npy', npyBytes(poissonRaster(1, 10, 7, 0.5)))], /shape \(10, 7\) has no dimension equal to the network's 6 inputs/],
    [['--input', w('neg.npy', floatNpy([...new Array(11).fill(0), -1], 2, 6))], /value -1 at \[1\]\[5\] is not a spike count/],
    [['--input', w('nan.npy', floatNpy([0, NaN, ...new Array(10).fill(0)], 2, 6))], /value NaN at \[0\]\[1\] is not a spike count/],
    [['--input', w('trunc.npy', npyBytes(raster).subarray(0, 150))], /truncated \.npy data/],
    [['--input', w('junk.npy', 'hello')], /not a \.npy file/],
    [['--input', w('bad.json', '{"raster": [[0,1')], /unreadable JSON/],
    [['--input', w('sq.npy', floatNpy(sq, 6, 6))], /ambiguous: both \[T\]\[n\] and \[n\]\[T\] match 6 inputs/],
    [['--input', join(dir, 'missing.npy')], /missing\.npy: no such file/],
    [['--input', npyT, '--record', 'nope'], /--record: no layer 'nope'/],
    [['--input', npyT, '--steps', '0'], /option --steps = "0" is invalid/],
  ];
  for (const [args, re] of cases) {
    const r = await cli(bundle, ...args);
    t.is(r.code, 2, `${args.join(' ')}: ${r.out}`);
    t.is(r.err.split('\n').length, 1, r.err);
    t.regex(r.err, re);
  }
});

test.serial('--same-step delivers feed-forward spikes within the step: layer k fires k steps earlier than with one step per projection', async (t) => {
  const chain = chainNet();
  const cb = join(dir, 'chain2.bundle');
  writeFileSync(cb, encodeBundle(chain));
  const frames = poissonRaster(11, 50, 8, 0.4);
  const npy = join(dir, 'chain2.npy');
  // numpy bool raster ('|b1'): the same bytes as uint8 0/1
  writeFileSync(npy, Buffer.from(npyBytes(frames).toString('latin1').replace("'|u1'", "'|b1'"), 'latin1'));
  const a = JSON.parse((await cli(cb, '--input', npy, '--json')).out);
  const r = await cli(cb, '--input', npy, '--same-step', '--json');
  t.is(r.code, 0, r.err);
  const b = JSON.parse(r.out);
  t.true(b.layers.out.counts.some((c: number) => c > 0));
  t.deepEqual(b.layers.hid.per_step.slice(0, 49), a.layers.hid.per_step.slice(1));
  t.deepEqual(b.layers.out.per_step.slice(0, 48), a.layers.out.per_step.slice(2));
  const bad = await cli(cb, '--input', npy, '--same-step', '--profile', 'loihi2');
  t.regex(bad.err, /--same-step applies to the float simulation only/);
});
