// SPDX-License-Identifier: MIT
/**
 * Event-driven CPU engine, the reference simulator. Per time step t:
 *   1. every neuron population advances one step with its model's float64 step (exact
 *      integration, threshold, reset, refractoriness) and lists the neurons that spiked;
 *      spike sources emit their spikes for step t;
 *   2. each spike is delivered along its CSR row (or dense row): cost ~ spikes x fan-out;
 *      delay 0 adds into the target receptor state at once (seen by the update of step t+1,
 *      Brian2's schedule), delay d > 0 goes through a ring buffer of maxDelay+1 slots and is
 *      added after the update of step t+d;
 *   3. monitors record.
 * State is structure-of-arrays Float64Array; weights are Float32 per synapse.
 */
import { MemoryLimitError, invalidParam } from '../errors.js';
import type { NeuronModel, NeuronState, WasmPopulation } from '../neurons/model.js';
import { getNeuronModel } from '../neurons/registry.js';
import { initialValue } from '../neurons/spec.js';
import { flushRing, maxDelaySteps, type DelayRing } from './delay-ring.js';
import type { Monitor } from './monitors.js';
import type { Network, Population, Projection } from './network.js';

/** How neuron populations are stepped: 'auto' uses a model's WebAssembly kernel where it has one. */
export type NeuronKernelChoice = 'auto' | 'js';

export interface EngineOptions {
  kernel?: NeuronKernelChoice;
}

export interface RunResult {
  /** Which engine ran: the event-driven float64 CPU reference. */
  backend: 'cpu-event';
  /** Neuron kernel per population: 'js-f64' (the float step) or the wasm kernel's name. */
  kernels: Record<string, string>;
  steps: number;
  /** Spikes emitted by neuron populations (sources not counted). */
  spikes: number;
  /** Spikes emitted by spike sources. */
  sourceSpikes: number;
  /** Synapses reached by delivered spikes (sum over spikes of the fan-out). */
  synapticEvents: number;
  /** Wall time of the simulation loop only, seconds. */
  runSeconds: number;
}

interface PopRuntime {
  pop: Population;
  model: NeuronModel | null;
  kernel: string;
  wasm: WasmPopulation | null;
  state: NeuronState | null;
  coeffs: Float64Array;
  spikes: Uint32Array;
  nSpikes: number;
  /** Ring buffers per receptor state variable (only where some projection has a delay > 0). */
  rings: Map<string, Ring>;
  monitors: Monitor[];
}

type Ring = DelayRing<Float64Array>;

export class EventDrivenEngine {
  readonly backend = 'cpu-event' as const;
  readonly net: Network;
  /** Steps run so far (the clock). */
  step = 0;
  private readonly pops = new Map<string, PopRuntime>();
  private readonly order: PopRuntime[] = [];

  constructor(net: Network, opts: EngineOptions = {}) {
    this.net = net;
    const choice = opts.kernel ?? 'auto';
    if (choice !== 'auto' && choice !== 'js') throw invalidParam('EventDrivenEngine', 'kernel', choice, "'auto' or 'js'");
    for (const pop of net.populations) {
      const model = pop.kind === 'neurons' ? getNeuronModel(pop.model) : null;
      const wasm = model && choice === 'auto' && model.createWasm ? model.createWasm(pop.size) : null;
      const rt: PopRuntime = {
        pop,
        model,
        kernel: wasm ? wasm.kernel : model ? 'js-f64' : 'source',
        wasm,
        state: wasm ? wasm.state : null,
        coeffs: model && pop.kind === 'neurons' ? model.coefficients(pop.params, net.dt) : new Float64Array(0),
        spikes: wasm ? wasm.spikes : new Uint32Array(pop.size),
        nSpikes: 0,
        rings: new Map(),
        monitors: [],
      };
      this.pops.set(pop.name, rt);
      this.order.push(rt);
    }
    this.reset();
    let ringBytes = 0;
    for (const proj of net.projections) {
      const maxDelay = maxDelaySteps(proj);
      const hasRing = (proj.format === 'csr' && proj.delay !== undefined) || maxDelay > 0;
      if (!hasRing) continue;
      const post = this.pops.get(proj.post)!;
      const varName = this.receptorVar(proj);
      const slots = maxDelay + 1;
      const old = post.rings.get(varName);
      if (old && old.slots >= slots) continue;
      ringBytes += 8 * slots * proj.nPost;
      if (ringBytes > net.memoryLimitBytes - net.synapseBytes) {
        throw new MemoryLimitError(`delay ring buffers of '${proj.post}' (${slots} slots)`, ringBytes, net.memoryLimitBytes - net.synapseBytes);
      }
      post.rings.set(varName, { target: post.state![varName], slots, buf: new Float64Array(slots * proj.nPost) });
    }
  }

  /** Puts every state variable back to its initial value, clears rings and restarts sources. */
  reset(): void {
    this.step = 0;
    for (const rt of this.order) {
      rt.nSpikes = 0;
      const pop = rt.pop;
      if (pop.kind === 'source') {
        pop.source.reset();
        continue;
      }
      const spec = rt.model!.spec;
      const state: NeuronState = rt.state ?? {};
      for (const name of Object.keys(spec.state)) {
        const arr = state[name] ?? new Float64Array(pop.size);
        const init = pop.init[name];
        if (init instanceof Float64Array) arr.set(init);
        else arr.fill(init ?? initialValue(spec, name, pop.params));
        state[name] = arr;
      }
      rt.state = state;
      for (const ring of rt.rings.values()) ring.buf.fill(0);
    }
  }

