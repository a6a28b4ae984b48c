// SPDX-License-Identifier: MIT
/**
 * Every figure the claims table needs, measured on one run: test accuracy (ffsnn evaluate's report),
 * convergence (the run's own history), inference cost, locality, hardware (ffsnn map and the
 * bit-accurate quantised evaluation), robustness and representations. Nothing here is typed in.
 */
import type { Dataset } from '../../data/dataset.js';
import { measureCounts } from '../../chips/counts.js';
import { mapNetwork } from '../../chips/map.js';
import { listProfileNames, loadProfile } from '../../chips/profile.js';
import { epochsTo95, modelOf } from '../../io/checkpoint.js';
import type { BatchedOps } from '../../sim/batched/ops.js';
import { Rng } from '../../sim/rng.js';
import { quantizedReport } from '../hardware.js';
import { evaluateCheckpoint, type LayerActivity } from '../report.js';
import { decisionLatency, type DecisionLatency } from './latency.js';
import { locality, type Locality } from './locality.js';
import { classSimilarity, hiddenOutputs, linearProbe } from './representations.js';
import { robustness, type Robustness } from './robustness.js';
import type { Run } from './runs.js';

export interface MeasureOptions {
  /** Test samples for robustness, representations (probe test) and latency. */
  samples: number;
  /** Training samples the linear probe is fitted on. */
  probeSamples: number;
  /** Test samples of the bit-accurate quantised evaluation per profile (0: skip it). */
  hwSamples: number;
  /** Profile names (default: every shipped profile). */
  profiles?: string[];
}

export const DEFAULT_MEASURE: MeasureOptions = { samples: 300, probeSamples: 1000, hwSamples: 20 };

export interface HardwareFigure {
  profile: string;
  fits: boolean;
  cores: number;
  chips: number;
  energy_uJ_per_inference: number | null;
  /** Bit-accurate quantised accuracy and the float one on the same samples and encoded inputs. */
  quantized_accuracy: number | null;
  float_accuracy: number | null;
  samples: number;
  note: string;
}

export interface LayerRepresentation {
  layer: string;
  size: number;
  same_class_cosine: number;
  other_class_cosine: number;
  probe_accuracy: number;
  similarity: number[][];
}

export interface RunMeasurement {
  name: string;
  dir: string;
  rule: string;
  neuron: string;
  dataset: string;
  train_fraction: number;
  train_samples: number;
  epochs: number;
  test_samples: number;
  accuracy: number;
  history: { epoch: number; test_accuracy: number; train_accuracy: number | null; loss: number }[];
  epochs_to_95pct_of_final: number | null;
  inference: {
    passes: number;
    time_steps: number;
    /** Spikes (spiking) or nonzero outputs (rate) of all layers, per inference. */
    spikes: number;
    synaptic_events: number;
    layers: LayerActivity[];
    latency: DecisionLatency | null;
  };
  confusion: number[][];
  locality: Locality;
  /** null for rate networks: only spiking networks map onto the chips. */
  hardware: HardwareFigure[] | null;
  robustness: Robustness;
  representations: LayerRepresentation[];
  backend: Record<string, string>;
}

function hardware(run: Run, data: Dataset, o: MeasureOptions, say: (m: string) => void): HardwareFigure[] {
  const net = run.ck.network;
  const counts = measureCounts(net, { ...data.test, dim: data.dim, name: data.name }, { samples: 20, seed: 1 });
  return (o.profiles ?? listProfileNames()).map((name) => {
    const map = mapNetwork(net, loadProfile(name), counts);
    const base = { profile: map.profile, fits: map.fits, cores: map.cores, chips: map.chips, energy_uJ_per_inference: map.energy?.microjoules ?? null };
    if (!map.fits) return { ...base, quantized_accuracy: null, float_accuracy: null, samples: 0, note: map.refused!.message };
    if (o.hwSamples === 0) return { ...base, quantized_accuracy: null, float_accuracy: null, samples: 0, note: 'quantised evaluation skipped (--hw-samples 0)' };
    say(`${run.name}: bit-accurate ${name} on ${o.hwSamples} samples`);
    const q = quantizedReport(net, name, data, o.hwSamples, counts);
    return { ...base, quantized_accuracy: q.accuracy, float_accuracy: q.float_accuracy, samples: q.samples, note: `energy counts from the ${counts.from}` };
  });
}

export function measureRun(run: Run, data: Dataset, ops: BatchedOps, o: MeasureOptions = DEFAULT_MEASURE, say: (m: string) => void = () => {}): RunMeasurement {
  const { ck } = run;
  const c = ck.config;
  const model = modelOf(ck);
  say(`${run.name}: accuracy on ${data.test.n} test samples`);
  const ev = evaluateCheckpoint(ck, data.test, data.name, ops);
  const spiking = c.neuron === 'lif';
  const rng = new Rng(c.seed).fork('claims');
  say(`${run.name}: robustness (${Math.min(o.samples, data.test.n)} samples x 12 conditions)`);
  const rob = robustness(model, data.test, data.dim, o.samples, c.seed, ops);
  say(`${run.name}: representations and linear probes`);
  const n = Math.min(o.samples, data.test.n);
  const hTest = hiddenOutputs(model, data.test, n, rng.fork('rep-test'), ops);
  const train = data.train;
  const nTrain = train ? Math.min(o.probeSamples, train.n) : 0;
  const hTrain = train ? hiddenOutputs(model, train, nTrain, rng.fork('rep-train'), ops) : [];
  const reps = hTest.map((h, l): LayerRepresentation => {
    const size = h.length / n;
    const sim = classSimilarity(h, data.test.y, n, size, c.classes);
    return {
      layer: `h${l + 1}`,
      size,
      same_class_cosine: sim.same,
      other_class_cosine: sim.other,
      probe_accuracy: train ? linearProbe(hTrain[l], train.y, nTrain, h, data.test.y, n, size, c.classes) : NaN,
      similarity: sim.matrix,
    };
  });
  const latency = spiking ? (say(`${run.name}: latency to decision`), decisionLatency(model, data.test, Math.min(o.samples, 200), rng.fork('latency'), ops)) : null;
  const hw = spiking ? hardware(run, data, o, say) : null;
  const sum = (k: keyof LayerActivity) => ev.layers.reduce((a, l) => a + (l[k] as number), 0);
  const history = ck.history.map((m) => ({ epoch: m.epoch, test_accuracy: m.test_accuracy, train_accuracy: m.train_accuracy, loss: m.loss }));
  return {
    name: run.name,
    dir: run.dir,
    rule: c.rule,
    neuron: c.neuron,
    dataset: c.dataset,
    train_fraction: c.trainFraction,
    train_samples: run.metrics.train_samples,
    epochs: ck.epoch,
    test_samples: ev.samples,
    accuracy: ev.accuracy,
    history,
    epochs_to_95pct_of_final: epochsTo95(history),
    inference: {
      passes: ev.passes_per_inference,
      time_steps: spiking ? c.steps : 1,
      spikes: sum('output_events_per_inference'),
      synaptic_events: sum('synaptic_events_per_inference'),
      layers: ev.layers,
      latency,
    },
    confusion: ev.confusion,
    locality: locality(ck),
    hardware: hw,
    robustness: rob,
    representations: reps,
    backend: ev.backend,
  };
}
