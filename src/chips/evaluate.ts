// SPDX-License-Identifier: MIT
/** Accuracy of a quantised network beside the float network's, on the same encoded inputs. */
import { ConfigError } from '../errors.js';
import { classScores, encodeSample } from '../ir/inference.js';
import type { NetworkIR } from '../ir/ir.js';
import { simulateIR } from '../ir/simulate.js';
import { Rng } from '../sim/rng.js';
import type { HardwareProfile } from './profile.js';
import { quantizeNetwork, type QuantizedNetwork } from './quantize.js';
import { simulateQuantized } from './simulate.js';

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
