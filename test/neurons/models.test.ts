// SPDX-License-Identifier: MIT
/**
 * Float reference steps against closed forms, and the GPU.js kernel bodies / WebAssembly kernel
 * against the float reference.
 */
import test from 'ava';
import { decayKernel, refractoryKernel, resetKernel, thresholdKernel } from '../../src/neurons/kernels.js';
import { IF_C, ifCoefficients, ifFloatStep, ifIntegrateKernel, ifSpec } from '../../src/neurons/if/index.js';
import {
  IZH_C, izhikevichCoefficients, izhikevichFloatStep, izhikevichSpec, izhRecoveryKernel, izhRecoveryResetKernel, izhSpikeKernel, izhVoltageKernel,
} from '../../src/neurons/izhikevich/index.js';
import { LIF_C, createLifWasm, lifCoefficients, lifFloatStep, lifIntegrateKernel, lifSpec } from '../../src/neurons/lif/index.js';
import type { NeuronSpec } from '../../src/neurons/spec.js';
import type { NeuronState } from '../../src/neurons/model.js';
import { initialValue, resolveParams } from '../../src/neurons/spec.js';
import { Rng } from '../../src/sim/rng.js';

function freshState(spec: NeuronSpec, p: Record<string, number>, n: number): NeuronState {
  const s: NeuronState = {};
  for (const k of Object.keys(spec.state)) s[k] = new Float64Array(n).fill(initialValue(spec, k, p));
  return s;
}

/** Spike steps of neuron 0 over `steps` steps. */
function spikeSteps(step: (s: NeuronState, n: number, c: Float64Array, sp: Uint32Array) => number, s: NeuronState, c: Float64Array, steps: number): number[] {
  const sp = new Uint32Array(1);
  const out: number[] = [];
  for (let t = 0; t < steps; t++) if (step(s, 1, c, sp) > 0) out.push(t);
  return out;
}

test('LIF under constant current fires at the analytic rate within 0.1 % (and exactly on the grid)', (t) => {
  const dt = 0.01;
  const p = resolveParams(lifSpec, { tauMem: 20, vRest: -65, vReset: -65, vTh: -50, tRef: 2, r: 100 });
  const I = 0.2; // nA -> r * I = 20 mV > vTh - vRest = 15 mV
  const T = p.tauMem * Math.log((p.r * I + p.vRest - p.vReset) / (p.r * I + p.vRest - p.vTh));
  const s = freshState(lifSpec, p, 1);
  s.iExt[0] = I;
  const spikes = spikeSteps(lifFloatStep, s, lifCoefficients(p, dt), 100_000); // 1 s
  t.true(spikes.length > 30);
  const period = ((spikes[spikes.length - 1] - spikes[0]) / (spikes.length - 1)) * dt;
  const analytic = p.tRef + T;
  t.true(Math.abs(period - analytic) / analytic < 1e-3, `period ${period} ms vs analytic ${analytic} ms`);
  // on the grid: refractory R = tRef/dt steps, then the first step whose exact v exceeds vTh
  const gridSteps = Math.round(p.tRef / dt) + Math.floor(T / dt);
  for (let k = 1; k < spikes.length; k++) t.is(spikes[k] - spikes[k - 1], gridSteps);
  t.is(spikes[0], Math.floor(T / dt));
});

test('LIF exact integration matches the closed form of v, ge, gi over many steps', (t) => {
  const p = resolveParams(lifSpec, { tauMem: 20, tauSynE: 5, tauSynI: 10, vRest: -49, vReset: -60, vTh: 100, tRef: 5, r: 100 });
  const dt = 0.1;
  const s = freshState(lifSpec, p, 1);
  s.v[0] = -60;
  s.ge[0] = 3;
  s.gi[0] = -2;
  const c = lifCoefficients(p, dt);
  const sp = new Uint32Array(1);
  for (let k = 0; k < 400; k++) lifFloatStep(s, 1, c, sp);
  const tt = 400 * dt;
  const syn = (g0: number, ts: number) => ((g0 * ts) / (ts - p.tauMem)) * (Math.exp(-tt / ts) - Math.exp(-tt / p.tauMem));
  const v = p.vRest + (-60 - p.vRest) * Math.exp(-tt / p.tauMem) + syn(3, 5) + syn(-2, 10);
  t.true(Math.abs(s.v[0] - v) < 1e-9, `v ${s.v[0]} vs ${v}`);
  t.true(Math.abs(s.ge[0] - 3 * Math.exp(-tt / 5)) < 1e-12);
  t.true(Math.abs(s.gi[0] + 2 * Math.exp(-tt / 10)) < 1e-12);
});

test('LIF equal synaptic and membrane time constants use the limit propagator', (t) => {
  const p = resolveParams(lifSpec, { tauMem: 10, tauSynE: 10, vRest: 0, vReset: -1, vTh: 100 });
  const c = lifCoefficients(p, 0.1);
  t.true(Number.isFinite(c[LIF_C.ce]));
  const near = lifCoefficients(resolveParams(lifSpec, { tauMem: 10, tauSynE: 10 * (1 + 1e-6), vRest: 0, vReset: -1, vTh: 100 }), 0.1);
  t.true(Math.abs(c[LIF_C.ce] - near[LIF_C.ce]) < 1e-9);
});

