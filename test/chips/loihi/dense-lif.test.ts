// SPDX-License-Identifier: MIT
import test from 'ava';
import { readFileSync } from 'node:fs';
import { LoihiDense, LoihiLif, effectiveWeights, determineSignMode, type SignMode } from '../../../src/chips/loihi/dense-lif.js';
import { ConfigError } from '../../../src/errors.js';

interface GoldenCase {
  name: string;
  T: number;
  n_inputs: number;
  n_neurons: number;
  dense: { weights: number[][]; num_weight_bits: number; weight_exp: number; sign_mode: SignMode | null; sign_mode_effective: SignMode; effective_weights: number[][] };
  lif: { du: number; dv: number; vth: number; bias_mant: number[]; bias_exp: number[]; u0: number[]; v0: number[] };
  input_spikes: number[][];
  a_in: number[][];
  dense_a_buff: number[][];
  u: number[][];
  v: number[][];
  spikes: number[][];
}

const golden = JSON.parse(readFileSync(new URL('../../fixtures/lava/loihi_lif_golden.json', import.meta.url), 'utf8')) as {
  cases: GoldenCase[];
};

test('the golden file holds the 15 Lava cases', (t) => {
  t.is(golden.cases.length, 15);
});

for (const c of golden.cases) {
  test(`Lava golden trace ${c.name}: a_in, a_buff, u, v, spikes and effective weights bit for bit`, (t) => {
    const dense = new LoihiDense({
      weights: c.dense.weights.flat(),
      nIn: c.n_inputs,
      nOut: c.n_neurons,
      numWeightBits: c.dense.num_weight_bits,
      weightExp: c.dense.weight_exp,
      signMode: c.dense.sign_mode ?? undefined,
    });
    t.is(dense.signMode, c.dense.sign_mode_effective);
    t.deepEqual(Array.from(dense.weights), c.dense.effective_weights.flat());
    const lif = new LoihiLif({ n: c.n_neurons, ...c.lif, biasMant: c.lif.bias_mant, biasExp: c.lif.bias_exp, u0: c.lif.u0, v0: c.lif.v0 });
    for (let s = 0; s < c.T; s++) {
      const aIn = dense.step(c.input_spikes[s]);
      const spikes = lif.step(aIn);
      const where = `${c.name} step ${s}`;
      t.deepEqual(Array.from(aIn), c.a_in[s], `a_in ${where}`);
      t.deepEqual(Array.from(dense.aBuff), c.dense_a_buff[s], `a_buff ${where}`);
      t.deepEqual(Array.from(lif.u), c.u[s], `u ${where}`);
      t.deepEqual(Array.from(lif.v), c.v[s], `v ${where}`);
      t.deepEqual(Array.from(spikes), c.spikes[s], `spikes ${where}`);
    }
  });
}

test('sign mode detection and weight truncation follow Lava', (t) => {
  t.is(determineSignMode([0, 3]), 'EXCITATORY');
  t.is(determineSignMode([0, -3]), 'INHIBITORY');
  t.is(determineSignMode([-1, 3]), 'MIXED');
  t.deepEqual(Array.from(effectiveWeights([121, -81, 300, -300], 'MIXED')), [120, -82, 254, -256]);
  t.deepEqual(Array.from(effectiveWeights([-5, 7], 'INHIBITORY', 6)), [-4, 0]);
});

test('out-of-range LIF parameters are ConfigErrors', (t) => {
  t.throws(() => new LoihiLif({ n: 1, du: 4096, dv: 0, vth: 1 }), { instanceOf: ConfigError, message: /du/ });
  t.throws(() => new LoihiLif({ n: 1, du: 0, dv: -1, vth: 1 }), { instanceOf: ConfigError, message: /dv/ });
  t.throws(() => new LoihiDense({ weights: [1, 2], nIn: 3, nOut: 1 }), { instanceOf: ConfigError });
});
