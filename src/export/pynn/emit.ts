// SPDX-License-Identifier: MIT
/**
 * PyNN export: a Python script plus a JSON sidecar holding the data. The script builds the network
 * with standard `IF_curr_exp` populations (PyNN units: ms, nF, mV, nA) and `FromListConnector`
 * projections (weight nA, delay ms), presents one input as `SpikeSourceArray`s and prints the
 * spike count of every population as JSON. `python3 net.py --backend NAME` imports `pyNN.NAME`
 * (default `spiNNaker`).
 *
 * Cells come from `spinnakerCell` (the IF_curr_exp whose per-step dynamics equal the population's);
 * weights are the IR's voltage-equivalent weights times that cell's kappa, quantised to sPyNNaker's
 * uint16 << shift when a SpiNNaker profile is given. Signs follow PyNN: inhibitory weights negative
 * on the `inhibitory` receptor. A delay of d steps is (d + 1) * dt ms (PyNN's minimum is dt). A
 * projection bias rides on a `SpikeSourceArray` that fires every step.
 * Within sPyNNaker's limits: IF_curr_exp, <= 256 neurons per core (sPyNNaker splits larger
 * populations itself), delays within the profile's range (checked by the mapper).
 */
import { ExportError } from '../../errors.js';
import type { NetworkIR } from '../../ir/ir.js';
import { checkNetwork } from '../../ir/simulate.js';
import { augmentedWeights, linearDynamics, spinnakerCell, type QuantizedNetwork } from '../../chips/quantize.js';

export interface PynnData {
  format: 'ffsnn-pynn';
  version: 1;
  name: string;
  dt: number;
  steps: number;
  populations: { label: string; size: number; kind: 'input' | 'bias' | 'IF_curr_exp'; cell?: Record<string, number>; spikeTimes?: number[][] }[];
  projections: { label: string; pre: string; post: string; receptor: 'excitatory' | 'inhibitory'; connections: [number, number, number, number][] }[];
}

/** Builds the sidecar data; `input[t][i]` is the presented input (non-zero = spike at step t). */
export function pynnData(net: NetworkIR, input: Float64Array[], q?: QuantizedNetwork): PynnData {
  const pops = checkNetwork(net);
  if (!(net.dt > 0)) throw new ExportError('PyNN export needs a spiking network (dt > 0)');
  if (q && q.format !== 'spinnaker-u16-shift') throw new ExportError(`PyNN export quantises for SpiNNaker profiles only (got '${q.profile}')`);
  const dt = net.dt;
  const data: PynnData = { format: 'ffsnn-pynn', version: 1, name: net.name, dt, steps: input.length, populations: [], projections: [] };
  const kappa = new Map<string, number>();
  for (const p of net.populations) {
    if (p.model === 'Input') {
      const times: number[][] = Array.from({ length: p.size }, () => []);
      input.forEach((frame, t) => frame.forEach((x, i) => x !== 0 && times[i].push(+((t + 1) * dt).toFixed(6))));
      data.populations.push({ label: p.name, size: p.size, kind: 'input', spikeTimes: times });
      continue;
    }
    const cell = spinnakerCell(p, dt, linearDynamics(p, dt));
    kappa.set(p.name, cell.kappa);
    const { ts: _ts, ...params } = cell.params;
    data.populations.push({ label: p.name, size: p.size, kind: 'IF_curr_exp', cell: params });
  }
  let biasSource = false;
  for (const pr of net.projections) {
    const nPre = pops.get(pr.pre)!.size;
    const nPost = pops.get(pr.post)!.size;
    const qp = q?.projections.find((x) => x.name === pr.name);
    const { w, cols, biasColumn } = augmentedWeights(pr, nPre, nPost);
    const k = kappa.get(pr.post)!;
    const value = (j: number, i: number): number => {
      if (!qp?.spinnaker) return w[j * cols + i] * k;
      const v = qp.spinnaker.ints[j * cols + i];
      return (v * 2 ** (v >= 0 ? qp.spinnaker.shiftExc : qp.spinnaker.shiftInh)) / 2 ** 15;
    };
    const delay = +((pr.delaySteps + 1) * dt).toFixed(6);
    const exc: [number, number, number, number][] = [];
    const inh: [number, number, number, number][] = [];
    const biasExc: [number, number, number, number][] = [];
    const biasInh: [number, number, number, number][] = [];
    for (let j = 0; j < nPost; j++) {
      for (let i = 0; i < nPre; i++) {
        const v = value(j, i);
        if (v > 0) exc.push([i, j, v, delay]);
        else if (v < 0) inh.push([i, j, v, delay]);
      }
      if (biasColumn) {
        const v = value(j, nPre);
        if (v > 0) biasExc.push([0, j, v, delay]);
        else if (v < 0) biasInh.push([0, j, v, delay]);
      }
    }
    if (exc.length) data.projections.push({ label: `${pr.name}:exc`, pre: pr.pre, post: pr.post, receptor: 'excitatory', connections: exc });
    if (inh.length) data.projections.push({ label: `${pr.name}:inh`, pre: pr.pre, post: pr.post, receptor: 'inhibitory', connections: inh });
    if (biasColumn) {
      biasSource = true;
      if (biasExc.length) data.projections.push({ label: `${pr.name}:bias-exc`, pre: 'bias', post: pr.post, receptor: 'excitatory', connections: biasExc });
      if (biasInh.length) data.projections.push({ label: `${pr.name}:bias-inh`, pre: 'bias', post: pr.post, receptor: 'inhibitory', connections: biasInh });
    }
  }
  if (biasSource)
    data.populations.unshift({ label: 'bias', size: 1, kind: 'bias', spikeTimes: [Array.from({ length: input.length }, (_, t) => +((t + 1) * dt).toFixed(6))] });
  return data;
}

