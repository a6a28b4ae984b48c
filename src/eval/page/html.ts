// SPDX-License-Identifier: MIT
/**
 * The report page: one self-contained HTML file (inline CSS and SVG, no script, no external
 * resource), so it opens offline and shows every plot as rendered at generation time.
 */
import type { Scorecard } from '../claims/index.js';
import type { RunMeasurement } from '../claims/measure.js';
import type { Looks } from './looks.js';
import * as plots from './plots.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `
body { font-family: sans-serif; margin: 1.5em auto; max-width: 1400px; color: #222; font-size: 14px; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ccc; } h3 { margin-top: 1.2em; }
table.claims { border-collapse: collapse; width: 100%; }
table.claims td, table.claims th { border: 1px solid #ddd; padding: 4px 6px; vertical-align: top; text-align: left; }
table.claims ul { margin: 0; padding-left: 1.1em; columns: 2; column-gap: 1.5em; }
table.claims li { break-inside: avoid; }
.verdict { font-weight: bold; white-space: nowrap; padding: 2px 6px; border-radius: 3px; }
.supported { background: #d4f4d4; } .not-supported { background: #f8d0d0; } .mixed { background: #fbeec2; } .not-measurable-here { background: #e4e4e4; }
.small { color: #666; font-size: 0.85em; }
figure.plot { display: inline-block; margin: 0.5em 1em 0.5em 0; vertical-align: top; }
figure.plot figcaption { font-size: 0.85em; color: #555; }
`;

export interface PagePlot {
  id: string;
  caption: string;
  svg: string;
}

function figure(p: PagePlot): string {
  return `<figure class="plot" data-plot="${escapeHtml(p.id)}">${p.svg}<figcaption>${escapeHtml(p.caption)}</figcaption></figure>`;
}

function claimsTable(s: Scorecard): string {
  const rows = s.claims.map(
    (c) => `<tr><td><b>${escapeHtml(c.claim)}</b><div class="small">${escapeHtml(c.measurement)}</div></td>
<td><span class="verdict ${c.verdict.replace(/ /g, '-')}">${escapeHtml(c.verdict)}</span></td>
<td><ul>${c.figures.map((f) => `<li><b>${escapeHtml(f.run)}</b>: ${escapeHtml(f.text)}</li>`).join('')}</ul></td>
<td>${escapeHtml(c.reason)}<div class="small">rule: ${escapeHtml(c.rule)}</div></td></tr>`,
  );
  return `<table class="claims"><thead><tr><th>claim and measurement</th><th>verdict</th><th>figure per run</th><th>why</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function runSummary(m: RunMeasurement): string {
  const lat = m.inference.latency ? `, decision after ${m.inference.latency.mean_steps.toFixed(2)} of ${m.inference.latency.steps} steps` : '';
  return `<p>${escapeHtml(`${m.rule} (${m.neuron}), training fraction ${m.train_fraction} (${m.train_samples} samples), ${m.epochs} epochs: test accuracy ${(100 * m.accuracy).toFixed(2)} % on ${m.test_samples} samples; ${m.inference.passes} pass(es) x ${m.inference.time_steps} step(s), ${Math.round(m.inference.synaptic_events).toLocaleString('en-US')} synaptic events per inference${lat}; recorded reads: ${m.locality.recorded_reads.join(', ')}`)}</p><p class="small">${escapeHtml(m.dir)}</p>`;
}

/** Renders every plot (reporting each on `say`) and assembles the page. */
export async function renderPage(s: Scorecard, looks: Looks[], command: string, say: (m: string) => void = () => {}): Promise<{ html: string; plots: PagePlot[] }> {
  const all: PagePlot[] = [];
  const add = async (id: string, caption: string, spec: Record<string, unknown> | null): Promise<string> => {
    if (!spec) return '';
    const p = { id, caption, svg: await plots.renderSvg(spec) };
    all.push(p);
    return figure(p);
  };
  say('rendering the comparison plots');
  const top = [
    await add('learning-curves', 'test accuracy and training loss per epoch, every run', plots.learningCurves(s.runs)),
    await add('robustness', 'test accuracy under input noise, weight noise and dropped events (level 0: clean)', plots.robustnessPlot(s.runs)),
    await add('hardware', 'cores and energy per inference on each hardware profile the spiking runs fit (ffsnn map)', plots.hardwarePlot(s.runs)),
  ].join('');
  const sections: string[] = [];
  for (let i = 0; i < s.runs.length; i++) {
    const m = s.runs[i];
    const l = looks[i];
    say(`rendering the plots of ${m.name}`);
    const id = (k: string) => `${m.name}:${k}`;
    const figs = [
      await add(id('raster'), `spikes of ${l.raster ? new Set(l.raster.map((r) => r.digit)).size : 0} test digits through every layer`, plots.rasterPlot(l)),
      await add(id('rates'), `firing-rate histogram per hidden layer (${l.rateUnit})`, plots.ratesPlot(l)),
      await add(id('similarity'), 'class-similarity matrix per hidden layer (test samples)', plots.similarityPlot(m)),
      await add(id('pca'), `2-D PCA of the last hidden layer (${l.pca.length} test samples) by class`, plots.pcaPlot(l)),
      await add(id('weights'), 'weight histogram per projection', plots.weightsPlot(l)),
      await add(id('confusion'), 'confusion matrix (rows: true class)', plots.confusionPlot(m)),
    ];
    const noRaster = l.raster ? '' : '<p class="small">rate network: no spikes to show in a raster (train with --neuron lif for spiking runs)</p>';
    sections.push(`<section class="run"><h3>${escapeHtml(m.name)}</h3>${runSummary(m)}${noRaster}${figs.join('')}</section>`);
  }
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>ffsnn report: ${escapeHtml(s.dataset)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<style>${CSS}</style></head>
<body>
<h1>ffsnn plausibility report</h1>
<p>Dataset <b>${escapeHtml(s.dataset)}</b>; runs: ${s.runs.map((m) => `<b>${escapeHtml(m.name)}</b> (${escapeHtml(`${m.rule} ${m.neuron}, fraction ${m.train_fraction}`)})`).join(', ')}.</p>
<p class="small">Generated by <code>${escapeHtml(command)}</code>. FAUST runs are judged against the BP run of the same neuron mode and training fraction; each verdict rule is written beside its claim in src/eval/claims/claims.ts.</p>
<h2>Claims</h2>
${claimsTable(s)}
<h2>All runs</h2>
${top}
<h2>Each run</h2>
${sections.join('\n')}
</body></html>
`;
  return { html, plots: all };
}
