// SPDX-License-Identifier: MIT
/**
 * A small float64 simulator of the IR's semantics, used to check exports and imports (round trips),
 * to count spikes and synaptic events for energy estimates, and as the float baseline of the
 * quantised evaluation. It steps the core neuron models (src/neurons registry: LIF, IF, Izhikevich)
 * with their own float steps, plus the IR-only `CubaLIF` (NIR semantics, see ir.ts) and `ReLU`
 * (rate networks, dt = 0: one forward pass).
 *
 * Timing (the core engine's schedule, and Loihi's one-step latency): a spike emitted in step t
 * through a projection of delay d is added to the post population's receptor after the update of
 * step t+d, i.e. it is first seen by the update of step t+d+1. A projection's `bias` is added to the
 * receptor every step. `mixed` projections drive the excitatory receptor (weights carry their sign).
 */
import { ConfigError, NoImplementationError, invalidParam } from '../errors.js';
import type { NeuronModel, NeuronState } from '../neurons/model.js';
import { getNeuronModel } from '../neurons/registry.js';
import { initialValue, resolveParams } from '../neurons/spec.js';
import type { NetworkIR, PopulationIR, ProjectionIR } from './ir.js';

export interface SimResult {
  steps: number;
  /** Spike counts per neuron (spiking populations) or summed activity (inputs, non-spiking), per population. */
  counts: Record<string, Float64Array>;
  /** Per population, per step, the indices that spiked (only when `record` was set). */
  raster?: Record<string, number[][]>;
  /** Spikes emitted by non-input populations. */
  spikes: number;
  /** Input spikes (or non-zero input values) presented. */
  inputEvents: number;
  /** Synapses reached by delivered events (non-zero weights only). */
  synapticEvents: number;
  /** Neuron updates (non-input neurons x steps). */
  neuronUpdates: number;
}

/** Input of one step: one array per input population (or a single array for a single input). */
export type StepInput = ArrayLike<number> | Record<string, ArrayLike<number>>;

/** Returns the scalar value of a parameter that must be shared by the population. */
export function sharedParam(pop: PopulationIR, key: string): number | undefined {
  const v = pop.params[key];
  if (v === undefined || typeof v === 'number') return v;
  for (let k = 1; k < v.length; k++)
    if (v[k] !== v[0]) throw invalidParam(`population '${pop.name}'`, key, `per-neuron values`, `one value shared by the population`);
  return v[0];
}

/** A parameter as a per-neuron array (scalars broadcast). */
export function perNeuron(pop: PopulationIR, key: string, fallback: number): Float64Array {
  const v = pop.params[key];
  if (v === undefined) return new Float64Array(pop.size).fill(fallback);
  if (typeof v === 'number') return new Float64Array(pop.size).fill(v);
  if (v.length !== pop.size) throw invalidParam(`population '${pop.name}'`, key, `${v.length} values`, `${pop.size} (the population size)`);
  return Float64Array.from(v);
}

interface Runner {
  pop: PopulationIR;
  /** Receptor buffers: input accumulated for the next update, by receptor. */
  exc: Float64Array;
  inh: Float64Array;
  /** Analog output (non-spiking populations): the value each neuron sends, read after `step`. */
  analog?: Float64Array;
  step(t: number, out: number[]): void;
}

function registryRunner(pop: PopulationIR, dt: number): Runner {
  let model: NeuronModel;
  try {
    model = getNeuronModel(pop.model);
  } catch {
    throw new NoImplementationError(`IR model '${pop.model}' of population '${pop.name}' in the IR simulator`, ['LIF', 'IF', 'Izhikevich', 'CubaLIF', 'ReLU']);
  }
  const given: Record<string, number> = {};
  for (const key of Object.keys(pop.params)) given[key] = sharedParam(pop, key)!;
  const p = resolveParams(model.spec, given);
  const c = model.coefficients(p, dt);
  const state: NeuronState = {};
  for (const name of Object.keys(model.spec.state)) state[name] = new Float64Array(pop.size).fill(initialValue(model.spec, name, p));
  const exc = state[model.spec.receptors.exc];
  const inh = state[model.spec.receptors.inh];
  const spikes = new Uint32Array(pop.size);
  return {
    pop,
    exc,
    inh,
    step(_t, out) {
      const k = model.step(state, pop.size, c, spikes);
      for (let i = 0; i < k; i++) out.push(spikes[i]);
    },
  };
}

