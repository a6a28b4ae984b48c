// SPDX-License-Identifier: MIT
/**
 * The claims scorecard: each claim of the FAUST paper (arXiv 2509.08697) or open question it
 * raises, the measurement that tests it, the figure of every run and a verdict. Each verdict rule
 * is the `judge` function written next to its claim (and summarised in `rule`), so a reader can
 * disagree with it. FAUST runs are the subject; BP runs are the baseline, paired with the FAUST run
 * of the same neuron mode and training fraction; FF and STDP runs are shown for comparison.
 */
import type { RunMeasurement } from './measure.js';
import { LEVELS, type Perturbation } from './robustness.js';

export type Verdict = 'supported' | 'not supported' | 'mixed' | 'not measurable here';

export interface Figure {
  run: string;
  value: number | boolean | null;
  text: string;
}

export interface ClaimResult {
  id: string;
  claim: string;
  measurement: string;
  rule: string;
  figures: Figure[];
  verdict: Verdict;
  reason: string;
}

interface Pair {
  faust: RunMeasurement;
  bp: RunMeasurement;
}

interface Claim {
  id: string;
  claim: string;
  measurement: string;
  rule: string;
  figure(m: RunMeasurement): { value: number | boolean | null; text: string };
  judge(ms: RunMeasurement[]): { verdict: Verdict; reason: string };
}

const pct = (v: number) => `${(100 * v).toFixed(2)} %`;
const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: d }) : 'n/a');
const faustRuns = (ms: RunMeasurement[]) => ms.filter((m) => m.rule === 'faust');

/** FAUST and BP runs with the same neuron mode and training fraction. */
export function pairs(ms: RunMeasurement[], only?: (m: RunMeasurement) => boolean): Pair[] {
  const out: Pair[] = [];
  for (const f of faustRuns(ms)) {
    if (only && !only(f)) continue;
    const bp = ms.find((b) => b.rule === 'bp' && b.neuron === f.neuron && b.train_fraction === f.train_fraction && (!only || only(b)));
    if (bp) out.push({ faust: f, bp });
  }
  return out;
}

const label = (p: Pair) => `${p.faust.name} vs ${p.bp.name}`;

/**
 * Verdict from a per-pair test: supported when it holds for every pair, not supported when it
 * fails for every pair, mixed otherwise; not measurable without a pair.
 */
function overPairs(ps: Pair[], holds: (p: Pair) => boolean | null, what: string, missing: string): { verdict: Verdict; reason: string } {
  const judged = ps.map((p) => ({ p, ok: holds(p) })).filter((j) => j.ok !== null);
  if (judged.length === 0) return { verdict: 'not measurable here', reason: missing };
  const yes = judged.filter((j) => j.ok).map((j) => label(j.p));
  const no = judged.filter((j) => !j.ok).map((j) => label(j.p));
  if (no.length === 0) return { verdict: 'supported', reason: `${what} holds for ${yes.join('; ')}` };
  if (yes.length === 0) return { verdict: 'not supported', reason: `${what} fails for ${no.join('; ')}` };
  return { verdict: 'mixed', reason: `${what} holds for ${yes.join('; ')}; fails for ${no.join('; ')}` };
}

/** Verdict of a property every FAUST run must have. */
function everyFaust(ms: RunMeasurement[], holds: (m: RunMeasurement) => boolean, what: string): { verdict: Verdict; reason: string } {
  const fs = faustRuns(ms);
  if (fs.length === 0) return { verdict: 'not measurable here', reason: 'no FAUST run given' };
  const bad = fs.filter((m) => !holds(m)).map((m) => m.name);
  const contrast = ms.filter((m) => m.rule !== 'faust' && !holds(m)).map((m) => m.name);
  const c = contrast.length ? `; not so for ${contrast.join(', ')}` : '';
  if (bad.length === 0) return { verdict: 'supported', reason: `${what} in every FAUST run (${fs.map((m) => m.name).join(', ')})${c}` };
  if (bad.length === fs.length) return { verdict: 'not supported', reason: `not ${what} in ${bad.join(', ')}` };
  return { verdict: 'mixed', reason: `not ${what} in ${bad.join(', ')}` };
}