  /** The live state arrays of a neuron population (write to them to set inputs, e.g. iExt). */
  state(population: string): NeuronState {
    const rt = this.runtime(population);
    if (!rt.state) throw invalidParam('engine.state', 'population', population, 'a neuron population (not a spike source)');
    return rt.state;
  }

  addMonitor<M extends Monitor>(m: M): M {
    this.runtime(m.population).monitors.push(m);
    return m;
  }

  /** Runs `steps` time steps from the current clock. */
  run(steps: number): RunResult {
    if (!Number.isInteger(steps) || steps < 0) throw invalidParam('engine.run', 'steps', steps, 'an integer >= 0');
    for (const rt of this.order) for (const m of rt.monitors) m.begin(rt.pop.size, steps, this.net.dt);
    const deliveries = this.net.projections.map((proj) => this.delivery(proj));
    const ringOwners = this.order.filter((rt) => rt.rings.size > 0);
    // the wasm kernel skips reading an all-zero external input (nothing can change it mid-run)
    const hasInput = this.order.map((rt) => (rt.model ? rt.state![rt.model.spec.externalInput].some((x) => x !== 0) : false));
    for (const rt of this.order) rt.wasm?.sync();
    let spikes = 0;
    let sourceSpikes = 0;
    let events = 0;
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) {
      const t = this.step + s;
      for (let p = 0; p < this.order.length; p++) {
        const rt = this.order[p];
        if (rt.wasm) {
          rt.nSpikes = rt.wasm.step(rt.coeffs, hasInput[p]);
          spikes += rt.nSpikes;
        } else if (rt.model) {
          rt.nSpikes = rt.model.step(rt.state!, rt.pop.size, rt.coeffs, rt.spikes);
          spikes += rt.nSpikes;
        } else {
          rt.nSpikes = (rt.pop as Extract<Population, { kind: 'source' }>).source.emit(t, rt.spikes);
          sourceSpikes += rt.nSpikes;
        }
      }
      for (const d of deliveries) events += d(t);
      for (const rt of ringOwners) for (const ring of rt.rings.values()) flushRing(ring, t);
      for (const rt of this.order) {
        for (const m of rt.monitors) m.record(t, rt.spikes, rt.nSpikes, rt.state);
      }
    }
    const runSeconds = (performance.now() - t0) / 1000;
    this.step += steps;
    const kernels: Record<string, string> = {};
    for (const rt of this.order) kernels[rt.pop.name] = rt.kernel;
    return { backend: this.backend, kernels, steps, spikes, sourceSpikes, synapticEvents: events, runSeconds };
  }

  private runtime(name: string): PopRuntime {
    const rt = this.pops.get(name);
    if (!rt) this.net.population(name); // throws the standard "no population" error
    return rt!;
  }

  private receptorVar(proj: Projection): string {
    const post = this.pops.get(proj.post)!;
    return post.model!.spec.receptors[proj.receptor];
  }

  /** A closure that delivers this step's spikes of the projection's source; returns the events. */
  private delivery(proj: Projection): (t: number) => number {
    const pre = this.pops.get(proj.pre)!;
    const post = this.pops.get(proj.post)!;
    const varName = this.receptorVar(proj);
    const target = post.state![varName];
    const ring = post.rings.get(varName);
    const n = proj.nPost;
    if (proj.format === 'dense') {
      const w = proj.weight;
      const d = proj.delaySteps;
      return (t) => {
        const k = pre.nSpikes;
        const dst = d === 0 ? target : ringSlot(ring!, t + d, n);
        for (let q = 0; q < k; q++) {
          const row = pre.spikes[q] * n;
          for (let j = 0; j < n; j++) dst[j] += w[row + j];
        }
        return k * n;
      };
    }
    const { rowPtr, col, weight, delay } = proj;
    if (delay) {
      const r = ring!;
      return (t) => {
        const k = pre.nSpikes;
        const spikes = pre.spikes;
        const buf = r.buf;
        const slots = r.slots;
        const now = t % slots;
        let ev = 0;
        for (let q = 0; q < k; q++) {
          const i = spikes[q];
          const end = rowPtr[i + 1];
          for (let s = rowPtr[i]; s < end; s++) {
            let slot = now + delay[s]; // delay < slots, so one wrap at most
            if (slot >= slots) slot -= slots;
            buf[slot * n + col[s]] += weight[s];
          }
          ev += end - rowPtr[i];
        }
        return ev;
      };
    }
    const d = proj.delaySteps;
    return (t) => {
      const k = pre.nSpikes;
      const spikes = pre.spikes;
      const dst = d === 0 ? target : ringSlot(ring!, t + d, n);
      let ev = 0;
      for (let q = 0; q < k; q++) {
        const i = spikes[q];
        const end = rowPtr[i + 1];
        const begin = rowPtr[i];
        for (let s = begin; s < end; s++) dst[col[s]] += weight[s];
        ev += end - begin;
      }
      return ev;
    };
  }
}

function ringSlot(ring: Ring, t: number, n: number): Float64Array {
  const slot = t % ring.slots;
  return ring.buf.subarray(slot * n, slot * n + n);
}

/** Adds the slot due at step t into the receptor state and clears it. */

