// SPDX-License-Identifier: MIT
/** `ffsnn train`: trains a network with a local rule and writes a run directory. */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync, type WriteData } from '../../atomic.js';
import { ConfigError, DivergenceError, WriteError } from '../../errors.js';
import { checkDatasetSpec, loadDataset, type Dataset } from '../../data/index.js';
import { epochsTo95, readCheckpoint, writeCheckpoint, type EpochMetrics } from '../../io/checkpoint.js';
import { RunLock } from '../../io/run-lock.js';
import type { RunConfig } from '../../io/run-config.js';
import { resolveConfig } from '../../train/config.js';
import { checkpointOf, epochSteps, resumeRun, startRun, trainingSplit, type BatchProgress, type RunState } from '../../train/trainer.js';
import { createAsyncOps, createOps, type AsyncOpsHandle, type OpsHandle } from '../../sim/batched/create-ops.js';
import { resolveBackendRequest } from '../../sim/backends/gpu.js';
import { wasmSimdAvailable } from '../../sim/batched/wasm-ops.js';
import { cpuOps, type BatchedOps } from '../../sim/batched/ops.js';
import { numberOption, parseOptions } from '../args.js';
import { Progress } from '../progress.js';
import { loadProfile } from '../../chips/profile.js';
import type { OnChipRule, OnChipSettings } from '../../chips/on-chip.js';
import { currentRules, onChipChip, onChipSettings, ruleStrings } from '../../train/on-chip/settings.js';
import { onChipCosts, runOnChipEpoch, type OnChipEpochMetrics } from '../../train/on-chip/epoch.js';
import { isSpinnaker } from '../../chips/on-chip.js';
import type { spinnakerCostsPerSample } from '../../train/on-chip/spinnaker.js';
import type { costsPerSample } from '../../train/on-chip/epoch.js';

function printOnChip(r: NonNullable<ReturnType<typeof metricsOf>['on_chip']>): void {
  const f = (x: number) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));
  console.log(`on-chip ${r.chip}, rule ${r.rule}, ${r.weight_bits}-bit weights, ${r.rounding} rounding; ${r.rules.dt ? `dt = ${r.rules.dt}; ` : ""}dw = ${r.rules.dw}`);
  if (r.chip === 'spinnaker' || r.chip === 'spinnaker2') {
    const p = r.per_learning_sample as ReturnType<typeof spinnakerCostsPerSample>;
    const q = p.per_sample;
    console.log(`per learning sample: synaptic ops ${f(q.synaptic_ops)}, trace updates ${f(q.trace_updates)}, tag updates ${f(q.tag_updates)}, weight updates ${f(q.weight_updates)}, m_j packets ${f(q.third_factor_packets)}`);
    console.log(`ARM per learning sample: ${f(p.arm.total_instructions)} instructions, ${f(p.arm.total_cycles)} cycles (tags ${f(p.arm.tag.cycles)}, apply ${f(p.arm.apply.cycles)}, m_j on the third-factor core ${f(p.arm.third_factor.cycles)} cycles / ${f(p.arm.third_factor.instructions)} instructions)`);
    const rt = p.real_time;
    for (const l of rt.layers) {
      const tick = rt.cycles_per_tick === null ? 'no clock in the profile: not judged' : `${l.keeps_1ms_tick ? 'keeps' : 'misses'} the 1 ms tick (${f(rt.cycles_per_tick)} cycles); apply ${l.apply_ticks} tick(s), m_j ${l.third_factor_ticks} tick(s) between samples`;
      console.log(`layer ${l.layer} (${l.cores} cores): busiest step ${f(l.busiest_step_cycles_per_core)} cycles per core: ${tick}`);
    }
    const conf = [...new Set(p.energy.terms.filter((t) => t.pj_each !== null && t.count > 0).map((t) => t.confidence))].join('/');
    console.log(`energy per learning sample ~${p.energy.total_uj.toFixed(2)} uJ (profile figures, confidence ${conf}; left out: ${p.energy.left_out.join(', ') || 'nothing'}); per inference ~${r.per_inference.energy.total_uj.toFixed(2)} uJ`);
    console.log(`approximations: see config.json (onChip.approximations, ${r.approximations.length} items)`);
    return;
  }
  const p = r.per_learning_sample as ReturnType<typeof costsPerSample>;
  console.log(`per learning sample: synaptic ops ${f(p.per_sample.synaptic_ops)}, trace updates ${f(p.per_sample.trace_updates)}, synapse updates ${f(p.per_sample.synapse_updates)} (weights changed ${f(p.per_sample.weight_changes)}), third-factor messages ${f(p.per_sample.third_factor_messages)}, embedded-processor ops ${f(p.per_sample.embedded_ops)}`);
  const conf = [...new Set(p.energy.terms.filter((t) => t.pj_each !== null && t.count > 0).map((t) => t.confidence))].join('/');
  console.log(`energy per learning sample ~${p.energy.total_uj.toFixed(2)} uJ (profile figures, confidence ${conf}; left out: ${p.energy.left_out.join(', ') || 'nothing'}); per inference ~${r.per_inference.energy.total_uj.toFixed(2)} uJ`);
  console.log(`approximations: see config.json (onChip.approximations, ${r.approximations.length} items)`);
}

