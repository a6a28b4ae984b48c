// SPDX-License-Identifier: MIT
/**
 * Simulation of a quantised network with the bit-accurate chip models, and evaluation of its
 * accuracy beside the float network's on the same encoded inputs.
 *
 * Loihi profiles: every projection is a Lava bit-accurate Dense (weight mantissas, weight_exp,
 * sign mode), every population a Lava bit-accurate CUBA LIF (du, dv, vth, bias); a projection delay
 * d adds d steps after the Dense's own one-step latency. SpiNNaker profiles: sPyNNaker IF_curr_exp in
 * s16.15 fed by uint16 weights shifted into s16.15 per synapse type. Timing equals the float IR
 * simulator's (ir-sim.ts): a spike of step t is first seen by the update of step t+d+1.
 */
import { ConfigError, NoImplementationError } from '../errors.js';
import { LoihiDense, LoihiLif } from '../neurons/loihi-lif/fixed.js';
import { IfCurrExpFixed } from '../neurons/spinnaker-if/fixed.js';
import { Rng } from '../sim/rng.js';
import type { NetworkIR } from './ir.js';
import { checkNetwork, simulateIR } from './ir-sim.js';
import type { HardwareProfile } from './profile.js';
import { quantizeNetwork, type QuantizedNetwork } from './quantize.js';

export interface QuantizedRun {
  /** Per population, per step, the 0/1 (or input) values. */
  frames: Record<string, Float64Array[]>;
  spikes: number;
}

/** Runs the quantised network for frames.length steps on the input frames (one array per step). */
export function simulateQuantized(net: NetworkIR, q: QuantizedNetwork, input: Float64Array[]): QuantizedRun {
  checkNetwork(net);
  if (net.inputs.length !== 1) throw new ConfigError('quantised simulation supports one input population');
  const steps = input.length;
  const sizes = new Map(net.populations.map((p) => [p.name, p.size]));
  const frames: Record<string, Float64Array[]> = {};
  for (const p of net.populations) frames[p.name] = [];
  const loihi = q.format === 'loihi-mant-exp';
  if (!loihi && q.format !== 'spinnaker-u16-shift') throw new NoImplementationError(`a bit-accurate model of ${q.profile} (${q.format})`, ['loihi-mant-exp', 'spinnaker-u16-shift']);
  const cells = new Map<string, { step(e: Float64Array, i: Float64Array): Uint8Array }>();
  for (const qp of q.populations) {
    if (loihi) {
      const l = qp.loihi!;
      const lif = new LoihiLif({ n: sizes.get(qp.name)!, du: l.du, dv: l.dv, vth: l.vth, biasMant: l.biasMant, biasExp: l.biasExp }, q.loihiWidths);
      cells.set(qp.name, { step: (e) => lif.step(e) });
    } else {
      const cell = new IfCurrExpFixed(sizes.get(qp.name)!, qp.spinnaker!.params);
      cells.set(qp.name, { step: (e, i) => cell.step(e, i) });
    }
  }
  // Pending synaptic input per post population: ring of (exc, inh) arrays per future step.
  const slots = 2 + Math.max(0, ...q.projections.map((p) => p.delaySteps));
  const pending = new Map<string, { e: Float64Array; i: Float64Array }[]>();
  for (const qp of q.populations) {
    const n = sizes.get(qp.name)!;
    pending.set(qp.name, Array.from({ length: slots }, () => ({ e: new Float64Array(n), i: new Float64Array(n) })));
  }
  const dense = new Map(
    q.projections.map((p) => [p, loihi ? new LoihiDense({ weights: p.loihi!.mantissas, nIn: p.cols, nOut: p.nPost, weightExp: p.loihi!.weightExp, signMode: p.loihi!.signMode, numWeightBits: q.loihiWidths!.weightBits }, q.loihiWidths) : null]),
  );
  let spikes = 0;
  for (let t = 0; t < steps; t++) {
    const now = new Map<string, Float64Array>();
    for (const p of net.populations) {
      let s: Float64Array;
      if (p.model === 'Input') {
        s = input[t];
        if (s.length !== p.size) throw new ConfigError(`input frame ${t} has ${s.length} values, expected ${p.size}`);
      } else {
        const due = pending.get(p.name)![t % slots];
        s = Float64Array.from(cells.get(p.name)!.step(due.e, due.i));
        due.e.fill(0);
        due.i.fill(0);
        for (let j = 0; j < s.length; j++) spikes += s[j];
      }
      now.set(p.name, s);
      frames[p.name].push(s);
    }
    for (const qp of q.projections) {
      const pre = now.get(qp.pre)!;
      const sIn = qp.biasColumn ? Float64Array.from({ length: qp.cols }, (_, k) => (k < qp.nPre ? pre[k] : 1)) : pre;
      const target = pending.get(qp.post)![(t + qp.delaySteps + 1) % slots];
      const d = dense.get(qp);
      if (d) {
        d.step(sIn);
        for (let j = 0; j < qp.nPost; j++) target.e[j] += d.aBuff[j];
      } else {
        const { ints, shiftExc, shiftInh } = qp.spinnaker!;
        for (let i = 0; i < qp.cols; i++) {
          if (sIn[i] === 0) continue;
          for (let j = 0; j < qp.nPost; j++) {
            const w = ints[j * qp.cols + i];
            if (w > 0) target.e[j] += w * 2 ** shiftExc;
            else if (w < 0) target.i[j] -= w * 2 ** shiftInh;
          }
        }
      }
    }
  }
  return { frames, spikes };
}

