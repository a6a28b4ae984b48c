// SPDX-License-Identifier: MIT
/**
 * The on-chip learning kernels against hand-computed cases of shared/reference/loihi-learning.md
 * §3-§6 and §8, the batched kernels against the scalar definitions element by element, the
 * WebAssembly kernels against the scalar ones, and the batched Loihi layer against the bit-accurate
 * LoihiDense + LoihiLif.
 */
import test from 'ava';
import {
  accumulate, addImpulse, closeSample, commitStep, decayTrace, eligibilityStep, productShift, productValue, roundSynVar, splitImpulse,
  tagFromAcc, traceStep, weightFromAcc, yPortValue, W_SYNVAR, W_TRACE,
} from '../../../src/chips/loihi/on-chip/kernels.js';
import { ChipKernels } from '../../../src/chips/loihi/on-chip/learning-wasm.js';
import { LoihiLayerBatch } from '../../../src/chips/loihi/on-chip/dense-lif-batched.js';
import { LoihiDense, LoihiLif } from '../../../src/chips/loihi/dense-lif.js';
import { Rng } from '../../../src/sim/rng.js';

test('impulse split and add (§3): fraction in 1/256, rounded up with r < frac8 for r in 0..127', (t) => {
  t.deepEqual(splitImpulse(12.5), { int: 12, frac8: 128 });
  t.deepEqual(splitImpulse(3.75), { int: 3, frac8: 192 });
  t.deepEqual(splitImpulse(6.25), { int: 6, frac8: 64 });
  t.deepEqual(splitImpulse(1 + 0.5 / 256), { int: 1, frac8: 0 }, 'half to even');
  t.deepEqual(splitImpulse(1 + 1.5 / 256), { int: 1, frac8: 2 }, 'half to even');
  t.is(addImpulse(10, 12, 128, 127), 23, 'frac8 128 always rounds up');
  t.is(addImpulse(10, 6, 64, 63), 17);
  t.is(addImpulse(10, 6, 64, 64), 16);
  t.is(addImpulse(120, 12, 0, 0), 127, 'clipped to 7 bits');
});

test('trace decay (§3): floor(p) + [r < p mod 1]', (t) => {
  const f = Math.exp(-1 / 2); // p = 6.0653
  t.is(decayTrace(10, f, 0.06), 7);
  t.is(decayTrace(10, f, 0.07), 6);
  t.is(decayTrace(10, 0, 0.0), 0, 'tau 0 replaces by 0');
  const x = Uint8Array.of(10, 0, 126, 5);
  traceStep(x, 0, 4, Uint8Array.of(0, 1, 1, 0), 0, f, 3, 192, 0.06, 0);
  t.deepEqual([...x], [7, 4, 81, 3], 'decay (76.4 -> 77), then impulse 3.75 (+4) on spiking neurons');
});

test('product shifts and values (§5), reference examples', (t) => {
  t.is(productShift([W_TRACE]), 0, '2^-2*x1*y0: 7 + 4 = 11, no shift');
  t.is(productShift([W_TRACE, W_TRACE]), 3, 'x1*y1');
  t.is(productShift([W_TRACE, W_SYNVAR]), 5, 'y0*x1*(127-w)');
  t.is(productShift([W_SYNVAR, W_TRACE, W_TRACE]), 12, 't*(y1-64)*y2');
  t.is(productValue({ mant: 1, sExp: 5, widths: [W_TRACE] }, 1, [20]), 640, '2^-2*x1*y0 = x1 << 5');
  t.is(productValue({ mant: 1, sExp: 5, widths: [W_TRACE] }, 0, [20]), 0, 'dependency off');
  // y0*x1*(127-w), x1 = 100, w = 27: mantissa -1, factor w - 127 = -100; 10000 >> 5 = 312, << 7 saturates
  t.is(productValue({ mant: -1, sExp: 7, widths: [W_TRACE, W_SYNVAR], consts: [0, -127] }, 1, [100, 27]), 32767);
  t.is(productValue({ mant: 1, sExp: 7, widths: [W_TRACE, W_TRACE] }, 1, [3, 5]), 128, '15 >> 3 = 1, << 7');
  t.is(productValue({ mant: -1, sExp: 7, widths: [W_TRACE, W_TRACE] }, 1, [3, 5]), -256, 'floor(-15/8) = -2');
  t.is(accumulate(32000, 1000), 32767);
  t.is(accumulate(-32000, -1000), -32769);
});

