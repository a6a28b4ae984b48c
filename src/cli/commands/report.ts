// SPDX-License-Identifier: MIT
/** `ffsnn report RUN_DIR... [--out report.html]`: the claims table and plots as one HTML page. */
import { existsSync, statSync } from 'node:fs';
import { writeTextAtomic } from '../../atomic.js';
import { ConfigError } from '../../errors.js';
import { datasetOf, loadRuns, scorecard } from '../../eval/claims/index.js';
import { renderPage } from '../../eval/page/html.js';
import { lookAt } from '../../eval/page/looks.js';
import { createOps } from '../../sim/batched/create-ops.js';
import { parseOptions } from '../args.js';
import { OPTIONS as CLAIM_OPTIONS, measureOptions } from './claims.js';

export const summary = 'one self-contained HTML page: claims table and plots of a set of runs';

export const help = `usage: ffsnn report RUN_DIR... [--out FILE] [claims options]

Writes one self-contained HTML file (default report.html; inline SVG drawn at generation time
with Vega-Lite, no script, no network access when opened) holding the claims table of
'ffsnn claims' (same figures, same verdicts) and the plots: learning curves of every run,
accuracy under noise, cores and energy per hardware profile, and per run the spike rasters of a
few test digits through every layer, firing-rate histograms, the class-similarity matrix per
hidden layer, a 2-D PCA of the last hidden layer by class, weight histograms and the confusion
matrix. Progress goes to stderr; the file is written atomically (nothing is left on failure).
Runs on different datasets are refused. Options as 'ffsnn claims' (--samples, --probe-samples,
--hw-samples, --profiles, --backend).`;

export async function run(argv: string[]): Promise<number> {
  const { values: o, positionals } = parseOptions(argv, { ...CLAIM_OPTIONS, out: { type: 'string' } }, true);
  if (o.json) throw new ConfigError("report writes HTML; use 'ffsnn claims --json' for the figures as JSON");
  const out = o.out ?? 'report.html';
  if (existsSync(out) && statSync(out).isDirectory()) throw new ConfigError(`--out ${out} is a directory (expected an HTML file path)`);
  const opts = measureOptions(o);
  const runs = loadRuns(positionals);
  const data = datasetOf(runs);
  const t0 = performance.now();
  const say = (m: string) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1)} s] ${m}\n`);
  const ops = await createOps({ backend: o.backend });
  let html: string;
  try {
    const s = scorecard(runs, data, ops, opts, say);
    const looks = runs.map((r) => (say(`${r.name}: rasters, rates, PCA, weights`), lookAt(r, data, ops, opts.samples)));
    html = (await renderPage(s, looks, `ffsnn report ${argv.join(' ')}`, say)).html;
  } finally {
    await ops.dispose();
  }
  await writeTextAtomic(out, html);
  say(`wrote ${out} (${(Buffer.byteLength(html) / 1e6).toFixed(2)} MB)`);
  return 0;
}
