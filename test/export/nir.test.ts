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
  net.outputs = ['hid', 'out']; // a FAUST-style read-out of several layers: one Output node each with readouts
  const file = join(dir, 'small.nir');
  await exportNir(net, file, { readouts: true });
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
  t.is(g.metadata.dt, 1e-4);
  t.is(g.metadata.ffsnn_dt_ms, 1);
  t.is(g.metadata.time_unit, 's');
  t.false('v_reset' in g.nodes!.hid.fields, 'all-zero v_reset is omitted');
  // Edges in topological order: every edge's source has appeared as a target before (or is the input).
  const seen = new Set(['input']);
  for (const [a, b] of g.edges!) {
    if (b !== 'hid' || a !== 'hid_hid_delay') t.true(seen.has(a), `edge ${a} -> ${b}`);
    seen.add(b);
  }
});

test("snnTorch's conventions: r = tau_mem / 1e-4, one Output node by default; the file's own CubaLIF semantics give ffsnn's spikes", async (t) => {
  const net = smallLifNet(4);
  for (const p of net.populations) if (p.model === 'LIF') Object.assign(p.params, { tRef: 0, tauSynI: p.params.tauSynE });
  net.outputs = ['hid', 'out'];
  const file = join(dir, 'conv.nir');
  const unsupported = await exportNir(net, file);
  t.true(unsupported.some((u) => /read-outs of hid are not Output nodes/.test(u)), unsupported.join('; '));
  t.false(unsupported.some((u) => /refractory/.test(u)));
  const nir = await readNirFile(file);
  const g = nir.graph;
  t.deepEqual(Object.values(g.nodes!).filter((n) => n.type === 'Output').length, 1);
  for (const name of ['hid', 'out']) {
    const f = g.nodes![name].fields as Record<string, { data: Float64Array }>;
    f.r.data.forEach((r, i) => t.true(Math.abs(r - f.tau_mem.data[i] / 1e-4) <= 1e-4 * r, `${name}: r ${r} vs tau_mem/1e-4`));
    // snnTorch's decays equal ffsnn's exact ones: 1 - 1e-4/tau_mem = exp(-dt/tauMem)
    t.true(Math.abs(1 - 1e-4 / f.tau_mem.data[0] - Math.exp(-1 / 10)) < 1e-6);
    delete g.nodes![name].metadata.ffsnn_model; // read it as any NIR reader does: Euler CubaLIF
  }
  const { nirToIr } = await import('../../src/export/nir/to-ir.js');
  const { net: generic } = nirToIr(nir, 'generic');
  t.is(generic.populations[1].model, 'CubaLIF');
  t.is(generic.dt, 1);
  const raster = poissonRaster(5, 80, 6, 0.3);
  const a = rasters(net, raster);
  t.true(a.spikes > 10);
  const b = rasters(generic, raster);
  for (const p of ['hid', 'out']) t.deepEqual(b.raster![p], a.raster![p], p);
});

test('what NIR cannot express is listed: refractory period, tauSynI != tauSynE', async (t) => {
  const unsupported = await exportNir(smallLifNet(1), join(dir, 'refr.nir'));
  t.true(unsupported.some((u) => /population 'hid': refractory period tRef = 2 ms has no NIR parameter/.test(u)), unsupported.join('; '));
  t.true(unsupported.some((u) => /population 'hid': inhibitory synapses with tauSynI != tauSynE/.test(u)));
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
