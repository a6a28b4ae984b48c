// SPDX-License-Identifier: MIT
/**
 * Lava-dl netx HDF5 writer (layout: shared/reference/hardware.md §3 and §8), quantised for a Loihi
 * profile. A feed-forward chain input -> dense -> dense ... becomes `/layer/0` (type `input`,
 * shape) and one `/layer/k` per projection: type `dense`, shape, inFeatures, outFeatures, weight
 * (N_out, N_in), neuron {type CUBA, iDecay = du + 1, vDecay = dv, vThMant, refDelay 1, gradedSpike}.
 * netx reads a weight w as adding `w << 6` to the current and derives its own weight exponent, so
 * the stored value is mantissa * 2^weight_exp (an integer for weight_exp >= 0).
 * A projection bias (ffsnn: a current added every step) becomes netx's `bias` on v at its steady
 * state, bias = b_u * 4096 / (du + 1) / 2^6: approximate over the first tau_syn, and stated so.
 */
import { ExportError, FileFormatError, NoImplementationError } from '../../errors.js';
import type { NetxLayer } from '../../chips/loihi/netx-chain.js';
import type { NetworkIR } from '../../ir/ir.js';
import { readHdf5Tree, writeHdf5, type H5Tree, type NirArray } from '../nir/hdf5.js';
import type { QuantizedNetwork } from '../../chips/quantize.js';

export interface NetxLayout {
  /** Dataset path of each projection's weights. */
  weightPaths: Record<string, string>;
  notes: string[];
}

/** The chain of populations input -> ... -> output, or an ExportError naming what breaks it. */
export function chainOf(net: NetworkIR): string[] {
  const chain = [net.inputs[0]];
  if (net.inputs.length !== 1) throw new ExportError('Lava netx export needs exactly one input population');
  for (;;) {
    const last = chain[chain.length - 1];
    const out = net.projections.filter((p) => p.pre === last);
    if (!out.length) break;
    if (out.length > 1 || out[0].post === last || chain.includes(out[0].post))
      throw new ExportError(`Lava netx export supports a feed-forward chain of dense layers; population '${last}' has ${out.length} outgoing projection(s) (${out.map((p) => `${p.name} -> ${p.post}`).join(', ')})`);
    chain.push(out[0].post);
  }
  if (chain.length - 1 !== net.projections.length)
    throw new ExportError(`Lava netx export supports a feed-forward chain; ${net.projections.length - chain.length + 1} projection(s) are off the chain ${chain.join(' -> ')}`);
  return chain;
}

export async function writeNetx(net: NetworkIR, q: QuantizedNetwork, path: string): Promise<NetxLayout> {
  if (q.format !== 'loihi-mant-exp') throw new ExportError(`Lava netx export needs a Loihi profile (got '${q.profile}', weights ${q.format})`);
  const chain = chainOf(net);
  const notes: string[] = [];
  const weightPaths: Record<string, string> = {};
  const layers = chain.slice(1).map((post, k) => {
    const qp = q.projections.find((p) => p.post === post)!;
    const pop = q.populations.find((p) => p.name === post)!;
    const l = pop.loihi!;
    const e = qp.loihi!.weightExp;
    if (e < 0) throw new ExportError(`projection '${qp.name}': weight exponent ${e} < 0 cannot be stored in netx (it reads integer weights)`);
    const w = new Float32Array(qp.nPost * qp.nPre);
    const bias = new Float32Array(qp.nPost);
    for (let j = 0; j < qp.nPost; j++) {
      for (let i = 0; i < qp.nPre; i++) w[j * qp.nPre + i] = qp.loihi!.mantissas[j * qp.cols + i] * 2 ** e;
      if (qp.biasColumn) bias[j] = Math.trunc((qp.loihi!.mantissas[j * qp.cols + qp.nPre] * 2 ** e * 4096) / (l.du + 1));
    }
    if (qp.biasColumn) notes.push(`${qp.name}: synaptic-current bias stored as netx v-bias at its steady state (differs during the first tau_syn)`);
    if (qp.delaySteps > 0) notes.push(`${qp.name}: delay ${qp.delaySteps} written as netx 'delay'`);
    weightPaths[qp.name] = `/layer/${k + 1}/weight`;
    return { qp, l, w, bias };
  });
  await writeHdf5(path, (root) => {
    const lg = root.create_group('layer');
    const inSize = net.populations.find((p) => p.name === chain[0])!.size;
    const l0 = lg.create_group('0');
    l0.create_dataset({ name: 'type', data: 'input' });
    l0.create_dataset({ name: 'shape', data: BigInt64Array.of(BigInt(inSize)), shape: [1], dtype: '<q' });
    layers.forEach(({ qp, l, w, bias }, k) => {
      const g = lg.create_group(String(k + 1));
      const int = (name: string, v: number, grp = g) => grp.create_dataset({ name, data: BigInt64Array.of(BigInt(v)), shape: [], dtype: '<q' });
      g.create_dataset({ name: 'type', data: 'dense' });
      g.create_dataset({ name: 'shape', data: BigInt64Array.of(BigInt(qp.nPost)), shape: [1], dtype: '<q' });
      int('inFeatures', qp.nPre);
      int('outFeatures', qp.nPost);
      g.create_dataset({ name: 'weight', data: w, shape: [qp.nPost, qp.nPre], dtype: '<f' });
      if (qp.biasColumn) g.create_dataset({ name: 'bias', data: bias, shape: [qp.nPost], dtype: '<f' });
      if (qp.delaySteps > 0) g.create_dataset({ name: 'delay', data: new Float32Array(qp.nPost * qp.nPre).fill(qp.delaySteps), shape: [qp.nPost, qp.nPre], dtype: '<f' });
      const n = g.create_group('neuron');
      n.create_dataset({ name: 'type', data: 'CUBA' });
      int('iDecay', l.du + 1, n);
      int('vDecay', l.dv, n);
      int('vThMant', l.vth, n);
      int('refDelay', 1, n);
      n.create_dataset({ name: 'gradedSpike', data: Uint8Array.of(0), shape: [], dtype: '<B' });
    });
  });
  return { weightPaths, notes };
}