const NO_BP = 'needs a FAUST run and a BP run with the same neuron mode and training fraction';

/** Mean accuracy retained (noisy / clean) over the levels of the given perturbations. */
export function retention(m: RunMeasurement, kinds: Perturbation[]): number {
  const r = m.robustness;
  const v = kinds.flatMap((k) => r.accuracy[k].map((a) => (r.clean > 0 ? a / r.clean : 0)));
  return v.reduce((a, b) => a + b, 0) / v.length;
}

function robustnessClaim(id: string, kinds: Perturbation[], what: string): Claim {
  const levels = kinds.map((k) => `${k} ${LEVELS[k].join('/')}`).join(', ');
  return {
    id,
    claim: `FAUST is at least as robust as BP to ${what} (the paper's open question)`,
    measurement: `test accuracy under ${levels}, as the mean share of the clean accuracy kept over the levels (same samples and encoding)`,
    rule: 'supported when, in every FAUST/BP pair, FAUST keeps at least BP\'s share minus 1 point; not supported when it keeps less in every pair; mixed otherwise',
    figure: (m) => {
      const v = retention(m, kinds);
      return { value: v, text: `${pct(v)} kept (${kinds.map((k) => m.robustness.accuracy[k].map(pct).join(' / ')).join('; ')})` };
    },
    judge: (ms) => overPairs(pairs(ms), (p) => retention(p.faust, kinds) >= retention(p.bp, kinds) - 0.01, 'FAUST keeps >= BP - 1 pt', NO_BP),
  };
}

const lastHidden = (m: RunMeasurement) => m.representations[m.representations.length - 1];

