// SPDX-License-Identifier: MIT
/**
 * Batched engine: B independent copies of a `Network` (one per input sample) stepped in
 * lock-step. Same schedule as the event-driven engine (src/sim/engine.ts), per step t:
 *   1. every neuron population of every copy advances one step; spike sources emit, each copy
 *      from its own source (`inputs`), or all copies from the network's source;
 *   2. the spikes of copy b are delivered to copy b only; delay 0 is added at once (seen by the
 *      update of step t+1), delay d > 0 through a ring buffer and added after the update of t+d;
 *   3. spike counts (and, if asked, spike trains) are recorded per copy.
 *
 * State: one Float32Array of B * N per state variable, copy-major (element b * N + i), so a
 * B-copy population is stepped as one population of B * N neurons.
 *
 * Backends (chosen as in `backends/gpu.ts`; the one that ran is in every result):
 * - 'cpu-js': the model's reference step runs over the float32 arrays (intermediates in float64,
 *   state rounded to float32 each step); delivery adds weight rows of the copies' spikes (fused
 *   row adds for dense projections, CSR row walks otherwise);
 * - a gpu.js mode: neuron updates run the model's kernel bodies (`neurons/<model>/gpu.ts`),
 *   dense delay-0 projections run the `accumulateInput` kernel; CSR projections and delayed
 *   delivery stay on the CPU (a scatter, which gather-style kernels cannot express cheaply).
 *   The engine steps synchronously, so WebGPU (asynchronous in gpu.js) is not among its
 *   backends; the batched ops reach it through `createAsyncOps`.
 *
 * Agreement with the event-driven engine: float32 state vs float64. Spike trains are identical as
 * long as no membrane potential lands within float32 rounding (~1e-6 relative) of the threshold;
 * test/sim/batched-engine.test.ts checks identical spike trains plus final membrane potentials
 * within 0.01 mV (1e-4 of a 100 mV range) on inputs where that holds.
 */
import type { IKernelRunShortcut, KernelFunction } from 'gpu.js';
import { ConfigError, MemoryLimitError, invalidParam } from '../../errors.js';
import type { NeuronModel, NeuronState } from '../../neurons/model.js';
import { getNeuronModel } from '../../neurons/registry.js';
import { initialValue } from '../../neurons/spec.js';
import { LIF_C } from '../../neurons/lif/index.js';
import { IF_C } from '../../neurons/if/index.js';
import { IZH_C } from '../../neurons/izhikevich/index.js';
import { GpuKernels, backendInfo, type BackendInfo } from '../backends/gpu.js';
import { getImpl, registerImpl } from '../backends/registry.js';
import { flushRing, maxDelaySteps, type DelayRing } from '../delay-ring.js';
import type { Network, Population, Projection, SpikeSource } from '../network.js';
import { addRows } from './ops.js';
import { accumulateInputKernel } from './kernels.js';

/** Float32 structure-of-arrays state of B copies of a population (length B * N each). */
export type BatchedState = Record<string, Float32Array>;

export interface BatchedEngineOptions {
  /** Number of copies. */
  batch: number;
  /** 'auto' | 'cpu' | 'gpu' | 'webasm' | 'gpujs-cpu' | 'wasm-simd' (engine: plain JS); default env FFSNN_BACKEND, else 'auto'. */
  backend?: string;
  /** Populations whose per-copy spike trains are recorded (counts are always kept). */
  record?: string[];
}

/** One copy's spike train of one population: spike k is neuron index[k] at step steps[k]. */
export interface SpikeTrain {
  steps: number[];
  index: number[];
}

export interface BatchedRunResult {
  /** What ran the neuron updates: 'cpu-js' or the gpu.js mode the kernels report. */
  backend: string;
  batch: number;
  steps: number;
  /** Spikes of neuron populations, all copies. */
  spikes: number;
  sourceSpikes: number;
  /** Synapses reached by delivered spikes, all copies. */
  synapticEvents: number;
  /** Wall time of the simulation loop only, seconds. */
  runSeconds: number;
}

interface PopRt {
  pop: Population;
  model: NeuronModel | null;
  state: BatchedState | null;
  coeffs: Float64Array;
  coeffs32: Float32Array;
  /** Global spike indices (b * N + i) of this step, ascending. */
  spikes: Uint32Array;
  nSpikes: number;
  /** 0/1 spike vector of this step, kept only when a kernel consumes it. */
  spikeVec: Float32Array | null;
  counts: Uint32Array;
  trains: SpikeTrain[] | null;
  rings: Map<string, Ring>;
}

