// SPDX-License-Identifier: MIT
/**
 * A lava-dl netx chain (input -> dense CUBA layers) run the way Lava runs it with
 * `Loihi2SimCfg(select_tag='fixed_pt')`: netx turns each stored weight matrix into a Dense process
 * through `optimize_weight_bits` (lava-dl `netx/utils.py`, ported below), and each `neuron` group
 * into a LIF process with du = iDecay - 1, dv = vDecay, vth = vThMant, bias_mant = bias,
 * bias_exp = 6 (`netx/hdf5.py get_neuron_params`); then Lava's bit-accurate Dense and LIF models
 * (./dense-lif.ts) step it, one step of latency per Dense.
 */
import { ConfigError, NoImplementationError } from '../../errors.js';
import { LoihiDense, LoihiLif, type SignMode } from './dense-lif.js';

/** One `/layer/k` of type `dense` as stored in a netx file. */
export interface NetxLayer {
  nIn: number;
  nOut: number;
  /** Stored weights, row-major [out][in]. */
  weight: Float32Array;
  iDecay: number;
  vDecay: number;
  vThMant: number;
  /** Per-neuron bias mantissa (bias_exp 6), absent = 0. */
  bias?: Float32Array;
}

/** lava-dl `optimize_weight_bits`: the weights, weight bits, weight exponent and sign mode netx gives Dense. */
export function optimizeWeightBits(weight: ArrayLike<number>): { weights: Int32Array; numWeightBits: number; weightExp: number; signMode: SignMode } {
  let w = Float64Array.from(weight);
  let max = w.reduce((a, b) => Math.max(a, b), -Infinity);
  let min = w.reduce((a, b) => Math.min(a, b), Infinity);
  if ((max > 254 && min < 0) || (min < -256 && max > 0)) {
    w = w.map((x) => Math.min(254, Math.max(-256, x)));
    max = Math.min(max, 254);
    min = Math.max(min, -256);
  }
  const signMode: SignMode = max < 0 ? 'INHIBITORY' : min >= 0 ? 'EXCITATORY' : 'MIXED';
  const signed = signMode === 'MIXED' ? 1 : 0;
  const scale = signMode === 'MIXED' ? Math.min(127 / max, -128 / min) : signMode === 'INHIBITORY' ? -256 / min : 255 / max;
  if (!Number.isFinite(scale)) throw new NoImplementationError('a netx dense layer whose weights are all zero', ['layers with a non-zero weight']);
  const scaleBits = Math.floor(Math.log2(scale)) + signed;
  if (scaleBits < 0) throw new NoImplementationError(`netx weights beyond the 8-bit synapse (optimize_weight_bits shift ${scaleBits})`, ['weights within [-256, 255]']);
  let n = 8;
  for (; n > 0; n--) {
    const d = 2 ** n;
    if (w.every((x) => x / d === Math.round(x / d))) break;
  }
  n -= signed;
  return {
    weights: Int32Array.from(w, (x) => Math.trunc(x) * 2 ** scaleBits),
    numWeightBits: 8 - scaleBits - n,
    weightExp: -scaleBits,
    signMode,
  };
}

/** Runs the chain on input frames[t][i]; returns each layer's 0/1 spikes per step. */
export function runNetxChain(layers: NetxLayer[], input: ArrayLike<number>[]): Float64Array[][] {
  const dense = layers.map((l) => {
    const o = optimizeWeightBits(l.weight);
    return new LoihiDense({ weights: o.weights, nIn: l.nIn, nOut: l.nOut, numWeightBits: o.numWeightBits, weightExp: o.weightExp, signMode: o.signMode });
  });
  const lif = layers.map(
    (l) => new LoihiLif({ n: l.nOut, du: l.iDecay - 1, dv: l.vDecay, vth: l.vThMant, biasMant: l.bias ? Int32Array.from(l.bias, Math.trunc) : 0, biasExp: 6 }),
  );
  const out: Float64Array[][] = layers.map(() => []);
  input.forEach((frame, t) => {
    if (frame.length !== layers[0].nIn) throw new ConfigError(`input frame ${t} has ${frame.length} values, the netx input has ${layers[0].nIn}`);
    let s: ArrayLike<number> = frame;
    layers.forEach((_, k) => {
      // Dense sends what it accumulated last step, then accumulates this step's spikes.
      const a = dense[k].step(s);
      s = Float64Array.from(lif[k].step(a));
      out[k].push(s as Float64Array);
    });
  });
  return out;
}