test('stochastic rounding of synaptic variables (§6) and its generalisation to a coarser grid', (t) => {
  t.is(roundSynVar(300, 0.3), 3, '2 + [0.3 < 44/128]');
  t.is(roundSynVar(300, 0.35), 2);
  t.is(roundSynVar(-100, 0.2), 0, '-1 + [0.2 < 28/128]');
  t.is(roundSynVar(-100, 0.3), -1);
  t.is(roundSynVar(300, 0, 1, 'nearest'), 2);
  t.is(roundSynVar(320, 0.99, 1, 'nearest'), 3);
  t.is(roundSynVar(1000, 0.5, 4), 8, 'grid 4: 512-units, 1 + [0.5 < 488/512]');
  t.is(weightFromAcc(32767, 0, 'MIXED', 1, 'stochastic'), 255);
  t.is(weightFromAcc(32767, 0, 'MIXED', 4, 'stochastic'), 252, 'clip rounded inward to the grid');
  t.is(weightFromAcc(-32769, 0.99, 'MIXED', 1, 'stochastic'), -257 + 1 > -256 ? -256 : -256);
  t.is(weightFromAcc(-500, 0.5, 'EXCITATORY', 1, 'stochastic'), 0, 'excitatory floors at 0');
  t.is(tagFromAcc(-32769, 0.999, 'stochastic'), -257, 'tag_1 range [-257, 255]');
});

test('third-factor y ports (§8): tau 65535 history, negative values zeroed for a neuron that spiked', (t) => {
  t.is(yPortValue(32, 0.1, false), 32);
  t.is(yPortValue(32, 0.99999, false), 31, 'rarely one step closer to 0');
  t.is(yPortValue(0, 0.99999, true), 0);
  t.is(yPortValue(-20, 0.1, true), 0);
  t.is(yPortValue(-20, 0.1, false), -20);
});

test('the commit: hand case of dw = 2^-6*u0*t*(y1-64)*y2 (+ its gated half unit); closeSample clears the tags', (t) => {
  // t = 100, y1 = 44 (factor -20), y2 = 32 (gate): (100 * -20 * 32) >> 12 = floor(-15.625) = -16, << 1 = -32
  // weight 10: A = 1280 - 32 = 1248 = 9 * 128 + 96 -> 9 + [rw < 0.75]
  for (const [rw, want] of [[0.7, 10], [0.8, 9]] as const) {
    const w = Int16Array.of(10);
    const tag = Int16Array.of(100);
    commitStep(w, tag, 0, Int32Array.of(0), 1, Int32Array.of(32), Int32Array.of(44), 0, 1, 1, 1, rw, 'MIXED', 1, 'stochastic');
    t.is(w[0], want);
    t.is(tag[0], 100, 'the commit leaves the tags');
  }
  // the compensation 2^-7*u0*sgn(t)*y2: (1 * 32) >> 5 = 1, << 0 -> A = 1249 = 9 * 128 + 97
  const wc = Int16Array.of(10);
  commitStep(wc, Int16Array.of(100), 0, Int32Array.of(0), 1, Int32Array.of(32), Int32Array.of(44), 0, 1, 1, 1, 96.5 / 128, 'MIXED', 1, 'stochastic', 0);
  t.is(wc[0], 10, '9 + [rw < 97/128]');
  // gate closed (m = 0: y2 = 0, y1 = 64): neither product nor half unit
  for (const rw of [0, 0.5, 0.999]) {
    const w = Int16Array.of(10);
    t.is(commitStep(w, Int16Array.of(100), 0, Int32Array.of(0), 1, Int32Array.of(0), Int32Array.of(64), 0, 1, 1, 1, rw, 'MIXED', 1, 'stochastic', 0), 0);
    t.is(w[0], 10);
  }
  // closing a sample: pulse 32 clears every tag of the slot (and only of the slot)
  const tags = Int16Array.of(7, 100, 255, 3);
  closeSample(tags, 0, 1, 3, Uint8Array.of(50), 0, Uint8Array.of(64, 64, 64), 0, { mant: 1, sExp: 2 }, 0.5, 'stochastic', 32);
  t.deepEqual([...tags], [0, 0, 0, 3]);
  // pulse 31 (the port's decay): last step's eligibility x1*y1 = 40*64 >> 3 << 2 = 1280 (10 units), then
  // -(t*31) >> 5: t = 110 -> -107 -> 3 left; t = 0 -> 10 -> -(310 >> 5) = -10 -> 0 left
  const rest = Int16Array.of(100, 0);
  closeSample(rest, 0, 1, 2, Uint8Array.of(40), 0, Uint8Array.of(64, 64), 0, { mant: 1, sExp: 2 }, 0.5, 'stochastic', 31);
  t.deepEqual([...rest], [3, 0]);
});