/** buf is [slot][b * N + j]. */
type Ring = DelayRing<Float32Array>;

/** One step of a model on the kernel path: named kernels, then state writes. */
type KernelPlan = (run: (name: string, fn: KernelFunction, args: unknown[], types: string[]) => Float32Array, s: BatchedState, c: Float32Array) => Float32Array;

/** Steps a LIF or IF population: integrate, threshold, reset, refractory, decay (their gpu.ts). */
function integrateAndFirePlan(k: Record<string, KernelFunction>, ix: { vTh: number; vReset: number; refr: number; de: number; di: number }): KernelPlan {
  return (run, s, c) => {
    const vNew = run('integrate', k.integrate, [s.v, s.ge, s.gi, s.refr, s.iExt, c], ['Array', 'Array', 'Array', 'Array', 'Array', 'Array']);
    const spike = run('threshold', k.threshold, [vNew, s.refr, c[ix.vTh]], ['Array', 'Array', 'Float']);
    s.v.set(run('reset', k.reset, [vNew, spike, c[ix.vReset]], ['Array', 'Array', 'Float']));
    s.refr.set(run('refractory', k.refractory, [s.refr, spike, c[ix.refr]], ['Array', 'Array', 'Float']));
    s.ge.set(run('decayE', k.decay, [s.ge, c[ix.de]], ['Array', 'Float']));
    s.gi.set(run('decayI', k.decay, [s.gi, c[ix.di]], ['Array', 'Float']));
    return spike;
  };
}

/** Steps an Izhikevich population in the order of izhikevich/gpu.ts (layout IZH_C). */
function izhikevichPlan(k: Record<string, KernelFunction>): KernelPlan {
  return (run, s, c) => {
    const vNew = run('voltage', k.voltage, [s.v, s.u, s.ge, s.gi, s.iExt, c], ['Array', 'Array', 'Array', 'Array', 'Array', 'Array']);
    const uNew = run('recovery', k.recovery, [vNew, s.u, c], ['Array', 'Array', 'Array']);
    const spike = run('spike', k.spike, [vNew, c[IZH_C.vPeak]], ['Array', 'Float']);
    s.v.set(run('reset', k.reset, [vNew, spike, c[IZH_C.c]], ['Array', 'Array', 'Float']));
    s.u.set(run('recoveryReset', k.recoveryReset, [uNew, spike, c[IZH_C.d]], ['Array', 'Array', 'Float']));
    s.ge.set(run('decayE', k.decay, [s.ge, c[IZH_C.de]], ['Array', 'Float']));
    s.gi.set(run('decayI', k.decay, [s.gi, c[IZH_C.di]], ['Array', 'Float']));
    return spike;
  };
}

type PlanFactory = (kernels: Record<string, KernelFunction>) => KernelPlan;
// Kernel plans per model (explicit list); the plain path needs no entry, it runs every model's
// reference step.
registerImpl('LIF', 'gpujs', 'float', ((k) => integrateAndFirePlan(k, LIF_C)) as PlanFactory);
registerImpl('IF', 'gpujs', 'float', ((k) => integrateAndFirePlan(k, IF_C)) as PlanFactory);
registerImpl('Izhikevich', 'gpujs', 'float', izhikevichPlan as PlanFactory);

function planFor(model: NeuronModel): KernelPlan {
  return getImpl<PlanFactory>(model.spec.name, 'gpujs')(model.kernels as unknown as Record<string, KernelFunction>);
}

export class BatchedEngine {
  readonly net: Network;
  readonly batch: number;
  /** Why this backend was chosen. */
  readonly info: BackendInfo;
  /** Steps run since the last reset. */
  step = 0;
  private readonly gk: GpuKernels | null;
  private backendRan: string;
  private readonly pops = new Map<string, PopRt>();
  private readonly order: PopRt[] = [];
  private inputs = new Map<string, SpikeSource[]>();
  private readonly plans = new Map<PopRt, KernelPlan>();
  private readonly emitBuf: Uint32Array;