/** Every claim, in the order of the table. */
export const CLAIMS: Claim[] = [
  {
    id: 'accuracy',
    claim: 'FAUST nearly matches BP\'s test accuracy',
    measurement: 'test accuracy on the whole test split (ffsnn evaluate)',
    rule: 'gap = BP - FAUST per pair (same neuron mode, same training fraction); supported when every gap <= 2 points, not supported when every gap > 2 points, mixed otherwise',
    figure: (m) => ({ value: m.accuracy, text: pct(m.accuracy) }),
    judge: (ms) => overPairs(pairs(ms), (p) => p.bp.accuracy - p.faust.accuracy <= 0.02, 'gap <= 2 points', NO_BP),
  },
  {
    id: 'convergence',
    claim: 'FAUST converges faster than BP',
    measurement: 'epochs to reach 95 % of the run\'s final test accuracy (from the per-epoch history)',
    rule: 'supported when FAUST needs fewer epochs than BP in every pair; not supported when it needs as many or more in every pair (a tie is not faster: the figure cannot resolve less than an epoch); mixed otherwise',
    figure: (m) => ({ value: m.epochs_to_95pct_of_final, text: `${m.epochs_to_95pct_of_final ?? 'n/a'} of ${m.epochs}` }),
    judge: (ms) =>
      overPairs(
        pairs(ms),
        (p) => (p.faust.epochs_to_95pct_of_final === null || p.bp.epochs_to_95pct_of_final === null ? null : p.faust.epochs_to_95pct_of_final < p.bp.epochs_to_95pct_of_final),
        'FAUST needs fewer epochs',
        NO_BP,
      ),
  },
  {
    id: 'sample-efficiency',
    claim: 'FAUST needs fewer training samples than BP',
    measurement: 'accuracy at a reduced training fraction as a share of the same rule\'s full-data accuracy',
    rule: 'for each fraction < 1 where FAUST and BP ran at that fraction and at 1 (same neuron mode): supported when FAUST keeps at least BP\'s share in every case, not supported when less in every case, mixed otherwise',
    figure: (m) => ({ value: m.train_fraction, text: `fraction ${m.train_fraction} (${m.train_samples} samples): ${pct(m.accuracy)}` }),
    judge: (ms) => {
      const full = (m: RunMeasurement) => ms.find((o) => o.rule === m.rule && o.neuron === m.neuron && o.train_fraction === 1);
      const ps = pairs(ms, (m) => m.train_fraction < 1).filter((p) => full(p.faust) && full(p.bp));
      const share = (m: RunMeasurement) => m.accuracy / full(m)!.accuracy;
      const v = overPairs(ps, (p) => share(p.faust) >= share(p.bp), 'FAUST keeps >= BP\'s share of its full-data accuracy', 'needs FAUST and BP runs at a fraction < 1 and at 1 (train --train-fraction F)');
      const detail = ps.map((p) => `${p.faust.train_fraction}: FAUST keeps ${pct(share(p.faust))}, BP ${pct(share(p.bp))}`).join('; ');
      return detail ? { ...v, reason: `${v.reason} (${detail})` } : v;
    },
  },
  {
    id: 'single-pass',
    claim: 'FAUST infers in a single forward pass',
    measurement: 'forward passes per inference (ffsnn evaluate)',
    rule: 'supported when every FAUST run needs exactly one pass; not supported otherwise',
    figure: (m) => ({ value: m.inference.passes, text: `${m.inference.passes} pass${m.inference.passes > 1 ? 'es' : ''} x ${m.inference.time_steps} step${m.inference.time_steps > 1 ? 's' : ''}` }),
    judge: (ms) => everyFaust(ms, (m) => m.inference.passes === 1, 'one pass per inference'),
  },
  {
    id: 'inference-cost',
    claim: 'FAUST\'s inference costs no more synaptic events than BP\'s',
    measurement: 'synaptic events (input events x fan-out, all projections, all passes) and spikes per inference on the whole test split',
    rule: 'supported when FAUST has <= BP\'s synaptic events per inference in every pair; not supported when more in every pair; mixed otherwise',
    figure: (m) => ({ value: m.inference.synaptic_events, text: `${fmt(m.inference.synaptic_events, 0)} synaptic events, ${fmt(m.inference.spikes)} ${m.neuron === 'lif' ? 'spikes' : 'nonzero outputs'}` }),
    judge: (ms) => overPairs(pairs(ms), (p) => p.faust.inference.synaptic_events <= p.bp.inference.synaptic_events, 'FAUST <= BP synaptic events', NO_BP),
  },
  {
    id: 'latency',
    claim: 'FAUST decides no later than BP (spiking)',
    measurement: 'mean time step from which the running argmax of the class scores stays final',
    rule: 'spiking pairs only; supported when FAUST\'s mean latency <= BP\'s in every pair, not supported when later in every pair, mixed otherwise',
    figure: (m) => (m.inference.latency ? { value: m.inference.latency.mean_steps, text: `${fmt(m.inference.latency.mean_steps, 2)} of ${m.inference.latency.steps} steps` } : { value: null, text: 'rate network: no time steps' }),
    judge: (ms) =>
      overPairs(
        pairs(ms, (m) => m.neuron === 'lif'),
        (p) => p.faust.inference.latency!.mean_steps <= p.bp.inference.latency!.mean_steps,
        'FAUST decides no later',
        'needs spiking FAUST and BP runs with the same training fraction',
      ),
  },
  {
    id: 'weight-transport',
    claim: 'FAUST needs no weight transport',
    measurement: 'recorded reads of \'syn.w.transposed\' during training (locality audit)',
    rule: 'supported when no FAUST run read another layer\'s weights backwards',
    figure: (m) => ({ value: m.locality.weight_transport, text: m.locality.weight_transport ? 'yes (reads syn.w.transposed)' : 'no' }),
    judge: (ms) => everyFaust(ms, (m) => !m.locality.weight_transport, 'no weight transport'),
  },
  {
    id: 'non-local-error',
    claim: 'FAUST uses no non-local error signal',
    measurement: 'recorded reads of \'other.layers\' during training',
    rule: 'supported when no FAUST run read another layer\'s activity or error',
    figure: (m) => ({ value: m.locality.non_local_error, text: m.locality.non_local_error ? 'yes (reads other.layers)' : 'no' }),
    judge: (ms) => everyFaust(ms, (m) => !m.locality.non_local_error, 'no non-local error'),
  },
  {
    id: 'backward-locking',
    claim: 'FAUST has no backward locking',
    measurement: 'can layer l update before layer l+1 has computed? (no when its update reads other layers)',
    rule: 'supported when every FAUST layer updates from its own signals only',
    figure: (m) => ({ value: m.locality.backward_locking, text: m.locality.backward_locking ? 'locked' : 'not locked' }),
    judge: (ms) => everyFaust(ms, (m) => !m.locality.backward_locking, 'no backward locking'),
  },
  {
    id: 'phases',
    claim: 'FAUST learns in one phase per sample',
    measurement: 'passes per training sample: forward, + negative phase (reads global.phase), + backward (reads other.layers)',
    rule: 'supported when every FAUST run needs one phase',
    figure: (m) => ({ value: m.locality.phases_per_sample, text: String(m.locality.phases_per_sample) }),
    judge: (ms) => everyFaust(ms, (m) => m.locality.phases_per_sample === 1, 'one phase per sample'),
  },
  {
    id: 'storage',
    claim: 'FAUST needs less learning state per neuron than BP',
    measurement: 'values a neuron and a synapse hold for learning beyond weight and dynamics, from the recorded reads (traces, eligibility, prototypes, backward-pass history)',
    rule: 'supported when FAUST\'s per-neuron state < BP\'s in every pair; not supported when >= in every pair; mixed otherwise (per-synapse state is shown, not judged)',
    figure: (m) => ({ value: m.locality.storage_per_neuron, text: `${m.locality.storage_per_neuron} / neuron, ${m.locality.storage_per_synapse} / synapse` }),
    judge: (ms) => overPairs(pairs(ms), (p) => p.faust.locality.storage_per_neuron < p.bp.locality.storage_per_neuron, 'FAUST holds fewer values per neuron', NO_BP),
  },
  {
    id: 'precision',
    claim: 'FAUST keeps its accuracy at chip precision',
    measurement: 'bit-accurate quantised accuracy vs float on the same samples and encoded inputs, every profile the network fits',
    rule: 'spiking FAUST runs only; supported when the drop is <= 1 point on every fitting profile, not supported when > 1 point on every one, mixed otherwise',
    figure: (m) => {
      const q = (m.hardware ?? []).filter((h) => h.quantized_accuracy !== null);
      if (!m.hardware) return { value: null, text: 'rate network: not mapped' };
      return { value: q.length ? Math.max(...q.map((h) => h.float_accuracy! - h.quantized_accuracy!)) : null, text: q.map((h) => `${h.profile} ${pct(h.quantized_accuracy!)} vs ${pct(h.float_accuracy!)}`).join('; ') || 'fits no profile' };
    },
    judge: (ms) => {
      const cases = faustRuns(ms).flatMap((m) => (m.hardware ?? []).filter((h) => h.quantized_accuracy !== null).map((h) => ({ m, h, ok: h.float_accuracy! - h.quantized_accuracy! <= 0.01 })));
      if (cases.length === 0) return { verdict: 'not measurable here', reason: 'needs a spiking FAUST run that fits a profile (rate networks do not map onto the chips)' };
      const bad = cases.filter((c) => !c.ok).map((c) => `${c.m.name} on ${c.h.profile}`);
      const n = cases[0].h.samples;
      if (bad.length === 0) return { verdict: 'supported', reason: `drop <= 1 point on ${cases.map((c) => `${c.m.name}/${c.h.profile}`).join(', ')} (${n} samples each)` };
      return { verdict: bad.length === cases.length ? 'not supported' : 'mixed', reason: `drop > 1 point on ${bad.join(', ')} (${n} samples each)` };
    },
  },
  {
    id: 'energy',
    claim: 'FAUST costs less energy per inference on chip than BP',
    measurement: 'energy per inference from the profile\'s per-operation figures and measured spike counts (ffsnn map), per fitting profile with known figures',
    rule: 'spiking pairs only; supported when FAUST < BP on every profile where both have an estimate, not supported when >= on every one, mixed otherwise',
    figure: (m) =>
      m.hardware
        ? { value: null, text: m.hardware.map((h) => `${h.profile} ${h.fits ? (h.energy_uJ_per_inference === null ? 'unknown' : `${fmt(h.energy_uJ_per_inference, 2)} uJ`) : 'does not fit'}`).join('; ') }
        : { value: null, text: 'rate network: not mapped' },
    judge: (ms) => {
      const cases = pairs(ms, (m) => m.neuron === 'lif').flatMap((p) =>
        p.faust.hardware!.flatMap((hf) => {
          const hb = p.bp.hardware!.find((h) => h.profile === hf.profile);
          return hf.energy_uJ_per_inference !== null && hb?.energy_uJ_per_inference != null && hf.fits && hb.fits ? [{ what: `${label(p)} on ${hf.profile}`, ok: hf.energy_uJ_per_inference < hb.energy_uJ_per_inference }] : [];
        }),
      );
      if (cases.length === 0) return { verdict: 'not measurable here', reason: 'needs spiking FAUST and BP runs (same fraction) that fit a profile with known energy figures; no on-chip learning runs, so no energy per learning sample' };
      const yes = cases.filter((c) => c.ok).map((c) => c.what);
      const no = cases.filter((c) => !c.ok).map((c) => c.what);
      const verdict: Verdict = no.length === 0 ? 'supported' : yes.length === 0 ? 'not supported' : 'mixed';
      return { verdict, reason: `${yes.length ? `less on ${yes.join(', ')}` : ''}${yes.length && no.length ? '; ' : ''}${no.length ? `not less on ${no.join(', ')}` : ''}` };
    },
  },
  robustnessClaim('robust-input-noise', ['gaussian', 'salt-pepper'], 'input noise (Gaussian, salt-and-pepper)'),
  robustnessClaim('robust-weight-noise', ['weight'], 'synaptic weight noise'),
  robustnessClaim('robust-dropped-spikes', ['drop'], 'dropped spikes (events)'),
  {
    id: 'class-separation',
    claim: 'FAUST\'s last hidden layer separates classes at least as well as BP\'s',
    measurement: 'mean cosine similarity same-class minus other-class, last hidden layer, test samples',
    rule: 'supported when FAUST\'s separation >= BP\'s in every pair, not supported when lower in every pair, mixed otherwise',
    figure: (m) => {
      const r = lastHidden(m);
      return r ? { value: r.same_class_cosine - r.other_class_cosine, text: `${r.layer}: same ${fmt(r.same_class_cosine, 3)}, other ${fmt(r.other_class_cosine, 3)}` } : { value: null, text: 'no hidden layer' };
    },
    judge: (ms) => {
      const sep = (m: RunMeasurement) => lastHidden(m).same_class_cosine - lastHidden(m).other_class_cosine;
      return overPairs(pairs(ms), (p) => (lastHidden(p.faust) && lastHidden(p.bp) ? sep(p.faust) >= sep(p.bp) : null), 'FAUST separation >= BP\'s', NO_BP);
    },
  },
  {
    id: 'linear-probe',
    claim: 'FAUST\'s hidden layers are at least as linearly decodable as BP\'s',
    measurement: 'accuracy of a ridge-regression linear probe per hidden layer (fitted on training samples, scored on test samples)',
    rule: 'compares the best hidden layer of each; supported when FAUST >= BP - 1 point in every pair, not supported when lower in every pair, mixed otherwise',
    figure: (m) => ({ value: Math.max(...m.representations.map((r) => r.probe_accuracy)), text: m.representations.map((r) => `${r.layer} ${pct(r.probe_accuracy)}`).join(', ') }),
    judge: (ms) => {
      const best = (m: RunMeasurement) => Math.max(...m.representations.map((r) => r.probe_accuracy));
      return overPairs(pairs(ms), (p) => best(p.faust) >= best(p.bp) - 0.01, 'FAUST probe >= BP - 1 pt', NO_BP);
    },
  },
];

export function judgeClaims(ms: RunMeasurement[]): ClaimResult[] {
  return CLAIMS.map((c) => {
    const figures = ms.map((m) => ({ run: m.name, ...c.figure(m) }));
    return { id: c.id, claim: c.claim, measurement: c.measurement, rule: c.rule, figures, ...c.judge(ms) };
  });
}