/** The script; it reads the sidecar named `dataFile` from its own folder unless --data is given. */
export function pynnScript(dataFile: string): string {
  return `#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Generated by ffsnn: builds the network with PyNN standard cells from ${dataFile},
# presents the stored input once and prints the spike count of every population as JSON.
# usage: python3 net.py [--backend NAME] [--data FILE]   (NAME: spiNNaker (default), nest, brian2, mock, ...)
import argparse
import importlib
import json
import os
import sys

parser = argparse.ArgumentParser(description="ffsnn PyNN export")
parser.add_argument("--backend", default="spiNNaker", help="PyNN backend module: pyNN.<backend>")
parser.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ${JSON.stringify(dataFile)}))
args = parser.parse_args()
try:
    sim = importlib.import_module("pyNN." + args.backend)
except ImportError as err:
    sys.exit("cannot load PyNN backend pyNN.%s: %s" % (args.backend, err))
with open(args.data) as fh:
    d = json.load(fh)
if d.get("format") != "ffsnn-pynn" or d.get("version") != 1:
    sys.exit("%s: not an ffsnn PyNN sidecar (format/version)" % args.data)

sim.setup(timestep=d["dt"], min_delay=d["dt"])
if args.backend == "spiNNaker" and hasattr(sim, "set_number_of_neurons_per_core"):
    sim.set_number_of_neurons_per_core(sim.IF_curr_exp, 256)
pops = {}
for p in d["populations"]:
    if p["kind"] in ("input", "bias"):
        cell = sim.SpikeSourceArray(spike_times=p["spikeTimes"])
    else:
        cell = sim.IF_curr_exp(**p["cell"])
    pop = sim.Population(p["size"], cell, label=p["label"])
    if p["kind"] == "IF_curr_exp":
        pop.initialize(v=p["cell"]["v_rest"])
    pop.record("spikes")
    pops[p["label"]] = pop
for pr in d["projections"]:
    conns = [tuple(c) for c in pr["connections"]]
    sim.Projection(pops[pr["pre"]], pops[pr["post"]], sim.FromListConnector(conns, column_names=["weight", "delay"]),
                   synapse_type=sim.StaticSynapse(), receptor_type=pr["receptor"], label=pr["label"])
sim.run((d["steps"] + 1) * d["dt"])
counts = {}
for label, pop in pops.items():
    trains = pop.get_data("spikes").segments[0].spiketrains
    counts[label] = int(sum(len(st) for st in trains))
sim.end()
print(json.dumps({"backend": args.backend, "spike_counts": counts}))
`;
}
