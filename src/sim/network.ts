// SPDX-License-Identifier: MIT
/**
 * The network graph the engines run: populations (neurons of a registered model, or spike
 * sources) and projections between them, either sparse CSR or dense all-to-all.
 *
 * Layout decisions every engine relies on:
 * - CSR rows are PRESYNAPTIC neurons (an event-driven engine walks the row of each spike);
 *   per synapse a Uint32 target and a Float32 weight (8 bytes), plus a Uint16 delay in steps only
 *   when delays differ between synapses (10 bytes).
 * - Dense weights are pre-major `[pre][post]`: row k holds the outgoing weights of presynaptic
 *   neuron k, contiguous, so event-driven row adding and batched products share one layout.
 *   (The IR in src/export/ir.ts stores dense weights post-major; converters transpose.)
 * - A delay of d steps means a spike emitted in step t is added to the target's receptor state
 *   after the neuron update of step t + d; d = 0 is Brian2's "no delay" (seen by the next update).
 *
 * Memory for synapses is estimated before anything is allocated; a projection that would exceed
 * the network's budget raises MemoryLimitError with the bytes it would need.
 */
import os from 'node:os';
import { ConfigError, MemoryLimitError, invalidParam } from '../errors.js';
import { getNeuronModel } from '../neurons/registry.js';
import type { NeuronModelName, Params, Receptor } from '../neurons/spec.js';
import { resolveParams } from '../neurons/spec.js';
import type { Connectivity } from './connectivity.js';
import { Rng } from './rng.js';

/** A source of spikes with no dynamics of its own (encoders: Poisson, latency, list). */
export interface SpikeSource {
  readonly kind: string;
  /** Restarts the source (its random stream included), so repeated runs give identical spikes. */
  reset(): void;
  /** Writes the indices that spike in step `step` into `out` (room for `size`), returns how many. */
  emit(step: number, out: Uint32Array): number;
}

export interface NeuronPopulation {
  kind: 'neurons';
  name: string;
  size: number;
  model: NeuronModelName;
  /** Validated parameters with defaults filled in (shared by the whole population). */
  params: Params;
  /** Initial state overrides: a scalar for all neurons or one value per neuron. */
  init: Record<string, number | Float64Array>;
}

export interface SourcePopulation {
  kind: 'source';
  name: string;
  size: number;
  source: SpikeSource;
}

export type Population = NeuronPopulation | SourcePopulation;

interface ProjectionBase {
  name: string;
  pre: string;
  post: string;
  nPre: number;
  nPost: number;
  /** Which receptor (synaptic current) of the post population the weights are added to. */
  receptor: Receptor;
}

export interface CsrProjection extends ProjectionBase {
  format: 'csr';
  rowPtr: Uint32Array;
  col: Uint32Array;
  weight: Float32Array;
  /** Per-synapse delay in steps; absent means every synapse has `delaySteps`. */
  delay?: Uint16Array;
  delaySteps: number;
}

export interface DenseProjection extends ProjectionBase {
  format: 'dense';
  /** Pre-major [pre][post], length nPre * nPost. */
  weight: Float32Array;
  delaySteps: number;
}

export type Projection = CsrProjection | DenseProjection;

/** Weight of each new synapse: a constant, a function of (rng, pre, post), or one value per synapse. */
export type WeightInit = number | Float32Array | ((rng: Rng, pre: number, post: number) => number);
/** Delay in ms: uniform, or a function of (rng, pre, post). */
export type DelayInit = number | ((rng: Rng, pre: number, post: number) => number);

export interface NetworkOptions {
  /** Time step in ms. */
  dt: number;
  /** Seed of every random choice made while building (connectivity, weights, initial state). */
  seed?: number;
  /** Bytes the synapse arrays may take in total; default half of the machine's memory. */
  memoryLimitBytes?: number;
}

export const BYTES_PER_SYNAPSE = 8;
export const BYTES_PER_SYNAPSE_WITH_DELAY = 10;
const MAX_DELAY_STEPS = 0xffff;

export class Network {
  readonly dt: number;
  readonly seed: number;
  readonly rng: Rng;
  readonly memoryLimitBytes: number;
  readonly populations: Population[] = [];
  readonly projections: Projection[] = [];
  /** Bytes taken by synapse arrays so far. */
  synapseBytes = 0;

  constructor(opts: NetworkOptions) {
    if (!(opts.dt > 0) || !Number.isFinite(opts.dt)) throw invalidParam('Network', 'dt', opts.dt, 'a time step > 0 ms');
    this.dt = opts.dt;
    this.seed = opts.seed ?? 0;
    this.rng = new Rng(this.seed);
    this.memoryLimitBytes = opts.memoryLimitBytes ?? Math.floor(os.totalmem() / 2);
    if (!(this.memoryLimitBytes > 0)) {
      throw invalidParam('Network', 'memoryLimitBytes', opts.memoryLimitBytes, 'a number of bytes > 0');
    }
  }