export const summary = 'train a network with a local learning rule (default: spiking FAUST on embedded MNIST)';

export const help = `usage: ffsnn train [options]

Trains a layered network and writes a run directory (--out) holding checkpoint.ffsnn (after every
epoch, atomically), metrics.json (per epoch; test_accuracy of the final model, a fraction) and
config.json. With no flags: spiking FAUST, 784-500-500 LIF, 14 Poisson steps, on the embedded
MNIST split (8,000 train / 2,000 test).

Long jobs: SIGINT (Ctrl-C) or SIGTERM stops after the current batch, keeps the last complete
checkpoint, prints the command that resumes it and exits with 130 / 143 (a second signal exits at
once; the checkpoint on disk is complete either way). A run that diverges (NaN or infinite loss,
gradient, weight or activity) stops at that batch naming the layer and step; a checkpoint that
cannot be written (full disk, read-only folder) stops the run with the previous one intact. One
run per directory: DIR/train.lock refuses a second 'ffsnn train' while the first is alive.

options:
  --rule faust|ff|bp|stdp      learning rule (default faust)
  --neuron lif|rate            spiking LIF or ReLU rate neurons (default lif)
  --dataset SPEC               mnist-embedded | idx:DIR (MNIST/Fashion-MNIST IDX, .gz or raw) |
                               cifar10:DIR (binary batches) | folder:DIR (DIR/{train,test}/<class>/*.png|jpg)
                               (default mnist-embedded)
  --epochs N                   epochs (default 10); with --resume, the new total
  --seed S                     run seed (default 1)
  --out DIR                    run directory (default runs/<rule>-<neuron>-s<seed>, then -2, -3, ...)
  --resume                     continue from DIR/checkpoint.ffsnn (same result as an uninterrupted run)
  --hidden N,N,...             hidden layer sizes (default 500,500)
  --batch N                    mini-batch size (default 50)
  --lr X                       learning rate (default 0.001; spiking BP 0.005, spiking FF 0.003, STDP 0.0001)
  --optimizer adam|sgd         (default adam)
  --lr-schedule cosine|constant  cosine: from lr down to lr/20 at the last epoch (default cosine)
  --train-fraction F           use this share of the training set, stratified and fixed (default 1)
  --steps T                    spiking: time steps per sample (default 14)
  --encoding poisson|latency   spiking: input encoding (default poisson)
  --input-rate P               spiking, poisson: spike probability per step at intensity 1 (default 1)
  --activity spike-count|trace spiking: layer output (default spike-count)
  --init-scale X               multiplies the initial weight bound sqrt(6 / fan-in) (default 1; spiking latency
                               and spiking FF 3)
  --temperature X              FAUST temperature (default 0.1)
  --positives prototype|batch  FAUST positives/negatives: class prototypes or batch samples
  --ff-theta X                 FF goodness threshold (mean squared activity, default 1); spiking FF: the
                               scale of the goodness gap G+ - G- in its pairwise loss (default 0.25)
  --backend auto|cpu|gpu|webasm|gpujs-cpu|wasm-simd|webgpu  batched-ops backend (default: FFSNN_BACKEND, else auto;
                               auto trains spiking layers on WebGPU only when a real adapter answers)
  --threads N                  wasm-simd: cut each batch of spiking training across N threads (default 1;
                               same seed and N give the same result; N changes float32 rounding only)
  --on-chip CHIP               learn inside the chip's own plasticity: loihi2 | loihi (Lava's learning
                               engine, bit-approximate integer arithmetic; the forward pass is Lava's
                               fixed-point Dense + CUBA LIF). Rule FAUST as a three-factor rule (tag x
                               third factor from the embedded x86 cores); --rule stdp: pair STDP
                               as a plain rule string (2^-7*x1*y0 - 2^-6*y1*x0); ff is refused; 16 steps per sample,
                               10 epochs on Loihi, 3 on SpiNNaker, unless --epochs.
                               spinnaker | spinnaker2: the forward pass in sPyNNaker's IF_curr_exp
                               (s16.15), FAUST run in software by the ARM cores (int16 tags, 16-bit
                               weights, m_j from one ARM core per layer).
                               Reports accuracy and, per learning sample, synaptic ops, trace updates,
                               third-factor messages, embedded-processor ops (SpiNNaker: ARM
                               instructions and cycles, real time) and energy (profile figures)
  --weight-bits N              on-chip: bits of learned weights: Loihi 8|6|4 magnitude bits (default 8),
                               SpiNNaker 16 (the only one)
  --rounding MODE              on-chip: rounding of synaptic variables: Loihi stochastic|nearest
                               (default stochastic; nearest is a what-if), SpiNNaker
                               stochastic|nearest|floor (default stochastic; floor is sPyNNaker's shift)
  --json                       print the final metrics as JSON instead of progress lines`;