/** Input frames of one sample under the IR's encoding (the training code's encoders). */
export function encodeSample(net: NetworkIR, x: ArrayLike<number>, rng: Rng): Float64Array[] {
  const enc = net.encoding;
  if (!enc) throw new ConfigError(`network '${net.name}' has no encoding: cannot present samples`);
  const T = enc.steps;
  const frames = Array.from({ length: T }, () => new Float64Array(x.length));
  if (enc.kind === 'poisson') {
    const rate = enc.params.rate ?? 1;
    for (let i = 0; i < x.length; i++) {
      const p = x[i] * rate;
      if (p <= 0) continue;
      for (let t = 0; t < T; t++) if (rng.uniform() < p) frames[t][i] = 1;
    }
  } else if (enc.kind === 'latency') {
    for (let i = 0; i < x.length; i++) if (x[i] > 0) frames[Math.round((1 - Math.min(1, x[i])) * (T - 1))][i] = 1;
  } else throw new NoImplementationError(`'${enc.kind}' encoding for spiking evaluation`, ['poisson', 'latency']);
  return frames;
}

/** Layer activity h = sum_t w_t s(t) as the readout defines it. */
function activity(net: NetworkIR, frames: Float64Array[], name: string): Float64Array {
  const n = net.populations.find((p) => p.name === name)!.size;
  const h = new Float64Array(n);
  const T = frames.length;
  let aMem = 1;
  if (net.readout?.activity === 'trace') {
    const tau = net.populations.find((p) => p.name === name)!.params.tauMem;
    aMem = Math.exp(-net.dt / (typeof tau === 'number' ? tau : 1));
  }
  for (let t = 0; t < T; t++) {
    const w = aMem === 1 ? 1 : Math.pow(aMem, T - 1 - t);
    const f = frames[t];
    for (let j = 0; j < n; j++) if (f[j]) h[j] += w * f[j];
  }
  return h;
}

/** Scores of each class from the layer activities (readout of the IR). */
export function classScores(net: NetworkIR, frames: Record<string, Float64Array[]>): Float64Array {
  const r = net.readout;
  if (!r) throw new ConfigError(`network '${net.name}' has no readout: cannot score`);
  const scores = new Float64Array(r.classes);
  if (r.kind === 'argmax') {
    const h = activity(net, frames[r.layers[0]], r.layers[0]);
    for (let c = 0; c < r.classes; c++) scores[c] = h[c];
  } else if (r.kind === 'prototype-cosine') {
    r.layers.forEach((name, l) => {
      const h = activity(net, frames[name], name);
      const norm = Math.hypot(...h);
      if (norm === 0) return;
      const P = r.prototypes![l];
      const n = h.length;
      for (let c = 0; c < r.classes; c++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += h[j] * P[c * n + j];
        scores[c] += s / norm;
      }
    });
  } else {
    for (const name of r.layers) {
      const h = activity(net, frames[name], name);
      scores[0] += h.reduce((a, b) => a + b * b, 0) / h.length;
    }
  }
  return scores;
}

