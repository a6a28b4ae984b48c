// SPDX-License-Identifier: MIT
/**
 * Simulation of a quantised network with the bit-accurate chip models.
 *
 * Loihi profiles: every projection is a Lava bit-accurate Dense (weight mantissas, weight_exp,
 * sign mode), every population a Lava bit-accurate CUBA LIF (du, dv, vth, bias); a projection delay
 * d adds d steps after the Dense's own one-step latency. SpiNNaker profiles: sPyNNaker IF_curr_exp in
 * s16.15 fed by uint16 weights shifted into s16.15 per synapse type. Timing equals the float IR
 * simulator's (src/ir/simulate.ts): a spike of step t is first seen by the update of step t+d+1.
 */
import { ConfigError, NoImplementationError } from '../errors.js';
import { LoihiDense, LoihiLif } from './loihi/dense-lif.js';
import { IfCurrExpFixed } from './spinnaker/if-curr-exp.js';
import type { NetworkIR } from '../ir/ir.js';
import { checkNetwork } from '../ir/simulate.js';
import type { QuantizedNetwork } from './quantize.js';

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

