// SPDX-License-Identifier: MIT
/**
 * `ffsnn simulate FILE`: feeds a network file (checkpoint, bundle, NIR, Lava netx) an input raster
 * (or K embedded test digits encoded as training encodes them) and reports the spikes of each layer.
 * Float networks run in the IR's float simulator; `--profile` runs the chip's fixed-point model;
 * a netx file always runs Lava's fixed-point Loihi model (that is what the file holds).
 */
import { existsSync, openSync, readSync, closeSync, readFileSync } from 'node:fs';
import { ConfigError, FileFormatError } from '../errors.js';
import { loadDataset } from '../data/index.js';
import { readNetx } from '../export/lava/netx.js';
import { hdf5RootKeys } from '../export/nir/hdf5.js';
import { runNetxChain } from '../chips/loihi/netx-chain.js';
import { loadProfile } from '../chips/profile.js';
import { quantizeNetwork } from '../chips/quantize.js';
import { simulateQuantized } from '../chips/simulate.js';
import { classScores, encodeSample } from '../ir/inference.js';
import type { EncodingIR, NetworkIR } from '../ir/ir.js';
import { simulateIR } from '../ir/simulate.js';
import { readRaster } from '../io/raster.js';
import { Rng } from '../sim/rng.js';
import { loadNetwork } from './load-network.js';

export interface FileSimOptions {
  input?: string;
  digits?: number;
  steps?: number;
  profile?: string;
  record?: string[];
  /** Deliver feed-forward spikes within the step (NIR consumers' timing); float runs only. */
  sameStep?: boolean;
  seed: number;
}

export interface FileSimResult {
  file: string;
  kind: string;
  model: string;
  output: string;
  steps: number;
  layers: Record<string, { counts: number[]; per_step: number[][] }>;
  digits?: { labels: number[]; stepsPerDigit: number; seed: number; predicted?: number[] };
  notes: string[];
}

/** What the manifest written beside an export says about the network (names, encoding). */
interface ManifestHints {
  inputs?: string[];
  outputs?: string[];
  encoding?: EncodingIR;
  projections?: { pre: string; post: string }[];
}

function manifestBeside(file: string): ManifestHints {
  const path = `${file}.manifest.json`;
  if (!existsSync(path)) return {};
  try {
    const m = JSON.parse(readFileSync(path, 'utf8'));
    return { ...m.network, projections: m.projections };
  } catch {
    throw new FileFormatError(path, 'unreadable manifest JSON');
  }
}

function isHdf5(file: string): boolean {
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  const got = readSync(fd, head, 0, 4, 0);
  closeSync(fd);
  return got === 4 && head.equals(Buffer.from([0x89, 0x48, 0x44, 0x46]));
}

/** K test digits of the embedded split, encoded back to back as training encodes them (evaluate's seeds). */
export function digitFrames(encoding: EncodingIR | undefined, k: number, width: number, seed: number, file: string) {
  if (!encoding) throw new ConfigError(`${file}: no input encoding is known for this network (none in the file or in ${file}.manifest.json); give --input RASTER`);
  const ds = loadDataset('mnist-embedded', false);
  if (ds.dim !== width) throw new ConfigError(`--digits: the network's input has ${width} neurons, the digits ${ds.dim} pixels`);
  if (k > ds.test.n) throw new ConfigError(`--digits ${k}: the embedded test split has ${ds.test.n} digits`);
  const rng = new Rng(seed);
  const frames: Float64Array[] = [];
  const stub = { encoding } as NetworkIR;
  for (let s = 0; s < k; s++) frames.push(...encodeSample(stub, ds.test.x.subarray(s * ds.dim, (s + 1) * ds.dim), rng.fork(`sample-${s}`).fork('pass-0')));
  return { frames, labels: Array.from(ds.test.y.subarray(0, k)), stepsPerDigit: encoding.steps };
}

function fitSteps(frames: Float64Array[], steps: number | undefined, width: number): Float64Array[] {
  if (steps === undefined) return frames;
  if (steps <= frames.length) return frames.slice(0, steps);
  return [...frames, ...Array.from({ length: steps - frames.length }, () => new Float64Array(width))];
}

