// SPDX-License-Identifier: MIT
/**
 * Encoders turn data into network input: spike sources (Poisson rate code, latency code, an
 * explicit spike list) for `Network.addSource`, and a constant current for a neuron population's
 * external-input state (`iExt`). Each random source owns its seeded stream and restarts it on
 * `reset()`, so the same seed gives the same spikes on every run.
 */
import { invalidParam } from '../errors.js';
import type { SpikeSource } from './network.js';
import { Rng } from './rng.js';

/**
 * Poisson (Bernoulli per step) rate code: neuron i spikes in each step with probability
 * rate[i] * dt / 1000 (rates in Hz, dt in ms; rate * dt must stay <= 1000, one spike per step).
 */
export function poissonSource(rates: ArrayLike<number>, opts: { dt: number; seed: number }): SpikeSource {
  const n = rates.length;
  checkDt('poissonSource', opts.dt);
  const prob = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = rates[i];
    if (!Number.isFinite(r) || r < 0 || r * opts.dt > 1000) {
      throw invalidParam('poissonSource', `rates[${i}]`, r, `a rate in Hz, 0..${1000 / opts.dt} at dt = ${opts.dt} ms`);
    }
    prob[i] = (r * opts.dt) / 1000;
  }
  let rng = new Rng(opts.seed);
  return {
    kind: 'poisson',
    reset() {
      rng = new Rng(opts.seed);
    },
    emit(_step, out) {
      let k = 0;
      for (let i = 0; i < n; i++) if (rng.uniform() < prob[i]) out[k++] = i;
      return k;
    },
  };
}

/**
 * Latency code: each value x in [0, 1] above `threshold` fires one spike at
 * t = tMax * (1 - x) ms (strong inputs first), i.e. in step round(t / dt); others stay silent.
 */
export function latencySource(values: ArrayLike<number>, opts: { dt: number; tMax: number; threshold?: number }): SpikeSource {
  checkDt('latencySource', opts.dt);
  if (!(opts.tMax > 0) || !Number.isFinite(opts.tMax)) throw invalidParam('latencySource', 'tMax', opts.tMax, 'a time > 0 ms');
  const threshold = opts.threshold ?? 0;
  const steps: number[] = [];
  const indices: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!(x >= 0 && x <= 1)) throw invalidParam('latencySource', `values[${i}]`, x, 'a value in [0, 1]');
    if (x > threshold) {
      steps.push(Math.round((opts.tMax * (1 - x)) / opts.dt));
      indices.push(i);
    }
  }
  return spikeListSource(steps, indices, values.length);
}

/** Explicit spikes: neuron indices[m] fires in step steps[m]. */
export function spikeListSource(steps: ArrayLike<number>, indices: ArrayLike<number>, size: number): SpikeSource {
  if (steps.length !== indices.length) throw invalidParam('spikeListSource', 'indices', `length ${indices.length}`, `length ${steps.length} like steps`);
  const order = Array.from({ length: steps.length }, (_, m) => m);
  for (const m of order) {
    if (!Number.isInteger(steps[m]) || steps[m] < 0) throw invalidParam('spikeListSource', `steps[${m}]`, steps[m], 'an integer step >= 0');
    if (!Number.isInteger(indices[m]) || indices[m] < 0 || indices[m] >= size) throw invalidParam('spikeListSource', `indices[${m}]`, indices[m], `an index in 0..${size - 1}`);
  }
  order.sort((a, b) => steps[a] - steps[b] || indices[a] - indices[b]);
  const st = Uint32Array.from(order, (m) => steps[m]);
  const ix = Uint32Array.from(order, (m) => indices[m]);
  let next = 0;
  return {
    kind: 'spikeList',
    reset() {
      next = 0;
    },
    emit(step, out) {
      while (next < st.length && st[next] < step) next++;
      let k = 0;
      while (next < st.length && st[next] === step) {
        const i = ix[next++];
        if (k === 0 || out[k - 1] !== i) out[k++] = i; // one spike per neuron and step
      }
      return k;
    },
  };
}

/**
 * Constant-current code: iExt[i] = gain * values[i] (nA for LIF/IF), to be written into a
 * neuron population's external input (`init: { iExt }` or `engine.state(pop).iExt.set(...)`).
 */
export function constantCurrent(values: ArrayLike<number>, gain = 1): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = gain * values[i];
    if (!Number.isFinite(x)) throw invalidParam('constantCurrent', `values[${i}]`, values[i], 'a finite number');
    out[i] = x;
  }
  return out;
}

function checkDt(owner: string, dt: number): void {
  if (!(dt > 0) || !Number.isFinite(dt)) throw invalidParam(owner, 'dt', dt, 'a time step > 0 ms');
}