  /** Adds `size` neurons of a registered model; parameters are validated and defaulted here. */
  addNeurons(
    name: string,
    size: number,
    model: NeuronModelName,
    params: Record<string, number> = {},
    init: Record<string, number | Float64Array> = {},
  ): NeuronPopulation {
    this.checkNewPopulation(name, size);
    const spec = getNeuronModel(model).spec;
    const resolved = resolveParams(spec, params);
    for (const [key, val] of Object.entries(init)) {
      if (!(key in spec.state)) throw invalidParam(name, `init.${key}`, key, `a state variable of ${model}: ${Object.keys(spec.state).join(', ')}`);
      if (typeof val === 'number' ? !Number.isFinite(val) : val.length !== size || val.some((x) => !Number.isFinite(x))) {
        throw invalidParam(name, `init.${key}`, typeof val === 'number' ? val : `array of length ${val.length}`, `finite values, ${size} of them`);
      }
    }
    const pop: NeuronPopulation = { kind: 'neurons', name, size, model, params: resolved, init: { ...init } };
    this.populations.push(pop);
    return pop;
  }

  /** Adds a population of spike sources (an encoder). */
  addSource(name: string, size: number, source: SpikeSource): SourcePopulation {
    this.checkNewPopulation(name, size);
    const pop: SourcePopulation = { kind: 'source', name, size, source };
    this.populations.push(pop);
    return pop;
  }

  population(name: string): Population {
    const p = this.populations.find((q) => q.name === name);
    if (!p) throw new ConfigError(`no population named '${name}' (have: ${this.populations.map((q) => q.name).join(', ') || 'none'})`);
    return p;
  }

  /**
   * Sparse projection. The synapse arrays are sized from `connectivity.estimate` and refused with
   * MemoryLimitError before allocation when they would not fit the budget.
   */
  connect(
    pre: string,
    post: string,
    opts: { connectivity: Connectivity; weight: WeightInit; receptor?: Receptor; delay?: DelayInit; name?: string },
  ): CsrProjection {
    const a = this.population(pre);
    const b = this.postPopulation(post);
    const receptor = this.checkReceptor(opts.receptor ?? 'exc');
    const name = opts.name ?? `${pre}->${post}#${this.projections.length}`;
    const perSynapseDelay = typeof opts.delay === 'function';
    const estimate = opts.connectivity.estimate(a.size, b.size);
    const bytes = estimate * (perSynapseDelay ? BYTES_PER_SYNAPSE_WITH_DELAY : BYTES_PER_SYNAPSE) + 4 * (a.size + 1);
    const budgetBefore = this.synapseBytes;
    this.reserve(`projection '${name}' (${estimate.toLocaleString('en-US')} synapses)`, bytes, estimate);
    try {
      const proj = this.buildCsr(name, a.size, b.size, a === b, receptor, pre, post, opts, estimate, perSynapseDelay);
      this.projections.push(proj);
      return proj;
    } catch (err) {
      this.synapseBytes = budgetBefore; // nothing of a refused projection stays counted
      throw err;
    }
  }

  private buildCsr(
    name: string,
    nPre: number,
    nPost: number,
    self: boolean,
    receptor: Receptor,
    pre: string,
    post: string,
    opts: { connectivity: Connectivity; weight: WeightInit; delay?: DelayInit },
    estimate: number,
    perSynapseDelay: boolean,
  ): CsrProjection {
    const rng = this.rng.fork(`projection:${name}`);
    const syn = opts.connectivity.build(nPre, nPost, rng, self);
    const count = syn.col.length;
    // keep the budget at what was built, not the upper estimate
    this.synapseBytes -= Math.max(0, estimate - count) * (perSynapseDelay ? BYTES_PER_SYNAPSE_WITH_DELAY : BYTES_PER_SYNAPSE);
    const weight = this.synapseWeights(name, syn.rowPtr, syn.col, opts.weight, rng, syn.weight);
    let delay: Uint16Array | undefined;
    let delaySteps = 0;
    if (syn.delayMs || perSynapseDelay) {
      delay = new Uint16Array(count);
      const f = opts.delay as ((r: Rng, i: number, j: number) => number) | undefined;
      forEachSynapse(syn.rowPtr, syn.col, (s, i, j) => {
        delay![s] = this.delayToSteps(name, syn.delayMs ? syn.delayMs[s] : f!(rng, i, j));
      });
      if (!perSynapseDelay) this.reserve(`delays of projection '${name}'`, 2 * count, count); // carried by the list, not in the estimate
    } else {
      delaySteps = this.delayToSteps(name, (opts.delay as number | undefined) ?? 0);
    }
    return { format: 'csr', name, pre, post, nPre, nPost, receptor, rowPtr: syn.rowPtr, col: syn.col, weight, delay, delaySteps };
  }

