// SPDX-License-Identifier: MIT
/** `ffsnn claims RUN_DIR...`: the plausibility-claims scorecard of a set of runs on one dataset. */
import { DEFAULT_MEASURE, datasetOf, loadRuns, scorecard, type MeasureOptions, type Scorecard } from '../../eval/claims/index.js';
import { createOps } from '../../sim/batched/create-ops.js';
import { numberOption, parseOptions } from '../args.js';

export const summary = 'plausibility claims (FAUST vs BP, FF, STDP) measured on a set of runs';

export const help = `usage: ffsnn claims RUN_DIR... [--json] [--samples N] [--probe-samples N] [--hw-samples N] [--profiles A,B] [--backend B]

For run directories written by 'ffsnn train' on ONE dataset (runs on different datasets are
refused: their figures are not comparable; give each dataset's runs separately), prints each
claim of the FAUST paper and its open questions, the measurement, the figure of every run and a
verdict (supported / not supported / mixed / not measurable here) with its reason. FAUST runs are
judged against the BP run of the same neuron mode and training fraction; the verdict rules are in
src/eval/claims/claims.ts next to each claim.

Measured: test accuracy, epochs to 95 % of the final accuracy, accuracy at reduced training
fractions (train with --train-fraction), passes, time steps, spikes and synaptic events per
inference, latency to a decision (spiking), locality from the recorded signal reads, learning
storage, quantised accuracy and energy per inference on every hardware profile that fits
(spiking), accuracy under input noise, weight noise and dropped spikes, and per hidden layer the
same- vs other-class cosine similarity and a linear-probe accuracy. Progress goes to stderr.

  --samples N         test samples for robustness, representations, latency (default ${DEFAULT_MEASURE.samples})
  --probe-samples N   training samples the linear probes are fitted on (default ${DEFAULT_MEASURE.probeSamples})
  --hw-samples N      test samples of the bit-accurate quantised evaluation per profile, 0 to skip (default ${DEFAULT_MEASURE.hwSamples})
  --profiles A,B      hardware profiles (default: every shipped profile)
  --json              the whole scorecard as JSON (every figure of every run)`;

export const OPTIONS = {
  json: { type: 'boolean' },
  samples: { type: 'string' },
  'probe-samples': { type: 'string' },
  'hw-samples': { type: 'string' },
  profiles: { type: 'string' },
  backend: { type: 'string' },
} as const;

export function measureOptions(o: { samples?: string; 'probe-samples'?: string; 'hw-samples'?: string; profiles?: string }): MeasureOptions {
  return {
    samples: numberOption('samples', o.samples, { integer: true, min: 10 }) ?? DEFAULT_MEASURE.samples,
    probeSamples: numberOption('probe-samples', o['probe-samples'], { integer: true, min: 20 }) ?? DEFAULT_MEASURE.probeSamples,
    hwSamples: numberOption('hw-samples', o['hw-samples'], { integer: true, min: 0 }) ?? DEFAULT_MEASURE.hwSamples,
    profiles: o.profiles?.split(',').map((s) => s.trim()),
  };
}

/** Loads, measures and judges, with progress lines on stderr. */
export async function computeScorecard(dirs: string[], o: Parameters<typeof measureOptions>[0] & { backend?: string }): Promise<Scorecard> {
  const opts = measureOptions(o);
  const runs = loadRuns(dirs);
  const data = datasetOf(runs);
  const ops = await createOps({ backend: o.backend });
  const t0 = performance.now();
  const say = (m: string) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1)} s] ${m}\n`);
  try {
    return scorecard(runs, data, ops, opts, say);
  } finally {
    await ops.dispose();
  }
}

export function printScorecard(s: Scorecard): void {
  console.log(`claims on ${s.dataset}: ${s.runs.map((r) => `${r.name} (${r.rule} ${r.neuron}, fraction ${r.train_fraction})`).join(', ')}`);
  for (const c of s.claims) {
    console.log(`\n${c.verdict.toUpperCase().padEnd(20)} ${c.claim}`);
    console.log(`  measured: ${c.measurement}`);
    for (const f of c.figures) console.log(`    ${f.run.padEnd(18)} ${f.text}`);
    console.log(`  why: ${c.reason}`);
    console.log(`  rule: ${c.rule}`);
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values: o, positionals } = parseOptions(argv, OPTIONS, true);
  const s = await computeScorecard(positionals, o);
  if (o.json) console.log(JSON.stringify(s));
  else printScorecard(s);
  return 0;
}