const OPTIONS = {
  rule: { type: 'string' },
  neuron: { type: 'string' },
  dataset: { type: 'string' },
  epochs: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  hidden: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  optimizer: { type: 'string' },
  'lr-schedule': { type: 'string' },
  'train-fraction': { type: 'string' },
  steps: { type: 'string' },
  encoding: { type: 'string' },
  'input-rate': { type: 'string' },
  activity: { type: 'string' },
  'init-scale': { type: 'string' },
  temperature: { type: 'string' },
  positives: { type: 'string' },
  'ff-theta': { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  json: { type: 'boolean' },
  'on-chip': { type: 'string' },
  'weight-bits': { type: 'string' },
  rounding: { type: 'string' },
} as const;

function hiddenSizes(raw: string): number[] {
  const parts = raw.split(',').map((s) => Number(s.trim()));
  if (parts.length === 0 || parts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new ConfigError(`option --hidden = ${JSON.stringify(raw)} is invalid (expected comma-separated positive integers, e.g. 500,500)`);
  }
  return parts;
}

/** What a write error code means, for the one-line message. */
const WRITE_FAULTS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EFBIG: 'file too large',
  EIO: 'input/output error',
};

/** Test seams: the function that writes a file's bytes (to inject a full disk). */
export interface TrainIo {
  writeData?: WriteData;
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export function metricsOf(run: RunState, data: Dataset, trainSamples: number, backend: Record<string, string>) {
  const last = run.history[run.history.length - 1];
  const s = run.config.onChip;
  const onChip = s && last ? onChipReport(s, last as OnChipEpochMetrics, run.config.sizes) : undefined;
  return {
    rule: run.config.rule,
    neuron: run.config.neuron,
    dataset: run.config.dataset,
    dataset_checksums: data.checksums ?? null,
    train_fraction: run.config.trainFraction,
    train_samples: trainSamples,
    test_samples: data.test.n,
    test_accuracy: last ? last.test_accuracy : null,
    epochs_to_95pct_of_final: epochsTo95(run.history),
    epochs: run.history,
    backend,
    signals_read: [...run.recorder.seen].sort(),
    ...(onChip ? { on_chip: onChip } : {}),
  };
}

function onChipReport(s: OnChipSettings, last: OnChipEpochMetrics, sizes: number[]) {
  const profile = loadProfile(s.chip);
  return {
    chip: s.chip,
    rule: s.rule,
    weight_bits: s.weightBits,
    rounding: s.rounding,
    rules: s.rules,
    third_factor: s.rule === 'stdp'
      ? 'none (pair STDP: pre and post traces only)'
      : isSpinnaker(s)
        ? 'computed per sample by one ARM core per layer from the layer\'s spike counts (SpiNNaker has no separate processor), sent as one payload packet per post neuron to the cores holding the neurons'
        : 'computed per sample by the embedded x86 (Lakemont) cores from the layer\'s spike counts; graded messages at the last step: y1 = 64 - m and the gate y2 = 32 (0 where m = 0); y3 = 32 at the first step clears the tags',
    per_learning_sample: onChipCosts(last.learning_counts, s, sizes, profile),
    per_inference: onChipCosts(last.inference_counts, s, sizes, profile),
    approximations: s.approximations,
  };
}

type TrainOptions = ReturnType<typeof parseOptions<typeof OPTIONS>>['values'];

/** The configuration the flags ask for, before the dataset fixes the input size and classes. */
function partialConfig(o: TrainOptions): Partial<RunConfig> {
  const partial: Partial<RunConfig> = {};
  if (o.rule !== undefined) partial.rule = o.rule as RunConfig['rule'];
  if (o.neuron !== undefined) partial.neuron = o.neuron as RunConfig['neuron'];
  if (o.dataset !== undefined) partial.dataset = o.dataset;
  const epochs = numberOption('epochs', o.epochs, { integer: true, min: 1 });
  if (epochs !== undefined) partial.epochs = epochs;
  const seed = numberOption('seed', o.seed, { integer: true, min: 0, max: 0xffffffff });
  if (seed !== undefined) partial.seed = seed;
  const batch = numberOption('batch', o.batch, { integer: true, min: 1 });
  if (batch !== undefined) partial.batch = batch;
  const lr = numberOption('lr', o.lr, { exclusiveMin: 0 });
  if (lr !== undefined) partial.lr = lr;
  if (o.optimizer !== undefined) partial.optimizer = o.optimizer as RunConfig['optimizer'];
  if (o['lr-schedule'] !== undefined) partial.lrSchedule = o['lr-schedule'] as RunConfig['lrSchedule'];
  const frac = numberOption('train-fraction', o['train-fraction'], { exclusiveMin: 0, max: 1 });
  if (frac !== undefined) partial.trainFraction = frac;
  const steps = numberOption('steps', o.steps, { integer: true, min: 2 });
  if (steps !== undefined) partial.steps = steps;
  if (o.encoding !== undefined) partial.encoding = o.encoding as RunConfig['encoding'];
  const rate = numberOption('input-rate', o['input-rate'], { exclusiveMin: 0, max: 1 });
  if (rate !== undefined) partial.inputRate = rate;
  if (o.activity !== undefined) partial.activity = o.activity as RunConfig['activity'];
  const initScale = numberOption('init-scale', o['init-scale'], { exclusiveMin: 0 });
  if (initScale !== undefined) partial.initScale = initScale;
  const temp = numberOption('temperature', o.temperature, { exclusiveMin: 0 });
  if (temp !== undefined) partial.temperature = temp;
  if (o.positives !== undefined) partial.positives = o.positives as RunConfig['positives'];
  const theta = numberOption('ff-theta', o['ff-theta'], { exclusiveMin: 0 });
  if (theta !== undefined) partial.ffTheta = theta;
  return partial;
}

/**
 * Checks a `train` command line without training or reading the dataset (a sweep checks every
 * cell before it starts one): unknown or malformed flags, invalid configuration, a dataset folder
 * that does not exist. Throws a ConfigError naming the fault.
 */
export function checkTrainArgs(argv: string[]): void {
  const { values: o } = parseOptions(argv, OPTIONS);
  if (o.resume) throw new ConfigError('--resume is decided by the sweep, not set per cell');
  const partial = partialConfig(o);
  checkDatasetSpec(partial.dataset ?? 'mnist-embedded');
  resolveConfig({ ...partial, sizes: [1, ...(o.hidden !== undefined ? hiddenSizes(o.hidden) : [500, 500])] });
}

/**
 * The ops a run trains on. Where 'auto' (or 'webgpu') finds a real WebGPU adapter, spiking layers
 * and three-factor updates run on it through the asynchronous ops, beside synchronous CPU ops for
 * the rest; otherwise the synchronous ops of the requested backend (CPU by default).
 */
async function trainingOps(backend: string | undefined, threads: number | undefined): Promise<{ ops: OpsHandle; gpu: AsyncOpsHandle | null }> {
  const { request } = resolveBackendRequest(backend);
  if (request === 'auto' || request === 'webgpu') {
    const gpu = await createAsyncOps({ backend });
    if (gpu.info.chosen === 'webgpu') return { ops: await createOps({ backend: wasmSimdAvailable() ? 'wasm-simd' : 'cpu', threads }), gpu };
    await gpu.dispose();
    // the same choice again, named, so the reason is printed once
    if (gpu.info.chosen === 'wasm-simd' || gpu.info.chosen === 'cpu-js') return { ops: await createOps({ backend: gpu.info.chosen === 'cpu-js' ? 'cpu' : 'wasm-simd', threads }), gpu: null };
  }
  return { ops: await createOps({ backend, threads }), gpu: null };
}

/** What ran each op: the synchronous ops', and the GPU's for the ops the asynchronous step moves there. */
function backendsOf(ops: Pick<BatchedOps, 'backends'>, gpu: AsyncOpsHandle | null): Record<string, string> {
  const b: Record<string, string> = { ...ops.backends };
  if (gpu) for (const op of ['lifLayerForward', 'threeFactorAccumulate', 'accumulateInput', 'lifStep', 'outerAccumulate'] as const) b[op] = gpu.backends[op];
  return b;
}

export async function run(argv: string[], io: TrainIo = {}): Promise<number> {
  const { values: o } = parseOptions(argv, OPTIONS);
  const epochs = numberOption('epochs', o.epochs, { integer: true, min: 1 });
  let state: RunState;
  let out: string;
  let data: Dataset | undefined;
  if (o.resume) {
    const allowed = new Set(['resume', 'out', 'epochs', 'json', 'backend', 'threads']);
    const extra = Object.keys(o).filter((k) => !allowed.has(k));
    if (extra.length > 0) throw new ConfigError(`--resume takes its configuration from the checkpoint; remove --${extra[0]}`);
    if (!o.out) throw new ConfigError('--resume needs --out DIR (the run directory to continue)');
    out = o.out;
    state = resumeRun(readCheckpoint(join(out, 'checkpoint.ffsnn')));
    const s = state.config.onChip;
    if (s && !isSpinnaker(s) && s.rule === 'faust' && !currentRules(s))
      throw new ConfigError(`--resume: ${out} was trained on the chip with the earlier rule 'dw = ${s.rules.dw}'; this version runs '${ruleStrings(s.eligibility, s.learning, s.floorCompensation).dw}' and cannot continue it (start a new run; evaluate and export still read it)`);
    if (epochs !== undefined) state.config = { ...state.config, epochs };
  } else {
    const partial = partialConfig(o);
    const chip = o['on-chip'] !== undefined ? onChipChip(o['on-chip']) : undefined;
    if (chip === undefined && (o['weight-bits'] !== undefined || o.rounding !== undefined)) throw new ConfigError('--weight-bits and --rounding apply to on-chip training; add --on-chip CHIP');
    if (chip !== undefined) {
      if (partial.neuron !== undefined && partial.neuron !== 'lif') throw new ConfigError('--on-chip trains spiking neurons; remove --neuron rate');
      partial.steps ??= 16;
      // Loihi: an epoch over the embedded split takes 15-30 s here, so the float default of 10 epochs
      // stays well under 10 min; SpiNNaker's ARM model runs at 7-20 samples/s, so 3 epochs there
      if (chip === 'spinnaker' || chip === 'spinnaker2') partial.epochs ??= 3;
    }
    data = loadDataset(partial.dataset ?? 'mnist-embedded', true);
    partial.sizes = [data.dim, ...(o.hidden !== undefined ? hiddenSizes(o.hidden) : [500, 500])];
    partial.classes = data.classes;
    const config = resolveConfig(partial);
    if (chip !== undefined) {
      const bits = numberOption('weight-bits', o['weight-bits'], { integer: true, min: 1 });
      config.onChip = onChipSettings(config, chip, config.rule as OnChipRule, bits, o.rounding);
    }
    if (o.out === undefined) {
      // default directory: the first of runs/<rule>-<neuron>-s<seed>, ...-2, ... not holding a run
      const base = join('runs', config.onChip ? `${config.rule}-${config.onChip.chip}-w${config.onChip.weightBits}${config.onChip.rounding === 'stochastic' ? '' : `-${config.onChip.rounding}`}-s${config.seed}` : `${config.rule}-${config.neuron}-s${config.seed}`);
      out = base;
      for (let k = 2; existsSync(join(out, 'checkpoint.ffsnn')); k++) out = `${base}-${k}`;
    } else out = o.out;
    if (existsSync(join(out, 'checkpoint.ffsnn'))) {
      throw new ConfigError(`${out} already holds a checkpoint; use --resume to continue it or another --out`);
    }
    state = startRun(config);
  }
  if (state.epoch >= state.config.epochs) {
    throw new ConfigError(`the checkpoint in ${out} has already completed ${state.epoch} of ${state.config.epochs} epochs; pass a larger --epochs to continue`);
  }
  data ??= loadDataset(state.config.dataset, true);
  const train = trainingSplit(state.config, data);
  mkdirSync(out, { recursive: true });
  const threads = numberOption('threads', o.threads, { integer: true, min: 1, max: 256 });
  // on-chip runs use the chip kernels only (no batched-ops backend to probe)
  const { ops, gpu } = state.config.onChip ? { ops: cpuOps, gpu: null } : await trainingOps(o.backend, threads);
  const dispose = async () => {
    if ('dispose' in ops) await (ops as { dispose(): Promise<void> }).dispose();
    await gpu?.dispose();
  };
  let lock: RunLock;
  try {
    lock = RunLock.acquire(out);
  } catch (err) {
    await dispose();
    throw err;
  }
  if (lock.tookOver) console.error(`ffsnn train: note: took over ${lock.path} left by pid ${lock.tookOver.pid}, which is no longer running`);
  const resumeHint = () => `ffsnn train --resume --out ${/\s/.test(out) ? JSON.stringify(out) : out} --epochs ${state.config.epochs}`;
  let savedEpoch = state.epoch;
  const saved = () => (savedEpoch > 0 ? `the last complete checkpoint (epoch ${savedEpoch}) is intact in ${join(out, 'checkpoint.ffsnn')}` : 'no checkpoint was saved yet');
  let stopSignal: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopSignal) {
      // second signal: leave now; the checkpoint on disk is complete (atomic writes)
      lock.release();
      process.exit(SIGNAL_EXIT[sig] ?? 1);
    }
    stopSignal = sig;
    process.stderr.write(`\nffsnn train: ${sig} received, stopping after the current batch (send it again to stop at once)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // a write that fails (full disk, read-only folder) leaves the previous file and no temp file behind
    const write = (path: string, f: () => void) => {
      try {
        f();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (!(code in WRITE_FAULTS)) throw err;
        throw new WriteError(`cannot write ${path}: ${code} (${WRITE_FAULTS[code]}); ${saved()}; once fixed, resume with: ${resumeHint()}`, { path, code });
      }
    };
    const writeJson = (path: string, value: unknown) => write(path, () => writeFileAtomicSync(path, `${JSON.stringify(value, null, 2)}\n`, io.writeData));
    if (existsSync(join(out, 'checkpoint.ffsnn')) !== !!o.resume) {
      // checked again under the lock: another run may have saved its first epoch meanwhile
      throw new ConfigError(o.resume ? `${out} holds no checkpoint to resume` : `${out} already holds a checkpoint; use --resume to continue it or another --out`);
    }
    writeJson(join(out, 'config.json'), state.config);
    const progress = new Progress(o.json ? (process.stderr as NodeJS.WriteStream) : process.stdout, state.epoch + 1);
    while (state.epoch < state.config.epochs && !stopSignal) {
      let m: EpochMetrics;
      if (state.config.onChip) {
        // a signal during an on-chip epoch is honoured at its end
        m = runOnChipEpoch(state, train, data.test, (p) => progress.update(p));
      } else {
        const steps = epochSteps(state, train, data.test, ops, gpu);
        let r: IteratorResult<BatchProgress | Promise<unknown>, EpochMetrics>;
        let batch = 0;
        try {
          for (r = steps.next(); !r.done; ) {
            // a Promise is an asynchronous (GPU) op of the batch: resume the epoch with its value
            if (r.value instanceof Promise) {
              r = steps.next(await r.value);
              continue;
            }
            progress.update(r.value);
            batch++;
            await new Promise((go) => setImmediate(go)); // lets a signal in between batches
            if (stopSignal) break;
            r = steps.next();
          }
        } catch (err) {
          if (err instanceof DivergenceError) throw new DivergenceError(`${err.message}; ${saved()}`, err.context);
          throw err;
        }
        if (!r.done) {
          // the epoch is abandoned: its half-trained weights are not saved
          process.stderr.write(`ffsnn train: interrupted by ${stopSignal} in epoch ${state.epoch + 1} after batch ${batch}; ${saved()}; resume with: ${resumeHint()}\n`);
          return SIGNAL_EXIT[stopSignal!] ?? 1;
        }
        m = r.value;
      }
      write(join(out, 'checkpoint.ffsnn'), () => writeCheckpoint(join(out, 'checkpoint.ffsnn'), checkpointOf(state, ops), io.writeData));
      savedEpoch = state.epoch;
      writeJson(join(out, 'metrics.json'), metricsOf(state, data, train.n, backendsOf(ops, gpu)));
      // reported once saved: a run killed after this line resumes from this epoch
      progress.epochEnd(m.epoch, state.config.epochs, m.test_accuracy, m.seconds);
    }
    if (stopSignal && state.epoch < state.config.epochs) {
      process.stderr.write(`ffsnn train: interrupted by ${stopSignal} after epoch ${state.epoch}; ${saved()}; resume with: ${resumeHint()}\n`);
      return SIGNAL_EXIT[stopSignal] ?? 1;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    lock.release();
    await dispose();
  }
  const metrics = metricsOf(state, data, train.n, backendsOf(ops, gpu));
  if (o.json) console.log(JSON.stringify(metrics));
  else if (metrics.on_chip) printOnChip(metrics.on_chip);
  if (!o.json) console.log(`test accuracy ${(100 * (metrics.test_accuracy ?? 0)).toFixed(2)}% after ${state.epoch} epochs; run directory ${out}`);
  return 0;
}