function randomCase(seed: number, nIn: number, nOut: number) {
  const r = new Rng(seed);
  const int = (lo: number, hi: number) => lo + r.int(hi - lo + 1);
  return {
    r,
    int,
    tag: Int16Array.from({ length: nIn * nOut }, () => int(0, 255)),
    w: Int16Array.from({ length: nIn * nOut }, () => int(-256, 255)),
    x1: Uint8Array.from({ length: nIn }, () => (r.uniform() < 0.3 ? 0 : int(1, 127))),
    y1: Uint8Array.from({ length: nOut }, () => (r.uniform() < 0.2 ? 0 : int(1, 127))),
    y2: Int32Array.from({ length: nOut }, () => int(0, 127)),
    y3: Int32Array.from({ length: nOut }, () => int(0, 127)),
  };
}

test('eligibilityStep equals the scalar definition synapse by synapse (both paths, both roundings)', (t) => {
  for (const [mant, sExp, rounding] of [[1, 0, 'stochastic'], [7, 4, 'stochastic'], [-3, 2, 'nearest'], [2, 0, 'nearest']] as const) {
    const nIn = 13;
    const nOut = 11;
    const c = randomCase(100 + mant * 10 + sExp, nIn, nOut);
    if (mant < 0) for (let k = 0; k < c.tag.length; k++) c.tag[k] = c.int(-257, 255);
    const before = Int16Array.from(c.tag);
    const active = Int32Array.from([...c.x1.keys()].filter((i) => c.x1[i] !== 0));
    const rw = c.r.uniform();
    eligibilityStep(c.tag, 0, active, active.length, c.x1, 0, c.y1, 0, nOut, mant, sExp, rw, rounding);
    let diff = 0;
    for (const i of active) {
      for (let j = 0; j < nOut; j++) {
        const m = productValue({ mant, sExp, widths: [W_TRACE, W_TRACE] }, 1, [c.x1[i], c.y1[j]]);
        const want = tagFromAcc(accumulate(before[i * nOut + j] * 128, m), rw, rounding);
        if (c.tag[i * nOut + j] !== want) diff++;
      }
    }
    t.is(diff, 0, `mant ${mant} sExp ${sExp} ${rounding}`);
  }
});

test('commitStep equals the scalar definition synapse by synapse (grids 1, 4, 16; sign modes; roundings)', (t) => {
  for (const [g, mode, rounding, sExpW] of [[1, 'MIXED', 'stochastic', 2], [4, 'MIXED', 'stochastic', 5], [16, 'EXCITATORY', 'nearest', 0], [1, 'INHIBITORY', 'stochastic', 9]] as const) {
    const nIn = 9;
    const nOut = 17;
    const c = randomCase(g * 7 + sExpW, nIn, nOut);
    for (let k = 0; k < c.w.length; k++) {
      c.w[k] = Math.floor(c.w[k] / g) * g;
      if (mode === 'EXCITATORY') c.w[k] = Math.min(240, Math.abs(c.w[k]) - (Math.abs(c.w[k]) % g));
      if (mode === 'INHIBITORY') c.w[k] = -Math.min(255, Math.abs(c.w[k]));
    }
    const w0 = Int16Array.from(c.w);
    const t0 = Int16Array.from(c.tag);
    const rw = c.r.uniform();
    const all = Int32Array.from({ length: nIn }, (_, i) => i);
    const compSExp = sExpW > 0 ? sExpW - 1 : -1;
    commitStep(c.w, c.tag, 0, all, nIn, c.y2, c.y3, 0, nOut, 1, sExpW, rw, mode, g, rounding, compSExp);
    let diff = 0;
    for (let i = 0; i < nIn; i++) {
      for (let j = 0; j < nOut; j++) {
        const k = i * nOut + j;
        if (t0[k] === 0) continue;
        const mw = productValue({ mant: 1, sExp: sExpW, widths: [W_SYNVAR, W_TRACE, W_TRACE], consts: [0, -64, 0] }, 1, [t0[k], c.y3[j], c.y2[j]]);
        const mc = compSExp < 0 ? 0 : productValue({ mant: 1, sExp: compSExp, widths: [W_SYNVAR, W_TRACE] }, 1, [Math.sign(t0[k]), c.y2[j]]);
        const wantW = weightFromAcc(accumulate(accumulate(w0[k] * 128, mw), mc), rw, mode, g, rounding);
        const wantT = t0[k];
        if (c.w[k] !== wantW || c.tag[k] !== wantT) diff++;
      }
    }
    t.is(diff, 0, `grid ${g} ${mode} ${rounding}`);
  }
});

