// SPDX-License-Identifier: MIT
/**
 * Spike and synaptic-event counts per inference, measured by running the float network (src/ir/simulate.ts)
 * on a few samples through the IR's encoding, or on seeded Poisson input when the network has no
 * encoding or no matching dataset (imported NIR graphs).
 */
import { Rng } from '../sim/rng.js';
import type { NetworkIR } from '../ir/ir.js';
import { simulateIR } from '../ir/simulate.js';
import type { InferenceCounts } from './map.js';
import { encodeSample } from '../ir/inference.js';

export function measureCounts(
  net: NetworkIR,
  data: { x: Float32Array; n: number; dim: number; name: string } | null,
  opts: { samples: number; seed: number; steps?: number; rate?: number },
): InferenceCounts {
  const rng = new Rng(opts.seed);
  const inSize = net.populations.find((p) => p.name === net.inputs[0])!.size;
  const useData = !!data && !!net.encoding && data.dim === inSize && (net.encoding.kind === 'poisson' || net.encoding.kind === 'latency');
  const n = useData ? Math.min(opts.samples, data!.n) : opts.samples;
  const steps = net.encoding?.steps ?? opts.steps ?? 100;
  const rate = opts.rate ?? 0.2;
  const sum = { spikes: 0, inputEvents: 0, synapticEvents: 0, neuronUpdates: 0 };
  for (let s = 0; s < n; s++) {
    const srng = rng.fork(`sample-${s}`);
    const frames = useData
      ? encodeSample(net, data!.x.subarray(s * data!.dim, (s + 1) * data!.dim), srng)
      : Array.from({ length: steps }, () => Float64Array.from({ length: inSize }, () => (srng.uniform() < rate ? 1 : 0)));
    const r = simulateIR(net, frames.length, (t) => frames[t]);
    sum.spikes += r.spikes;
    sum.inputEvents += r.inputEvents;
    sum.synapticEvents += r.synapticEvents;
    sum.neuronUpdates += r.neuronUpdates;
  }
  const from = useData
    ? `float network on ${n} ${data!.name} test samples (${net.encoding!.kind} encoding, ${steps} steps, seed ${opts.seed})`
    : `float network on ${n} seeded Poisson inputs (p = ${rate} per step, ${steps} steps, seed ${opts.seed})`;
  return { spikes: sum.spikes / n, inputEvents: sum.inputEvents / n, synapticEvents: sum.synapticEvents / n, neuronUpdates: sum.neuronUpdates / n, from };
}
