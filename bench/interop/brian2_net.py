#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs an ffsnn network of LIF populations in Brian2 on an input raster; writes the spikes.

usage: brian2_net.py NET.json OUT.json

NET.json (written by bench/interop/brian2.ts from the IR): dt_ms, steps, input {name, size,
raster [[t, i], ...]}, populations [{name, size, params (ffsnn LIF: tauMem, tauSynE, tauSynI,
vRest, vReset, vTh, tRef in ms/mV)}], projections [{pre, post, receptor, delay_steps, i, j, w,
bias}]. Brian2 runs ffsnn's LIF equations with method='exact' (numpy target). Brian2's schedule
(groups, thresholds, synapses, resets) delivers a spike of step t with delay d*dt after the state
update of step t+d, i.e. to the update of step t+d+1: ffsnn's one step per projection. A bias is
added to the synaptic current at the start of every step, as ffsnn does. OUT.json: {population:
{"i": [...], "t": [steps...]}}.
"""
import json
import os
import sys

os.environ.setdefault("PYTHONWARNINGS", "ignore")
import numpy as np  # noqa: E402
from brian2 import (NeuronGroup, Network, SpikeGeneratorGroup, SpikeMonitor, Synapses,  # noqa: E402
                    defaultclock, ms, mV, prefs)

prefs.codegen.target = "numpy"
spec = json.load(open(sys.argv[1]))
dt = spec["dt_ms"] * ms
defaultclock.dt = dt
inp = spec["input"]
ev = np.array(inp["raster"], dtype=int).reshape(-1, 2)
groups = {inp["name"]: SpikeGeneratorGroup(inp["size"], ev[:, 1], ev[:, 0] * dt)}
objects = list(groups.values())
eqs = """
dv/dt = (vRest - v + ge + gi) / tauMem : volt (unless refractory)
dge/dt = -ge / tauSynE : volt
dgi/dt = -gi / tauSynI : volt
bias_e : volt
tauMem : second (constant)
tauSynE : second (constant)
tauSynI : second (constant)
vRest : volt (constant)
"""
for p in spec["populations"]:
    q = p["params"]
    g = NeuronGroup(p["size"], eqs, threshold="v > %r*mV" % q["vTh"], reset="v = %r*mV" % q["vReset"],
                    refractory=q["tRef"] * ms, method="exact", name=p["name"].replace("-", "_"))
    g.tauMem, g.tauSynE, g.tauSynI = q["tauMem"] * ms, q["tauSynE"] * ms, q["tauSynI"] * ms
    g.vRest = q["vRest"] * mV
    g.v = q["vReset"] * mV
    groups[p["name"]] = g
    objects.append(g)
for k, pr in enumerate(spec["projections"]):
    target = "gi" if pr["receptor"] == "inh" else "ge"
    post = groups[pr["post"]]
    s = Synapses(groups[pr["pre"]], post, "w : volt", on_pre=f"{target}_post += w", name=f"proj{k}")
    s.connect(i=np.array(pr["i"], dtype=int), j=np.array(pr["j"], dtype=int))
    s.w = np.array(pr["w"]) * mV
    s.delay = pr["delay_steps"] * dt
    objects.append(s)
    if pr.get("bias"):
        post.bias_e = post.bias_e + np.array(pr["bias"]) * mV
for name, g in groups.items():
    if name != inp["name"] and np.any(g.bias_e[:] != 0 * mV):
        objects.append(g.run_regularly("ge += bias_e", when="start"))
mons = {name: SpikeMonitor(g) for name, g in groups.items() if name != inp["name"]}
net = Network(*objects, *mons.values())
net.run(spec["steps"] * dt)
out = {name: {"i": m.i[:].tolist(), "t": np.round(m.t[:] / dt).astype(int).tolist()} for name, m in mons.items()}
json.dump(out, open(sys.argv[2], "w"))
