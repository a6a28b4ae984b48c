// SPDX-License-Identifier: MIT
import { ConfigError } from '../../errors.js';
import { buildCuba } from '../../sim/cuba.js';
import { EventDrivenEngine, type NeuronKernelChoice } from '../../sim/engine.js';
import { numberOption, parseOptions } from '../args.js';
import { simulateFile } from '../simulate-file.js';

export const summary = 'run a network file on an input raster, or a benchmark network (cuba)';
export const help = `usage: ffsnn simulate FILE (--input RASTER | --digits K) [--steps T] [--profile NAME] [--record LAYERS] [--same-step] [--seed S] [--json]
       ffsnn simulate cuba [--n N] [--duration S] [--dt MS] [--seed S] [--kernel auto|js] [--warmup STEPS] [--json]

simulate FILE: FILE is a checkpoint, a bundle, a NIR file or a Lava netx file (.net, as 'ffsnn
export --target lava' writes it). It is fed an input raster and reports each layer's spikes.
  --input RASTER  .npy (bool/uint8/int/float, [T][n] or [n][T] as Lava's RingBuffer takes it;
                  the orientation is the one whose dimension equals the input width) or JSON
                  ([[...] per step] or {"raster": ...}); values must be finite and >= 0
  --digits K      the first K embedded MNIST test digits, encoded as training encodes them
                  (the network's encoding, or the one in FILE.manifest.json), back to back
                  without a state reset; same seeds as 'ffsnn evaluate' (--seed, default 1)
  --steps T       run T steps (the raster is cut, or padded with silent steps)
  --profile NAME  run the chip's fixed-point model (quantised for the profile); a netx file
                  always runs Lava's fixed-point Loihi model
  --record LAYERS comma-separated layer names to report (default: every non-input layer)
  --same-step     deliver feed-forward spikes within the step they are emitted, as snnTorch,
                  Norse and NIRTorch run a NIR graph (default: one step per projection, as
                  ffsnn's engine and Loihi); float simulation only
  --json          {"output": NAME, "steps": T, "layers": {NAME: {"counts": [...],
                  "per_step": [[...] per step]}}, "model", "digits", "notes", ...}

simulate cuba:
Runs Brian2's examples/CUBA.py (Brette et al. 2007 benchmark 2) on the event-driven CPU engine:
N LIF neurons (80 % excitatory), current-based exponential synapses (we = 1.62 mV, wi = -9 mV),
taum 20 ms, taue 5 ms, taui 10 ms, Vt -50 mV, Vr -60 mV, El -49 mV, refractory 5 ms, exact
integration, no delay, v0 uniform in [Vr, Vt). Connection probability 0.02 for N = 4000 and 80/N
otherwise (80 inputs per neuron on average).

options:
  --n N          number of neurons (default 4000)
  --duration S   biological time in seconds (default 1)
  --dt MS        time step in ms (default 0.1)
  --seed S       seed of the connectivity and initial potentials (default 12345)
  --kernel K     neuron update: auto (WebAssembly SIMD where available) or js (default auto);
                 both give identical spikes
  --warmup STEPS steps simulated and discarded (engine reset) before the timed run, so V8 has
                 compiled the hot loops first, as Brian2 compiles before its timed loop; the
                 spikes are unaffected (default 1000; 0 = time the cold run)
  --json         print one JSON object: n, duration_s, dt_ms, seed, synapses, spikes, rate_hz,
                 synaptic_events, build_s, run_s (simulation loop only), backend, kernel, ...`;