test('LIF refractoriness follows Brian2: v held R-1 steps after the spike step, ge keeps decaying', (t) => {
  const dt = 0.1;
  const p = resolveParams(lifSpec, { vRest: -49, vReset: -60, vTh: -50, tRef: 5, tauMem: 20 });
  const s = freshState(lifSpec, p, 1);
  s.v[0] = -50.0001;
  s.ge[0] = 5;
  const c = lifCoefficients(p, dt);
  const sp = new Uint32Array(1);
  t.is(lifFloatStep(s, 1, c, sp), 1);
  t.is(s.v[0], -60);
  for (let k = 1; k <= 49; k++) {
    lifFloatStep(s, 1, c, sp);
    t.is(s.v[0], -60, `held in step ${k}`);
  }
  t.true(s.ge[0] < 5 && s.ge[0] > 0);
  lifFloatStep(s, 1, c, sp);
  t.true(s.v[0] > -60, 'integrates again 50 steps after the spike');
});

test('IF under constant current charges linearly: period = tRef + (vTh - vReset) tauMem / (r I) on the grid', (t) => {
  const dt = 0.01;
  const p = resolveParams(ifSpec, { tauMem: 10, vReset: 0, vTh: 15, tRef: 1, r: 100 });
  const s = freshState(ifSpec, p, 1);
  s.iExt[0] = 0.05; // r I = 5 mV -> 30 ms to threshold
  const spikes = spikeSteps(ifFloatStep, s, ifCoefficients(p, dt), 50_000);
  const T = ((p.vTh - p.vReset) * p.tauMem) / (p.r * 0.05);
  const period = ((spikes[spikes.length - 1] - spikes[0]) / (spikes.length - 1)) * dt;
  t.true(Math.abs(period - (p.tRef + T)) / (p.tRef + T) < 1e-3, `period ${period}`);
  // exact integration of a synaptic current: total charge ge * tauSynE / tauMem
  const q = freshState(ifSpec, p, 1);
  q.ge[0] = 1;
  const c = ifCoefficients(resolveParams(ifSpec, { vTh: 1e6 }), 0.1);
  for (let k = 0; k < 20_000; k++) ifFloatStep(q, 1, c, new Uint32Array(1));
  t.true(Math.abs(q.v[0] - 5 / 20) < 1e-9, `v ${q.v[0]}`);
  t.is(IF_C.refr, 7);
});

test('Izhikevich: regular spiking adapts, fast spiking fires faster, silent at rest', (t) => {
  const run = (params: Record<string, number>, I: number) => {
    const p = resolveParams(izhikevichSpec, params);
    const s = freshState(izhikevichSpec, p, 1);
    s.iExt[0] = I;
    return spikeSteps(izhikevichFloatStep, s, izhikevichCoefficients(p, 0.1), 10_000); // 1 s
  };
  const rs = run({}, 10);
  const fs = run({ a: 0.1, d: 2 }, 10);
  t.true(rs.length > 5, `RS fires (${rs.length})`);
  t.true(fs.length > 2 * rs.length, `FS ${fs.length} > 2 x RS ${rs.length}`);
  t.true(rs[1] - rs[0] < rs[rs.length - 1] - rs[rs.length - 2], 'RS interspike intervals lengthen (adaptation)');
  t.is(run({}, 0).length, 0, 'silent at rest');
  t.is(IZH_C.vPeak, 3);
});

const fake = (x: number) => ({ thread: { x, y: 0, z: 0 } });

