// SPDX-License-Identifier: MIT
import test from 'ava';
import { loadProfile } from '../../src/chips/profile.js';
import { quantizeNetwork } from '../../src/chips/quantize.js';
import { simulateQuantized } from '../../src/chips/simulate.js';
import { simulateIR } from '../../src/ir/simulate.js';
import { HardwareProfileError } from '../../src/errors.js';
import { poissonRaster, smallLifNet } from '../helpers/nets.js';

/** Feed-forward version of the small net (Lava's model has no refractory period: tRef 0). */
function ffNet(seed: number) {
  const net = smallLifNet(seed, 20, 12, 4);
  net.projections = net.projections.filter((p) => p.pre !== p.post);
  for (const p of net.populations) if (p.model === 'LIF') p.params.tRef = 0;
  net.projections[0].bias = Float32Array.from({ length: 12 }, (_, j) => 0.05 * (j % 3));
  return net;
}

test('Loihi quantisation: 8-bit mantissas in Lava ranges, 12-bit decays, 17-bit threshold, small weight error', (t) => {
  const q = quantizeNetwork(ffNet(1), loadProfile('loihi2'));
  for (const p of q.projections) {
    const m = p.loihi!.mantissas;
    t.true(m.every((x) => x >= -256 && x <= 255 && Number.isInteger(x)), p.name);
    if (p.loihi!.signMode === 'MIXED') t.true(m.every((x) => x % 2 === 0), 'MIXED keeps even values (Lava drops the LSB)');
    t.true(p.relRmsError < 0.01, `${p.name}: ${p.relRmsError}`);
    t.true(p.relRmsError > 0, 'quantisation changes something');
  }
  for (const p of q.populations) {
    const l = p.loihi!;
    t.true(l.du >= 0 && l.du < 4096 && l.dv >= 0 && l.dv < 4096 && l.vth > 0 && l.vth < 2 ** 17, JSON.stringify(l));
  }
  // tauSyn 5 ms, dt 1 ms: 4096 * (1 - e^-0.2) = 742.4 -> du = 741; tauMem 10 ms: dv = 390
  t.is(q.populations[0].loihi!.du, 741);
  t.is(q.populations[0].loihi!.dv, 390);
});

test('the Loihi bit-accurate simulation of the quantised network follows the float network', (t) => {
  const net = ffNet(2);
  const q = quantizeNetwork(net, loadProfile('loihi2'));
  const raster = poissonRaster(3, 200, 20, 0.3);
  const f = simulateIR(net, raster.length, (s) => raster[s], { record: true });
  const r = simulateQuantized(net, q, raster);
  for (const name of ['hid', 'out']) {
    const fc = f.counts[name];
    const qc = new Float64Array(fc.length);
    for (const fr of r.frames[name]) fr.forEach((x, j) => (qc[j] += x));
    const total = fc.reduce((a, b) => a + b, 0);
    t.true(total > 20, `${name} must spike (${total})`);
    for (let j = 0; j < fc.length; j++) t.true(Math.abs(qc[j] - fc[j]) <= Math.max(2, 0.05 * fc[j]), `${name}[${j}]: float ${fc[j]} vs quantised ${qc[j]}`);
  }
});

test('SpiNNaker quantisation (u16 << shift into s16.15) and its IF_curr_exp simulation track the float network', (t) => {
  const net = ffNet(4);
  const q = quantizeNetwork(net, loadProfile('spinnaker'));
  for (const p of q.projections) {
    t.true(p.spinnaker!.ints.every((x) => Math.abs(x) <= 65535), p.name);
    t.true(p.relRmsError < 0.001, `${p.name}: ${p.relRmsError}`);
  }
  const raster = poissonRaster(5, 200, 20, 0.3);
  const f = simulateIR(net, raster.length, (s) => raster[s]);
  const r = simulateQuantized(net, q, raster);
  const fc = f.counts.out.reduce((a, b) => a + b, 0);
  const qc = r.frames.out.reduce((a, fr) => a + fr.reduce((x, y) => x + y, 0), 0);
  t.true(fc > 10);
  // IF_curr_exp's closed form holds the current constant over a step (exact integration does not): close, not equal
  t.true(Math.abs(qc - fc) <= 0.15 * fc, `float ${fc} vs SpiNNaker ${qc} output spikes`);
});

test('TrueNorth quantisation keeps at most 4 distinct weights per neuron (approximate)', (t) => {
  const net = ffNet(6);
  const q = quantizeNetwork(net, loadProfile('truenorth'));
  const p = q.projections[0];
  t.true(p.approximate);
  for (let j = 0; j < p.nPost; j++) t.true(new Set(p.dequantized.subarray(j * p.cols, (j + 1) * p.cols)).size <= 4);
});

test('models without a chip form are refused with the population and model', (t) => {
  const net = ffNet(1);
  net.populations[1] = { ...net.populations[1], model: 'Izhikevich', params: {} };
  t.throws(() => quantizeNetwork(net, loadProfile('loihi')), { instanceOf: HardwareProfileError, message: /population 'hid': model 'Izhikevich'/ });
});