test('the WebAssembly kernels compute the same integers as the scalar kernels', (t) => {
  const sizes = [37, 21];
  const B = 3;
  const c = randomCase(99, sizes[0], sizes[1]);
  const k = new ChipKernels(sizes, B, [c.w]);
  const tagsJs = Int16Array.from({ length: B * sizes[0] * sizes[1] }, () => c.int(0, 255));
  k.tags[0].set(tagsJs);
  const wJs = Int16Array.from(c.w);
  const active = Int32Array.from([...c.x1.keys()].filter((i) => c.x1[i] !== 0));
  for (const [b, rounding, g] of [[0, 'stochastic', 1], [1, 'nearest', 4], [2, 'stochastic', 16]] as const) {
    const off = b * sizes[0] * sizes[1];
    const rw = c.r.uniform();
    eligibilityStep(tagsJs, off, active, active.length, c.x1, 0, c.y1, 0, sizes[1], 1 + (b % 2), b, rw, rounding);
    k.eligibility(0, off, active, active.length, c.x1, 0, c.y1, 0, sizes[0], sizes[1], 1 + (b % 2), b, rw, rounding);
    t.deepEqual([...k.tags[0]], [...tagsJs], `eligibility, sample ${b}`);
    const gw = Int16Array.from(wJs, (x) => Math.floor(x / g) * g);
    wJs.set(gw);
    k.weights[0].set(gw);
    const nJs = commitStep(wJs, tagsJs, off, active, active.length, c.y2, c.y3, 0, sizes[1], 1, 3, rw, 'MIXED', g, rounding, b === 1 ? -1 : 2);
    const nW = k.commit(0, off, active, active.length, c.y2, c.y3, 0, sizes[1], 1, 3, rw, 'MIXED', g, rounding, b === 1 ? -1 : 2);
    t.is(nW, nJs);
    t.true(nJs > 0);
    t.deepEqual([...k.weights[0]], [...wJs], `commit weights, sample ${b}`);
    t.deepEqual([...k.tags[0]], [...tagsJs], `commit tags, sample ${b}`);
  }
  const spikes = Uint8Array.from({ length: B * sizes[0] }, () => (c.r.uniform() < 0.3 ? 1 : 0));
  const acc = k.dense(0, spikes, B, sizes[0], sizes[1]);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < sizes[1]; j++) {
      let s = 0;
      for (let i = 0; i < sizes[0]; i++) if (spikes[b * sizes[0] + i]) s += k.weights[0][i * sizes[1] + j];
      t.is(acc[b * sizes[1] + j], s);
    }
  }
});

test('the batched Loihi layer is bit-identical to LoihiDense + LoihiLif for every sample', (t) => {
  const nIn = 40;
  const nOut = 25;
  const B = 3;
  const r = new Rng(5);
  const comp = { du: 1611, dv: 390, vth: 300 };
  const wPre = Int16Array.from({ length: nIn * nOut }, () => 2 * (r.int(228) - 100)); // even, within [-256, 255]: Lava's MIXED truncation keeps them
  const rowMajor = new Float64Array(nIn * nOut);
  for (let i = 0; i < nIn; i++) for (let j = 0; j < nOut; j++) rowMajor[j * nIn + i] = wPre[i * nOut + j];
  const layer = new LoihiLayerBatch(B, nIn, nOut, comp);
  const refs = Array.from({ length: B }, () => ({ dense: new LoihiDense({ weights: rowMajor, nIn, nOut, signMode: 'MIXED' }), lif: new LoihiLif({ n: nOut, ...comp }) }));
  let prev = new Uint8Array(B * nIn);
  let spikes = 0;
  for (let step = 0; step < 30; step++) {
    const sIn = Uint8Array.from({ length: B * nIn }, () => (r.uniform() < 0.25 ? 1 : 0));
    const out = new Uint8Array(B * nOut);
    const vPre = new Float64Array(B * nOut);
    spikes += layer.step(wPre, prev, out, vPre);
    refs.forEach((ref, b) => {
      const a = ref.dense.step(sIn.subarray(b * nIn, (b + 1) * nIn));
      const s = ref.lif.step(a);
      t.deepEqual([...out.subarray(b * nOut, (b + 1) * nOut)], [...s], `spikes, step ${step}, sample ${b}`);
      t.deepEqual([...layer.v.subarray(b * nOut, (b + 1) * nOut)], [...ref.lif.v], `v, step ${step}, sample ${b}`);
    });
    prev = sIn;
  }
  t.true(spikes > 20, `${spikes} spikes`);
});
