// SPDX-License-Identifier: MIT
/**
 * NIR graph -> IR. Nested NIRGraphs are flattened (child names become `graph.child`); every chain
 * of Affine / Linear / Scale / Delay nodes between two neuron nodes becomes one projection (the
 * composed matrix and bias); neuron nodes (LIF, CubaLIF, IF, I, LI, CubaLI, Threshold) become
 * `CubaLIF` populations (NIR semantics, see ir.ts), or the exact ffsnn model when the node's
 * metadata says it came from ffsnn. Recurrent edges are fine: the IR adds one step of latency per
 * projection. Time constants are read in seconds (every NIR exporter seen writes seconds) unless
 * the graph metadata says `time_unit = 'ms'`.
 *
 * Lenient where the intent is unambiguous, and says so in `notes`: an edge naming a node that does
 * not exist but is the prefix of exactly one node name (e.g. `lif` for `lif1`), an Output shape
 * whose size matches but whose dimensions do not.
 */
import { ImportError } from '../../errors.js';
import type { NetworkIR, PopulationIR, ProjectionIR } from '../../ir/ir.js';
import type { NirArray, NirFile, NirNode } from './hdf5.js';

export interface ImportResult {
  net: NetworkIR;
  /** What was assumed while reading (dt, units, repaired names). */
  notes: string[];
}

const NEURONS = new Set(['LIF', 'CubaLIF', 'IF', 'I', 'LI', 'CubaLI', 'Threshold']);
const SYNAPTIC = new Set(['Affine', 'Linear', 'Scale', 'Delay', 'Identity']);

interface Flat {
  nodes: Map<string, NirNode>;
  edges: [string, string][];
}

function flatten(g: NirNode, prefix: string, notes: string[], top: boolean): Flat {
  const nodes = new Map<string, NirNode>();
  const edges: [string, string][] = [];
  const children = g.nodes ?? {};
  const names = Object.keys(children);
  const resolve = (name: string, edge: [string, string]): string => {
    if (name in children) return name;
    const cands = names.filter((n) => n.startsWith(name));
    if (cands.length === 1) {
      const note = `graph '${prefix || '/'}': edge names '${name}', which is not a node; assumed '${cands[0]}'`;
      if (!notes.includes(note)) notes.push(note);
      return cands[0];
    }
    throw new ImportError(`graph '${prefix || '/'}': edge ${edge[0]} -> ${edge[1]} names node '${name}', which does not exist`, { node: name });
  };
  // Where edges into / out of a child graph attach, after flattening.
  const entry = new Map<string, string>();
  const exit = new Map<string, string>();
  for (const [name, node] of Object.entries(children)) {
    const full = prefix + name;
    if (node.type === 'NIRGraph') {
      const sub = flatten(node, `${full}.`, notes, false);
      for (const [k, v] of sub.nodes) nodes.set(k, v);
      edges.push(...sub.edges);
      const ins = Object.entries(node.nodes ?? {}).filter(([, c]) => c.type === 'Input');
      const outs = Object.entries(node.nodes ?? {}).filter(([, c]) => c.type === 'Output');
      if (ins.length !== 1 || outs.length !== 1)
        throw new ImportError(`node '${full}' (NIRGraph): a nested graph needs exactly one Input and one Output node (found ${ins.length} and ${outs.length})`, { node: full });
      entry.set(name, `${full}.${ins[0][0]}`);
      exit.set(name, `${full}.${outs[0][0]}`);
    } else if (!top && (node.type === 'Input' || node.type === 'Output')) {
      nodes.set(full, { type: 'Identity', fields: {}, metadata: {} });
    } else nodes.set(full, node);
  }
  for (const e of g.edges ?? []) {
    const a = resolve(e[0], e);
    const b = resolve(e[1], e);
    edges.push([exit.get(a) ?? prefix + a, entry.get(b) ?? prefix + b]);
  }
  return { nodes, edges };
}

const size = (a: NirArray) => a.data.length;

