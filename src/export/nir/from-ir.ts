// SPDX-License-Identifier: MIT
/**
 * IR -> NIR graph, written so that NIR's consumers run it as ffsnn does. Layout
 * (shared/reference/nir-format.md §6): nodes `input` and `output`, one Affine per projection
 * (weights (post, pre) float32), one neuron node per population, edges in topological order;
 * per-neuron float32 arrays, never scalars; all-zero v_reset omitted (readable by every nir release).
 *
 * Conventions (chosen for snnTorch's importer, the strictest consumer, and recorded in the graph
 * metadata and the export manifest; see NIR_CONVENTIONS):
 * - time step dt = 1e-4 s: snnTorch's `import_from_nir` hard-codes it (beta = 1 - 1e-4/tau) and
 *   asserts r == tau_mem / 1e-4 for every CubaLIF. ffsnn's own step (e.g. 1 ms) is mapped onto that
 *   step: each time constant is written as tau' = 1e-4 s / (1 - decay), decay = ffsnn's exact
 *   per-step decay exp(-dt/tau), so an Euler reader at dt = 1e-4 s decays by exactly ffsnn's factor
 *   per step. Time in the file is therefore "steps x 1e-4 s"; ffsnn's dt is kept in `ffsnn_dt_ms`.
 * - r = tau_mem / dt and w_in = c_e * tau_syn / dt, c_e the LIF's exact current-to-voltage
 *   propagator: one spike is one unit of input in its step, and v gains c_e * w in the step it
 *   arrives, as in ffsnn (snnTorch: threshold v_th / c_e; Norse: the same Euler steps).
 * - reset to v_reset (0 for the trained networks) = snnTorch's and Norse's reset "zero"/"value".
 * - one Output node (the last output population); further read-outs only on request (NIRTorch, and
 *   so Norse, never returns on a graph with two Output nodes).
 * The exact ffsnn model is restated in node metadata (`ffsnn_model`, `ffsnn_params`), which
 * ffsnn's importer uses to restore it bit for bit. What no consumer can express (a refractory
 * period, tauSynI != tauSynE, v_leak != 0 for snnTorch) is returned in `unsupported`.
 * - a projection delay d > 0 becomes a Delay node of d steps.
 */
import { ExportError } from '../../errors.js';
import { synapticPropagator } from '../../neurons/lif/float.js';
import { getNeuronModel } from '../../neurons/registry.js';
import { resolveParams } from '../../neurons/spec.js';
import { denseWeights, type NetworkIR, type PopulationIR } from '../../ir/ir.js';
import { checkNetwork, perNeuron, sharedParam } from '../../ir/simulate.js';
import type { NirArray, NirFile, NirMeta, NirNode } from './hdf5.js';

/** The time step every exported graph declares (snnTorch's importer assumes it). */
export const NIR_DT_S = 1e-4;

/** The conventions of the NIR export and why (written to the manifest). */
export const NIR_CONVENTIONS: Record<string, { value: string; why: string }> = {
  dt: {
    value: '1e-4 s per step (graph metadata dt); ffsnn step in metadata ffsnn_dt_ms',
    why: "snnTorch's import_from_nir hard-codes dt = 1e-4 s and asserts r == tau_mem / 1e-4; Norse's from_nir takes dt as an argument (pass metadata['dt'])",
  },
  timeConstants: {
    value: "tau' = 1e-4 s / (1 - exp(-dt/tau)) for ffsnn's exact-integration LIF; NIR CubaLIF taus scaled by 1e-4 s / dt",
    why: "an Euler reader at dt = 1e-4 s then decays by ffsnn's exact factor exp(-dt/tau) every step: same dynamics step for step, time axis = steps x 1e-4 s",
  },
  r: { value: 'r = tau_mem / dt', why: 'snnTorch asserts it for CubaLIF; one spike is one unit of input in its step (snnTorch, Norse)' },
  w_in: { value: 'w_in = c_e * tau_syn / dt, c_e = the exact LIF current-to-voltage propagator', why: "v gains c_e * w in the step a spike of weight w arrives, as in ffsnn's exact integration" },
  reset: { value: 'to v_reset (omitted when 0)', why: "snnTorch always resets to zero; Norse's default reset_method is reset_value (v_reset, default 0)" },
  outputs: { value: "one Output node 'output' (the last output population); more only with --readouts", why: 'NIRTorch (Norse) never returns on a graph with two Output nodes; snnTorch returns one tensor' },
  latency: {
    value: 'no delay node between layers',
    why: "NIR consumers deliver a layer's spikes to the next layer in the same step; ffsnn's engine (like Loihi) delivers one step later (see 'ffsnn simulate FILE.nir --same-step')",
  },
};

export interface NirExport {
  nir: NirFile;
  /** What the file cannot express, one line each (for the manifest and stderr). */
  unsupported: string[];
}
export const NIR_VERSION = '1.0.7';