const argmax = (a: Float64Array) => a.reduce((b, v, i) => (v > a[b] ? i : b), 0);

export interface QuantizedEvaluation {
  profile: string;
  samples: number;
  floatAccuracy: number;
  quantizedAccuracy: number;
  /** Fraction of samples where both predict the same class. */
  agreement: number;
  /** Per inference (mean over samples) in the float network: for energy estimates. */
  perInference: { spikes: number; synapticEvents: number; neuronUpdates: number; inputEvents: number };
}

/** Float and quantised accuracy on the first `samples` rows of a split (same encoded input for both). */
export function evaluateQuantized(
  net: NetworkIR,
  profile: HardwareProfile,
  data: { x: Float32Array; y: Uint8Array; n: number; dim: number },
  opts: { samples: number; seed: number; quantized?: QuantizedNetwork },
): QuantizedEvaluation {
  const q = opts.quantized ?? quantizeNetwork(net, profile);
  const n = Math.min(opts.samples, data.n);
  const inSize = net.populations.find((p) => p.name === net.inputs[0])!.size;
  if (inSize !== data.dim) throw new ConfigError(`the network's input has ${inSize} neurons but the samples have ${data.dim} values`);
  const r = net.readout;
  const overlay = net.metadata.labelOverlay as { inputs: number; value: number } | undefined;
  const rng = new Rng(opts.seed);
  let okF = 0;
  let okQ = 0;
  let agree = 0;
  const per = { spikes: 0, synapticEvents: 0, neuronUpdates: 0, inputEvents: 0 };
  for (let s = 0; s < n; s++) {
    const x = data.x.subarray(s * data.dim, (s + 1) * data.dim);
    const srng = rng.fork(`sample-${s}`);
    const candidates = r?.kind === 'goodness' ? r.classes : 1;
    const sf = new Float64Array(r?.classes ?? 0);
    const sq = new Float64Array(r?.classes ?? 0);
    for (let c = 0; c < candidates; c++) {
      let xi: ArrayLike<number> = x;
      if (r?.kind === 'goodness') {
        if (!overlay) throw new ConfigError("goodness readout without metadata.labelOverlay: cannot build the candidate passes");
        const xx = Float32Array.from(x);
        for (let k = 0; k < overlay.inputs; k++) xx[k] = k === c ? overlay.value : 0;
        xi = xx;
      }
      const frames = encodeSample(net, xi, srng.fork(`pass-${c}`));
      const fr = simulateIR(net, frames.length, (t) => frames[t], { record: true });
      const fFrames: Record<string, Float64Array[]> = {};
      for (const p of net.populations) {
        fFrames[p.name] = fr.raster![p.name].map((idx) => {
          const a = new Float64Array(p.size);
          for (const i of idx) a[i] = 1;
          return a;
        });
      }
      const qr = simulateQuantized(net, q, frames);
      const a = classScores(net, fFrames);
      const b = classScores(net, qr.frames);
      if (r?.kind === 'goodness') {
        sf[c] = a[0];
        sq[c] = b[0];
      } else {
        sf.set(a);
        sq.set(b);
      }
      per.spikes += fr.spikes;
      per.synapticEvents += fr.synapticEvents;
      per.neuronUpdates += fr.neuronUpdates;
      per.inputEvents += fr.inputEvents;
    }
    const pf = argmax(sf);
    const pq = argmax(sq);
    if (pf === data.y[s]) okF++;
    if (pq === data.y[s]) okQ++;
    if (pf === pq) agree++;
  }
  for (const k of Object.keys(per) as (keyof typeof per)[]) per[k] /= Math.max(n, 1);
  return { profile: profile.name, samples: n, floatAccuracy: okF / n, quantizedAccuracy: okQ / n, agreement: agree / n, perInference: per };
}