  private constructor(net: Network, opts: BatchedEngineOptions, info: BackendInfo, gk: GpuKernels | null) {
    this.net = net;
    this.batch = opts.batch;
    this.info = info;
    this.gk = gk;
    this.backendRan = gk ? info.chosen : 'cpu-js'; // 'wasm-simd' has no engine kernels: plain JS runs
    const B = opts.batch;
    const record = new Set(opts.record ?? []);
    for (const name of record) net.population(name); // throws on an unknown name
    let maxSize = 1;
    const usesKernelInput = new Set(gk ? net.projections.filter((p) => p.format === 'dense' && p.delaySteps === 0).map((p) => p.pre) : []);
    for (const pop of net.populations) {
      maxSize = Math.max(maxSize, pop.size);
      const model = pop.kind === 'neurons' ? getNeuronModel(pop.model) : null;
      const coeffs = model && pop.kind === 'neurons' ? model.coefficients(pop.params, net.dt) : new Float64Array(0);
      const rt: PopRt = {
        pop,
        model,
        state: null,
        coeffs,
        coeffs32: Float32Array.from(coeffs),
        spikes: new Uint32Array(B * pop.size),
        nSpikes: 0,
        spikeVec: usesKernelInput.has(pop.name) ? new Float32Array(B * pop.size) : null,
        counts: new Uint32Array(B * pop.size),
        trains: record.has(pop.name) ? [] : null,
        rings: new Map(),
      };
      this.pops.set(pop.name, rt);
      this.order.push(rt);
      if (gk && model) this.plans.set(rt, planFor(model));
    }
    this.emitBuf = new Uint32Array(maxSize);
    this.allocateState();
    for (const proj of net.projections) {
      const maxDelay = maxDelaySteps(proj);
      if (!((proj.format === 'csr' && proj.delay !== undefined) || maxDelay > 0)) continue;
      const post = this.pops.get(proj.post)!;
      const varName = receptorVar(post, proj);
      const slots = maxDelay + 1;
      const old = post.rings.get(varName);
      if (old && old.slots >= slots) continue;
      post.rings.set(varName, { target: post.state![varName], slots, buf: new Float32Array(slots * B * proj.nPost) });
    }
    this.reset();
  }

  /**
   * Builds the engine: B copies of `net` on the backend chosen by `opts.backend` (or
   * FFSNN_BACKEND, else auto).
   * @throws ConfigError on a bad batch size; NoImplementationError when a model has no kernel
   *   path on a gpu.js backend; BackendUnavailableError when a forced backend cannot start.
   */
  static async create(net: Network, opts: BatchedEngineOptions): Promise<BatchedEngine> {
    if (!Number.isInteger(opts.batch) || opts.batch < 1) throw invalidParam('BatchedEngine', 'batch', opts.batch, 'an integer >= 1');
    // float32 state variables, spike indices and counts per copy and neuron, checked before allocating
    let bytes = 0;
    for (const p of net.populations) {
      const vars = p.kind === 'neurons' ? Object.keys(getNeuronModel(p.model).spec.state).length : 0;
      bytes += 4 * opts.batch * p.size * (vars + 3);
    }
    const available = net.memoryLimitBytes - net.synapseBytes;
    if (bytes > available) throw new MemoryLimitError(`batched engine state for ${opts.batch} copies`, bytes, available);
    const info = await backendInfo(opts.backend);
    const gk = info.chosen === 'cpu-js' || info.chosen === 'wasm-simd' ? null : await GpuKernels.open(info.chosen);
    return new BatchedEngine(net, opts, info, gk);
  }

  /** What ran (or will run) the neuron updates: 'cpu-js' or the gpu.js mode kernels report. */
  get backend(): string {
    return this.backendRan;
  }

  /**
   * Per-copy spike sources for source populations: `inputs[name][b]` drives copy b. Sources not
   * given here drive every copy with the network's own source. Resets the engine (step 0).
   */
  setInputs(inputs: Record<string, SpikeSource[]>): void {
    const next = new Map<string, SpikeSource[]>();
    for (const [name, list] of Object.entries(inputs)) {
      const rt = this.runtime(name);
      if (rt.pop.kind !== 'source') throw invalidParam('BatchedEngine.setInputs', name, name, 'the name of a spike-source population');
      if (!Array.isArray(list) || list.length !== this.batch) {
        throw invalidParam('BatchedEngine.setInputs', name, Array.isArray(list) ? `${list.length} sources` : list, `${this.batch} spike sources (one per copy)`);
      }
      next.set(name, list);
    }
    this.inputs = next;
    this.reset();
  }