/** Fields NIR's node classes require (dataclass fields without a default, nir/ir/*.py). */
const REQUIRED: Record<string, string[]> = {
  Input: ['shape'],
  Output: ['shape'],
  Affine: ['weight', 'bias'],
  Linear: ['weight'],
  Scale: ['scale'],
  Delay: ['delay'],
  Threshold: ['threshold'],
  I: ['r'],
  IF: ['r', 'v_threshold'],
  LI: ['tau', 'r', 'v_leak'],
  LIF: ['tau', 'r', 'v_leak', 'v_threshold'],
  CubaLI: ['tau_syn', 'tau_mem', 'r', 'v_leak'],
  CubaLIF: ['tau_syn', 'tau_mem', 'r', 'v_leak', 'v_threshold'],
};
/** Neuron parameters NIR asserts to have one shape (`"All parameters must have the same shape"`). */
const SAME_SHAPE: Record<string, string[]> = {
  IF: ['r', 'v_threshold', 'v_reset'],
  LI: ['tau', 'r', 'v_leak'],
  LIF: ['tau', 'r', 'v_leak', 'v_threshold', 'v_reset'],
  CubaLI: ['tau_syn', 'tau_mem', 'r', 'v_leak'],
  CubaLIF: ['tau_syn', 'tau_mem', 'r', 'v_leak', 'v_threshold', 'v_reset'],
};

/**
 * The structural faults NIR's reader refuses (missing required parameter, a shape stored as a
 * scalar, parameters of one node with different shapes, a weight that is not 2-D), as one line
 * naming the node. Returns the node's (input, output) sizes, or null where a size is not fixed.
 */
function checkNode(name: string, node: NirNode): { in: number | null; out: number | null } {
  const fault = (what: string) => new ImportError(`node '${name}' (${node.type}): ${what}`, { node: name, type: node.type });
  for (const k of REQUIRED[node.type] ?? []) if (node.fields[k] === undefined) throw fault(`missing required parameter '${k}'`);
  const arr = (k: string) => field(node, name, k, false);
  if (node.type === 'Input' || node.type === 'Output') {
    const shape = arr('shape')!;
    if (shape.shape.length !== 1) throw fault(`'shape' is stored as a ${shape.shape.length ? `${shape.shape.length}-D array` : 'scalar'}; NIR's reader needs a 1-D array such as [${shape.data.join(', ')}]`);
    const n = shape.data.reduce((a, b) => a * b, 1);
    return { in: n, out: n };
  }
  const same = SAME_SHAPE[node.type];
  if (same) {
    const present = same.filter((k) => node.fields[k] !== undefined).map((k) => [k, arr(k)!.shape] as const);
    const [k0, s0] = present[0];
    for (const [k, s] of present)
      if (s.join() !== s0.join()) throw fault(`parameters disagree in shape: '${k0}' has shape [${s0}], '${k}' has shape [${s}]`);
    const w = arr('w_in');
    if (w && w.data.length !== 1 && w.shape.join() !== s0.join()) throw fault(`'w_in' has shape [${w.shape}], the other parameters [${s0}]`);
    const n = arr(k0)!.data.length;
    return { in: n, out: n };
  }
  if (node.type === 'Affine' || node.type === 'Linear') {
    const w = arr('weight')!;
    if (w.shape.length !== 2) throw fault(`'weight' has shape [${w.shape}], expected 2-D (out, in)`);
    const b = arr('bias');
    if (b && b.data.length !== w.shape[0]) throw fault(`'bias' has ${b.data.length} values for the ${w.shape[0]} rows of 'weight'`);
    return { in: w.shape[1], out: w.shape[0] };
  }
  if (node.type === 'Scale' || node.type === 'Delay' || node.type === 'Threshold') {
    const n = arr(node.type === 'Scale' ? 'scale' : node.type === 'Delay' ? 'delay' : 'threshold')!.data.length;
    return { in: n, out: n };
  }
  return { in: null, out: null };
}

function field(node: NirNode, name: string, key: string, required = true): NirArray | undefined {
  const f = node.fields[key];
  if (f === undefined) {
    if (required) throw new ImportError(`node '${name}' (${node.type}): missing field '${key}'`, { node: name, type: node.type });
    return undefined;
  }
  if (typeof f === 'string') throw new ImportError(`node '${name}' (${node.type}): field '${key}' is a string, expected numbers`, { node: name, type: node.type });
  return f;
}