test('LIF and IF GPU.js kernel bodies reproduce the float step exactly (run on CPU with a fake this.thread)', (t) => {
  const cases = [
    { spec: lifSpec, integrate: lifIntegrateKernel, coeff: lifCoefficients, step: lifFloatStep, th: LIF_C.vTh, reset: LIF_C.vReset, refr: LIF_C.refr, de: LIF_C.de, di: LIF_C.di, params: { vRest: -49, vReset: -60, vTh: -50, tRef: 0.5 } },
    { spec: ifSpec, integrate: ifIntegrateKernel, coeff: ifCoefficients, step: ifFloatStep, th: IF_C.vTh, reset: IF_C.vReset, refr: IF_C.refr, de: IF_C.de, di: IF_C.di, params: { tRef: 0.5 } },
  ];
  for (const k of cases) {
    const n = 50;
    const p = resolveParams(k.spec, k.params);
    const rng = new Rng(7);
    const ref = freshState(k.spec, p, n);
    for (let i = 0; i < n; i++) {
      ref.v[i] = p.vReset + rng.uniform() * (p.vTh - p.vReset + 1);
      ref.iExt[i] = rng.uniform() * 0.3;
    }
    const gpu: Record<string, number[]> = {};
    for (const key of Object.keys(ref)) gpu[key] = Array.from(ref[key]);
    const c = k.coeff(p, 0.1);
    const cArr = Array.from(c);
    const sp = new Uint32Array(n);
    let spikes = 0;
    for (let step = 0; step < 200; step++) {
      // inputs arrive between steps, as the engine delivers them
      for (let i = 0; i < n; i++) if (rng.uniform() < 0.05) ((ref.ge[i] += 2), (gpu.ge[i] += 2));
      const m = k.step(ref, n, c, sp);
      spikes += m;
      const map = (f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
      const vNew = map((i) => k.integrate.call(fake(i), gpu.v, gpu.ge, gpu.gi, gpu.refr, gpu.iExt, cArr));
      const spike = map((i) => thresholdKernel.call(fake(i), vNew, gpu.refr, c[k.th]));
      gpu.v = map((i) => resetKernel.call(fake(i), vNew, spike, c[k.reset]));
      gpu.refr = map((i) => refractoryKernel.call(fake(i), gpu.refr, spike, c[k.refr]));
      gpu.ge = map((i) => decayKernel.call(fake(i), gpu.ge, c[k.de]));
      gpu.gi = map((i) => decayKernel.call(fake(i), gpu.gi, c[k.di]));
      t.deepEqual(Array.from(sp.subarray(0, m)), map((i) => i).filter((i) => spike[i] === 1));
    }
    t.true(spikes > 20, `${k.spec.name} spiked ${spikes} times`);
    for (const key of ['v', 'ge', 'gi', 'refr']) t.deepEqual(gpu[key], Array.from(ref[key]), `${k.spec.name}.${key}`);
  }
});

test('Izhikevich GPU.js kernel bodies reproduce the float step exactly', (t) => {
  const n = 20;
  const p = resolveParams(izhikevichSpec, { a: 0.02, b: 0.2, c: -50, d: 2 });
  const ref = freshState(izhikevichSpec, p, n);
  for (let i = 0; i < n; i++) ref.iExt[i] = 2 + i;
  const g: Record<string, number[]> = {};
  for (const key of Object.keys(ref)) g[key] = Array.from(ref[key]);
  const k = izhikevichCoefficients(p, 0.5);
  const kArr = Array.from(k);
  const sp = new Uint32Array(n);
  let spikes = 0;
  for (let step = 0; step < 400; step++) {
    spikes += izhikevichFloatStep(ref, n, k, sp);
    const map = (f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
    const vNew = map((i) => izhVoltageKernel.call(fake(i), g.v, g.u, g.ge, g.gi, g.iExt, kArr));
    const uNew = map((i) => izhRecoveryKernel.call(fake(i), vNew, g.u, kArr));
    const spike = map((i) => izhSpikeKernel.call(fake(i), vNew, k[IZH_C.vPeak]));
    g.v = map((i) => resetKernel.call(fake(i), vNew, spike, k[IZH_C.c]));
    g.u = map((i) => izhRecoveryResetKernel.call(fake(i), uNew, spike, k[IZH_C.d]));
  }
  t.true(spikes > 50);
  t.deepEqual(g.v, Array.from(ref.v));
  t.deepEqual(g.u, Array.from(ref.u));
});

test('LIF WebAssembly SIMD kernel is bit-identical to the float step (odd n, with and without external input)', (t) => {
  const wasm0 = createLifWasm(3);
  if (!wasm0) return t.pass('WebAssembly SIMD unavailable here: the engine uses the float step');
  for (const withInput of [false, true]) {
    for (const n of [1, 5, 1003]) {
      const p = resolveParams(lifSpec, { vRest: -49, vReset: -60, vTh: -50, tRef: 1 });
      const c = lifCoefficients(p, 0.1);
      const w = createLifWasm(n)!;
      const ref = freshState(lifSpec, p, n);
      const rng = new Rng(n);
      for (let i = 0; i < n; i++) {
        ref.v[i] = -60 + 10 * rng.uniform();
        ref.iExt[i] = withInput ? (rng.uniform() - 0.5) * 0.05 : 0;
      }
      for (let i = 0; i < n; i += 3) ref.refr[i] = i % 7; // some start refractory
      for (const key of Object.keys(ref)) w.state[key].set(ref[key]);
      w.sync();
      const sp = new Uint32Array(n);
      let spikes = 0;
      for (let step = 0; step < 600; step++) {
        for (let i = 0; i < n; i++) if (rng.uniform() < 0.02) ((ref.gi[i] -= 0.3), (w.state.gi[i] -= 0.3));
        const a = lifFloatStep(ref, n, c, sp);
        const b = w.step(c, withInput);
        spikes += a;
        if (a !== b || sp.subarray(0, a).some((x, q) => x !== w.spikes[q])) return t.fail(`spike lists differ at step ${step} (n ${n})`);
      }
      t.true(spikes > 0);
      for (const key of Object.keys(ref)) t.deepEqual(Array.from(w.state[key]), Array.from(ref[key]), `${key} n=${n} input=${withInput}`);
    }
  }
});