  /** Back to the initial state: neurons, rings, sources, counts and trains. */
  reset(): void {
    this.step = 0;
    for (const rt of this.order) {
      rt.nSpikes = 0;
      rt.counts.fill(0);
      if (rt.trains) rt.trains = Array.from({ length: this.batch }, () => ({ steps: [], index: [] }));
      if (rt.pop.kind === 'source') {
        const own = this.inputs.get(rt.pop.name);
        if (own) for (const s of own) s.reset();
        else rt.pop.source.reset();
        continue;
      }
      const pop = rt.pop;
      const spec = rt.model!.spec;
      for (const name of Object.keys(spec.state)) {
        const arr = rt.state![name];
        const init = pop.init[name];
        if (init instanceof Float64Array) for (let b = 0; b < this.batch; b++) arr.set(init, b * pop.size);
        else arr.fill(init ?? initialValue(spec, name, pop.params));
      }
      for (const ring of rt.rings.values()) ring.buf.fill(0);
    }
  }

  /** Live state of all copies of a neuron population (e.g. write iExt per copy). */
  state(population: string): BatchedState {
    const rt = this.runtime(population);
    if (!rt.state) throw invalidParam('BatchedEngine.state', 'population', population, 'a neuron population (not a spike source)');
    return rt.state;
  }

  /** Spike counts per copy and neuron since the last reset, [B][N]. */
  counts(population: string): Uint32Array {
    return this.runtime(population).counts;
  }

  /** Recorded spike trains, one per copy (populations named in `record`). */
  trains(population: string): SpikeTrain[] {
    const rt = this.runtime(population);
    if (!rt.trains) throw new ConfigError(`population '${population}' was not in the engine's 'record' list`);
    return rt.trains;
  }