export async function simulateFile(file: string, o: FileSimOptions): Promise<FileSimResult> {
  if (!existsSync(file)) throw new ConfigError(`${file}: no such file`);
  if ((o.input === undefined) === (o.digits === undefined)) throw new ConfigError('simulate FILE: give exactly one of --input RASTER and --digits K');
  const hints = manifestBeside(file);
  const notes: string[] = [];
  let net: NetworkIR | undefined;
  let kind: string;
  let names: string[];
  let width: number;
  let netx: Awaited<ReturnType<typeof readNetx>> | undefined;
  if (isHdf5(file) && (await hdf5RootKeys(file)).includes('layer')) {
    kind = 'netx';
    netx = await readNetx(file);
    width = netx.inputSize;
    // Layer names from the export manifest's chain when it is there, else layer1, layer2, ...
    const chain = [hints.inputs?.[0] ?? 'input'];
    for (const p of hints.projections ?? []) if (p.pre === chain[chain.length - 1]) chain.push(p.post);
    names = chain.length === netx.layers.length + 1 ? chain : ['input', ...netx.layers.map((_, k) => `layer${k + 1}`)];
    if (o.profile && loadProfile(o.profile).family !== 'loihi') throw new ConfigError(`${file} is a Lava netx file: it runs on Loihi profiles only, not '${o.profile}'`);
  } else {
    const loaded = await loadNetwork(file);
    net = loaded.net;
    kind = loaded.kind;
    notes.push(...loaded.notes);
    names = net.populations.map((p) => p.name);
    width = net.populations.find((p) => p.name === net!.inputs[0])!.size;
  }
  if (o.sameStep && (netx || o.profile)) throw new ConfigError('--same-step applies to the float simulation only (chip models have one step of latency per projection)');
  const encoding = net?.encoding ?? hints.encoding;
  const digits = o.digits !== undefined ? digitFrames(encoding, o.digits, width, o.seed, file) : undefined;
  const frames = fitSteps(digits ? digits.frames : readRaster(o.input!, width), o.steps, width);
  const steps = frames.length;

  let perLayer: Record<string, Float64Array[]>;
  let model: string;
  if (netx) {
    const out = runNetxChain(netx.layers, frames);
    perLayer = { [names[0]]: frames };
    out.forEach((f, k) => (perLayer[names[k + 1]] = f));
    model = "Lava Loihi fixed point (netx chain: ports of lava-dl optimize_weight_bits, Lava PyDenseModelBitAcc and PyLifModelBitAcc)";
  } else if (o.profile) {
    const profile = loadProfile(o.profile);
    const q = quantizeNetwork(net!, profile);
    perLayer = simulateQuantized(net!, q, frames).frames;
    model = `${profile.name} fixed point (${q.format})`;
  } else {
    const r = simulateIR(net!, steps, (t) => frames[t], { record: true, sameStep: o.sameStep });
    perLayer = {};
    for (const p of net!.populations)
      perLayer[p.name] = r.raster![p.name].map((idx, t) => {
        const a = new Float64Array(p.size);
        // Analog (non-spiking) populations report their value; spiking ones 0/1; inputs the raster.
        for (const i of idx) a[i] = p.model === 'Input' ? frames[t][i] : 1;
        return a;
      });
    model = `float (IR simulator${o.sameStep ? ', feed-forward spikes delivered within the step' : ''})`;
  }
  const outputs = net?.outputs ?? hints.outputs ?? [];
  const output = outputs.length ? outputs[outputs.length - 1] : names[names.length - 1];
  const record = o.record ?? names.filter((n) => n !== names[0]);
  for (const r of record) if (!(r in perLayer)) throw new ConfigError(`--record: no layer '${r}' (layers: ${names.join(', ')})`);
  const layers: FileSimResult['layers'] = {};
  for (const name of record) {
    const f = perLayer[name];
    const n = f.length ? f[0].length : 0;
    const counts = new Array<number>(n).fill(0);
    for (const s of f) for (let i = 0; i < n; i++) counts[i] += s[i];
    layers[name] = { counts, per_step: f.map((s) => Array.from(s)) };
  }
  let digitInfo: FileSimResult['digits'];
  if (digits) {
    digitInfo = { labels: digits.labels, stepsPerDigit: digits.stepsPerDigit, seed: o.seed };
    // Class per digit (its window of steps) when the network carries its read-out.
    if (net?.readout && !o.steps) {
      const T = digits.stepsPerDigit;
      digitInfo.predicted = digits.labels.map((_, s) => {
        const win: Record<string, Float64Array[]> = {};
        for (const l of net!.readout!.layers) win[l] = perLayer[l].slice(s * T, (s + 1) * T);
        const sc = classScores(net!, win);
        return sc.reduce((b, v, i) => (v > sc[b] ? i : b), 0);
      });
    }
    notes.push(`digits presented back to back, ${digits.stepsPerDigit} steps each, without a state reset (one raster, as Lava plays it)`);
  }
  return { file, kind, model, output, steps, layers, ...(digitInfo ? { digits: digitInfo } : {}), notes };
}