/** A population from a NIR neuron node; `ts` converts the file's time unit to ms. */
function neuronPopulation(name: string, node: NirNode, ts: number): PopulationIR {
  const meta = node.metadata;
  const arr = (k: string, scale = 1) => Array.from(field(node, name, k)!.data, (x) => x * scale);
  const opt = (k: string, d: number, n: number) => {
    const f = field(node, name, k, false);
    return f ? Array.from(f.data) : new Array<number>(n).fill(d);
  };
  if ((meta.ffsnn_model === 'LIF' || meta.ffsnn_model === 'IF') && typeof meta.ffsnn_params === 'object') {
    const n = size(field(node, name, 'v_threshold')!);
    const params: Record<string, number> = {};
    const units: Record<string, string> = {};
    for (const [k, v] of Object.entries(meta.ffsnn_params)) {
      params[k] = Number(v);
      units[k] = k.startsWith('tau') || k === 'tRef' ? 'ms' : k === 'r' ? 'MOhm' : 'mV';
    }
    return { name, size: n, model: meta.ffsnn_model, params, units };
  }
  const units = { tauSyn: 'ms', tauMem: 'ms', r: '1', vLeak: 'V-equiv', vTh: 'V-equiv', vReset: 'V-equiv', wIn: '1', spiking: 'flag', memoryless: 'flag' };
  let params: Record<string, number | number[]>;
  switch (node.type) {
    case 'LIF': {
      const tau = arr('tau', ts);
      params = { tauSyn: 0, tauMem: tau, r: arr('r'), vLeak: arr('v_leak'), vTh: arr('v_threshold'), vReset: opt('v_reset', 0, tau.length), spiking: 1 };
      break;
    }
    case 'CubaLIF': {
      const tm = arr('tau_mem', ts);
      params = {
        tauSyn: arr('tau_syn', ts), tauMem: tm, r: arr('r'), vLeak: arr('v_leak'), vTh: arr('v_threshold'),
        vReset: opt('v_reset', 0, tm.length), wIn: opt('w_in', 1, tm.length), spiking: 1,
      };
      break;
    }
    case 'IF': {
      const th = arr('v_threshold');
      params = { tauSyn: 0, tauMem: 0, r: arr('r'), vLeak: 0, vTh: th, vReset: opt('v_reset', 0, th.length), spiking: 1 };
      break;
    }
    case 'I':
      params = { tauSyn: 0, tauMem: 0, r: arr('r'), vLeak: 0, spiking: 0 };
      break;
    case 'LI':
      params = { tauSyn: 0, tauMem: arr('tau', ts), r: arr('r'), vLeak: arr('v_leak'), spiking: 0 };
      break;
    case 'CubaLI': {
      const tm = arr('tau_mem', ts);
      params = { tauSyn: arr('tau_syn', ts), tauMem: tm, r: arr('r'), vLeak: arr('v_leak'), wIn: opt('w_in', 1, tm.length), spiking: 0 };
      break;
    }
    case 'Threshold':
      params = { tauSyn: 0, tauMem: 0, r: 1, vLeak: 0, vTh: arr('threshold'), vReset: 0, spiking: 1, memoryless: 1 };
      break;
    default:
      throw new ImportError(`node '${name}' has unsupported type '${node.type}'`, { node: name, type: node.type });
  }
  const n = Object.values(params).find((v): v is number[] => Array.isArray(v))!.length;
  for (const [k, v] of Object.entries(params))
    if (Array.isArray(v) && v.length !== n) throw new ImportError(`node '${name}' (${node.type}): field for '${k}' has ${v.length} values, others ${n}`, { node: name });
  return { name, size: n, model: 'CubaLIF', params, units };
}

interface Path {
  /** Composed weights (rows = current size, cols = source size), or null for the identity. */
  w: Float64Array | null;
  rows: number;
  bias: Float64Array | null;
  delay: number;
  names: string[];
  receptor?: 'exc' | 'inh' | 'mixed';
}

