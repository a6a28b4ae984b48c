// SPDX-License-Identifier: MIT
/**
 * Side-by-side CUBA benchmark: Brian2 2.5.1 (cpp_standalone, one thread) against ffsnn's
 * event-driven engine, on the same network definition (Brian2's examples/CUBA.py, p = 80/n) for
 * several sizes, interleaved so both see the same machine load. For each size and simulator:
 * the simulation-loop time (Brian2: device._last_run_time; ffsnn: run_s), synaptic events per
 * second, spikes and rate, peak RSS (/usr/bin/time -v) and whole-process wall time (Brian2's
 * includes code generation and C++ compilation; ffsnn's includes Node start-up and tsx).
 * Reports the best loop time of --reps repetitions and the ratio ffsnn / Brian2 (< 1: ffsnn faster).
 *
 *   node --import tsx bench/cuba-vs-brian2.ts [--sizes 4000,16000,64000] [--reps 3] [--out FILE.json]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '4000,16000,64000' }, reps: { type: 'string', default: '3' }, out: { type: 'string' } },
});
const sizes = values.sizes!.split(',').map(Number);
const reps = Number(values.reps);
const work = mkdtempSync(join(tmpdir(), 'ffsnn-cuba-bench-'));

interface Sample {
  loop_s: number;
  wall_s: number;
  rss_mb: number;
  spikes: number;
  rate_hz: number;
  events: number;
  synapses: number;
}

function timed(cmd: string, args: string[]): { json: Record<string, number>; wall: number; rssMb: number } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', env: { ...process.env, PYTHONWARNINGS: 'ignore' }, maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop()!;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { json: JSON.parse(line), wall, rssMb: rss ? Number(rss[1]) / 1024 : NaN };
}

function brian(n: number): Sample {
  const { json, wall, rssMb } = timed('/usr/bin/python3', ['bench/brian2/cuba_brian.py', '--target', 'cpp_standalone', '--n', String(n), '--outdir', join(work, `brian-${n}`)]);
  return { loop_s: json.run_s, wall_s: wall, rss_mb: rssMb, spikes: json.spikes, rate_hz: json.rate_hz, events: json.syn_events, synapses: json.synapses };
}

function ffsnn(n: number): Sample {
  const { json, wall, rssMb } = timed('node', ['bin/ffsnn.js', 'simulate', 'cuba', '--n', String(n), '--json']);
  return { loop_s: json.run_s, wall_s: wall, rss_mb: rssMb, spikes: json.spikes, rate_hz: json.rate_hz, events: json.synaptic_events, synapses: json.synapses };
}

const best = (xs: Sample[]) => xs.reduce((a, b) => (b.loop_s < a.loop_s ? b : a));
const rows: Record<string, unknown>[] = [];
for (const n of sizes) {
  const b: Sample[] = [];
  const f: Sample[] = [];
  for (let r = 0; r < reps; r++) {
    b.push(brian(n));
    f.push(ffsnn(n));
  }
  const bb = best(b);
  const fb = best(f);
  const row = {
    n,
    brian_loop_s: bb.loop_s,
    ffsnn_loop_s: fb.loop_s,
    ratio_ffsnn_over_brian: fb.loop_s / bb.loop_s,
    brian_loop_all: b.map((s) => s.loop_s),
    ffsnn_loop_all: f.map((s) => s.loop_s),
    brian_events_per_s: bb.events / bb.loop_s,
    ffsnn_events_per_s: fb.events / fb.loop_s,
    brian_spikes: bb.spikes,
    ffsnn_spikes: fb.spikes,
    brian_rate_hz: bb.rate_hz,
    ffsnn_rate_hz: fb.rate_hz,
    brian_synapses: bb.synapses,
    ffsnn_synapses: fb.synapses,
    brian_peak_rss_mb: Math.max(...b.map((s) => s.rss_mb)),
    ffsnn_peak_rss_mb: Math.max(...f.map((s) => s.rss_mb)),
    brian_first_process_wall_s: b[0].wall_s,
    brian_process_wall_s: Math.min(...b.map((s) => s.wall_s)),
    ffsnn_process_wall_s: Math.min(...f.map((s) => s.wall_s)),
    us_per_neuron_per_bio_s_brian: (bb.loop_s / n) * 1e6,
    us_per_neuron_per_bio_s_ffsnn: (fb.loop_s / n) * 1e6,
  };
  rows.push(row);
  console.error(JSON.stringify(row));
}

const fmt = (x: number, d = 3) => x.toFixed(d);
const header = ['n', 'brian loop s', 'ffsnn loop s', 'ffsnn/brian', 'brian ev/s', 'ffsnn ev/s', 'brian Hz', 'ffsnn Hz', 'brian RSS MB', 'ffsnn RSS MB', 'brian proc s (1st)', 'ffsnn proc s', 'ffsnn us/neuron'];
const table = rows.map((r: any) => [
  String(r.n), fmt(r.brian_loop_s), fmt(r.ffsnn_loop_s), fmt(r.ratio_ffsnn_over_brian, 2),
  r.brian_events_per_s.toExponential(2), r.ffsnn_events_per_s.toExponential(2), fmt(r.brian_rate_hz), fmt(r.ffsnn_rate_hz),
  fmt(r.brian_peak_rss_mb, 0), fmt(r.ffsnn_peak_rss_mb, 0), `${fmt(r.brian_process_wall_s, 1)} (${fmt(r.brian_first_process_wall_s, 1)})`, fmt(r.ffsnn_process_wall_s, 2),
  fmt(r.us_per_neuron_per_bio_s_ffsnn, 1),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
console.log(`CUBA, 1 s biological time, dt 0.1 ms, p = 80/n; best loop time of ${reps} interleaved runs (Brian2 cpp_standalone, 1 thread)`);
for (const r of [header, ...table]) console.log(r.map((c, i) => c.padStart(widths[i])).join('  '));
if (values.out) writeFileSync(values.out, JSON.stringify(rows, null, 2));