function cubaRunner(pop: PopulationIR, dt: number): Runner {
  const n = pop.size;
  const tauSyn = perNeuron(pop, 'tauSyn', 0);
  const tauMem = perNeuron(pop, 'tauMem', 0);
  const r = perNeuron(pop, 'r', 1);
  const vLeak = perNeuron(pop, 'vLeak', 0);
  const vTh = perNeuron(pop, 'vTh', 1);
  const vReset = perNeuron(pop, 'vReset', 0);
  const wIn = perNeuron(pop, 'wIn', 1);
  const spiking = sharedParam(pop, 'spiking') ?? 1;
  const memoryless = sharedParam(pop, 'memoryless') ?? 0;
  const I = new Float64Array(n);
  const v = Float64Array.from(vLeak);
  const x = new Float64Array(n);
  return {
    pop,
    exc: x,
    inh: x,
    analog: spiking ? undefined : v,
    step(_t, out) {
      for (let j = 0; j < n; j++) {
        I[j] = tauSyn[j] > 0 ? I[j] + (dt / tauSyn[j]) * (-I[j] + wIn[j] * x[j]) : x[j];
        const v0 = memoryless ? 0 : v[j];
        v[j] = tauMem[j] > 0 ? v0 + (dt / tauMem[j]) * (vLeak[j] - v0 + r[j] * I[j]) : v0 + r[j] * I[j];
        x[j] = 0;
        if (!spiking) {
          if (v[j] !== 0) out.push(j);
        } else if (v[j] > vTh[j]) {
          v[j] = vReset[j];
          out.push(j);
        }
      }
    },
  };
}

/** Iterates the synapses of presynaptic neuron i: calls f(post, weight, delay). */
function forEachSynapse(proj: ProjectionIR, nPre: number, nPost: number, i: number, f: (j: number, w: number, d: number) => void): void {
  const w = proj.weights;
  if (w.format === 'dense') {
    for (let j = 0; j < nPost; j++) {
      const x = w.weight[j * nPre + i];
      if (x !== 0) f(j, x, proj.delaySteps);
    }
  } else {
    for (let s = w.rowPtr[i]; s < w.rowPtr[i + 1]; s++) if (w.weight[s] !== 0) f(w.col[s], w.weight[s], w.delay ? w.delay[s] : proj.delaySteps);
  }
}

function maxDelay(proj: ProjectionIR): number {
  const w = proj.weights;
  if (w.format === 'csr' && w.delay) return w.delay.reduce((a, b) => Math.max(a, b), 0);
  return proj.delaySteps;
}

/** Checks the structural invariants the simulator, mapper and exporters rely on. */
export function checkNetwork(net: NetworkIR): Map<string, PopulationIR> {
  const pops = new Map<string, PopulationIR>();
  for (const p of net.populations) {
    if (pops.has(p.name)) throw new ConfigError(`network: population name '${p.name}' is used twice`);
    if (!Number.isInteger(p.size) || p.size < 1) throw invalidParam(`population '${p.name}'`, 'size', p.size, 'an integer >= 1');
    pops.set(p.name, p);
  }
  for (const pr of net.projections) {
    const a = pops.get(pr.pre);
    const b = pops.get(pr.post);
    if (!a || !b) throw new ConfigError(`projection '${pr.name}': unknown population '${!a ? pr.pre : pr.post}'`);
    if (b.model === 'Input') throw new ConfigError(`projection '${pr.name}': targets input population '${b.name}'`);
    if (pr.weights.format === 'dense' && pr.weights.weight.length !== a.size * b.size)
      throw invalidParam(`projection '${pr.name}'`, 'weights', `${pr.weights.weight.length} values`, `${b.size} x ${a.size} (post x pre)`);
    if (pr.weights.format === 'csr' && pr.weights.rowPtr.length !== a.size + 1)
      throw invalidParam(`projection '${pr.name}'`, 'rowPtr', `${pr.weights.rowPtr.length} entries`, `${a.size + 1} (pre size + 1)`);
    if (!Number.isInteger(pr.delaySteps) || pr.delaySteps < 0) throw invalidParam(`projection '${pr.name}'`, 'delaySteps', pr.delaySteps, 'an integer >= 0');
    if (pr.bias && pr.bias.length !== b.size) throw invalidParam(`projection '${pr.name}'`, 'bias', `${pr.bias.length} values`, `${b.size}`);
  }
  for (const name of [...net.inputs, ...net.outputs]) if (!pops.has(name)) throw new ConfigError(`network: input/output '${name}' is not a population`);
  return pops;
}