const f32 = (data: ArrayLike<number>, shape = [data.length]): NirArray => ({ data: Float64Array.from(data), shape, dtype: '<f' });
const fill = (n: number, v: number) => f32(new Float64Array(n).fill(v));

/** Euler time constant (s, at dt = NIR_DT_S) whose per-step decay equals exp(-dtMs/tauMs). */
const eulerTau = (tauMs: number, dtMs: number) => NIR_DT_S / -Math.expm1(-dtMs / tauMs);

function neuronNode(pop: PopulationIR, dtMs: number, unsupported: string[]): NirNode {
  const n = pop.size;
  const s = NIR_DT_S / dtMs; // ms of ffsnn time -> s of file time (one step = NIR_DT_S)
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
    if (p.tRef > 0)
      unsupported.push(`population '${pop.name}': refractory period tRef = ${p.tRef} ms has no NIR parameter; snnTorch, Norse and other NIR readers run it without one (ffsnn's importer restores it from node metadata)`);
    if (p.vRest !== 0) unsupported.push(`population '${pop.name}': v_leak = ${p.vRest} != 0 is refused by snnTorch's importer`);
    const ce = synapticPropagator(p.tauSynE, p.tauMem, dtMs);
    const tauSyn = eulerTau(p.tauSynE, dtMs);
    const tauMem = eulerTau(p.tauMem, dtMs);
    return {
      type: 'CubaLIF',
      fields: {
        tau_syn: fill(n, tauSyn),
        tau_mem: fill(n, tauMem),
        r: fill(n, tauMem / NIR_DT_S),
        v_leak: fill(n, p.vRest),
        v_threshold: fill(n, p.vTh),
        ...vReset,
        w_in: fill(n, (ce * tauSyn) / NIR_DT_S),
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
export function irToNir(net: NetworkIR, opts: { readouts?: boolean } = {}): NirExport {
  const pops = checkNetwork(net);
  if (net.inputs.length !== 1) throw new ExportError(`NIR export needs exactly one input population (found ${net.inputs.length})`);
  if (net.outputs.length < 1) throw new ExportError('NIR export needs at least one output population');
  if (!(net.dt > 0)) throw new ExportError('NIR export needs a spiking network (dt > 0); this network is a rate network (dt = 0)');
  // The last output population feeds the node `output`; with `readouts`, any others (e.g. FAUST's
  // read-out of every hidden layer) feed their own Output nodes `<population>_output` (not
  // `output_<population>`, the name nir.read gives the Output nodes it inserts itself).
  const unsupported: string[] = [];
  const outPops = opts.readouts ? net.outputs : net.outputs.slice(-1);
  if (!opts.readouts && net.outputs.length > 1)
    unsupported.push(`read-outs of ${net.outputs.slice(0, -1).join(', ')} are not Output nodes (one Output node by default; export with --readouts for all, which NIRTorch/Norse cannot run)`);
  const outNames = outPops.map((o, k) => (k === outPops.length - 1 ? 'output' : `${o.replace(/\//g, '_')}_output`));
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
    nodes[name] = neuronNode(p, net.dt, unsupported);
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
      nodes[dn] = { type: 'Delay', fields: { delay: fill(b.size, d * NIR_DT_S) }, metadata: { ffsnn_delay_steps: d } };
      edges.push([name, dn]);
      last = dn;
    }
    edges.push([last, nodeOf.get(pr.post)!]);
  }
  outPops.forEach((o, k) => {
    const outPop = pops.get(o)!;
    nodes[outNames[k]] = { type: 'Output', fields: { shape: { data: Float64Array.of(outPop.size), shape: [1], dtype: '<q' } }, metadata: { ffsnn_population: outPop.name } };
    edges.push([nodeOf.get(outPop.name)!, outNames[k]]);
  });
  const receivesInh = new Set(net.projections.filter((p) => p.receptor === 'inh').map((p) => p.post));
  for (const p of net.populations)
    if (p.model === 'LIF' && receivesInh.has(p.name) && sharedParam(p, 'tauSynI') !== sharedParam(p, 'tauSynE'))
      unsupported.push(`population '${p.name}': inhibitory synapses with tauSynI != tauSynE; NIR's CubaLIF has one synaptic time constant (tau_syn = tauSynE is written)`);
  if (net.projections.length) unsupported.push(`latency: ffsnn delivers spikes one step after they are emitted (one step per projection); NIR consumers deliver them within the step, so layer k spikes k steps earlier there`);
  const nir: NirFile = {
    version: NIR_VERSION,
    graph: {
      type: 'NIRGraph',
      fields: {},
      nodes,
      edges,
      metadata: {
        dt: NIR_DT_S,
        time_unit: 's',
        ffsnn_dt_ms: net.dt,
        spike_convention: 'one spike = one unit of input in its step (r = tau_mem/dt, snnTorch/Norse style); taus chosen so Euler at dt matches ffsnn per step',
        latency: 'ffsnn adds one step per projection (as Loihi and the ffsnn engine); NIR consumers none',
        source: `ffsnn ${net.name}`,
      },
    },
  };
  return { nir, unsupported };
}