/** Reads a NIR file's graph into the IR. `dtMs` overrides the time step. */
export function nirToIr(nir: NirFile, name: string, opts: { dtMs?: number } = {}): ImportResult {
  const notes: string[] = [];
  if (nir.graph.type !== 'NIRGraph') throw new ImportError(`root node has type '${nir.graph.type}', expected 'NIRGraph'`);
  const { nodes, edges } = flatten(nir.graph, '', notes, true);
  for (const [n, node] of nodes)
    if (!NEURONS.has(node.type) && !SYNAPTIC.has(node.type) && node.type !== 'Input' && node.type !== 'Output')
      throw new ImportError(`node '${n}' has unsupported type '${node.type}' (supported: Input, Output, Affine, Linear, Scale, Delay, ${[...NEURONS].join(', ')}, NIRGraph)`, {
        node: n,
        type: node.type,
      });
  const meta = nir.graph.metadata;
  const unit = meta.time_unit === 'ms' ? 'ms' : 's';
  let ts = unit === 'ms' ? 1 : 1000;
  if (meta.time_unit === undefined) notes.push('time constants read in seconds (no time_unit in the graph metadata)');
  let dtMs = opts.dtMs;
  // ffsnn's own exports declare dt = 1e-4 s for the consumers and keep ffsnn's step in ffsnn_dt_ms:
  // file time is steps x dt, so ffsnn reads it back on its own step.
  if (typeof meta.ffsnn_dt_ms === 'number' && typeof meta.dt === 'number' && meta.ffsnn_dt_ms > 0 && meta.dt > 0) {
    ts = meta.ffsnn_dt_ms / meta.dt;
    dtMs ??= meta.ffsnn_dt_ms;
  }
  if (dtMs === undefined && typeof meta.dt === 'number') dtMs = meta.dt * ts;
  if (dtMs === undefined) {
    // snnTorch and Rockpool write r = tau/dt (Rockpool with a factor exp(-dt/tau) close to 1).
    const ratios: number[] = [];
    for (const node of nodes.values()) {
      const tau = (node.fields.tau_mem ?? node.fields.tau) as NirArray | undefined;
      const r = node.fields.r as NirArray | undefined;
      if (tau && r && typeof tau !== 'string' && typeof r !== 'string' && r.data[0] !== 1 && r.data[0] > 0) ratios.push((tau.data[0] * ts) / r.data[0]);
    }
    const rounded = ratios.map((x) => Number(x.toPrecision(1)));
    if (rounded.length && rounded.every((x) => x === rounded[0])) {
      dtMs = rounded[0];
      notes.push(`dt = ${dtMs} ms inferred from r = tau/dt (snnTorch convention); give --dt to override`);
    } else {
      dtMs = 1;
      notes.push('dt = 1 ms assumed (no dt in the metadata); give --dt to override');
    }
  }
  const sizes = new Map([...nodes].map(([n, node]) => [n, checkNode(n, node)]));
  const succ = new Map<string, string[]>();
  for (const [a, b] of edges) {
    if (!nodes.has(a) || !nodes.has(b)) throw new ImportError(`edge ${a} -> ${b} names a node that does not exist`);
    const out = sizes.get(a)!.out;
    const inn = sizes.get(b)!.in;
    if (out !== null && inn !== null && out !== inn)
      throw new ImportError(`edge ${a} -> ${b}: node '${a}' (${nodes.get(a)!.type}) sends ${out} values, node '${b}' (${nodes.get(b)!.type}) takes ${inn}`, { node: b });
    if (!succ.has(a)) succ.set(a, []);
    succ.get(a)!.push(b);
  }
  const inputs = [...nodes].filter(([, n]) => n.type === 'Input').map(([k]) => k);
  if (inputs.length !== 1) throw new ImportError(`the graph has ${inputs.length} Input nodes; ffsnn imports graphs with exactly one`);
  const pops = new Map<string, PopulationIR>();
  const inNode = nodes.get(inputs[0])!;
  const inShape = field(inNode, inputs[0], 'shape')!;
  pops.set(inputs[0], { name: inputs[0], size: inShape.data.reduce((a, b) => a * b, 1), model: 'Input', params: {}, units: {} });
  for (const [n, node] of nodes) if (NEURONS.has(node.type)) pops.set(n, neuronPopulation(n, node, ts));

  const projections: ProjectionIR[] = [];
  const outputs: string[] = [];
  const usedNames = new Set<string>(pops.keys());
  const walk = (src: string, at: string, path: Path, seen: Set<string>) => {
    for (const next of succ.get(at) ?? []) {
      const node = nodes.get(next)!;
      if (node.type === 'Output') {
        const shape = field(node, next, 'shape', false);
        if (path.w || path.bias) throw new ImportError(`node '${next}' (Output) is fed through a weight matrix from '${src}'; ffsnn needs a neuron population before the Output`);
        if (shape && shape.data.reduce((a, b) => a * b, 1) !== path.rows)
          throw new ImportError(`node '${next}' (Output): shape [${Array.from(shape.data)}] does not match the ${path.rows} neurons of '${src}'`, { node: next });
        if (shape && shape.data.length !== 1) notes.push(`node '${next}' (Output): shape [${Array.from(shape.data)}] read as ${path.rows} neurons of '${src}'`);
        outputs.push(src);
        continue;
      }
      if (pops.has(next)) {
        const post = pops.get(next)!;
        if (path.rows !== post.size)
          throw new ImportError(`edge into '${next}' (${node.type}): ${path.rows} values arrive for ${post.size} neurons (from '${src}' via ${path.names.join(', ') || 'a direct edge'})`, { node: next });
        const nPre = pops.get(src)!.size;
        const w = path.w ?? identity(nPre);
        let pname = path.names.length ? path.names[path.names.length - 1] : `${src}->${next}`;
        while (usedNames.has(pname)) pname += "'";
        usedNames.add(pname);
        projections.push({
          name: pname,
          pre: src,
          post: next,
          receptor: path.receptor ?? 'mixed',
          delaySteps: path.delay,
          weights: { format: 'dense', weight: Float32Array.from(w) },
          ...(path.bias && path.bias.some((x) => x !== 0) ? { bias: Float32Array.from(path.bias) } : {}),
        });
        continue;
      }
      if (seen.has(next)) throw new ImportError(`node '${next}' (${node.type}) is on a cycle without any neuron node`, { node: next });
      walk(src, next, step(next, node, path, pops.get(src)!.size, dtMs! / ts), new Set([...seen, next]));
    }
  };
  for (const src of pops.keys()) walk(src, src, { w: null, rows: pops.get(src)!.size, bias: null, delay: 0, names: [] }, new Set([src]));
  if (!outputs.length) throw new ImportError('no Output node is reached from a neuron population');
  const order = topoOrder([...pops.keys()], projections, inputs[0]);
  const net: NetworkIR = {
    format: 'ffsnn-ir',
    version: 1,
    name,
    dt: dtMs!,
    populations: order.map((n) => pops.get(n)!),
    projections: projections.sort((a, b) => order.indexOf(a.post) - order.indexOf(b.post)),
    inputs: [inputs[0]],
    outputs: [...new Set(outputs)],
    metadata: { importedFrom: 'nir', nirVersion: nir.version, notes, ...(nir.graph.metadata as Record<string, unknown>) },
  };
  return { net, notes };
}

