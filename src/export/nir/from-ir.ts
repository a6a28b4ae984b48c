// SPDX-License-Identifier: MIT
/**
 * IR -> NIR graph. Layout and conventions (shared/reference/nir-format.md §6):
 * - nodes `input` and `output` (plus `<population>_output` for further read-out populations), one Affine per projection (weights (post, pre) float32), one
 *   neuron node per population, edges in topological order (the IR's projection order);
 * - time in SECONDS (graph metadata: dt, time_unit = 's'); per-neuron float32 arrays, never scalars;
 *   all-zero v_reset omitted (readable by every nir release);
 * - a spike is one unit of input in its step (the snnTorch/Norse discretisation), so for the
 *   core LIF (exact integration): CubaLIF with r = tau_mem/dt and w_in = c_e * tau_syn/dt, where
 *   c_e is the LIF's exact current-to-voltage propagator: an Euler reader then adds c_e * w to v in
 *   the step a spike arrives, as ffsnn does. The exact model is restated in node metadata
 *   (`ffsnn_model`, `ffsnn_params`), which ffsnn's importer uses to restore it bit for bit.
 * - a projection delay d > 0 becomes a Delay node of d*dt seconds after the Affine.
 */
import { ExportError } from '../../errors.js';
import { synapticPropagator } from '../../neurons/lif/float.js';
import { getNeuronModel } from '../../neurons/registry.js';
import { resolveParams } from '../../neurons/spec.js';
import { denseWeights, type NetworkIR, type PopulationIR } from '../../ir/ir.js';
import { checkNetwork, perNeuron, sharedParam } from '../../ir/simulate.js';
import type { NirArray, NirFile, NirMeta, NirNode } from './hdf5.js';

export const NIR_VERSION = '1.0.7';

const f32 = (data: ArrayLike<number>, shape = [data.length]): NirArray => ({ data: Float64Array.from(data), shape, dtype: '<f' });
const fill = (n: number, v: number) => f32(new Float64Array(n).fill(v));

function neuronNode(pop: PopulationIR, dtMs: number): NirNode {
  const n = pop.size;
  const s = 1e-3; // ms -> s
  const meta: NirMeta = { ffsnn_model: pop.model };
  if (pop.model === 'LIF' || pop.model === 'IF') {
    const given: Record<string, number> = {};
    for (const k of Object.keys(pop.params)) given[k] = sharedParam(pop, k)!;
    const p = resolveParams(getNeuronModel(pop.model).spec, given);
    const params: NirMeta = {};
    for (const [k, v] of Object.entries(p)) params[k] = v;
    meta.ffsnn_params = params;
    const vReset: Record<string, NirArray> = p.vReset !== 0 ? { v_reset: fill(n, p.vReset) } : {};
    if (pop.model === 'IF')
      return { type: 'IF', fields: { r: fill(n, 1), v_threshold: fill(n, p.vTh), ...vReset }, metadata: meta };
    const ce = synapticPropagator(p.tauSynE, p.tauMem, dtMs);
    return {
      type: 'CubaLIF',
      fields: {
        tau_syn: fill(n, p.tauSynE * s),
        tau_mem: fill(n, p.tauMem * s),
        r: fill(n, p.tauMem / dtMs),
        v_leak: fill(n, p.vRest),
        v_threshold: fill(n, p.vTh),
        ...vReset,
        w_in: fill(n, (ce * p.tauSynE) / dtMs),
      },
      metadata: meta,
    };
  }
  if (pop.model === 'CubaLIF') {
    const get = (k: string, d: number) => perNeuron(pop, k, d);
    const tauSyn = get('tauSyn', 0);
    const tauMem = get('tauMem', 0);
    const spiking = (sharedParam(pop, 'spiking') ?? 1) === 1;
    const memoryless = (sharedParam(pop, 'memoryless') ?? 0) === 1;
    const hasSyn = tauSyn.some((x) => x > 0);
    const hasLeak = tauMem.some((x) => x > 0);
    const vReset = get('vReset', 0);
    const reset: Record<string, NirArray> = vReset.some((x) => x !== 0) ? { v_reset: f32(vReset) } : {};
    const sec = (a: Float64Array) => f32(a.map((x) => x * s));
    if (memoryless && spiking && !hasSyn && !hasLeak && get('r', 1).every((x) => x === 1))
      return { type: 'Threshold', fields: { threshold: f32(get('vTh', 1)) }, metadata: {} };
    if (memoryless) throw new ExportError(`population '${pop.name}': a memoryless CubaLIF other than a Threshold has no NIR node`);
    if (hasSyn)
      return {
        type: spiking ? 'CubaLIF' : 'CubaLI',
        fields: {
          tau_syn: sec(tauSyn),
          tau_mem: sec(tauMem),
          r: f32(get('r', 1)),
          v_leak: f32(get('vLeak', 0)),
          ...(spiking ? { v_threshold: f32(get('vTh', 1)), ...reset } : ({} as Record<string, NirArray>)),
          w_in: f32(get('wIn', 1)),
        },
        metadata: {},
      };
    if (hasLeak)
      return {
        type: spiking ? 'LIF' : 'LI',
        fields: { tau: sec(tauMem), r: f32(get('r', 1)), v_leak: f32(get('vLeak', 0)), ...(spiking ? { v_threshold: f32(get('vTh', 1)), ...reset } : ({} as Record<string, NirArray>)) },
        metadata: {},
      };
    return spiking
      ? { type: 'IF', fields: { r: f32(get('r', 1)), v_threshold: f32(get('vTh', 1)), ...reset }, metadata: {} }
      : { type: 'I', fields: { r: f32(get('r', 1)) }, metadata: {} };
  }
  throw new ExportError(`population '${pop.name}': model '${pop.model}' has no NIR mapping (NIR export supports LIF, IF, CubaLIF)`, {
    population: pop.name,
    model: pop.model,
  });
}

