// SPDX-License-Identifier: MIT
/**
 * Neuron model specs as data: every parameter with its unit, default and validation, every state
 * variable with its unit and initial value, the synaptic receptors a projection may target. The
 * simulators, exporters and the CLI read these specs instead of hard-coding model knowledge.
 */
import { invalidParam } from '../errors.js';

/** PascalCase model ids, shared with the registry, the IR and the hardware profiles. */
export type NeuronModelName = 'LIF' | 'IF' | 'Izhikevich';

/** Synaptic input of a model: projections add their weights into the state variable named here. */
export type Receptor = 'exc' | 'inh';

export interface ParamSpec {
  unit: string;
  default: number;
  doc: string;
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound (e.g. time constants must be > 0). */
  exclusiveMin?: number;
}

export interface StateSpec {
  unit: string;
  doc: string;
  /** Initial value: a constant, the value of a parameter (by name), or a function of the params. */
  init: number | { param: string } | ((p: Readonly<Params>) => number);
}

export interface NeuronSpec {
  name: NeuronModelName;
  doc: string;
  params: Record<string, ParamSpec>;
  /** State variables, one Float64Array of the population size each (structure of arrays). */
  state: Record<string, StateSpec>;
  /** Receptor -> state variable that incoming weights are added to. */
  receptors: Record<Receptor, string>;
  /**
   * Name of the per-neuron external current state (constant-current encoder writes it), and the
   * unit it is in.
   */
  externalInput: string;
  /** Cross-field checks after the per-parameter ones (e.g. vReset < vTh). */
  check?: (p: Readonly<Record<string, number>>) => void;
}

export type Params = Record<string, number>;

/**
 * Fills defaults and validates user parameters. Unknown keys, non-finite values and values out of
 * range raise a ConfigError naming the model, the parameter and the value.
 */
export function resolveParams(spec: NeuronSpec, given: Readonly<Record<string, unknown>> = {}): Params {
  for (const key of Object.keys(given)) {
    if (!(key in spec.params)) {
      throw invalidParam(spec.name, key, given[key], `one of ${Object.keys(spec.params).join(', ')}`);
    }
  }
  const out: Params = {};
  for (const [key, ps] of Object.entries(spec.params)) {
    const raw = key in given && given[key] !== undefined ? given[key] : ps.default;
    if (typeof raw !== 'number' || !Number.isFinite(raw)) {
      throw invalidParam(spec.name, key, raw, `a finite number in ${ps.unit}`);
    }
    if (ps.exclusiveMin !== undefined && !(raw > ps.exclusiveMin)) {
      throw invalidParam(spec.name, key, raw, `> ${ps.exclusiveMin} ${ps.unit}`);
    }
    if (ps.min !== undefined && !(raw >= ps.min)) {
      throw invalidParam(spec.name, key, raw, `>= ${ps.min} ${ps.unit}`);
    }
    out[key] = raw;
  }
  spec.check?.(out);
  return out;
}

/** Initial value of one state variable for resolved params. */
export function initialValue(spec: NeuronSpec, name: string, p: Params): number {
  const init = spec.state[name].init;
  if (typeof init === 'number') return init;
  return typeof init === 'function' ? init(p) : p[init.param];
}

/** Number of whole time steps in `t` ms, rounded like Brian2's timestep() (tolerant of 1e-3 dt). */
export function stepsOf(t: number, dt: number): number {
  return Math.floor(t / dt + 1e-3);
}

/**
 * What a GPU.js kernel body sees as `this`. Kernel bodies in `<model>/gpu.ts` are written over flat
 * arrays (B copies x N neurons, index `this.thread.x`), so one body serves one copy or many.
 */
export interface KernelThis {
  thread: { x: number; y: number; z: number };
}
