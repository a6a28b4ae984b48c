// SPDX-License-Identifier: MIT
/**
 * Mapping of a network onto a hardware profile: placement of populations on cores within the
 * per-core limits (neurons, input axons, synaptic memory), delay range, splitting across cores and
 * chips where the profile allows, quantisation error per projection and energy per inference from
 * the profile's per-operation figures and measured spike and synaptic-event counts.
 *
 * Placement model: a population is split by neurons into equal slices, one per core; every neuron
 * of a slice needs all the population's input axons on its core (dense fan-in), so the fan-in is
 * limited by one core's input axons unless the profile says the fan-in can be split (SpiNNaker keeps
 * synaptic rows in SDRAM). Synaptic memory per core = neurons x synapses per neuron x bits per
 * synapse. Input populations are served by the host / spike sources and take no core.
 */
import { HardwareProfileError } from '../errors.js';
import type { NetworkIR, PopulationIR } from '../ir/ir.js';
import { checkNetwork } from '../ir/simulate.js';
import type { Confidence, HardwareProfile, Quantity } from './profile.js';
import { augmentedWeights, quantizeNetwork, type QuantizedNetwork } from './quantize.js';

export interface CorePlacement {
  core: number;
  chip: number;
  population: string;
  /** First neuron index of the slice and its size. */
  first: number;
  neurons: number;
  inAxons: number;
  synapseBits: number;
  utilisation: { neurons: number; inAxons: number | null; synapseMem: number };
}

export interface Refusal {
  constraint: string;
  population?: string;
  projection?: string;
  needed: number;
  limit: number;
  message: string;
}

export interface EnergyEstimate {
  /** Energy per inference in microjoules, or null when a needed figure is unknown. */
  microjoules: number | null;
  components: { what: string; count: number; pJ: number | null; confidence: Confidence; source: string }[];
  /** Figures used that are not confirmed in code or documents. */
  unconfirmed: string[];
  countsFrom: string;
}

export interface MapResult {
  profile: string;
  fits: boolean;
  refused?: Refusal;
  cores: number;
  chips: number;
  populations: { name: string; size: number; model: string; cores: number; neuronsPerCore: number; fanIn: number; synapsesPerNeuron: number }[];
  placements: CorePlacement[];
  utilisation: { meanNeurons: number; maxSynapseMem: number; maxInAxons: number | null };
  quantization: { projection: string; format: string; relRmsError: number; maxAbsError: number; weightExp?: number; signMode?: string; shift?: [number, number]; approximate?: boolean }[];
  energy: EnergyEstimate | null;
  notes: string[];
}

/** Counts per inference (one sample presentation). */
export interface InferenceCounts {
  spikes: number;
  inputEvents: number;
  synapticEvents: number;
  neuronUpdates: number;
  from: string;
}

function refusal(r: Omit<Refusal, 'message'>, message: string): Refusal {
  return { ...r, message };
}

/** Delay as the target counts it: Loihi's 0 is the next step (our 0); SpiNNaker/TrueNorth count the step itself. */
function hardwareDelay(profile: HardwareProfile, d: number): number {
  return profile.family === 'loihi' ? d : d + 1;
}

export function estimateEnergy(profile: HardwareProfile, c: InferenceCounts): EnergyEstimate {
  const e = profile.energy;
  const parts: [string, number, Quantity<number | null> | undefined][] = [
    ['synaptic events', c.synapticEvents, e.synOpPj],
    ['neuron updates', c.neuronUpdates, e.neuronUpdatePj],
    ['spikes routed', c.spikes + c.inputEvents, e.spikePj],
  ];
  const components = parts
    .filter(([, , q]) => q !== undefined)
    .map(([what, count, q]) => ({ what, count, pJ: q!.value, confidence: q!.confidence, source: q!.source }));
  const unknown = components.some((x) => x.pJ === null);
  const pj = components.reduce((a, x) => a + x.count * (x.pJ ?? 0), 0);
  return {
    microjoules: unknown ? null : pj / 1e6,
    components,
    unconfirmed: components.filter((x) => x.confidence !== 'code' && x.confidence !== 'doc').map((x) => `${x.what}: ${x.pJ ?? 'unknown'} pJ (${x.confidence}; ${x.source})`),
    countsFrom: c.from,
  };
}