// ---------------------------------------------------------------- reading

/** A numeric dataset of a tree, or undefined. */
const arr = (t: H5Tree, key: string): NirArray | undefined => {
  const v = t[key];
  return v && typeof v !== 'string' && v.data instanceof Float64Array ? (v as NirArray) : undefined;
};
const group = (t: H5Tree, key: string): H5Tree | undefined => {
  const v = t[key];
  return v && typeof v !== 'string' && !(v.data instanceof Float64Array) ? (v as H5Tree) : undefined;
};
const num = (t: H5Tree, key: string, file: string, where: string): number => {
  const v = arr(t, key);
  if (!v || v.data.length !== 1 || !Number.isFinite(v.data[0])) throw new FileFormatError(file, `${where}/${key}: expected one number`);
  return v.data[0];
};

/** Reads a netx file's chain of dense CUBA layers (the layout writeNetx writes; lava-dl's reader accepts more). */
export async function readNetx(file: string): Promise<{ inputSize: number; layers: NetxLayer[] }> {
  const tree = await readHdf5Tree(file);
  const lg = group(tree, 'layer');
  if (!lg) throw new FileFormatError(file, "no '/layer' group: not a netx file");
  const keys = Object.keys(lg).sort((a, b) => Number(a) - Number(b));
  const layers: NetxLayer[] = [];
  let inputSize = 0;
  keys.forEach((k, idx) => {
    const g = group(lg, k);
    const where = `/layer/${k}`;
    if (String(Number(k)) !== k || Number(k) !== idx || !g) throw new FileFormatError(file, `${where}: expected layer groups numbered 0, 1, ...`);
    const type = g.type;
    const shape = arr(g, 'shape');
    if (idx === 0) {
      if (type !== 'input' || !shape) throw new FileFormatError(file, `${where}: expected an 'input' layer with a shape`);
      inputSize = shape.data.reduce((a, b) => a * b, 1);
      if ('neuron' in g) throw new NoImplementationError(`${file}: an input layer with its own neurons`, ['a plain input layer (type, shape)']);
      return;
    }
    if (type !== 'dense') throw new NoImplementationError(`${file}${where}: netx layer type '${String(type)}'`, ['input', 'dense']);
    const nIn = num(g, 'inFeatures', file, where);
    const nOut = num(g, 'outFeatures', file, where);
    const prevOut = idx === 1 ? inputSize : layers[idx - 2].nOut;
    if (nIn !== prevOut) throw new FileFormatError(file, `${where}: inFeatures = ${nIn}, but the layer before has ${prevOut} outputs`);
    const w = arr(g, 'weight');
    if (!w || w.data.length !== nIn * nOut)
      throw new FileFormatError(file, `${where}/weight: expected ${nOut} x ${nIn} values`);
    if ('delay' in g) throw new NoImplementationError(`${file}${where}: netx synaptic delays in 'ffsnn simulate'`, ['layers without delay']);
    const n = group(g, 'neuron');
    if (!n || n.type !== 'CUBA') throw new NoImplementationError(`${file}${where}/neuron: neuron type other than CUBA`, ['CUBA']);
    const b = arr(g, 'bias');
    if ('bias' in g && (!b || b.data.length !== nOut)) throw new FileFormatError(file, `${where}/bias: expected ${nOut} values`);
    layers.push({
      nIn,
      nOut,
      weight: Float32Array.from(w.data),
      iDecay: num(n, 'iDecay', file, `${where}/neuron`),
      vDecay: num(n, 'vDecay', file, `${where}/neuron`),
      vThMant: num(n, 'vThMant', file, `${where}/neuron`),
      ...(b ? { bias: Float32Array.from(b.data) } : {}),
    });
  });
  if (!layers.length) throw new FileFormatError(file, 'netx file has no dense layer');
  return { inputSize, layers };
}
