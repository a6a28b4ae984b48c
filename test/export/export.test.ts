// SPDX-License-Identifier: MIT
import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportNetwork, manifestFaults, parseTarget } from '../../src/export/export.js';
import { readBundle } from '../../src/export/bundle.js';
import { importNir } from '../../src/export/nir/index.js';
import { loadProfile } from '../../src/chips/profile.js';
import { pynnData } from '../../src/export/pynn/emit.js';
import { ConfigError, ExportError, HardwareProfileError } from '../../src/errors.js';
import { poissonRaster, smallLifNet } from '../helpers/nets.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'ffsnn-export-'));
const ffNet = () => {
  const net = smallLifNet(8);
  net.projections = net.projections.filter((p) => p.pre !== p.post);
  return net;
};

test('every target writes its file(s) and a manifest that validates against the shipped schema', async (t) => {
  const dir = fresh();
  const input = poissonRaster(1, 30, 6, 0.3);
  for (const [target, out, profile] of [
    ['bundle', 'n.bundle', undefined],
    ['nir', 'n.nir', 'loihi2'],
    ['lava', 'n.h5', 'loihi2'],
    ['pynn', 'n.py', 'spinnaker'],
  ] as const) {
    const r = await exportNetwork(ffNet(), target, join(dir, out), { profile: profile ? loadProfile(profile) : undefined, input });
    const m = JSON.parse(readFileSync(r.manifestPath, 'utf8'));
    t.deepEqual(manifestFaults(m), [], target);
    t.is(m.target, target);
    for (const f of m.files) t.true(existsSync(join(dir, f.path)), `${target}: ${f.path}`);
    t.is(m.projections.length, 2);
    if (profile) {
      t.is(m.profile.name, profile);
      t.true(m.populations.filter((p: { model: string }) => p.model !== 'Input').every((p: { placement: unknown[] }) => p.placement.length > 0), `${target}: placement`);
      t.true(m.projections.every((p: { quantization: unknown }) => p.quantization !== null));
    }
  }
  t.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('a malformed manifest is reported with JSON paths', (t) => {
  t.true(manifestFaults({ format: 'ffsnn-export-manifest', version: 1, target: 'tar' }).some((f) => f.startsWith('/target: must be equal to one of the allowed values')));
});

test('bundle export reads back losslessly; NIR export with a profile carries the quantised weights', async (t) => {
  const dir = fresh();
  const net = ffNet();
  await exportNetwork(net, 'bundle', join(dir, 'a.bundle'));
  t.deepEqual(readBundle(join(dir, 'a.bundle')), net);
  await exportNetwork(net, 'nir', join(dir, 'q.nir'), { profile: loadProfile('loihi2') });
  const { net: back } = await importNir(join(dir, 'q.nir'));
  const w0 = net.projections[0].weights;
  const w1 = back.projections[0].weights;
  t.true(w0.format === 'dense' && w1.format === 'dense');
  if (w0.format === 'dense' && w1.format === 'dense') {
    t.notDeepEqual(w1.weight, w0.weight);
    const err = Math.max(...w0.weight.map((x, k) => Math.abs(x - w1.weight[k])));
    t.true(err > 0 && err < 0.02, `max weight change ${err}`);
  }
});

test('PyNN sidecar: IF_curr_exp cells, signed weights on their receptors, delays (d+1) dt, input spike times', (t) => {
  const net = smallLifNet(2);
  const d = pynnData(net, poissonRaster(2, 20, 6, 0.5));
  t.deepEqual(d.populations.map((p) => [p.label, p.kind]), [['in', 'input'], ['hid', 'IF_curr_exp'], ['out', 'IF_curr_exp']]);
  const rec = d.projections.find((p) => p.label === 'hid_hid:inh')!;
  t.is(rec.receptor, 'inhibitory');
  t.true(rec.connections.every(([, , w, delay]) => w < 0 && delay === 3));
  t.true(d.projections.filter((p) => p.receptor === 'excitatory').every((p) => p.connections.every((c) => c[2] > 0)));
  const cell = d.populations[1].cell!;
  t.true(Math.abs((1 - Math.exp(-1 / cell.tau_m)) * (cell.tau_m / cell.cm) - 1) < 1e-9, '(1 - e^(-dt/tau_m)) R = 1');
  t.true(d.populations[0].spikeTimes!.flat().every((x) => x >= 1 && x <= 20));
});

test('failed exports leave no file: unknown target, wrong profile family, off-chain network, network that does not fit', async (t) => {
  const dir = fresh();
  t.throws(() => parseTarget('onnx'), { instanceOf: ConfigError, message: /unknown export target "onnx" \(expected one of: nir, lava, pynn, bundle\)/ });
  await t.throwsAsync(exportNetwork(ffNet(), 'lava', join(dir, 'a.h5'), { profile: loadProfile('spinnaker') }), { instanceOf: ConfigError });
  await t.throwsAsync(exportNetwork(smallLifNet(1), 'lava', join(dir, 'b.h5'), { profile: loadProfile('loihi2') }), { instanceOf: ExportError, message: /feed-forward chain/ });
  const big = ffNet();
  big.projections[0].delaySteps = 99;
  await t.throwsAsync(exportNetwork(big, 'nir', join(dir, 'c.nir'), { profile: loadProfile('loihi') }), { instanceOf: HardwareProfileError, message: /delay 99/ });
  t.deepEqual(readdirSync(dir), []);
});