function identity(n: number): Float64Array {
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) w[i * n + i] = 1;
  return w;
}

/** Applies one synaptic node to the composed path (`dtFile`: the time step in the file's unit). */
function step(name: string, node: NirNode, p: Path, nSrc: number, dtFile: number): Path {
  const cols = nSrc;
  const names = [...p.names];
  if (node.type === 'Identity') return p;
  if (node.type === 'Delay') {
    const d = field(node, name, 'delay')!;
    const steps = Array.from(d.data, (x) => Math.round(x / dtFile));
    if (steps.some((x) => x !== steps[0])) throw new ImportError(`node '${name}' (Delay): per-neuron delays differ; ffsnn needs one delay per projection`, { node: name });
    return { ...p, delay: p.delay + steps[0] };
  }
  if (node.type === 'Scale') {
    const s = field(node, name, 'scale')!.data;
    if (s.length !== p.rows) throw new ImportError(`node '${name}' (Scale): ${s.length} factors for ${p.rows} inputs`, { node: name });
    const w = p.w ? Float64Array.from(p.w) : identity(p.rows);
    for (let r = 0; r < p.rows; r++) for (let c = 0; c < cols; c++) w[r * cols + c] *= s[r];
    const bias = p.bias ? p.bias.map((b, r) => b * s[r]) : null;
    return { ...p, w, bias, names };
  }
  // Affine / Linear: (out, in) weight.
  const W = field(node, name, 'weight')!;
  if (W.shape.length !== 2) throw new ImportError(`node '${name}' (${node.type}): weight has shape [${W.shape}], expected (out, in)`, { node: name });
  const [out, inn] = W.shape;
  if (inn !== p.rows) throw new ImportError(`node '${name}' (${node.type}): weight expects ${inn} inputs, ${p.rows} arrive`, { node: name });
  const w = new Float64Array(out * cols);
  if (!p.w) w.set(W.data);
  else
    for (let r = 0; r < out; r++)
      for (let k = 0; k < inn; k++) {
        const a = W.data[r * inn + k];
        if (a !== 0) for (let c = 0; c < cols; c++) w[r * cols + c] += a * p.w[k * cols + c];
      }
  let bias: Float64Array | null = null;
  const b = node.type === 'Affine' ? field(node, name, 'bias', false) : undefined;
  if (p.bias || b) {
    bias = new Float64Array(out);
    for (let r = 0; r < out; r++) {
      let s = b ? b.data[r] : 0;
      if (p.bias) for (let k = 0; k < inn; k++) s += W.data[r * inn + k] * p.bias[k];
      bias[r] = s;
    }
  }
  const rec = node.metadata.ffsnn_receptor;
  return { w, rows: out, bias, delay: p.delay, names: [...names, name], receptor: rec === 'exc' || rec === 'inh' ? rec : p.receptor };
}

/** Populations ordered input first, then depth-first along projections (back edges ignored). */
function topoOrder(names: string[], projections: ProjectionIR[], input: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    out.push(n);
    for (const p of projections) if (p.pre === n) visit(p.post);
  };
  visit(input);
  for (const n of names) visit(n);
  return out;
}