  /** Runs `steps` steps of all copies. */
  run(steps: number): BatchedRunResult {
    if (!Number.isInteger(steps) || steps < 0) throw invalidParam('BatchedEngine.run', 'steps', steps, 'an integer >= 0');
    const deliveries = this.net.projections.map((p) => this.delivery(p));
    const ringOwners = this.order.filter((rt) => rt.rings.size > 0);
    let spikes = 0, sourceSpikes = 0, events = 0;
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) {
      const t = this.step + s;
      for (const rt of this.order) {
        if (rt.model) {
          this.updateNeurons(rt);
          spikes += rt.nSpikes;
        } else {
          this.emitSources(rt, t);
          sourceSpikes += rt.nSpikes;
        }
        this.record(rt, t);
      }
      for (const d of deliveries) events += d(t);
      for (const rt of ringOwners) for (const ring of rt.rings.values()) flushRing(ring, t);
    }
    this.step += steps;
    return {
      backend: this.backendRan, batch: this.batch, steps, spikes, sourceSpikes, synapticEvents: events,
      runSeconds: (performance.now() - t0) / 1000,
    };
  }

  /** Releases gpu.js kernels (no-op on the plain path). */
  async dispose(): Promise<void> {
    await this.gk?.dispose();
  }

  private allocateState(): void {
    for (const rt of this.order) {
      if (!rt.model) continue;
      const st: BatchedState = {};
      for (const name of Object.keys(rt.model.spec.state)) st[name] = new Float32Array(this.batch * rt.pop.size);
      rt.state = st;
    }
  }

  private updateNeurons(rt: PopRt): void {
    const len = this.batch * rt.pop.size;
    const plan = this.plans.get(rt);
    if (!plan) {
      // the float64 reference step is elementwise over typed arrays; here it runs over float32 storage
      rt.nSpikes = rt.model!.step(rt.state as unknown as NeuronState, len, rt.coeffs, rt.spikes);
      if (rt.spikeVec) {
        rt.spikeVec.fill(0);
        for (let q = 0; q < rt.nSpikes; q++) rt.spikeVec[rt.spikes[q]] = 1;
      }
      return;
    }
    const name = rt.pop.name;
    const spike = plan(
      (kname, fn, args, types) => {
        const k = this.gk!.kernel(`${name}:${kname}:${len}`, fn, { output: [len], argumentTypes: types } as never);
        const out = (k as unknown as (...a: unknown[]) => Float32Array)(...args);
        this.confirmMode(k);
        return out;
      },
      rt.state!,
      rt.coeffs32,
    );
    let n = 0;
    for (let i = 0; i < len; i++) if (spike[i] > 0) rt.spikes[n++] = i;
    rt.nSpikes = n;
    if (rt.spikeVec) rt.spikeVec.set(spike);
  }

  private confirmMode(k: IKernelRunShortcut): void {
    if (this.backendRan === this.info.chosen) this.backendRan = GpuKernels.modeOf(k);
  }

  private emitSources(rt: PopRt, t: number): void {
    const N = rt.pop.size;
    const own = this.inputs.get(rt.pop.name);
    const buf = this.emitBuf;
    let n = 0;
    if (own) {
      for (let b = 0; b < this.batch; b++) {
        const k = own[b].emit(t, buf);
        for (let q = 0; q < k; q++) rt.spikes[n++] = b * N + buf[q];
      }
    } else {
      const k = (rt.pop as Extract<Population, { kind: 'source' }>).source.emit(t, buf);
      for (let b = 0; b < this.batch; b++) for (let q = 0; q < k; q++) rt.spikes[n++] = b * N + buf[q];
    }
    rt.nSpikes = n;
    if (rt.spikeVec) {
      rt.spikeVec.fill(0);
      for (let q = 0; q < n; q++) rt.spikeVec[rt.spikes[q]] = 1;
    }
  }

  private record(rt: PopRt, t: number): void {
    const N = rt.pop.size;
    for (let q = 0; q < rt.nSpikes; q++) {
      const g = rt.spikes[q];
      rt.counts[g]++;
      if (rt.trains) {
        const b = Math.floor(g / N);
        rt.trains[b].steps.push(t);
        rt.trains[b].index.push(g - b * N);
      }
    }
  }

  private runtime(name: string): PopRt {
    const rt = this.pops.get(name);
    if (!rt) this.net.population(name); // throws the standard "no population" error
    return rt!;
  }

  /** A closure delivering this step's spikes of the projection, copy by copy; returns events. */
  private delivery(proj: Projection): (t: number) => number {
    const B = this.batch;
    const pre = this.pops.get(proj.pre)!;
    const post = this.pops.get(proj.post)!;
    const varName = receptorVar(post, proj);
    const target = post.state![varName];
    const ring = post.rings.get(varName);
    const nPre = proj.nPre, n = proj.nPost;
    const slotOf = (t: number) => ring!.buf.subarray((t % ring!.slots) * B * n, ((t % ring!.slots) + 1) * B * n);
    if (proj.format === 'dense') {
      const w = proj.weight;
      const d = proj.delaySteps;
      if (this.gk && d === 0) {
        const k = this.gk.kernel(`dense:${proj.name}:${B}`, accumulateInputKernel as KernelFunction, {
          output: [B * n], argumentTypes: { x: 'Array', W: 'Array', out: 'Array' }, constants: { nIn: nPre, nOut: n },
        } as never);
        return () => {
          if (pre.nSpikes === 0) return 0;
          target.set((k as unknown as (...a: unknown[]) => Float32Array)(pre.spikeVec, w, target));
          return pre.nSpikes * n;
        };
      }
      const idx = new Int32Array(nPre), val = new Float64Array(nPre).fill(1);
      return (t) => {
        const dst = d === 0 ? target : slotOf(t + d);
        const spikes = pre.spikes, k = pre.nSpikes;
        let q = 0;
        while (q < k) {
          const b = Math.floor(spikes[q] / nPre);
          let m = 0;
          for (; q < k && spikes[q] < (b + 1) * nPre; q++) idx[m++] = (spikes[q] - b * nPre) * n;
          addRows(dst, b * n, w, idx, val, m, n);
        }
        return k * n;
      };
    }
    const { rowPtr, col, weight, delay } = proj;
    if (delay) {
      const r = ring!;
      return (t) => {
        const spikes = pre.spikes, k = pre.nSpikes, slots = r.slots, buf = r.buf;
        let ev = 0;
        for (let q = 0; q < k; q++) {
          const b = Math.floor(spikes[q] / nPre);
          const i = spikes[q] - b * nPre;
          const end = rowPtr[i + 1];
          for (let s = rowPtr[i]; s < end; s++) buf[((t + delay[s]) % slots) * B * n + b * n + col[s]] += weight[s];
          ev += end - rowPtr[i];
        }
        return ev;
      };
    }
    const d = proj.delaySteps;
    return (t) => {
      const dst = d === 0 ? target : slotOf(t + d);
      const spikes = pre.spikes, k = pre.nSpikes;
      let ev = 0;
      for (let q = 0; q < k; q++) {
        const b = Math.floor(spikes[q] / nPre);
        const i = spikes[q] - b * nPre;
        const base = b * n, end = rowPtr[i + 1], begin = rowPtr[i];
        for (let s = begin; s < end; s++) dst[base + col[s]] += weight[s];
        ev += end - begin;
      }
      return ev;
    };
  }
}

function receptorVar(post: PopRt, proj: Projection): string {
  return post.model!.spec.receptors[proj.receptor];
}

/** Adds the slot due at step t (all copies) into the receptor state and clears it. */

