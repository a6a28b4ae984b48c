// SPDX-License-Identifier: MIT
/**
 * Monitors record what an engine does, per population: spikes (counts, optionally every
 * (step, index) event), chosen state variables of chosen neurons, and the population rate.
 * The engine calls `record` once per step, after the spikes of that step were delivered.
 */
import { invalidParam } from '../errors.js';
import type { NeuronState } from '../neurons/model.js';

export interface Monitor {
  readonly population: string;
  /** Called by the engine when a run starts: population size, steps about to run, dt in ms. */
  begin(size: number, steps: number, dt: number): void;
  record(step: number, spikes: Uint32Array, nSpikes: number, state: NeuronState | null): void;
}

/** Spike counts per neuron; with `record: true` also every spike as (step, index), in order. */
export class SpikeMonitor implements Monitor {
  readonly population: string;
  readonly recordEvents: boolean;
  counts = new Uint32Array(0);
  total = 0;
  private stepBuf: Uint32Array = new Uint32Array(1024);
  private indexBuf: Uint32Array = new Uint32Array(1024);

  constructor(population: string, opts: { record?: boolean } = {}) {
    this.population = population;
    this.recordEvents = opts.record ?? true;
  }

  begin(size: number): void {
    if (this.counts.length !== size) this.counts = new Uint32Array(size);
  }

  record(step: number, spikes: Uint32Array, n: number): void {
    const counts = this.counts;
    for (let k = 0; k < n; k++) counts[spikes[k]]++;
    if (this.recordEvents && n > 0) {
      if (this.total + n > this.stepBuf.length) {
        const cap = Math.max(2 * this.stepBuf.length, this.total + n);
        this.stepBuf = growTo(this.stepBuf, cap);
        this.indexBuf = growTo(this.indexBuf, cap);
      }
      this.stepBuf.fill(step, this.total, this.total + n);
      this.indexBuf.set(spikes.subarray(0, n), this.total);
    }
    this.total += n;
  }

  /** Step of every recorded spike (time = step * dt). */
  get steps(): Uint32Array {
    return this.stepBuf.subarray(0, this.recordEvents ? this.total : 0);
  }

  /** Neuron index of every recorded spike. */
  get indices(): Uint32Array {
    return this.indexBuf.subarray(0, this.recordEvents ? this.total : 0);
  }
}

/** Values of chosen state variables for chosen neurons, every `every` steps (after the update). */
export class StateMonitor implements Monitor {
  readonly population: string;
  readonly variables: string[];
  readonly neurons: number[];
  readonly every: number;
  /** values[variable][sample * neurons.length + k] */
  values: Record<string, Float64Array> = {};
  samples = 0;

  constructor(population: string, variables: string[], neurons: number[], opts: { every?: number } = {}) {
    const every = opts.every ?? 1;
    if (!Number.isInteger(every) || every < 1) throw invalidParam('StateMonitor', 'every', every, 'an integer >= 1');
    this.population = population;
    this.variables = variables;
    this.neurons = neurons;
    this.every = every;
  }

  begin(size: number, steps: number): void {
    for (const i of this.neurons) {
      if (!Number.isInteger(i) || i < 0 || i >= size) throw invalidParam('StateMonitor', 'neuron', i, `an index in 0..${size - 1}`);
    }
    const rows = Math.ceil(steps / this.every);
    for (const v of this.variables) {
      const old = this.values[v] ?? new Float64Array(0);
      const next = new Float64Array(old.length + rows * this.neurons.length);
      next.set(old);
      this.values[v] = next;
    }
  }

  record(step: number, _s: Uint32Array, _n: number, state: NeuronState | null): void {
    if (step % this.every !== 0 || !state) return;
    const at = this.samples * this.neurons.length;
    for (const v of this.variables) {
      const src = state[v];
      if (!src) throw invalidParam('StateMonitor', 'variable', v, `a state variable of '${this.population}': ${Object.keys(state).join(', ')}`);
      const dst = this.values[v];
      for (let k = 0; k < this.neurons.length; k++) dst[at + k] = src[this.neurons[k]];
    }
    this.samples++;
  }

  /** Recorded trace of one variable for the k-th monitored neuron. */
  trace(variable: string, k: number): Float64Array {
    const n = this.neurons.length;
    const out = new Float64Array(this.samples);
    for (let t = 0; t < this.samples; t++) out[t] = this.values[variable][t * n + k];
    return out;
  }
}

/** Population rate per step in Hz: spikes in the step / (size * dt). */
export class PopulationRateMonitor implements Monitor {
  readonly population: string;
  rate = new Float64Array(0);
  private scale = 0;
  private filled = 0;

  constructor(population: string) {
    this.population = population;
  }

  begin(size: number, steps: number, dt: number): void {
    this.scale = 1000 / (size * dt);
    const next = new Float64Array(this.filled + steps);
    next.set(this.rate.subarray(0, this.filled));
    this.rate = next;
  }

  record(_step: number, _s: Uint32Array, n: number): void {
    this.rate[this.filled++] = n * this.scale;
  }
}

function growTo(a: Uint32Array, cap: number): Uint32Array {
  const b = new Uint32Array(cap);
  b.set(a);
  return b;
}
