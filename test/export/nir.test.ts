// SPDX-License-Identifier: MIT
import test from 'ava';
import { mkdtempSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportNir, importNir } from '../../src/export/nir/index.js';
import { readNirFile } from '../../src/export/nir/hdf5.js';
import { simulateIR } from '../../src/ir/simulate.js';
import type { NetworkIR } from '../../src/ir/ir.js';
import { FileFormatError, ImportError, ExportError } from '../../src/errors.js';
import { poissonRaster, smallLifNet } from '../helpers/nets.js';

const dir = mkdtempSync(join(tmpdir(), 'ffsnn-nir-'));
const fixtures = new URL('../fixtures/nir/', import.meta.url).pathname;

function rasters(net: NetworkIR, raster: Float64Array[]) {
  return simulateIR(net, raster.length, (t) => raster[t], { record: true });
}

test('NIR export -> import -> simulate gives the same spikes as the original float network', async (t) => {
  const net = smallLifNet(3);
  net.outputs = ['hid', 'out']; // a FAUST-style read-out of several layers: one Output node each
  const file = join(dir, 'small.nir');
  await exportNir(net, file);
  const { net: back } = await importNir(file);
  const raster = poissonRaster(9, 60, 6, 0.3);
  const a = rasters(net, raster);
  const b = rasters(back, raster);
  t.true(a.spikes > 10, `the test network must spike (got ${a.spikes})`);
  for (const p of ['hid', 'out']) t.deepEqual(b.raster![p], a.raster![p], p);
  t.deepEqual(back.outputs, ['hid', 'out']);
  t.deepEqual(back.projections.map((p) => [p.name, p.receptor, p.delaySteps]), [
    ['in_hid', 'exc', 0],
    ['hid_hid', 'inh', 2],
    ['hid_out', 'mixed', 0],
  ]);
});

test('the NIR file has the reference layout: type datasets, float32 arrays, input/output, dt in metadata', async (t) => {
  const file = join(dir, 'layout.nir');
  await exportNir(smallLifNet(1), file);
  const nir = await readNirFile(file);
  const g = nir.graph;
  t.is(g.type, 'NIRGraph');
  t.deepEqual(Object.keys(g.nodes!).sort(), ['hid', 'hid_hid', 'hid_hid_delay', 'hid_out', 'in_hid', 'input', 'out', 'output']);
  t.is(g.nodes!.input.type, 'Input');
  t.is(g.nodes!.output.type, 'Output');
  t.is(g.nodes!.hid.type, 'CubaLIF');
  const w = g.nodes!.in_hid.fields.weight;
  t.true(typeof w !== 'string' && w.dtype === '<f' && w.shape.join() === '5,6');
  t.is(g.metadata.dt, 0.001);
  t.is(g.metadata.time_unit, 's');
  t.false('v_reset' in g.nodes!.hid.fields, 'all-zero v_reset is omitted');
  // Edges in topological order: every edge's source has appeared as a target before (or is the input).
  const seen = new Set(['input']);
  for (const [a, b] of g.edges!) {
    if (b !== 'hid' || a !== 'hid_hid_delay') t.true(seen.has(a), `edge ${a} -> ${b}`);
    seen.add(b);
  }
});

test('every NIR fixture written by other tools is read and simulated, with what was assumed', async (t) => {
  for (const f of ['sample.nir', 'all_1d.nir', 'foreign/braille_rnn.nir', 'foreign/braille_rnn_subgraph.nir', 'foreign/norse_lif.nir', 'foreign/rockpool_lif.nir']) {
    const { net, notes } = await importNir(join(fixtures, f));
    const n = net.populations[0].size;
    const r = simulateIR(net, 50, (k) => new Float64Array(n).fill(k % 2));
    t.true(r.neuronUpdates > 0, f);
    if (f.includes('subgraph')) t.true(notes.some((x) => x.includes("assumed 'lif1'")), f);
    if (f.includes('rockpool')) t.true(notes.some((x) => x.includes('shape [1,1,1]')), f);
    if (f.includes('braille_rnn.nir')) {
      t.is(net.dt, 0.1, 'dt inferred from r = tau/dt');
      t.true(net.projections.some((p) => p.pre === p.post), 'recurrent edge kept');
    }
  }
});

test('a foreign CubaLIF network survives import -> export -> import with identical spikes', async (t) => {
  const { net } = await importNir(join(fixtures, 'foreign/braille_rnn.nir'));
  const file = join(dir, 'braille2.nir');
  await exportNir(net, file);
  const { net: back } = await importNir(file);
  const raster = poissonRaster(4, 80, 12, 0.2);
  const a = rasters(net, raster);
  t.true(a.spikes > 0);
  t.deepEqual(rasters(back, raster).raster, a.raster);
});

test('unsupported node types are refused with the node name and type', async (t) => {
  const nir = await readNirFile(join(fixtures, 'sample.nir'));
  nir.graph.nodes!.lif1.type = 'Conv2d';
  const { nirToIr } = await import('../../src/export/nir/to-ir.js');
  const e = t.throws(() => nirToIr(nir, 'x'), { instanceOf: ImportError });
  t.regex(e!.message, /node 'lif1' has unsupported type 'Conv2d'/);
});

test('truncated, corrupted and non-HDF5 files give a FileFormatError naming the file', async (t) => {
  const good = readFileSync(join(fixtures, 'sample.nir'));
  const cases: [string, Buffer][] = [
    ['trunc.nir', good.subarray(0, Math.floor(good.length / 2))],
    ['text.nir', Buffer.from('not an hdf5 file')],
    ['flip.nir', Buffer.from(good.map((b, i) => (i > 600 && i < 900 ? b ^ 0xff : b)))],
  ];
  for (const [name, bytes] of cases) {
    writeFileSync(join(dir, name), bytes);
    const e = await t.throwsAsync(importNir(join(dir, name)));
    t.true(e instanceof FileFormatError || e instanceof ImportError, `${name}: ${e?.constructor.name} ${e?.message}`);
    t.true(e!.message.includes(name) || e instanceof ImportError, e!.message);
    t.false(e!.message.includes('\n'), 'one line');
  }
});

test('a network NIR cannot express is refused and leaves no file', async (t) => {
  const net = smallLifNet(2);
  net.populations[1] = { ...net.populations[1], model: 'Izhikevich' };
  const sub = mkdtempSync(join(tmpdir(), 'ffsnn-nir-fail-'));
  await t.throwsAsync(exportNir(net, join(sub, 'x.nir')), { instanceOf: ExportError, message: /population 'hid': model 'Izhikevich' has no NIR mapping/ });
  t.deepEqual(readdirSync(sub), []);
});