/**
 * Runs a spiking network for `steps` steps; `input(t)` gives the input populations' values at step t.
 * `sameStep`: a zero-delay projection into a population later in the population order delivers
 * within the step (how snnTorch, Norse and NIRTorch run a NIR graph: layer by layer in one step);
 * recurrent and backward projections keep their one step.
 */
export function simulateIR(net: NetworkIR, steps: number, input: (t: number) => StepInput, opts: { record?: boolean; sameStep?: boolean } = {}): SimResult {
  const pops = checkNetwork(net);
  if (!(net.dt > 0)) throw invalidParam('network', 'dt', net.dt, 'a time step > 0 ms for a spiking simulation (use forwardRate for dt = 0)');
  const runners = new Map<string, Runner>();
  for (const p of net.populations) {
    if (p.model === 'Input') continue;
    runners.set(p.name, p.model === 'CubaLIF' ? cubaRunner(p, net.dt) : registryRunner(p, net.dt));
  }
  // Pending input per receptor buffer, one slot per future step.
  const slots = 2 + Math.max(0, ...net.projections.map(maxDelay));
  const pending = new Map<Float64Array, Float64Array[]>();
  const ring = (buf: Float64Array) => {
    let r = pending.get(buf);
    if (!r) pending.set(buf, (r = Array.from({ length: slots }, () => new Float64Array(buf.length))));
    return r;
  };
  const outgoing = new Map<string, { proj: ProjectionIR; target: Float64Array[]; now: Float64Array | null; nPost: number }[]>();
  const biases: { bias: Float32Array; target: Float64Array }[] = [];
  const order = new Map(net.populations.map((p, k) => [p.name, k]));
  for (const pr of net.projections) {
    const r = runners.get(pr.post)!;
    const buf = pr.receptor === 'inh' ? r.inh : r.exc;
    if (!outgoing.has(pr.pre)) outgoing.set(pr.pre, []);
    const forward = order.get(pr.post)! > order.get(pr.pre)!;
    outgoing.get(pr.pre)!.push({ proj: pr, target: ring(buf), now: opts.sameStep && forward ? buf : null, nPost: pops.get(pr.post)!.size });
    if (pr.bias) biases.push({ bias: pr.bias, target: buf });
  }
  const counts: Record<string, Float64Array> = {};
  for (const p of net.populations) counts[p.name] = new Float64Array(p.size);
  const raster: Record<string, number[][]> | undefined = opts.record ? {} : undefined;
  if (raster) for (const p of net.populations) raster[p.name] = [];
  const res: SimResult = { steps, counts, raster, spikes: 0, inputEvents: 0, synapticEvents: 0, neuronUpdates: 0 };
  const fired: number[] = [];
  const values = new Map<string, ArrayLike<number>>();
  for (let t = 0; t < steps; t++) {
    const x = input(t);
    values.clear();
    if (isArrayLike(x)) {
      if (net.inputs.length !== 1) throw new ConfigError(`simulate: the network has ${net.inputs.length} inputs; give one array per input`);
      values.set(net.inputs[0], x);
    } else for (const name of net.inputs) values.set(name, x[name] ?? new Float64Array(pops.get(name)!.size));
    // Input due this step enters the receptors, then every population updates.
    for (const [buf, r] of pending) {
      const due = r[t % slots];
      for (let j = 0; j < buf.length; j++) buf[j] += due[j];
      due.fill(0);
    }
    for (const { bias, target } of biases) for (let j = 0; j < bias.length; j++) target[j] += bias[j];
    for (const p of net.populations) {
      fired.length = 0;
      let value: ArrayLike<number> | undefined;
      if (p.model === 'Input') {
        value = values.get(p.name)!;
        if (value.length !== p.size) throw invalidParam(`input '${p.name}'`, `step ${t}`, `${value.length} values`, `${p.size}`);
        for (let i = 0; i < p.size; i++) if (value[i] !== 0) fired.push(i);
        res.inputEvents += fired.length;
      } else {
        const r = runners.get(p.name)!;
        r.step(t, fired);
        value = r.analog;
        if (!value) res.spikes += fired.length;
        res.neuronUpdates += p.size;
      }
      const cnt = counts[p.name];
      for (const i of fired) cnt[i] += value ? value[i] : 1;
      if (raster) raster[p.name].push(fired.slice());
      for (const { proj, target, now, nPost } of outgoing.get(p.name) ?? []) {
        for (const i of fired) {
          const a = value ? value[i] : 1;
          forEachSynapse(proj, p.size, nPost, i, (j, w, d) => {
            if (now && d === 0) now[j] += w * a;
            else target[(t + d + (now ? 0 : 1)) % slots][j] += w * a;
            res.synapticEvents++;
          });
        }
      }
    }
  }
  return res;
}

