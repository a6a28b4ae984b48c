// SPDX-License-Identifier: MIT
/**
 * The report's plots as Vega-Lite specs, rendered to SVG at generation time (vega's headless
 * renderer, no browser, no canvas), so the page shows them without any script.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { RunMeasurement } from '../claims/measure.js';
import { LEVELS, type Perturbation } from '../claims/robustness.js';
import type { Looks } from './looks.js';

type Spec = Record<string, unknown>;

const CONFIG = { font: 'sans-serif', view: { stroke: '#ccc' }, axis: { labelFontSize: 10, titleFontSize: 11 }, legend: { labelFontSize: 10 } };

/** Rounds the coordinates in path data and transforms to 0.1 px (a raster or scatter is mostly coordinates). */
export function compactSvg(svg: string): string {
  return svg.replace(/ (d|transform)="([^"]*)"/g, (_, attr: string, v: string) => ` ${attr}="${v.replace(/-?\d+\.\d+/g, (num) => String(Math.round(Number(num) * 10) / 10))}"`);
}

/** Compiles a Vega-Lite spec and renders it to an SVG string. */
export async function renderSvg(spec: Spec): Promise<string> {
  const compiled = vl.compile({ $schema: 'https://vega.github.io/schema/vega-lite/v5.json', config: CONFIG, ...spec } as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return compactSvg(await view.toSVG());
  } finally {
    view.finalize();
  }
}

export function learningCurves(ms: RunMeasurement[]): Spec {
  const values = ms.flatMap((m) =>
    m.history.flatMap((h) => [
      { run: m.name, epoch: h.epoch, metric: 'test accuracy', value: h.test_accuracy },
      { run: m.name, epoch: h.epoch, metric: 'training loss', value: h.loss },
    ]),
  );
  return {
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      column: { field: 'metric', type: 'nominal', title: null },
      x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', scale: { zero: false }, title: null },
      color: { field: 'run', type: 'nominal' },
    },
    width: 300,
    height: 200,
    resolve: { scale: { y: 'independent' } },
  };
}

export function robustnessPlot(ms: RunMeasurement[]): Spec {
  const values = ms.flatMap((m) =>
    (Object.keys(LEVELS) as Perturbation[]).flatMap((k) => [
      { run: m.name, kind: k, level: 0, accuracy: m.robustness.clean },
      ...LEVELS[k].map((level, i) => ({ run: m.name, kind: k, level, accuracy: m.robustness.accuracy[k][i] })),
    ]),
  );
  return {
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      column: { field: 'kind', type: 'nominal', title: 'perturbation (level: Gaussian sigma / flip probability / weight sigma x RMS / drop probability)' },
      x: { field: 'level', type: 'quantitative' },
      y: { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1] } },
      color: { field: 'run', type: 'nominal' },
    },
    width: 170,
    height: 170,
    resolve: { scale: { x: 'independent' } },
  };
}

/** Cores and energy per inference on each profile the spiking runs fit; null without a spiking run. */
export function hardwarePlot(ms: RunMeasurement[]): Spec | null {
  const values = ms.flatMap((m) => (m.hardware ?? []).filter((h) => h.fits).map((h) => ({ run: m.name, profile: h.profile, cores: h.cores, energy: h.energy_uJ_per_inference })));
  if (values.length === 0) return null;
  // energy spans four decades (Loihi ~20 uJ, SpiNNaker ~35 mJ): points on a log scale, as bars cannot start at 0 there
  const bars = (field: string, title: string, scale: Record<string, unknown>) => ({
    mark: scale.type === 'log' ? { type: 'point', filled: true, size: 80 } : 'bar',
    transform: [{ filter: `datum.${field} !== null` }],
    encoding: {
      x: { field: 'profile', type: 'nominal' },
      xOffset: { field: 'run', type: 'nominal' },
      y: { field, type: 'quantitative', title, scale },
      color: { field: 'run', type: 'nominal' },
    },
    width: 260,
    height: 180,
  });
  return { data: { values }, hconcat: [bars('cores', 'cores', {}), bars('energy', 'energy per inference (uJ, log scale)', { type: 'log' })] };
}