export async function run(argv: string[]): Promise<number> {
  if (!argv.includes('cuba')) {
    const { positionals } = parseOptions(argv, { input: { type: 'string' }, digits: { type: 'string' }, steps: { type: 'string' }, profile: { type: 'string' }, record: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' }, 'same-step': { type: 'boolean' } }, true);
    if (positionals.length !== 1) throw new ConfigError(`simulate: expected one FILE (or 'cuba'), got ${positionals.length ? `'${positionals.join(' ')}'` : 'nothing'}`);
    return runFile(positionals[0], argv);
  }
  const { values, positionals } = parseOptions(
    argv,
    {
      n: { type: 'string' },
      duration: { type: 'string' },
      dt: { type: 'string' },
      seed: { type: 'string' },
      kernel: { type: 'string' },
      warmup: { type: 'string' },
      json: { type: 'boolean' },
    },
    true,
  );
  if (positionals.length !== 1 || positionals[0] !== 'cuba') {
    throw new ConfigError(`simulate: expected the network name 'cuba', got ${positionals.length ? `'${positionals.join(' ')}'` : 'nothing'}`);
  }
  const n = numberOption('n', values.n, { integer: true, min: 5, max: 0x7fffffff }) ?? 4000;
  const duration = numberOption('duration', values.duration, { exclusiveMin: 0 }) ?? 1;
  const dt = numberOption('dt', values.dt, { exclusiveMin: 0 }) ?? 0.1;
  const seed = numberOption('seed', values.seed, { integer: true, min: 0, max: 0xffffffff }) ?? 12345;
  const warmup = numberOption('warmup', values.warmup, { integer: true, min: 0 }) ?? 1000;
  const kernel = (values.kernel ?? 'auto') as NeuronKernelChoice;
  if (kernel !== 'auto' && kernel !== 'js') throw new ConfigError(`option --kernel = ${JSON.stringify(values.kernel)} is invalid (expected auto or js)`);
  const steps = Math.round((duration * 1000) / dt);
  if (steps < 1) throw new ConfigError(`option --duration = ${duration} is shorter than one time step of ${dt} ms`);

  const t0 = performance.now();
  const net = buildCuba({ n, dt, seed });
  const engine = new EventDrivenEngine(net, { kernel });
  const buildS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  if (warmup > 0) {
    engine.run(warmup);
    engine.reset();
  }
  const warmupS = (performance.now() - t1) / 1000;
  const res = engine.run(steps);
  const simulated = (steps * dt) / 1000;
  // bytes of the per-synapse arrays (target, weight, delay); row pointers are per neuron
  let synapseArrayBytes = 0;
  for (const p of net.projections) if (p.format === 'csr') synapseArrayBytes += p.col.byteLength + p.weight.byteLength + (p.delay?.byteLength ?? 0);
  const out = {
    network: 'cuba',
    n,
    duration_s: simulated,
    dt_ms: dt,
    seed,
    synapses: net.synapseCount(),
    bytes_per_synapse: synapseArrayBytes / Math.max(1, net.synapseCount()),
    spikes: res.spikes,
    rate_hz: res.spikes / n / simulated,
    synaptic_events: res.synapticEvents,
    synaptic_events_per_s: res.synapticEvents / res.runSeconds,
    build_s: buildS,
    warmup_steps: warmup,
    warmup_s: warmupS,
    run_s: res.runSeconds,
    realtime_factor: res.runSeconds / simulated,
    backend: res.backend,
    kernel: res.kernels.P,
    max_rss_kb: process.resourceUsage().maxRSS,
  };
  if (values.json) {
    console.log(JSON.stringify(out));
  } else {
    console.log(`CUBA: ${n} neurons, ${out.synapses.toLocaleString('en-US')} synapses, ${simulated} s at dt = ${dt} ms (seed ${seed})`);
    console.log(`  spikes ${res.spikes.toLocaleString('en-US')} (${out.rate_hz.toFixed(3)} Hz), synaptic events ${res.synapticEvents.toLocaleString('en-US')}`);
    console.log(`  build ${buildS.toFixed(3)} s, warm-up ${warmup} steps ${warmupS.toFixed(3)} s, simulation loop ${res.runSeconds.toFixed(3)} s (${(out.synaptic_events_per_s / 1e6).toFixed(1)} M events/s)`);
    console.log(`  backend ${res.backend}, neuron kernel ${out.kernel}, peak RSS ${(out.max_rss_kb / 1024).toFixed(0)} MiB`);
  }
  return 0;
}

async function runFile(file: string, argv: string[]): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      input: { type: 'string' },
      digits: { type: 'string' },
      steps: { type: 'string' },
      profile: { type: 'string' },
      record: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
      'same-step': { type: 'boolean' },
    },
    true,
  );
  const r = await simulateFile(file, {
    input: values.input,
    digits: numberOption('digits', values.digits, { integer: true, min: 1 }),
    steps: numberOption('steps', values.steps, { integer: true, min: 1 }),
    profile: values.profile,
    record: values.record?.split(',').map((s) => s.trim()).filter(Boolean),
    seed: numberOption('seed', values.seed, { integer: true, min: 0, max: 0xffffffff }) ?? 1,
    sameStep: values['same-step'],
  });
  if (values.json) {
    console.log(JSON.stringify(r));
    return 0;
  }
  console.log(`${file} (${r.kind}): ${r.steps} steps, ${r.model}`);
  for (const [name, l] of Object.entries(r.layers)) {
    const total = l.counts.reduce((a, b) => a + b, 0);
    console.log(`  ${name}${name === r.output ? ' (output)' : ''}: ${total} spikes from ${l.counts.filter((c) => c > 0).length} of ${l.counts.length} neurons`);
  }
  if (r.digits?.predicted) {
    const ok = r.digits.predicted.filter((p, k) => p === r.digits!.labels[k]).length;
    console.log(`  digits: ${ok} of ${r.digits.labels.length} classified correctly`);
  }
  for (const n of r.notes) console.log(`  note: ${n}`);
  return 0;
}