function isArrayLike(x: StepInput): x is ArrayLike<number> {
  return typeof (x as ArrayLike<number>).length === 'number';
}

/** One forward pass of a rate network (dt = 0): y = relu(W x + b) layer by layer, in population order. */
/** metadata.layerInputs of a rate network whose layers length-normalise their input (src/io/to-ir.ts). */
export const L2_LAYER_INPUTS = 'l2-normalised, scaled by sqrt(n)';

function lengthNormalised(y: Float64Array): Float64Array {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * y[i];
  const f = s > 0 ? Math.sqrt(y.length / s) : 0;
  return y.map((v) => v * f);
}

export function forwardRate(net: NetworkIR, x: ArrayLike<number>): Record<string, Float64Array> {
  const pops = checkNetwork(net);
  // Rate FAUST/FF layers see their input length-normalised (a = sqrt(n) y / ||y||), recorded by the trainer.
  const normalised = net.metadata.layerInputs === L2_LAYER_INPUTS;
  const act: Record<string, Float64Array> = { [net.inputs[0]]: Float64Array.from(x) };
  const seen: Record<string, Float64Array> = {};
  const inputOf = (name: string): Float64Array | undefined => {
    const y = act[name];
    if (!y || !normalised) return y;
    return (seen[name] ??= lengthNormalised(y));
  };
  for (const p of net.populations) {
    if (p.model === 'Input') continue;
    if (p.model !== 'ReLU') throw new NoImplementationError(`model '${p.model}' in a rate (dt = 0) network`, ['ReLU']);
    const y = new Float64Array(p.size);
    for (const pr of net.projections.filter((q) => q.post === p.name)) {
      const a = inputOf(pr.pre);
      if (!a) throw new ConfigError(`rate network: projection '${pr.name}' reads '${pr.pre}' before it is computed (recurrence needs dt > 0)`);
      const nPre = pops.get(pr.pre)!.size;
      for (let i = 0; i < nPre; i++) if (a[i] !== 0) forEachSynapse({ ...pr, delaySteps: 0 }, nPre, p.size, i, (j, w) => (y[j] += w * a[i]));
      if (pr.bias) for (let j = 0; j < p.size; j++) y[j] += pr.bias[j];
    }
    for (let j = 0; j < p.size; j++) if (y[j] < 0) y[j] = 0;
    act[p.name] = y;
  }
  return act;
}