export function rasterPlot(l: Looks): Spec | null {
  if (!l.raster) return null;
  return {
    data: { values: l.raster },
    mark: { type: 'square', size: 3, opacity: 0.8 },
    encoding: {
      row: { field: 'layer', type: 'nominal', title: null, sort: { field: 'depth', op: 'min' } },
      column: { field: 'digit', type: 'nominal', title: null },
      x: { field: 't', type: 'quantitative', title: 'time step', scale: { domain: [-0.5, l.steps - 0.5] } },
      y: { field: 'neuron', type: 'quantitative', title: 'neuron' },
      color: { value: '#333' },
    },
    width: 170,
    height: 110,
    resolve: { scale: { y: 'independent' } },
  };
}

export function ratesPlot(l: Looks): Spec {
  return {
    data: { values: l.rates },
    mark: 'bar',
    encoding: {
      column: { field: 'layer', type: 'nominal', title: null },
      x: { field: 'rate', type: 'quantitative', bin: { maxbins: 30 }, title: l.rateUnit },
      y: { aggregate: 'count', type: 'quantitative', title: 'neurons' },
    },
    width: 220,
    height: 140,
  };
}

export function similarityPlot(m: RunMeasurement): Spec {
  const values = m.representations.flatMap((r) => r.similarity.flatMap((row, a) => row.map((cos, b) => ({ layer: r.layer, a: String(a), b: String(b), cos: Number.isFinite(cos) ? cos : null }))));
  return {
    data: { values },
    mark: 'rect',
    encoding: {
      column: { field: 'layer', type: 'nominal', title: 'mean cosine similarity between classes' },
      x: { field: 'b', type: 'ordinal', title: 'class' },
      y: { field: 'a', type: 'ordinal', title: 'class' },
      color: { field: 'cos', type: 'quantitative', scale: { scheme: 'viridis', domain: [0, 1] }, title: 'cosine' },
    },
    width: 170,
    height: 170,
  };
}

export function pcaPlot(l: Looks): Spec {
  return {
    data: { values: l.pca },
    mark: { type: 'circle', size: 14, opacity: 0.7 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: `PC1 (${(100 * l.pcaExplained[0]).toFixed(1)} % of variance)` },
      y: { field: 'y', type: 'quantitative', title: `PC2 (${(100 * l.pcaExplained[1]).toFixed(1)} %)` },
      color: { field: 'label', type: 'nominal', title: 'class', scale: { scheme: 'category10' } },
    },
    title: `PCA of ${l.pcaLayer}`,
    width: 240,
    height: 200,
  };
}

export function weightsPlot(l: Looks): Spec {
  return {
    data: { values: l.weights },
    mark: 'bar',
    encoding: {
      column: { field: 'projection', type: 'nominal', title: null, sort: null },
      x: { field: 'lo', type: 'quantitative', title: 'weight', bin: { binned: true } },
      x2: { field: 'hi' },
      y: { field: 'count', type: 'quantitative', title: 'synapses' },
    },
    width: 200,
    height: 130,
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}

export function confusionPlot(m: RunMeasurement): Spec {
  const values = m.confusion.flatMap((row, t) => row.map((count, p) => ({ truth: String(t), predicted: String(p), count })));
  return {
    data: { values },
    encoding: { x: { field: 'predicted', type: 'ordinal' }, y: { field: 'truth', type: 'ordinal', title: 'true class' } },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues', type: 'symlog' } } } },
      { mark: { type: 'text', fontSize: 8 }, encoding: { text: { field: 'count', type: 'quantitative' } } },
    ],
    title: 'confusion (test split)',
    width: 220,
    height: 220,
  };
}