  /** Dense all-to-all projection with a pre-major [pre][post] weight matrix. */
  connectDense(
    pre: string,
    post: string,
    opts: { weight: WeightInit; receptor?: Receptor; delay?: number; name?: string },
  ): DenseProjection {
    const a = this.population(pre);
    const b = this.postPopulation(post);
    const receptor = this.checkReceptor(opts.receptor ?? 'exc');
    const name = opts.name ?? `${pre}->${post}#${this.projections.length}`;
    const count = a.size * b.size;
    this.reserve(`dense projection '${name}' (${a.size} x ${b.size})`, 4 * count, count);
    const rng = this.rng.fork(`projection:${name}`);
    let weight: Float32Array;
    if (opts.weight instanceof Float32Array) {
      if (opts.weight.length !== count) throw invalidParam(name, 'weight', `length ${opts.weight.length}`, `length ${count} (pre x post)`);
      weight = opts.weight;
    } else {
      weight = new Float32Array(count);
      const w = opts.weight;
      for (let i = 0, s = 0; i < a.size; i++) for (let j = 0; j < b.size; j++, s++) weight[s] = typeof w === 'number' ? w : w(rng, i, j);
      checkFinite(name, weight);
    }
    const proj: DenseProjection = {
      format: 'dense', name, pre, post, nPre: a.size, nPost: b.size, receptor, weight,
      delaySteps: this.delayToSteps(name, opts.delay ?? 0),
    };
    this.projections.push(proj);
    return proj;
  }

  /** Total synapse count (dense projections count every pair). */
  synapseCount(): number {
    let n = 0;
    for (const p of this.projections) n += p.format === 'csr' ? p.col.length : p.weight.length;
    return n;
  }

  private checkNewPopulation(name: string, size: number): void {
    if (typeof name !== 'string' || name === '') throw invalidParam('Network', 'population name', name, 'a non-empty string');
    if (this.populations.some((p) => p.name === name)) throw invalidParam('Network', 'population name', name, 'a name not used yet');
    if (!Number.isInteger(size) || size < 1 || size > 0x7fffffff) throw invalidParam(name, 'size', size, 'an integer >= 1');
  }

  private postPopulation(name: string): NeuronPopulation {
    const p = this.population(name);
    if (p.kind !== 'neurons') throw new ConfigError(`population '${name}' is a spike source and cannot receive synapses`);
    return p;
  }

  private checkReceptor(r: string): Receptor {
    if (r !== 'exc' && r !== 'inh') throw invalidParam('projection', 'receptor', r, "'exc' or 'inh'");
    return r;
  }

  private reserve(what: string, bytes: number, count: number): void {
    if (this.synapseBytes + bytes > this.memoryLimitBytes) {
      throw new MemoryLimitError(what, bytes, this.memoryLimitBytes - this.synapseBytes);
    }
    if (count > 0xffffffff) throw new ConfigError(`${what}: more than 2^32 synapses in one projection (Uint32 indices); split it`);
    this.synapseBytes += bytes;
  }

  private delayToSteps(owner: string, ms: number): number {
    const steps = Math.round(ms / this.dt);
    if (!Number.isFinite(ms) || ms < 0 || steps > MAX_DELAY_STEPS) {
      throw invalidParam(owner, 'delay', ms, `a delay in ms, 0..${MAX_DELAY_STEPS * this.dt}`);
    }
    return steps;
  }

  private synapseWeights(
    name: string,
    rowPtr: Uint32Array,
    col: Uint32Array,
    w: WeightInit,
    rng: Rng,
    fromBuilder?: Float32Array,
  ): Float32Array {
    if (fromBuilder) return fromBuilder;
    if (w instanceof Float32Array) {
      if (w.length !== col.length) throw invalidParam(name, 'weight', `length ${w.length}`, `one weight per synapse (${col.length})`);
      checkFinite(name, w);
      return w;
    }
    if (typeof w === 'number') {
      if (!Number.isFinite(w)) throw invalidParam(name, 'weight', w, 'a finite number');
      return new Float32Array(col.length).fill(w);
    }
    const out = new Float32Array(col.length);
    forEachSynapse(rowPtr, col, (s, i, j) => (out[s] = w(rng, i, j)));
    checkFinite(name, out);
    return out;
  }
}

function forEachSynapse(rowPtr: Uint32Array, col: Uint32Array, f: (s: number, pre: number, post: number) => void): void {
  for (let i = 0; i + 1 < rowPtr.length; i++) for (let s = rowPtr[i]; s < rowPtr[i + 1]; s++) f(s, i, col[s]);
}

function checkFinite(name: string, w: Float32Array): void {
  for (let s = 0; s < w.length; s++) if (!Number.isFinite(w[s])) throw invalidParam(name, `weight[${s}]`, w[s], 'a finite number');
}