function uniqueName(base: string, used: Set<string>): string {
  let name = base.replace(/\//g, '_');
  if (name === 'metadata') name = 'metadata_';
  let k = 1;
  const stem = name;
  while (used.has(name)) name = `${stem}_${k++}`;
  used.add(name);
  return name;
}

/** Builds the NIR graph of a network. */
export function irToNir(net: NetworkIR): NirFile {
  const pops = checkNetwork(net);
  if (net.inputs.length !== 1) throw new ExportError(`NIR export needs exactly one input population (found ${net.inputs.length})`);
  if (net.outputs.length < 1) throw new ExportError('NIR export needs at least one output population');
  if (!(net.dt > 0)) throw new ExportError('NIR export needs a spiking network (dt > 0); this network is a rate network (dt = 0)');
  // The last output population feeds the node `output`; any others (e.g. FAUST's read-out of every
  // hidden layer) feed their own Output nodes `<population>_output` (not `output_<population>`, the name nir.read gives the Output nodes it inserts itself).
  const outNames = net.outputs.map((o, k) => (k === net.outputs.length - 1 ? 'output' : `${o.replace(/\//g, '_')}_output`));
  const used = new Set(['input', ...outNames]);
  const nodeOf = new Map<string, string>();
  const nodes: Record<string, NirNode> = {};
  const inPop = pops.get(net.inputs[0])!;
  nodes.input = { type: 'Input', fields: { shape: { data: Float64Array.of(inPop.size), shape: [1], dtype: '<q' } }, metadata: { ffsnn_population: inPop.name } };
  nodeOf.set(inPop.name, 'input');
  for (const p of net.populations) {
    if (p.model === 'Input') {
      if (p.name !== inPop.name) throw new ExportError(`population '${p.name}': a second input population has no place in a NIR graph`);
      continue;
    }
    const name = uniqueName(p.name, used);
    nodes[name] = neuronNode(p, net.dt);
    if (name !== p.name) nodes[name].metadata.ffsnn_population = p.name;
    nodeOf.set(p.name, name);
  }
  const edges: [string, string][] = [];
  for (const pr of net.projections) {
    const a = pops.get(pr.pre)!;
    const b = pops.get(pr.post)!;
    const name = uniqueName(pr.name, used);
    const w = denseWeights(pr, a.size, b.size);
    const bias = pr.bias ?? new Float32Array(b.size);
    nodes[name] = {
      type: 'Affine',
      fields: { weight: f32(w, [b.size, a.size]), bias: f32(bias) },
      metadata: { ffsnn_receptor: pr.receptor, ffsnn_projection: pr.name },
    };
    edges.push([nodeOf.get(pr.pre)!, name]);
    let last = name;
    const delays = pr.weights.format === 'csr' && pr.weights.delay ? new Set(pr.weights.delay) : new Set([pr.delaySteps]);
    if (delays.size > 1) throw new ExportError(`projection '${pr.name}': per-synapse delays have no NIR form (NIR Delay is per neuron)`);
    const d = [...delays][0];
    if (d > 0) {
      const dn = uniqueName(`${name}_delay`, used);
      nodes[dn] = { type: 'Delay', fields: { delay: fill(b.size, d * net.dt * 1e-3) }, metadata: { ffsnn_delay_steps: d } };
      edges.push([name, dn]);
      last = dn;
    }
    edges.push([last, nodeOf.get(pr.post)!]);
  }
  net.outputs.forEach((o, k) => {
    const outPop = pops.get(o)!;
    nodes[outNames[k]] = { type: 'Output', fields: { shape: { data: Float64Array.of(outPop.size), shape: [1], dtype: '<q' } }, metadata: { ffsnn_population: outPop.name } };
    edges.push([nodeOf.get(outPop.name)!, outNames[k]]);
  });
  return {
    version: NIR_VERSION,
    graph: {
      type: 'NIRGraph',
      fields: {},
      nodes,
      edges,
      metadata: {
        dt: net.dt * 1e-3,
        time_unit: 's',
        spike_convention: 'one spike = one unit of input in its step (r = tau/dt, snnTorch/Norse style)',
        latency: 'ffsnn adds one step per projection (as Loihi and the ffsnn engine)',
        source: `ffsnn ${net.name}`,
      },
    },
  };
}