/** Places and quantises the network; never throws for a network that does not fit (see `refused`). */
export function mapNetwork(net: NetworkIR, profile: HardwareProfile, counts?: InferenceCounts): MapResult {
  const pops = checkNetwork(net);
  const notes: string[] = [];
  const base = (refused: Refusal): MapResult => ({
    profile: profile.name, fits: false, refused, cores: 0, chips: 0, populations: [], placements: [],
    utilisation: { meanNeurons: 0, maxSynapseMem: 0, maxInAxons: null }, quantization: [], energy: null, notes,
  });
  const core = profile.core;
  const maxNeurons = core.maxNeurons.value;
  const maxAxons = core.maxInAxons?.value;
  const memBits = core.synapseMemBits.value;
  const bitsPerSyn = core.bitsPerSynapse.value;
  if (profile.delay.timestepMs && net.dt > 0 && Math.abs(profile.delay.timestepMs.value - net.dt) > 1e-9)
    notes.push(`network dt ${net.dt} ms differs from the profile's ${profile.delay.timestepMs.value} ms time step (run with a time-scale factor)`);
  for (const pr of net.projections) {
    const w = pr.weights;
    const delays = w.format === 'csr' && w.delay ? Array.from(w.delay) : [pr.delaySteps];
    for (const d of delays) {
      const hd = hardwareDelay(profile, d);
      if (hd < profile.delay.min.value || hd > profile.delay.max.value)
        return base(refusal({ constraint: 'delay', projection: pr.name, needed: hd, limit: profile.delay.max.value },
          `projection '${pr.name}': delay ${hd} steps is outside ${profile.name}'s range [${profile.delay.min.value}, ${profile.delay.max.value}]`));
    }
  }
  const popRows: MapResult['populations'] = [];
  const placements: CorePlacement[] = [];
  for (const p of net.populations) {
    if (p.model === 'Input') continue;
    if (!profile.neuron.models.includes(p.model))
      return base(refusal({ constraint: 'neuron.models', population: p.name, needed: 1, limit: 0 },
        `population '${p.name}': model '${p.model}' is not supported by ${profile.name} (supported: ${profile.neuron.models.join(', ')})`));
    const { fanIn, synPerNeuron } = fanInOf(net, p, pops);
    if (maxAxons !== undefined && fanIn > maxAxons && !core.splitFanIn)
      return base(refusal({ constraint: 'core.maxInAxons', population: p.name, needed: fanIn, limit: maxAxons },
        `population '${p.name}': fan-in of ${fanIn} input axons exceeds ${profile.name}'s ${maxAxons} per core, and a neuron's inputs cannot be split across cores`));
    const bitsPerNeuron = synPerNeuron * bitsPerSyn;
    const byMem = bitsPerNeuron > 0 ? Math.floor(memBits / bitsPerNeuron) : maxNeurons;
    if (byMem < 1)
      return base(refusal({ constraint: 'core.synapseMemBits', population: p.name, needed: bitsPerNeuron, limit: memBits },
        `population '${p.name}': one neuron needs ${bitsPerNeuron} bits of synaptic memory (${synPerNeuron} synapses x ${bitsPerSyn} bits), more than ${profile.name}'s ${memBits} per core`));
    const npc = Math.min(maxNeurons, byMem);
    const nCores = Math.ceil(p.size / npc);
    const slice = Math.ceil(p.size / nCores);
    popRows.push({ name: p.name, size: p.size, model: p.model, cores: nCores, neuronsPerCore: slice, fanIn, synapsesPerNeuron: synPerNeuron });
    for (let k = 0, first = 0; k < nCores; k++, first += slice) {
      const n = Math.min(slice, p.size - first);
      const idx = placements.length;
      const axons = Math.min(fanIn, maxAxons ?? fanIn);
      placements.push({
        core: idx, chip: Math.floor(idx / profile.chip.coresPerChip.value), population: p.name, first, neurons: n, inAxons: axons,
        synapseBits: n * bitsPerNeuron,
        utilisation: { neurons: n / maxNeurons, inAxons: maxAxons ? axons / maxAxons : null, synapseMem: (n * bitsPerNeuron) / memBits },
      });
    }
  }
  const cores = placements.length;
  const chips = Math.max(1, Math.ceil(cores / profile.chip.coresPerChip.value));
  const maxChips = profile.chip.maxChips?.value;
  if (maxChips !== undefined && chips > maxChips)
    return base(refusal({ constraint: 'chip.maxChips', needed: chips, limit: maxChips }, `network needs ${chips} chips, more than ${profile.name}'s ${maxChips}`));
  if (chips > 1) notes.push(`split across ${chips} chips (${profile.chip.coresPerChip.value} cores each)`);
  let q: QuantizedNetwork;
  try {
    q = quantizeNetwork(net, profile);
  } catch (err) {
    if (err instanceof HardwareProfileError)
      return base(refusal({ constraint: 'neuron.model', needed: 1, limit: 0 }, err.message));
    throw err;
  }
  for (const qp of q.populations) for (const n of qp.notes) notes.push(`${qp.name}: ${n}`);
  if (net.learning) {
    const missing = net.learning.reads.filter((s) => !profile.plasticity.signals.includes(s));
    if (missing.length) notes.push(`learning rule '${net.learning.rule}' reads ${missing.join(', ')}, which ${profile.name} cannot provide on chip: inference only`);
  }
  return {
    profile: profile.name,
    fits: true,
    cores,
    chips,
    populations: popRows,
    placements,
    utilisation: {
      meanNeurons: placements.reduce((a, p) => a + p.utilisation.neurons, 0) / Math.max(cores, 1),
      maxSynapseMem: Math.max(0, ...placements.map((p) => p.utilisation.synapseMem)),
      maxInAxons: maxAxons ? Math.max(0, ...placements.map((p) => p.utilisation.inAxons ?? 0)) : null,
    },
    quantization: q.projections.map((p) => ({
      projection: p.name,
      format: q.format,
      relRmsError: p.relRmsError,
      maxAbsError: p.maxAbsError,
      ...(p.loihi ? { weightExp: p.loihi.weightExp, signMode: p.loihi.signMode } : {}),
      ...(p.spinnaker ? { shift: [p.spinnaker.shiftExc, p.spinnaker.shiftInh] as [number, number] } : {}),
      ...(p.approximate ? { approximate: true } : {}),
    })),
    energy: counts ? estimateEnergy(profile, counts) : null,
    notes,
  };
}

function fanInOf(net: NetworkIR, p: PopulationIR, pops: Map<string, PopulationIR>): { fanIn: number; synPerNeuron: number } {
  let fanIn = 0;
  const perNeuron = new Float64Array(p.size);
  for (const pr of net.projections.filter((x) => x.post === p.name)) {
    const { w, cols } = augmentedWeights(pr, pops.get(pr.pre)!.size, p.size);
    fanIn += cols;
    for (let j = 0; j < p.size; j++) for (let i = 0; i < cols; i++) if (w[j * cols + i] !== 0) perNeuron[j]++;
  }
  return { fanIn, synPerNeuron: perNeuron.reduce((a, b) => Math.max(a, b), 0) };
}
